"""A wall of text the model places confidently still gets the right reply: a question is told it is too long,
a long problem description is read."""

from __future__ import annotations

import pytest

from handlers.understand import unreadable
from knowledge.intents.model import Prediction

WALL = "请问" + "我们公司想了解一下相关的政策" * 400


def _sure(intent: str) -> Prediction:
    return Prediction(intent=intent, confidence=0.95, ranked=((intent, 0.95), ("help", 0.01)), stage="vector")


@pytest.mark.parametrize("intent", ["out_of_scope", "policy", "followup"])
def test_a_long_question_is_told_it_is_too_long_whatever_the_model_says(intent: str) -> None:
    reply = unreadable(WALL, _sure(intent))
    assert reply is not None and "太长了" in reply


@pytest.mark.parametrize("intent", ["demand", "achievement", "greeting"])
def test_a_long_message_for_a_form_or_small_talk_is_read(intent: str) -> None:
    assert unreadable(WALL, _sure(intent)) is None
