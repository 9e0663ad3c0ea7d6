"""'只要…' as a topic edit only when topics follow; a partner's 和 is no part of its name; a college is no department;
English form words only as whole words, and a negated 'agree' is no agreeing (mendforms2)."""

from __future__ import annotations

import pytest

from handlers.kit.fields import _department
from knowledge.extract import extract_all, topic_changes
from knowledge.extract._text import normalize
from knowledge.extract.edits import ONLY, apply_topic_changes, dropped_topics


@pytest.mark.parametrize("text", ["我们厂只要一个懂PLC的工程师，能帮忙找吗", "只要价格合适都可以谈", "只要能解决焊接变形就行"])
def test_only_before_a_condition_is_no_topic_edit(text: str) -> None:
    """No '只要' change (and no free text as a topic) when what follows names no topic."""
    ops = topic_changes(text)
    assert ONLY not in ops and apply_topic_changes(["焊接", "热处理"], ops) == ["焊接", "热处理"]


def test_only_a_sector_keeps_the_topic_named_in_other_words() -> None:
    """'新能源的退订吧 只要汽车零部件' drops 新能源新材料 only: stored '汽车零部件' is the same industry."""
    ops = topic_changes("新能源的退订吧 只要汽车零部件")
    assert ops == ["-新能源", ONLY, "汽车及零部件"]
    assert dropped_topics(["新能源新材料", "汽车零部件"], ops) == ["新能源新材料"]
    assert apply_topic_changes(["新能源新材料", "汽车及零部件"], ops) == ["汽车及零部件"]
    assert apply_topic_changes(["焊接", "热处理"], topic_changes("只留焊接")) == ["焊接"]


@pytest.mark.parametrize(("name", "want"), [
    ("湖北文理学院", False), ("汉江师范学院", False), ("XX会计师事务所", False), ("襄阳职业技术学院", False),
    ("智能制造学院", True), ("机械工程学院", True), ("环境系", True), ("材料科学与工程学院", True),
])
def test_a_department_is_a_discipline_sub_unit(name: str, want: bool) -> None:
    """A discipline + 学院/系/所 is a department; a named institution is not."""
    assert _department(name) is want


def test_a_partner_after_we_and_has_no_leading_and() -> None:
    """'我们和襄阳华新科技有限公司合作…': the company name starts after 和."""
    assert extract_all("我们和襄阳华新科技有限公司合作做了一种秸秆可降解地膜")["company"] == "襄阳华新科技有限公司"
    assert extract_all("湖北和瑞科技有限公司")["company"] == "湖北和瑞科技有限公司"


@pytest.mark.parametrize(("text", "want"), [
    ("iPhone屏幕", "iPhone屏幕"), ("smartphone", "smartphone"), ("automobile parts", "automobile parts"),
    ("telegram群", "telegram群"), ("peoples", "peoples"), ("I don't agree", "I don't agree"),
    ("I do not confirm", "I do not confirm"), ("Agree", "同意"), ("tel 13800001111", "电话 13800001111"),
    ("2 people, me and my colleague 方涛", "2 个人, 我和我的 同事 方涛"),
])
def test_english_form_words_are_whole_words(text: str, want: str) -> None:
    """Only whole English form words read as Chinese; a negated agree/confirm stays as said."""
    assert normalize(text) == want
