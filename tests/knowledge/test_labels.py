"""labelled_parts: a labelled field list splits by its labels; prose is left alone."""

from knowledge.extract import labelled_parts


def test_values_run_to_the_next_label() -> None:
    """A comma inside a value does not cut it; English labels open segments, Chinese ones take a colon."""
    assert labelled_parts("Title: 低成本, 高精度传感器, field 电子信息") == {"title": "低成本, 高精度传感器",
                                                                       "field": "电子信息"}
    assert labelled_parts("名称：秸秆、稻壳制地膜，领域：现代农业") == {"title": "秸秆、稻壳制地膜", "field": "现代农业"}
    assert labelled_parts("成果名称：X工艺；完成单位：Y研究院")["title"] == "X工艺"  # any label ends the value before it


def test_prose_has_no_labels() -> None:
    """Label words inside a sentence ('product name is', '领域是') are no labels."""
    assert labelled_parts("our product name is great, field test done") == {}
    assert labelled_parts("我们的成果是图像采集卡 领域是电子信息") == {}
