"""The sign-up rules of an event, defined once: whether it is open for sign-up, and the party-size rule.

Every caller — sign-up, promotion from the waitlist, announcements, the chat list and details — asks
``closed_reason`` / ``is_open_for_signup`` instead of comparing status and times itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from bot.store.models import Event

ACTIVE = ("confirmed", "waitlisted")  # registrations that hold (or wait for) a seat
LATE_CANCEL_HOURS = 12  # a cancellation closer than this to the start counts as late
WALK_IN = "walkin:"  # openid prefix of people an organiser registered at the door (no WeChat user to tell)


class Refusal(StrEnum):
    """Why a sign-up, cancellation or check-in was refused (stable codes; bot.texts phrases them)."""

    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    DEADLINE_PASSED = "deadline_passed"
    STARTED = "started"
    PARTY_TOO_LARGE = "party_too_large"
    INVALID_PARTY = "invalid_party"
    ALREADY_REGISTERED = "already_registered"
    NOT_REGISTERED = "not_registered"
    NOT_CONFIRMED = "not_confirmed"
    NO_SEATS = "no_seats"  # a bigger party does not fit the seats left


def closed_reason(event: Event, now: datetime) -> Refusal | None:
    """Why ``event`` takes no new sign-ups at ``now`` (cancelled, started, closed, deadline passed), or None."""
    if event.status == "cancelled":
        return Refusal.CANCELLED
    if event.start <= now:
        return Refusal.STARTED
    if event.status == "closed":
        return Refusal.CLOSED
    if event.signup_deadline <= now:
        return Refusal.DEADLINE_PASSED
    return None


def is_open_for_signup(event: Event, now: datetime) -> bool:
    """Whether ``event`` accepts new sign-ups at ``now``."""
    return closed_reason(event, now) is None


def is_listed(event: Event, now: datetime) -> bool:
    """Whether ``event`` belongs in the list of upcoming events: not cancelled and not started (a closed sign-up
    is still listed, with its reason)."""
    return closed_reason(event, now) not in (Refusal.CANCELLED, Refusal.STARTED)


def waitlist_moves(event: Event, now: datetime) -> bool:
    """Whether freed seats still go to the waitlist: while open, or closed by an admin before the deadline."""
    return closed_reason(event, now) in (None, Refusal.CLOSED)


def party_refusal(event: Event, party_size: int, companions: Sequence[str]) -> Refusal | None:
    """Why a party (the person plus ``companions``, ``party_size`` people in all) cannot sign up, if so."""
    if party_size < 1 or len(companions) > party_size - 1:
        return Refusal.INVALID_PARTY
    if party_size > 1 + event.max_companions:
        return Refusal.PARTY_TOO_LARGE
    return None


def signup_refusal(event: Event | None, party_size: int, companions: Sequence[str],
                   now: datetime) -> Refusal | None:
    """The first rule a new sign-up breaks, if any."""
    if event is None:
        return Refusal.NOT_FOUND
    return closed_reason(event, now) or party_refusal(event, party_size, companions)
