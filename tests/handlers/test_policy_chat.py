"""Policy Q&A in chat: grounded answer with source, "详细一点", decline + 转人工 hand-off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.data.seed import seed_kb_if_empty
from bot.store.models import HandoffRequest
from tests.support.env import make_settings
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    # a generous reply budget: answers stay passive replies even on a loaded test machine
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("qa")), reply_budget_seconds=30))
    assert seed_kb_if_empty(services.kb) == 14
    assert seed_kb_if_empty(services.kb) == 0
    services.kb.warm()
    yield services
    services.close()


def test_policy_answer_names_its_source_and_more_continues(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (answer,) = wx.send_text("q1", "加计扣出最晚啥时候报")
        assert "5月31日" in answer and "来源" in answer
        more = wx.send_text("q1", "详细一点")
        assert more and more[0] != answer and "来源" in more[0]


def test_out_of_scope_declines_and_handoff_is_recorded(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (decline,) = wx.send_text("q2", "比特币现在还能买吗")
        assert "转人工" in decline
        (handoff,) = wx.send_text("q2", "转人工")
        assert "联络员" in handoff and "比特币" in handoff
    with svc.db.session() as s:
        (row,) = s.scalars(select(HandoffRequest).where(HandoffRequest.openid == "q2")).all()
        assert row.question.startswith("比特币现在还能买吗") and row.status == "open"  # + the recent messages


def test_more_without_a_previous_question(svc: Container) -> None:
    with wechat_client(svc) as wx:
        assert "先问一个政策问题" in wx.send_text("q3", "还有呢")[0]


def test_an_answer_stating_a_figure_ends_with_its_source_and_the_official_note(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (answer,) = wx.send_text("q5", "第一次评上高新企业襄阳奖多少钱")
    last = answer.rstrip().split("\n")[-1]
    assert "万元" in answer and last.startswith("来源：《") and " · " in last and last.endswith("（以官方发布为准）")


def test_a_detail_the_document_does_not_state_is_declined_by_name(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q6", "院士专家工作站的院士每个月工资发多少")
    assert reply.startswith("资料里没有写明月工资是多少。《院士专家工作站申报与考核（示例）》里相关的内容是：")
    assert "咨询" in reply and reply.rstrip().split("\n")[-1].startswith("来源：《院士专家工作站")


@pytest.mark.parametrize(("text", "expected"), [
    ("税", "具体一点"),
    ("How can my company apply for the innovation voucher?", "中文"),
    ("请问" + "我们公司想了解一下相关的政策" * 400, "太长了"),
])
def test_bad_questions_get_a_clear_reply(svc: Container, text: str, expected: str) -> None:
    with wechat_client(svc) as wx:
        replies = wx.send_text("q7", text)
    assert len(replies) == 1 and expected in replies[0] and "Traceback" not in replies[0]


def _lines(reply: str) -> list[str]:
    return [line for line in reply.strip().split("\n") if line]


def test_a_list_question_gets_the_whole_list(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q8", "科技贷的合作银行有哪几家")
    for bank in ("襄江示例银行科技支行", "汉水示例农村商业银行", "隆中示例村镇银行"):
        assert bank in reply
    assert _lines(reply)[-1].startswith("来源：《科技金融服务")


def test_a_figure_is_never_taken_from_another_section(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q9", "专利质押贴息一年最多贴多少")
    assert "30万元" in reply and "1000万元" not in reply  # 襄科贷's ceiling is another product's figure
    last = _lines(reply)[-1]
    assert last.startswith("来源：《科技金融服务") and "知识产权质押融资" in last and last.endswith("（以官方发布为准）")


@pytest.mark.parametrize(("question", "gap"), [
    ("科技志愿者服务一小时补贴多少钱", "资料里没有写明具体金额"),  # hours are written, not money
    ("院士专家工作站的院士每个月工资发多少", "资料里没有写明月工资"),
    ("襄科贷要交多少手续费", "资料里没有写明手续费"),  # the document gives the loan, not its fees
    ("知识产权质押贷款的利率是多少", "资料里没有写明利率"),  # a rate is written for 襄科贷 only
    ("首席技术专家的津贴要交个税吗", "资料里没有写明是否需要交税"),
    ("高企奖励的钱什么时候到账", "资料里没有写明发放或到账的时间"),  # when to apply is not when it is paid
    ("青年托举的导师每年补助多少", "资料里没有写明导师"),  # the 10万元 item is the fellow's, not the mentor's
])
def test_a_near_scope_detail_is_declined_with_what_the_document_does_say(svc: Container, question: str,
                                                                        gap: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q10", question)
    assert reply.startswith(gap) and "里相关的内容是：" in reply and _lines(reply)[-1].startswith("来源：《")


@pytest.mark.parametrize(("question", "expected"), [
    ("首席技术专家每个月津贴多少", "2000元"),
    ("襄科贷的利率是多少", "50个基点"),
    ("高企证书管几年", "有效期3年"),
])
def test_the_asked_detail_is_answered_when_the_document_states_it(svc: Container, question: str,
                                                                  expected: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q12", question)
    assert expected in reply and not reply.startswith("资料里没有写明") and _lines(reply)[-1].startswith("来源：《")


@pytest.mark.parametrize(("question", "expected"), [
    ("高心企业认定后有啥好处", "15%"),  # 高心 sounds like 高新
    ("首次认定高企襄阳奖多少钱", "20万元"),  # 高企 = 高新技术企业
])
def test_homophones_and_abbreviations_are_understood(svc: Container, question: str, expected: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("q11", question)
    assert expected in reply and _lines(reply)[-1].startswith("来源：《")
