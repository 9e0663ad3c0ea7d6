"""Against a running ``kc serve`` subprocess: clean logs, one process per SQLite dir, ``--workers`` rules."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.store.engine import Database
from tests.support.env import truncate_all

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "serve-test-token"
KC = [sys.executable, "-c", "from bot.cli import main; main()"]
START_TIMEOUT = 180.0


@dataclass
class Server:
    """A ``kc serve`` subprocess and the files its output goes to."""

    proc: subprocess.Popen[bytes]
    port: int
    out: Path
    err: Path

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """Everything it printed so far (stdout and stderr)."""
        return self.out.read_text("utf-8", "replace") + self.err.read_text("utf-8", "replace")

    def stop(self) -> str:
        """Stop it like Ctrl-C and return its output."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.logs()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment for ``kc serve``: temp data dir, no samples, no models, no scheduler, no network."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KC_")}
    env.update(PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", KC_DATA_DIR=str(data_dir),
               KC_SEED_SAMPLES="false", KC_EMBEDDING_MODEL="none", KC_SCHEDULER="false", KC_WECHAT_TOKEN=TOKEN,
               KC_WECHAT_API_BASE="http://127.0.0.1:9")
    env.update(extra)
    return env


def start(tmp: Path, env: dict[str, str], *args: str, name: str = "serve") -> Server:
    """Start ``kc serve`` (cwd ``tmp``, so no developer .env is read) with output to files."""
    port = free_port()
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([*KC, "serve", "--port", str(port), *args], cwd=tmp, env=env, stdout=stdout,
                                stderr=stderr)
    return Server(proc, port, out, err)


def wait_healthy(server: Server) -> None:
    """Block until ``/healthz`` answers 200 (fail with the server's output if it exits or times out)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.proc.poll() is None, server.logs()
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail("kc serve did not become healthy:\n" + server.stop())


def signed(**extra: str) -> dict[str, str]:
    """A freshly signed query for ``TOKEN``."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(6)
    digest = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"timestamp": timestamp, "nonce": nonce, "signature": digest, **extra}


def text_xml(openid: str, content: str, msg_id: int) -> bytes:
    """A plaintext user message."""
    return (f"<xml><ToUserName>gh_serve</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType>text</MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path, dict[str, str]]]:
    """One ``kc serve`` on SQLite in a temp data dir for the tests of this module."""
    tmp = tmp_path_factory.mktemp("serve")
    env = serve_env(tmp / "data")
    server = start(tmp, env)
    wait_healthy(server)
    yield server, tmp, env
    server.stop()


def test_signed_query_values_never_reach_the_logs(running: tuple[Server, Path, dict[str, str]]) -> None:
    server, _, _ = running
    openid, echostr = "o_serve_secret_openid_77", "echo-serve-secret-991"
    verify, message, refused = signed(echostr=echostr), signed(), signed()
    assert httpx.get(server.url + "/wechat", params=verify, timeout=10).text == echostr
    reply = httpx.post(server.url + "/wechat", params=message, content=text_xml(openid, "帮助", 5550001), timeout=30)
    assert reply.status_code == 200 and "提需求" in reply.text and openid in reply.text
    forged = {**refused, "signature": "0" * 40}
    assert httpx.post(server.url + "/wechat", params=forged, content=text_xml(openid, "帮助", 5550002)).status_code == 403
    logs = wait_for_line(server, "POST /wechat 403")
    assert "GET /wechat 200" in logs and "POST /wechat 200" in logs
    values = {openid, echostr, *(q[k] for q in (verify, message, refused, forged) for k in ("signature", "nonce"))}
    assert sorted(v for v in values if v in logs) == []
    assert "?timestamp" not in logs and "timestamp=" not in logs


def wait_for_line(server: Server, line: str, timeout: float = 10.0) -> str:
    """The server's output once it contains ``line``."""
    deadline = time.monotonic() + timeout
    while line not in (logs := server.logs()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return logs


def test_second_serve_on_the_same_sqlite_dir_refuses(running: tuple[Server, Path, dict[str, str]]) -> None:
    server, tmp, env = running
    second = start(tmp, env, name="second")
    assert second.proc.wait(120) != 0
    assert "已被另一个 kc serve 进程使用" in second.logs() and "PostgreSQL" in second.logs()
    assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200


def test_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    server = start(tmp_path, serve_env(tmp_path / "data"), "--workers", "2")
    assert server.proc.wait(120) != 0
    assert "SQLite 只支持单进程" in server.logs() and "PostgreSQL" in server.logs()
    assert not (tmp_path / "data" / "kc.sqlite3").exists()  # refused before anything was created


@pytest.mark.postgres
def test_workers_on_postgresql_serve(pg_url: str, tmp_path: Path) -> None:
    server = start(tmp_path, serve_env(tmp_path / "data", KC_DATABASE_URL=pg_url), "--workers", "2")
    try:
        wait_healthy(server)
        for n in range(4):
            response = httpx.post(server.url + "/wechat", params=signed(),
                                  content=text_xml(f"o_workers_{n}", "帮助", 6660000 + n), timeout=30)
            assert response.status_code == 200 and "提需求" in response.text
    finally:
        logs = server.stop()
        db = Database(pg_url)
        truncate_all(db)
        db.dispose()
    assert logs.count("Application startup complete") == 2
