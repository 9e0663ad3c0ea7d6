"""Failure classes found by a fresh writer's questions over the dev documents (bench/data/qa_voices13.jsonl), asked
here in other words: long stories about the asker before the question (their figures set against a document's bar,
their own title or level told rather than asked about), and near-scope questions answered with a nearby passage
(which body, by name; a level sought that the conditions shown are not for; the base of an asked share; two grants
taken at once; the requirement on an attribute the document never states; whether it will rain)."""

from __future__ import annotations

import pytest

from knowledge.answer import threshold_of
from knowledge.asked import action_gap, base_gap, name_gap, requirement_gap, stacking_gap
from knowledge.kb import KnowledgeBase
from knowledge.qtype import classify, situation_free, standard
from tests.support.kb import dev_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return dev_kb(tmp_path_factory, "kb13")


def test_clauses_after_the_askers_first_are_their_situation() -> None:
    text = "我是95年的 在一家医药公司搞研发 本科毕业 现在是初级职称 想报青年科技人才托举项目 要什么条件"
    assert situation_free(text) == "想报青年科技人才托举项目 要什么条件"
    assert situation_free("我们公司在宜昌注册两年了，申报研发中心注册年限够不够") == "申报研发中心注册年限够不够"


def test_a_relaxed_bar_is_a_bar_on_the_askers_sum() -> None:
    question = "我们是家农业合作社 打算建院士专家工作站 去年研发投入九十万左右 是不是不够格"
    assert threshold_of(question, "上年度研发投入不少于300万元（农业类单位可放宽到100万元）")


def test_a_bar_in_yi_yuan_and_on_the_same_sum() -> None:
    assert threshold_of("我们厂营收6个亿 还能评瞪羚不", "营业收入超过5亿元的企业不在认定范围内")
    payment = "合同两百万 已经付了一百五十万 想申请转化补贴 外省高校的成果算不算"
    assert not threshold_of(payment, "同一企业每年累计补贴不超过100万元")  # a cap on the grant, not the payment


def test_rent_how_charged_asks_an_amount() -> None:
    kind = classify(standard("我博士毕业 住人才公寓的话租金咋收"))
    assert kind is not None and kind.name == "money"


def test_a_not_a_asks_whether() -> None:
    kind = classify(standard("决赛那天路上堵不堵"))
    assert kind is not None and kind.name == "yesno"
    assert "几" not in standard("近几年增长很快 还能不能评")  # recent years, not a question


def test_which_body_asked_after_the_noun() -> None:
    passage = "市科技局委托第三方机构核查，拟补助名单公示7个工作日。"
    assert name_gap("研发后补助的核查机构是哪家", passage) is not None
    assert name_gap("项目审计找的中介机构是哪一家", "委托符合条件的中介机构出具专项审计报告。") is not None
    assert name_gap("合作银行有哪几家", "合作银行：襄江示例银行科技支行、汉水示例农村商业银行。") is None


def test_two_grants_at_both_ends() -> None:
    assert stacking_gap("同一个项目 后补助和加计扣除两边都能拿吗", "yesno", "按研发费用的5%给予补助。") is not None


def test_requirement_on_an_attribute_the_document_never_states() -> None:
    doc = "每年3月集中选派一次，服务期1年；每人每年给予工作经费2万元。"
    assert requirement_gap("想当特派员 对学历职称有没有要求", doc) == "学历职称的要求"
    assert requirement_gap("评首席专家 年龄有限制吗", "年龄不超过55周岁；从事技术研发工作满8年。") is None
    assert requirement_gap("科小对企业规模有啥要求", "职工总数不超过500人、年销售收入不超过2亿元。") is None


def test_the_base_of_an_asked_share() -> None:
    doc = "知识产权价值评估费：补助标准：实际发生评估费的50%，每户每年上限：2万元。"
    assert base_gap("评估公司一般按评估值的百分之几收费", doc) == "评估值"
    assert base_gap("转化补贴按合同金额的比例给吗", "按技术合同实际支付金额的10%给予补贴。") is None


@pytest.mark.parametrize(("question", "expected"), [
    ("我是95年的 在一家医药公司搞研发 本科毕业 现在是初级职称 能不能报青年科技人才托举项目 有什么条件", "博士学位"),
    ("我们是家农业合作社 打算建院士专家工作站 去年研发投入九十万左右 是不是不够格", "100万元"),
    ("我们厂营业收入6个亿 近几年增长很快 还能不能评瞪羚企业", "超过5亿元"),
    ("我博士毕业 来襄阳一家企业两年了 名下没有住房 住人才公寓的话租金咋收", "50%"),
])
def test_a_story_before_the_question_is_answered(kb: KnowledgeBase, question: str, expected: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert answer.answered and expected in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "孵化器想从市级升国家级 要达到什么条件",
    "高企认定用的专项审计报告 审计机构是哪家",
    "做一次RoHS检测 检测平台收费多少",
    "知识产权质押 评估公司一般按评估值的百分之几收评估费",
    "想当农业科技特派员 对学历职称有没有要求",
    "创新大赛决赛那天会不会下雨",
])
def test_a_nearby_passage_is_no_answer(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered, answer.answer


def test_either_way_of_doing_it_answers_the_action() -> None:
    doc = "问：个人或企业能不能自己申报？答：不能。市科学技术奖实行提名制，由有关部门联合提名，不接受自荐。"
    assert action_gap("企业能不能自己申报 还是得找单位推荐", "yesno", doc) is None
    assert action_gap("是不是得找单位推荐", "yesno", doc) == "推荐"
