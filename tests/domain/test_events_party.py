"""change_party: seats follow the party, freed seats promote the waitlist, a bigger party needs free seats (SQLite, PG)."""

from __future__ import annotations

from bot.domain.events.rules import Refusal
from bot.domain.events.signup import change_party, register
from bot.store.engine import Database
from tests.support.env import call
from tests.support.events_helpers import APPID, NOW, add_event, outbox, reload


def sign(db: Database, openid: str, party: int = 1, companions: tuple[str, ...] = ()) -> str:
    """Sign ``openid`` up for T1; the resulting status."""
    result = call(db, register, appid=APPID, event_id="T1", openid=openid, name=f"居民{openid}",
                  phone="13800000000", party_size=party, companions=companions, now=NOW)
    return str(result.status)


def party(db: Database, openid: str, size: int, companions: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Change the party of ``openid``."""
    return call(db, change_party, appid=APPID, event_id="T1", openid=openid, party_size=size,
                companions=companions, now=NOW)


def test_smaller_party_frees_seats_and_promotes(any_db: Database) -> None:
    """'老伴不去了': 2 → 1 frees a seat, the first waitlisted single is promoted and told."""
    add_event(any_db, capacity=2)
    assert sign(any_db, "a", 2, ("罗志成",)) == "confirmed"
    assert sign(any_db, "b") == "waitlisted"
    result = party(any_db, "a", 1)
    assert result.ok and result.registration.party_size == 1 and result.registration.companions == ()
    assert [p.name for p in result.promoted] == ["居民b"]
    assert reload(any_db, "T1").seats_taken == 2
    assert len(outbox(any_db, "event_promoted")) == 1


def test_bigger_party_needs_free_seats(any_db: Database) -> None:
    """'再加一个人' takes a seat when one is free; otherwise the registration stays as it was."""
    add_event(any_db, capacity=3)
    sign(any_db, "a")
    assert party(any_db, "a", 2, ("小陈",)).ok
    sign(any_db, "b")
    refused = party(any_db, "a", 3, ("小陈", "小刘"))
    assert refused.refusal == Refusal.NO_SEATS and refused.registration.party_size == 2
    assert reload(any_db, "T1").seats_taken == 3


def test_party_rules_and_missing_registration(any_db: Database) -> None:
    """The companion limit still holds; nobody registered → not_registered."""
    add_event(any_db, capacity=10)
    sign(any_db, "a")
    assert party(any_db, "a", 4).refusal == Refusal.PARTY_TOO_LARGE
    assert party(any_db, "nobody", 1).refusal == Refusal.NOT_REGISTERED
