"""Typed outcomes the use cases raise; chat handlers and console pages phrase them for people."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every use-case error; ``code`` is stable, the message is for logs only."""

    code = "error"

    def __init__(self, detail: str = "", **facts: object) -> None:
        super().__init__(detail or self.code)
        self.detail, self.facts = detail, facts


class NotFound(DomainError):
    """The record does not exist (or is outside the caller's account or region)."""

    code = "not_found"


class NotAllowed(DomainError):
    """The caller may not do this to this record (not theirs, wrong state for it)."""

    code = "not_allowed"


class Invalid(DomainError):
    """The input breaks a rule of the record (negative capacity, unknown status, …)."""

    code = "invalid"


class Closed(DomainError):
    """The record no longer accepts this (sign-up closed, event started or cancelled)."""

    code = "closed"


class Full(DomainError):
    """No room left (an event's seats)."""

    code = "full"


class Conflict(DomainError):
    """The change collides with the record's current state (already done, changed meanwhile)."""

    code = "conflict"
