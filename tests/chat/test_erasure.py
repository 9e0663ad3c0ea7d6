"""删除我的信息 through the real webhook: afterwards the user's name and phone are in no table at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from bot.clock import Clock
from bot.container import Container
from bot.domain.achievements import AchievementInput, submit_achievement
from bot.domain.demands import DemandInput, submit_demand
from bot.domain.events import signup
from bot.domain.matches.lifecycle import respond
from bot.store.engine import Database
from bot.store.models import Base, Event, Match, Registration, User
from tests.support.env import make_settings
from tests.support.wechat_client import wechat_client
from tests.support.wechat_fake import FakeWeChat

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
NAME, PHONE, COMPANION = "孙丽华", "13800007788", "孙建国"


def _event(svc: Container, event_id: str, capacity: int) -> None:
    with svc.db.session() as s:
        s.add(Event(id=event_id, appid=svc.appid, title="糖尿病饮食讲座", category="健康科普", region="襄阳市樊城区",
                    location="樊城区社区活动中心", start=NOW + timedelta(days=10), end=NOW + timedelta(days=10, hours=2),
                    signup_deadline=NOW + timedelta(days=9), capacity=capacity, max_companions=2, status="open"))


def _setup(svc: Container) -> None:
    """The user signs up (with a companion), posts a demand, and both sides of a match agree."""
    _event(svc, "E90", capacity=2)
    with svc.db.session() as s:
        signup.register(s, appid=svc.appid, event_id="E90", openid="u_del", name=NAME, phone=PHONE,
                        party_size=2, companions=[COMPANION], now=NOW)
        signup.register(s, appid=svc.appid, event_id="E90", openid="u_next", name="王芳", phone="13800001111",
                        now=NOW)  # waitlisted behind the user's party
        demand = submit_demand(s, data=DemandInput(
            company="襄阳某压铸厂", industry="汽车及零部件", need_type="技术攻关", title="压铸件气孔多",
            description="壳体气孔多", region="襄阳市樊城区", contact_name=NAME, contact_phone=PHONE),
            appid=svc.appid, openid="u_del", now=NOW, require_review=False)
        achievement = submit_achievement(s, data=AchievementInput(
            title="真空压铸", summary="降低气孔率", field="汽车及零部件", institution="某大学", maturity="中试",
            contact_name="李教授", contact_phone="13800002222"), appid=svc.appid, openid="u_prof", now=NOW)
        s.add(Match(appid=svc.appid, demand_id=demand.id, achievement_id=achievement.id, score=0.8))
        s.flush()
        respond(s, appid=svc.appid, openid="u_del", other_id=achievement.id, interested=True, now=NOW)
        respond(s, appid=svc.appid, openid="u_prof", other_id=demand.id, interested=True, now=NOW)
        s.add(User(appid=svc.appid, openid="u_del", name=NAME, phone=PHONE, consent_at=NOW))


def _tables_holding(svc: Container, *needles: str) -> dict[str, list[str]]:
    """Every table row (as text) that still contains one of ``needles``."""
    found: dict[str, list[str]] = {}
    with svc.db.session() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)):
                line = str(tuple(row))
                if any(n in line for n in needles):
                    found.setdefault(table.name, []).append(line[:120])
        for (raw,) in s.execute(text("SELECT job_state FROM apscheduler_jobs")) if "apscheduler_jobs" in svc.db.table_names() else []:
            assert not any(n.encode() in raw for n in needles)
    return found


def test_deleting_my_data_leaves_no_trace_of_name_or_phone(any_db: Database, tmp_path: Path,
                                                           fake: FakeWeChat) -> None:
    svc = Container(make_settings(tmp_path / "d", wechat_api_base=fake.base_url), any_db, knowledge=None,
                    clock=Clock(NOW))
    _setup(svc)
    with wechat_client(svc, fake=fake) as wx:
        assert "活动报名" in wx.send_text("u_del", "我的信息")[0]
        assert _tables_holding(svc, PHONE, NAME, "u_del")  # the data is there before…
        assert "确定要删除" in wx.send_text("u_del", "删除我的信息")[0]
        assert "已删除" in wx.send_text("u_del", "确认删除")[0]
        leftovers = _tables_holding(svc, PHONE, NAME, COMPANION)
        assert leftovers == {}, leftovers  # …and nowhere after, sent notices and audit rows included
        # the openid stays only on the (empty) conversation of the follower who is still talking to us
        openid_rows = _tables_holding(svc, "u_del")
        assert list(openid_rows) == ["conversations"] and "'data': {}" in openid_rows["conversations"][0], openid_rows
        with svc.db.session() as s:
            assert s.scalar(select(User).where(User.openid == "u_del")) is None  # not re-created by that turn
            regs = {r.name: r.status for r in s.scalars(select(Registration))}
            actors = s.execute(text("SELECT actor FROM audit_log")).scalars().all()
        assert regs == {"（已删除）": "cancelled", "王芳": "confirmed"}  # seat released, waitlist promoted
        assert "u_del" not in actors and any(a.startswith("anon:") for a in actors)  # audit keeps a pseudonym
        assert wx.send_text("u_del", "我的信息") == ["目前没有保存您的个人信息。"]
