"""Typed errors of the events use cases; ``bot.texts.events.event_error_text`` phrases them."""

from __future__ import annotations

from bot.domain.errors import Closed, Conflict, Invalid, NotFound


class EventNotFound(NotFound):
    """No event with this id in the caller's account."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id} not found", event_id=event_id)
        self.event_id = event_id


class EventInvalid(Invalid):
    """Event values (or an export format) that break a rule; ``rule`` names it, ``facts`` carry the values."""

    def __init__(self, rule: str, **facts: object) -> None:
        super().__init__(f"event rule broken: {rule}", **facts)
        self.rule = rule


class EventIdTaken(Conflict):
    """An event with the requested id already exists."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event id {event_id} taken", event_id=event_id)
        self.event_id = event_id


class EventCancelled(Closed):
    """The event was cancelled: it cannot be changed any more."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id} is cancelled", event_id=event_id)
        self.event_id = event_id
