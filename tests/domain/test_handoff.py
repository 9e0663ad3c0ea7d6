"""Hand-off use cases: region and scope, the customer-service window, replies sent or held, take, close, rating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.domain import handoff
from bot.domain.scope import EVERYWHERE, Scope
from bot.store.engine import Database
from bot.store.models import Demand, HandoffRequest, Outbox, User
from bot.wechat import inbox
from tests.support.env import call

NOW = datetime(2031, 5, 4, 2, 0, tzinfo=UTC)
APPID = "wx_test"
SHIYAN, XIANGYANG = Scope("十堰市"), Scope("襄阳市")


def _user(db: Database, openid: str, *, wrote_ago: timedelta | None, region: str | None = None) -> None:
    """A chat user who last wrote ``wrote_ago`` before NOW (None: never), optionally with a demand in ``region``."""
    with db.session() as s:
        s.add(User(appid=APPID, openid=openid, roles=[], profile={},
                   last_inbound_at=NOW - wrote_ago if wrote_ago is not None else None))
        if region:
            s.add(Demand(id=f"D{openid}", appid=APPID, title="t", description="d", industry="汽车", need_type="技术攻关",
                         region=region, budget="面议", company="c", openid=openid))


def _open(db: Database, openid: str, question: str = "想问人才补贴") -> handoff.HandoffOpened:
    return call(db, handoff.open_request, appid=APPID, openid=openid, question=question, now=NOW)


def test_request_takes_the_users_region_and_only_that_regions_liaisons_see_it(any_db: Database) -> None:
    _user(any_db, "u1", wrote_ago=timedelta(hours=1), region="十堰市茅箭区")
    _user(any_db, "u2", wrote_ago=timedelta(hours=1))
    first, unknown = _open(any_db, "u1"), _open(any_db, "u2")
    again = _open(any_db, "u1", "还有一个问题")
    assert again.existing and again.id == first.id  # one active request per user; the new words are kept
    with any_db.session() as s:
        assert [v.id for v in handoff.queue(s, appid=APPID, scope=SHIYAN, now=NOW)] == [first.id, unknown.id]
        assert [v.id for v in handoff.queue(s, appid=APPID, scope=XIANGYANG, now=NOW)] == [unknown.id]
        assert handoff.badge(s, appid=APPID, scope=XIANGYANG) == 1
        with pytest.raises(handoff.HandoffNotFound):
            handoff.detail(s, appid=APPID, request_id=first.id, scope=XIANGYANG, now=NOW)
        view = handoff.detail(s, appid=APPID, request_id=first.id, scope=SHIYAN, now=NOW + timedelta(minutes=30))
    assert view.region == "十堰市茅箭区" and view.waited == timedelta(minutes=30)
    assert [line.text for line in view.lines][-1] == "还有一个问题"


def test_reply_inside_the_window_is_queued_as_a_customer_service_message(any_db: Database) -> None:
    _user(any_db, "u1", wrote_ago=timedelta(hours=47))
    opened = _open(any_db, "u1")
    plan = call(any_db, handoff.reply, appid=APPID, request_id=opened.id, staff="liu", text=" 您好，补贴可以申请。 ",
                scope=EVERYWHERE, now=NOW)
    assert not plan.held and plan.window.open and plan.window.remaining == 5
    with any_db.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.idempotency_key == plan.key)).one()
        assert (row.status, row.channel, row.kind) == ("pending", "custom", "handoff_reply")
        assert row.payload["text"].endswith("您好，补贴可以申请。")
        request = s.get(HandoffRequest, opened.id)
        assert request is not None and (request.status, request.assignee) == ("assigned", "liu")


def test_reply_outside_the_window_is_held_for_the_users_next_message(any_db: Database) -> None:
    _user(any_db, "u1", wrote_ago=timedelta(hours=49))
    opened = _open(any_db, "u1")
    plan = call(any_db, handoff.reply, appid=APPID, request_id=opened.id, staff="liu", text="请明天来电",
                scope=EVERYWHERE, now=NOW)
    assert plan.held and not plan.window.open and plan.reply_id is not None
    with any_db.session() as s:
        (held,) = inbox.peek(s, appid=APPID, openid="u1")
        assert inbox.as_texts([held]) == [plan.text]  # delivered as it is, not as a "新提醒"
        assert handoff.settle_reply(s, reply_id=plan.reply_id).outcome == "held"


def test_the_window_counts_five_customer_service_messages_per_user_message(any_db: Database) -> None:
    _user(any_db, "u1", wrote_ago=timedelta(hours=1))
    opened = _open(any_db, "u1")
    with any_db.session() as s:
        for i in range(5):
            s.add(Outbox(appid=APPID, openid="u1", idempotency_key=f"k{i}", kind="answer", payload={}, channel="custom",
                         status="sent", sent_at=NOW - timedelta(minutes=10), next_attempt_at=NOW, created_at=NOW))
    plan = call(any_db, handoff.reply, appid=APPID, request_id=opened.id, staff="liu", text="好的", scope=EVERYWHERE,
                now=NOW)
    assert plan.held and plan.window.remaining == 0 and plan.window.closes_at is not None


def test_take_close_and_one_tap_rating(any_db: Database) -> None:
    _user(any_db, "u1", wrote_ago=timedelta(hours=1))
    opened = _open(any_db, "u1")
    call(any_db, handoff.take, appid=APPID, request_id=opened.id, staff="liu", scope=EVERYWHERE, now=NOW)
    with pytest.raises(handoff.HandoffTaken):
        call(any_db, handoff.take, appid=APPID, request_id=opened.id, staff="wang", scope=EVERYWHERE, now=NOW)
    with pytest.raises(handoff.EmptyReply):
        call(any_db, handoff.reply, appid=APPID, request_id=opened.id, staff="liu", text="  ", scope=EVERYWHERE, now=NOW)
    assert call(any_db, handoff.add_followup, appid=APPID, openid="u1", text="在吗", now=NOW) is not None
    closing = call(any_db, handoff.close, appid=APPID, request_id=opened.id, staff="liu", scope=EVERYWHERE, now=NOW)
    assert closing is not None and not closing.held  # the caller pushes it like a reply
    assert call(any_db, handoff.close, appid=APPID, request_id=opened.id, staff="liu", scope=EVERYWHERE,
                now=NOW) is None  # closing twice tells the user nothing more
    with pytest.raises(handoff.HandoffClosed):
        call(any_db, handoff.reply, appid=APPID, request_id=opened.id, staff="liu", text="x", scope=EVERYWHERE, now=NOW)
    with any_db.session() as s:
        notice = s.scalars(select(Outbox).where(Outbox.kind == "handoff_closed")).one()
        assert "bizmsgmenu" in notice.payload["text"] and "满意" in notice.payload["text"]
        assert notice.idempotency_key == closing.key and handoff.detail(
            s, appid=APPID, request_id=opened.id, scope=EVERYWHERE, now=NOW).status == "closed"
    assert call(any_db, handoff.add_followup, appid=APPID, openid="u1", text="谢谢", now=NOW) is None
    assert call(any_db, handoff.rate, appid=APPID, openid="u1", rating=3, now=NOW + timedelta(hours=1)) == opened.id
    assert call(any_db, handoff.rate, appid=APPID, openid="u1", rating=1, now=NOW + timedelta(hours=2)) is None
    with any_db.session() as s:
        assert handoff.detail(s, appid=APPID, request_id=opened.id, scope=EVERYWHERE, now=NOW).rating == 3


def test_staff_of_the_requests_region_are_alerted() -> None:
    staff = {"十堰市": ["o_sy"], "襄阳市": ["o_xy"], "": ["o_lead"]}
    assert handoff.recipients(staff, "十堰市茅箭区") == ["o_sy", "o_lead"]
    assert handoff.recipients(staff, None) == ["o_sy", "o_xy", "o_lead"]
    assert handoff.recipients(["a", "b"], "襄阳市") == ["a", "b"]


def test_staff_are_alerted_once_per_request(any_db: Database) -> None:
    _open(any_db, "u1")
    _open(any_db, "u2")
    assert call(any_db, handoff.alert_staff, openids=["s1", "s2"], now=NOW) == 2
    assert call(any_db, handoff.alert_staff, openids=["s1", "s2"], now=NOW) == 0
    with any_db.session() as s:
        alerts = s.scalars(select(Outbox).where(Outbox.kind == "handoff_alert")).all()
        assert sorted(a.openid for a in alerts) == ["s1", "s1", "s2", "s2"]
        assert all("人工服务" in a.payload["text"] for a in alerts)
        s.execute(update(HandoffRequest).values(status="closed"))
    assert call(any_db, handoff.end_by_user, appid=APPID, openid="u1", now=NOW) is False
