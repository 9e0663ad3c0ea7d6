"""Every demand/achievement dialogue (dev set + our own extra set) ends with exactly the expected record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from tests.support.dialogue_sim import (
    DEV_DIALOGUES,
    EXTRA_DIALOGUES,
    DirectBot,
    load_dialogues,
    play,
    record_problems,
)
from tests.support.env import make_settings

DIALOGUES = [pytest.param(d, id=d["id"]) for d in load_dialogues(DEV_DIALOGUES) + load_dialogues(EXTRA_DIALOGUES)]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One migrated database for the whole module (each dialogue uses its own openid)."""
    # no knowledge base: policy digressions must degrade gracefully
    svc = Container.create(make_settings(Path(tmp_path_factory.mktemp("dialogues")) / "data"), knowledge=None)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def bot(services: Container) -> DirectBot:
    """The router driven directly, state persisted in SQL between turns."""
    return DirectBot(services)


@pytest.mark.parametrize("dialogue", DIALOGUES)
def test_dialogue_ends_with_expected_record(bot: DirectBot, services: Container, dialogue: dict) -> None:
    """Play the turns, let the scripted user answer what is still asked, compare the stored record."""
    openid = f"o_{dialogue['id']}"
    transcript = play(bot, dialogue, openid)
    problems = record_problems(services, dialogue, openid)
    shown = "\n".join(f"U: {u}\nB: {b}" for u, b in transcript)
    assert not problems, f"{problems}\n{shown}"
    assert bot.state(openid).flow is None, shown


def test_extra_set_is_substantial() -> None:
    """Our own dialogues cover both flows and the cancelled case."""
    extra = load_dialogues(EXTRA_DIALOGUES)
    kinds = {d["kind"] for d in extra}
    assert len(extra) >= 15 and kinds == {"demand", "achievement"}
    assert any(d["expect"].get("cancelled") for d in extra)
