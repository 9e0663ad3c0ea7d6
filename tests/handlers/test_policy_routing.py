"""Policy questions that other capabilities used to take: a capability with nothing to show yields to the
knowledge base, a contact question is answered from the documents, dialect question words count as questions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.data.seed import seed_kb_if_empty
from tests.support.env import SAMPLES, load_file, make_settings
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("route")), reply_budget_seconds=30))
    seed_kb_if_empty(services.kb)
    load_file(services.db, "events", SAMPLES / "events.jsonl", services.appid)
    services.kb.warm()
    yield services
    services.close()


@pytest.mark.parametrize(("openid", "question", "fact"), [
    ("r1", "一次报名最多能带几个同行的人", "2名同行人"),
    ("r2", "报了名临时去不了 最晚提前几个钟头取消", "12小时"),
    ("r3", "报了名没去也没取消 会怎么样", "暂停报名资格"),
])
def test_a_question_about_the_sign_up_rules_gets_the_rule_not_an_empty_event_list(
        svc: Container, openid: str, question: str, fact: str) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text(openid, question)
    assert fact in reply and "来源" in reply
    assert "没有符合条件的活动" not in reply and "没有报名的活动" not in reply


def test_a_rule_question_under_the_list_of_events_gets_the_rule_and_the_list_stays(svc: Container) -> None:
    """'报名最多能带几个同行的人' asked while the bot waits for a pick: the rule, then a number still picks."""
    with wechat_client(svc) as wx:
        wx.send_text("r8", "我想报名健康讲座")
        (reply,) = wx.send_text("r8", "报名最多能带几个同行的人")
        (picked,) = wx.send_text("r8", "1")
    assert "2名同行人" in reply and "哪一场" not in reply
    assert "【E" in picked and "报名" in picked


def test_nothing_to_cancel_is_still_said_when_no_question_is_asked(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r4", "取消报名")
    assert "没有报名的活动" in reply


def test_which_office_and_phone_for_a_named_matter_comes_from_the_documents(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r5", "共享平台的事找哪个人问 电话多少")
    assert "0710-5550110" in reply and "已为您转接" not in reply


def test_asking_for_a_person_of_the_service_is_still_a_hand_off(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r6", "人工客服电话多少")
    assert "联络员" in reply and "来源" not in reply


def test_a_dialect_question_word_makes_a_question(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r7", "我们厂报高企 第二批么时候截止 上回错过了")
    assert "来源" in reply and not reply.startswith("您是想")


def test_a_rule_question_gets_the_rule_instead_of_the_whole_list_and_no_pick_is_pending(svc: Container) -> None:
    """With events on sale, '报名…最多能带几个' names no event: the whole list would be no answer. The rule is given,
    and a following '1' picks nothing from a list the user never saw."""
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r8", "报名参加活动最多能带几个同行的人")
        assert "2名同行人" in reply and "近期活动" not in reply
        (after,) = wx.send_text("r8", "1")
    assert "【E" not in after


def test_asking_for_the_list_still_lists(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r9", "最近有啥活动")
    assert "近期活动" in reply and "【E" in reply


def test_which_partner_banks_is_a_question_not_a_wish_to_cooperate(svc: Container) -> None:
    """'合作银行' names banks (as '合作社' names a cooperative): the list is answered, no demand form opens."""
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("r10", "合作银行有哪几家")
    assert "汉水示例农村商业银行" in reply and "登记技术需求" not in reply
