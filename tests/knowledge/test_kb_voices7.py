"""Failure classes found by a fresh writer's questions over the dev documents (bench/data/qa_voices7.jsonl), asked
here in other words: exclusion questions (哪些不给补) answered by the provisions that exclude, yes/no questions about a
grant asked of someone (用户单位有没有奖励), courtesy words and universities that are not missing things, an expiry
asked as 作废, a procedure step or a level the document never mentions declined by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answer import analyze, programme_gap
from knowledge.asked import grant_gap
from knowledge.compose import is_intro
from knowledge.kb import KnowledgeBase
from knowledge.qtype import BY_NAME, carries, standard
from tests.support.kb import DEV_KB_GROUP, dev_kb

pytestmark = DEV_KB_GROUP

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return dev_kb(tmp_path_factory, "kb7")


def test_exclusion_question_gets_the_excluded_items_of_a_summary_list(kb: KnowledgeBase) -> None:
    answer = kb.ask("企业上云补贴 什么费用是不补的", use_llm=False)
    assert answer.answered and "域名注册" in answer.answer and "硬件采购" in answer.answer
    assert "按实际费用30%补" not in answer.answer


def test_exclusion_question_gets_the_section_that_excludes(kb: KnowledgeBase) -> None:
    answer = kb.ask("中试基地补助 有哪些情况是不给补助的", use_llm=False)
    assert answer.answered and "融资租赁" in answer.answer and "申请表" not in answer.answer


def test_grant_asked_of_a_party_is_answered_when_stated_with_it(kb: KnowledgeBase) -> None:
    answer = kb.ask("十堰首台套 用户单位有没有奖励", use_llm=False)
    assert answer.answered and "5%" in answer.answer


def test_negated_grant_answers_the_yes_no_question(kb: KnowledgeBase) -> None:
    answer = kb.ask("被认定为市级绿色工厂了 有没有奖金", use_llm=False)
    assert answer.answered and "不给予资金奖励" in answer.answer


def test_grant_never_stated_with_its_owner_is_missing() -> None:
    doc = "每位入选者配备1名托举导师。\n每人每年资助10万元。"
    assert grant_gap("托举导师有没有导师补贴", doc) == "导师补贴"
    assert grant_gap("用户单位有没有奖励", "采购产品的用户单位，按采购金额的5%给予奖励。") is None


def test_english_courtesy_word_asks_nothing(kb: KnowledgeBase) -> None:
    assert "thx" not in standard("个体户能申请上云补贴吗 thx")
    answer = kb.ask("上云补贴 个体户能不能申请 thanks", use_llm=False)
    assert "thanks" not in answer.answer and "资料里没有写明" not in answer.answer


def test_a_university_alias_is_not_a_missing_programme() -> None:
    question = analyze("武汉湖工大的成果在襄阳转化能申请补贴吗", "武汉湖工大的成果在襄阳转化能申请补贴吗")
    assert programme_gap(question, "购买高校的科技成果，成果来自外地高校院所的，同样适用。") is None


def test_expiry_asked_as_void_is_answered_with_the_validity(kb: KnowledgeBase) -> None:
    answer = kb.ask("十堰那边的创新券领下来多久作废", use_llm=False)
    assert answer.answered and "6个月" in answer.answer


def test_last_years_figures_are_not_a_duration() -> None:
    assert not carries(BY_NAME["date"], "上一年度营业收入不超过3000万元", "多久就作废了")
    assert carries(BY_NAME["date"], "创新券有效期为6个月", "多久就作废了")


def test_timing_of_a_step_the_document_never_mentions_is_declined(kb: KnowledgeBase) -> None:
    answer = kb.ask("宜昌研发设备补助 名单公示要几天", use_llm=False)
    assert not answer.answered and "公示" in answer.answer


def test_a_star_level_the_document_does_not_set_is_declined(kb: KnowledgeBase) -> None:
    answer = kb.ask("科技志愿者评五星要服务多少小时", use_llm=False)
    assert not answer.answered and "五星" in answer.answer


def test_a_short_heading_line_introduces_the_list_below() -> None:
    assert is_intro("🟥 这些不补") and is_intro("谁能申请？") and is_intro("申报材料如下：")
    assert not is_intro("- 域名注册") and not is_intro("创新券有效期为6个月。")
