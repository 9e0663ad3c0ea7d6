"""Conversation state round-trips through JSON as before the fast copy: independent copies, dataclasses as dicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from handlers.kit.base import ConversationState


@dataclass
class _Pick:
    event_id: str
    seats: int


def test_loaded_state_is_a_copy_so_edits_do_not_touch_the_stored_json() -> None:
    raw = {"flow": "signup", "step": "name", "draft": {"list": ["E1", "E2"], "who": {"name": "王"}},
           "data": {"recent": [{"q": "高企", "at": "2026-01-01T00:00:00+00:00"}]},
           "updated_at": "2026-01-01T08:00:00+00:00"}
    stored = json.loads(json.dumps(raw))
    state = ConversationState.from_json(stored)
    state.draft["list"].append("E3")
    state.draft["who"]["name"] = "李"
    state.data["recent"][0]["q"] = "专精特新"
    assert stored == raw
    assert state.updated_at == datetime(2026, 1, 1, 8, tzinfo=UTC)


def test_saved_state_is_plain_json_and_independent_of_the_live_state() -> None:
    state = ConversationState(flow="signup", step="seats", draft={"pick": _Pick("E1", 2), "ids": ("E1", "E2")},
                              data={"n": 1}, updated_at=datetime(2026, 1, 2, tzinfo=UTC))
    saved = state.to_json()
    state.data["n"] = 2
    assert saved["draft"]["pick"] == {"event_id": "E1", "seats": 2}
    assert saved["data"] == {"n": 1} and saved["updated_at"] == "2026-01-02T00:00:00+00:00"
    assert ConversationState.from_json(json.loads(json.dumps(saved))).draft["ids"] == ["E1", "E2"]
