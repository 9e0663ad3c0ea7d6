"""Failure classes found by a fresh writer's questions over four new documents (bench/data/qa_voices9.jsonl), asked
here in other words: a person's name asked as 叫什么名字, a service's contact word (咨询电话) that names no detail,
a programme named by another city's document title asked of a city whose document is about something else, the
table row whose bracket holds the asker's own sum, 几个点 (percentage points) and 我们几个 (a few of us)."""

from __future__ import annotations

import pytest

from knowledge.answer import analyze, in_bracket, programme_gap
from knowledge.extract._text import to_number
from knowledge.kb import KnowledgeBase
from knowledge.qtype import classify, focus, standard
from tests.support.kb import DEV_KB_GROUP, dev_kb

pytestmark = DEV_KB_GROUP


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return dev_kb(tmp_path_factory, "kb9")


def test_a_name_asked_as_jiao_shenme_mingzi_is_a_person_question() -> None:
    question = standard("检测中心主任叫啥名字")
    assert classify(question).name == "person"  # type: ignore[union-attr]


def test_a_persons_name_the_section_never_gives_is_declined(kb: KnowledgeBase) -> None:
    answer = kb.ask("共享平台的负责人叫么名字", use_llm=False)
    assert not answer.answered and "资料里没有写明" in answer.answer


def test_a_services_contact_word_names_no_detail() -> None:
    question = standard("技术经纪人培训的咨询热线是好多")
    assert "咨询热线" not in focus(classify(question), question)


def test_another_citys_programme_named_by_its_title_is_a_gap() -> None:
    question = analyze("十堰有没有研发费用后补助", "十堰有没有研发费用后补助")
    titles = (["襄阳市科技型中小企业研发费用后补助实施办法（示例）"], [])
    assert programme_gap(question, "按购置研发设备金额的20%给予补助。", titles) == "十堰研发费用后补助的相关规定"
    same_city = ([], ["十堰市研发费用后补助办法"])  # the city's own other document: a matter of ranking, no gap
    assert programme_gap(question, "按购置研发设备金额的20%给予补助。", same_city) is None


def test_the_bracket_holding_the_askers_sum() -> None:
    assert in_bracket("研发投了八十来万", "- 50万元（含）至200万元：补助比例：8%")
    assert not in_bracket("研发投了八十来万", "- 200万元（含）至500万元：补助比例：6%")
    assert in_bracket("花了1200万", "- 500万元（含）以上：补助比例：5%")


def test_jige_dian_asks_percentage_points_and_women_jige_asks_no_count() -> None:
    assert "百分之几" in standard("按几个点补")
    assert classify(standard("我们几个还没注册公司，能报名吗")).name != "amount"  # type: ignore[union-attr]


def test_jiao_shenme_mingzi_of_a_thing_asks_its_name_not_a_person() -> None:
    kind = classify(standard("青年科技人才托举项目全称叫什么名字"))
    assert kind is None or kind.name != "person"
    assert classify(standard("联系人叫什么名字")).name == "person"  # type: ignore[union-attr]


def test_jige_dian_of_an_hour_is_no_percentage() -> None:
    assert "百分之几" not in standard("窗口几个点下班")
    assert "百分之几" not in standard("上午几个点开门")
    assert "百分之几" in standard("奖励按几个点算")


def test_title_boilerplate_alone_names_no_programme() -> None:
    titles: tuple[list[str], list[str]] = (["十堰市研发费用后补助实施办法（示例）", "随州市企业管理办法"], [])
    for text in ("襄阳的实施办法申报条件是什么", "襄阳有没有管理办法"):
        question = analyze(text, text)
        assert programme_gap(question, "按购置研发设备金额的20%给予补助。", titles) is None


def test_colloquial_trailing_digit_after_a_unit() -> None:
    assert [to_number(t) for t in ("两千五", "一百二", "三万五", "十二万", "三百四十五", "三百")] == \
        [2500.0, 120.0, 35000.0, 120000.0, 345.0, 300.0]
