"""Failure classes found by a fresh writer's questions over five new documents (bench/data/qa_voices8.jsonl), asked
here in other words: a Q&A page whose questions are bold lines between rules (---), a notice closing with its annex
list and signature, a city typed in pinyin, a district's own grant on top of the city's, combining two grants when
the document never rules on it, colloquial money words (几个钱, 几块, 咋算) and a time limit asked as 多长时间内."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.cities import cities_in
from knowledge.kb import KnowledgeBase
from knowledge.qtype import BY_NAME, carries, classify, focus, standard
from tests.support.kb import DEV_KB_GROUP, dev_kb, sections_of

pytestmark = DEV_KB_GROUP

ROOT = Path(__file__).resolve().parents[2]

BOLD_QA = """# 示例创客空间认定问答（测试）

> 本文为测试用的虚构材料。

---

**问1：什么是创客空间？**

答：创客空间是为创业者提供工位和辅导的场所。

---

**问2：认定后给多少钱？**

答：一次性奖励6万元。

---
"""

SIGNED = """# 关于开展示例学会服务站建设的通知（测试）

## 一、时间安排

- 建站申请：2027年3月1日至4月30日；

## 二、联系方式

市科协学会部，电话0710-3000009。

附件：

1. 建站申请表

示例市科协
2027年2月1日
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return dev_kb(tmp_path_factory, "kb8")


def test_each_bold_question_between_rules_heads_its_own_answer() -> None:
    sections = sections_of(BOLD_QA, "bold_qa")
    assert sections["问2：认定后给多少钱？"] == "一次性奖励6万元。"  # not nested under 问1, no 答： and no ---
    assert not any("--" in text for text in sections.values())


def test_a_notice_closing_annex_and_signature_are_not_its_contact_section() -> None:
    sections = sections_of(SIGNED, "signed")
    assert sections["二、联系方式"] == "市科协学会部，电话0710-3000009。"
    assert "建站申请表" in sections["附件"] and sections["落款"].endswith("2027年2月1日")


def test_the_deadline_of_a_notice_is_its_schedule_not_its_signature_date(kb: KnowledgeBase) -> None:
    answer = kb.ask("十堰企业科协的组建申请最晚哪天交", use_llm=False)
    assert answer.answered and "5月31日" in answer.answer and "2月20日" not in answer.answer


def test_a_city_typed_in_pinyin_scopes_to_that_city(kb: KnowledgeBase) -> None:
    assert cities_in("shiyan qiye kexie 组建经费多少") == ["十堰"]
    answer = kb.ask("shiyan 新组建的企业科协 给多少组建经费", use_llm=False)
    assert answer.answered and "2万元" in answer.answer


def test_a_qa_page_answer_is_found_by_its_question(kb: KnowledgeBase) -> None:
    answer = kb.ask("我开了个个体户的小店，能不能申报市级科普教育基地", use_llm=False)
    assert answer.answered and "个体工商户不能申报" in answer.answer


@pytest.mark.parametrize("question", ["市级研发中心备案补助，枣阳自己另外还有配套没", "专利资助 宜城市再给多少"])
def test_a_districts_own_grant_the_document_never_names_is_declined(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered and "资料里没有写明" in answer.answer


def test_combining_grants_is_declined_when_the_document_never_rules_on_it(kb: KnowledgeBase) -> None:
    answer = kb.ask("科普基地的8万奖补跟学会服务站的经费能一起拿吗", use_llm=False)
    assert not answer.answered and "同时享受" in answer.answer
    stated = kb.ask("领过人社部门的职业技能培训补贴了，技术经纪人的培训补贴能不能一起领", use_llm=False)
    assert stated.answered and "重复享受" in stated.answer


def test_colloquial_money_words_ask_an_amount() -> None:
    assert standard("认定了给几个钱") == "认定了给多少钱"
    assert classify(standard("一个人头补几块")).name == "money"  # type: ignore[union-attr]
    assert classify("开放许可的奖励咋算的").name == "money"  # type: ignore[union-attr]
    question = standard("认定了给几个钱？以后升了省级呢")
    assert focus(classify(question), question) == ()  # the next clause's 以后 is not what the amount is of


def test_the_next_clause_is_not_the_focus_of_an_amount(kb: KnowledgeBase) -> None:
    answer = kb.ask("科普教育基地认定了给几个钱？以后升了省级呢", use_llm=False)
    assert answer.answered and "8万元" in answer.answer and "10万元" in answer.answer


def test_a_rate_asked_as_how_it_is_reckoned(kb: KnowledgeBase) -> None:
    answer = kb.ask("专利开放许可的奖励是咋算的", use_llm=False)
    assert answer.answered and "20%" in answer.answer


def test_a_time_limit_asked_within_is_the_limit_not_another_period(kb: KnowledgeBase) -> None:
    assert not carries(BY_NAME["date"], "须已取得初级结业证书满1年", "多长时间内要申请")
    answer = kb.ask("技术经纪人结业证书拿到手 多长时间以内得申请培训补贴", use_llm=False)
    assert answer.answered and "6个月" in answer.answer


@pytest.mark.parametrize(("question", "expected"), [
    ("加计扣除的其他相关费用有上限不", "10%"),  # 上限: 不得超过
    ("科技型中小企业评价 及格线是多少分", "60分"),  # 及格线: the 不低于 bar
    ("技术经纪人的执业奖励每年有上限没", "6万元"),
])
def test_a_bar_asked_in_everyday_words_is_the_documents_bound(kb: KnowledgeBase, question: str, expected: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert answer.answered and expected in answer.answer


@pytest.mark.parametrize("question", ["高企奖励一般都拿多少", "首次认定高企一般都拿多少奖励"])
def test_a_bare_dou_in_an_amount_question_is_no_combining_of_grants(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert answer.answered and "20万元" in answer.answer and "同时享受" not in answer.answer


def test_what_benefits_one_enjoys_is_no_combining_of_grants(kb: KnowledgeBase) -> None:
    answer = kb.ask("高企认定后都享受什么优惠", use_llm=False)
    assert "同时享受" not in answer.answer


@pytest.mark.parametrize("question", ["另外问一下，襄州区的企业能申报高企吗", "襄州区的企业自己可以申报高企吗"])
def test_a_passing_another_or_own_is_no_districts_own_grant(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert answer.answered and "注册成立满一年" in answer.answer and "襄州" not in answer.answer


BOLD_SECTIONS = """为支持本市企业开展技术创新活动，提升企业研发能力，现将示例企业技术中心认定的有关事项说明如下。
**申报条件**
（一）基本条件
在本市注册满一年。
（二）研发条件
研发投入占比不低于3%。
**支持政策**
（一）资金奖励
奖励10万元。
"""


def test_bold_section_headings_keep_their_sub_headings_under_them() -> None:
    sections = sections_of(BOLD_SECTIONS, "bold_sections")
    assert sections["申报条件 （二）研发条件"] == "研发投入占比不低于3%。"  # not under （一）基本条件
    assert not any(name.startswith("（一）基本条件") for name in sections)


CONTACT_LAST = """# 关于开展示例技术中心认定的通知（测试）

## 一、申报时间

2024年3月1日至4月30日。

## 八、联系方式

联系人：张三 0710-3456789

2024年3月1日
"""


def test_a_contact_line_above_the_date_is_the_contact_section_not_the_signature() -> None:
    sections = sections_of(CONTACT_LAST, "contact_last")
    assert sections["八、联系方式"] == "联系人：张三 0710-3456789"
    assert sections["落款"] == "2024年3月1日"
