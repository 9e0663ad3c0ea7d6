"""Two general failure classes found on fresh dev questions (bench/data/qa_voices9.jsonl and others), asked here in
other words: the one-character typo corrector rewrote plausible text (往上→网上, 升成→生成, 交材料→教材料,
打到→达到), and a question that opens with the asker's own situation (我们厂做了十几年铸件，…) was declined
because the situation's words, which no document can cover, diluted the coverage of the question itself."""

from __future__ import annotations

import pytest

from knowledge.kb import KnowledgeBase
from knowledge.qtype import situation_free
from tests.support.kb import DEV_KB_GROUP, dev_kb

pytestmark = DEV_KB_GROUP


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return dev_kb(tmp_path_factory, "plausible")


@pytest.mark.parametrize("text", ["补贴比例还能往上调吗", "孵化器明年要是升成国家级 奖多少", "可以自己交材料去窗口吗",
                                  "钱什么时候打到账户"])
def test_plausible_words_are_not_corrected(kb: KnowledgeBase, text: str) -> None:
    assert kb.index().corrector.correct(text) == text


@pytest.mark.parametrize(("typo", "fixed"), [("加计扣出的时间", "加计扣除的时间"), ("院土工作站在哪申报", "院士工作站在哪申报"),
                                             ("企业技术中新怎么认定", "企业技术中心怎么认定"), ("创新卷怎么领", "创新券怎么领")])
def test_real_typos_are_still_corrected(kb: KnowledgeBase, typo: str, fixed: str) -> None:
    assert kb.index().corrector.correct(typo) == fixed


def test_clauses_about_the_asker_are_context() -> None:
    assert situation_free("我们厂做了十几年铸件，申请院士专家工作站要满足什么条件") == "申请院士专家工作站要满足什么条件"
    assert situation_free("我想申请院士专家工作站，要满足什么条件") is None  # a wish carries the topic
    assert situation_free("院士专家工作站要满足什么条件") is None


def test_a_question_after_the_askers_situation_is_answered(kb: KnowledgeBase) -> None:
    answer = kb.ask("我们厂做了十几年铸件，申请院士专家工作站要满足什么条件", use_llm=False)
    assert answer.answered and "注册满2年" in answer.answer
