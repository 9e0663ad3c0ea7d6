"""kill -9 of a real ``kc serve`` mid-answer and mid-send: the user is answered once, nothing is stranded or doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.store.engine import Database
from bot.wechat.testing.fakeapi import FakeWeChat
from tests.support.fake_llm import fake_llm_server
from tests.web.test_serve_process import KC, Server, serve_env, signed, start, text_xml, wait_healthy

pytestmark = pytest.mark.slow
ANSWER = "研发费用按实际发生额的100%在税前加计扣除。"
QUESTION = "研发费用加计扣除比例是多少"


@pytest.fixture
def llm() -> Iterator[object]:
    with fake_llm_server(ANSWER, delay=60.0) as server:  # the first answer hangs: the worker is killed meanwhile
        yield server


def _env(tmp: Path, llm: object, fake: FakeWeChat, **extra: str) -> dict[str, str]:
    """A server with the sample knowledge base, the fake LLM and the fake WeChat API."""
    port = llm.server_port  # type: ignore[attr-defined]
    return serve_env(tmp / "data", KC_SEED_SAMPLES="true", KC_LLM_BASE_URL=f"http://127.0.0.1:{port}/v1",
                     KC_LLM_API_KEY="k", KC_LLM_MODEL="m", KC_LLM_TIMEOUT="120", KC_REPLY_BUDGET_SECONDS="2",
                     KC_WECHAT_API_BASE=fake.base_url, KC_WECHAT_APPID="wxcrash", KC_WECHAT_SECRET="s3cret", **extra)


def _ask(server: Server, msg_id: int, openid: str = "o_crash") -> httpx.Response:
    return httpx.post(server.url + "/wechat", params=signed(), content=text_xml(openid, QUESTION, msg_id), timeout=60)


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.2)
    assert predicate(), what  # type: ignore[operator]


def _kill(server: Server) -> None:
    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait(10)


def test_kill_mid_answer_then_wechat_retry_gets_the_answer(tmp_path: Path, llm: object, fake: FakeWeChat) -> None:
    first = start(tmp_path, _env(tmp_path, llm, fake), name="first")
    wait_healthy(first)
    assert _ask(first, 7770001).text == "success"  # over budget: the answer would be pushed later
    _wait(lambda: llm.requests, 30, "the worker never asked the model")  # type: ignore[attr-defined]
    _kill(first)  # mid-answer
    llm.delay = 0.0  # type: ignore[attr-defined]
    second = start(tmp_path, _env(tmp_path, llm, fake), name="second")
    try:
        wait_healthy(second)
        time.sleep(9)  # the dead worker's lease has lapsed
        reply = _ask(second, 7770001)  # WeChat's retry of the same MsgId
        pushed = lambda: [t for t in fake.texts("o_crash") if ANSWER in t]  # noqa: E731
        if ANSWER not in reply.text:  # the start-up recovery answered first: it pushed the answer
            _wait(pushed, 30, "no answer was pushed either")
        assert (ANSWER in reply.text) != bool(pushed())  # exactly one way, exactly once
        assert len(pushed()) <= 1
    finally:
        second.stop()


def test_kill_mid_send_never_strands_or_repeats_the_push(tmp_path: Path, llm: object, fake: FakeWeChat) -> None:
    llm.delay = 3.0  # type: ignore[attr-defined]  # slower than the budget: the answer is pushed
    fake.delay("custom", 15.0)  # and WeChat is slow to answer the push: the process dies meanwhile
    env = _env(tmp_path, llm, fake, KC_OUTBOX_CLAIM_SECONDS="3")
    server = start(tmp_path, env, name="sender")
    wait_healthy(server)
    assert _ask(server, 7770002, openid="o_send").text == "success"
    db = Database(f"sqlite:///{tmp_path / 'data' / 'kc.sqlite3'}")
    _wait(lambda: _answer_rows(db) == ["sending"], 30, "the push never started")
    time.sleep(0.5)
    _kill(server)  # mid-send: the request is at WeChat, its answer never comes back
    fake.delay("custom", 0.0)
    time.sleep(4)  # the send's claim lease (3 s) lapses
    jobs = [subprocess.run([*KC, "jobs", "run", name, "--json"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=180) for name in ("outbox_dispatch", "inbound_recovery", "outbox_dispatch")]
    assert all(j.returncode == 0 for j in jobs), [j.stderr[-400:] for j in jobs]
    results = [json.loads(j.stdout)["result"] for j in jobs]
    assert results[0]["reclaimed"] == 1 and results[1] == 0
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT status, last_error FROM outbox WHERE kind = 'answer'").all()
    db.dispose()
    assert [r[0] for r in rows] == ["uncertain"] and "stopped" in rows[0][1]  # visible, never resent
    _wait(lambda: fake.texts("o_send"), 30, "the first send never landed")  # the fake answers after its delay
    assert len(fake.texts("o_send")) == 1 and ANSWER in fake.texts("o_send")[0]  # one copy, no second


def _answer_rows(db: Database) -> list[str]:
    """Statuses of the pushed answers (read while the server runs)."""
    with db.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT status FROM outbox WHERE kind = 'answer'")]
