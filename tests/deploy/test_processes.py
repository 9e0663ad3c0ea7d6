"""Two web workers and a scheduler on a fresh PostgreSQL database and a real ``chroma run``: shared state only.

Each process has a data directory of its own; what one worker needs from another can only come through
PostgreSQL and the Chroma server. The topology is ``tests/deploy/topology.py``, which the compose file mirrors.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.store.engine import Database
from bot.store.models import ChatLine, InboundMessage, Registration
from bot.wechat.testing.fakeapi import FakeWeChat
from tests.deploy.topology import SCHEDULER_COMMAND, WEB_COMMAND
from tests.support.env import PG_ADMIN_URL, SAMPLES, load_file
from tests.support.fake_llm import fake_llm_server
from tests.web.test_serve_process import KC, Server, free_port, serve_env, signed, text_xml, wait_healthy

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.xdist_group("deploy-cluster")]  # one cluster
APPID = "wxdeploy"
MSG_IDS = itertools.count(int(time.time() * 1000) % 10**12 * 1000)  # unique per run and across runs
ANSWER = "按规定，研发费用可以在税前加计扣除。"
NEW_DOC = "# 襄阳市部署演练专项补贴办法\n\n## 一、补贴标准\n\n部署演练专项补贴每家企业最高 37 万元，按季度申报。\n"


@dataclass
class Cluster:
    """The running processes and the shared services around them."""

    a: Server
    b: Server
    scheduler: Server
    db: Database
    env: dict[str, str]
    fake: FakeWeChat
    llm: object
    tmp: Path


def _pg_database() -> tuple[str, str]:
    """A fresh PostgreSQL database (name, url), or skip when the server is unreachable."""
    import psycopg

    name = f"kc_deploy_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}")
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop(name: str) -> None:
    """Drop the test database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _chroma(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``chroma run`` (the chromadb CLI of this venv) on a free port; its process and URL once it answers."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    with (tmp / "chroma.log").open("wb") as log:
        proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp / "chroma"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("chroma run did not answer:\n" + (tmp / "chroma.log").read_text("utf-8", "replace"))


def _event(tmp: Path) -> Path:
    """An event with 5 places, a month ahead (JSONL for the importer)."""
    start = datetime.now(UTC) + timedelta(days=30)
    row = {"id": "W05", "title": "部署演练急救小班课", "category": "健康科普进社区", "start": start.isoformat(),
           "end": (start + timedelta(hours=2)).isoformat(), "location": "测试社区活动室", "region": "襄阳市樊城区",
           "capacity": 5, "signup_deadline": (start - timedelta(days=1)).isoformat(), "description": "测试。",
           "max_companions": 0}
    path = tmp / "events.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _start(tmp: Path, env: dict[str, str], name: str, *args: str) -> Server:
    """One process of the topology, with a data directory of its own."""
    port = free_port()
    own = {**env, "KC_DATA_DIR": str(tmp / f"data-{name}")}
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([*KC, *args, "--port", str(port)] if args[0] == "serve" else [*KC, *args],
                                cwd=tmp, env=own, stdout=stdout, stderr=stderr)
    return Server(proc, port, out, err)


def _kc(cluster: Cluster, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A one-off ``kc`` command (its own process and data directory) against the cluster's shared state."""
    env = {**cluster.env, "KC_DATA_DIR": str(cluster.tmp / f"data-{name}")}
    return subprocess.run([*KC, *args], cwd=cluster.tmp, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """PostgreSQL (fresh database) + chroma run + fake WeChat + fake LLM + two web workers + a scheduler."""
    tmp = tmp_path_factory.mktemp("deploy")
    name, url = _pg_database()
    chroma, chroma_url = _chroma(tmp)
    with FakeWeChat() as fake, fake_llm_server(ANSWER) as llm:
        db = Database(url)
        db.migrate()
        load_file(db, "events", _event(tmp), APPID)
        load_file(db, "demands", SAMPLES / "matching" / "demands.jsonl", APPID)
        env = serve_env(tmp / "unused", KC_DATABASE_URL=url, KC_CHROMA_URL=chroma_url, KC_WECHAT_APPID=APPID,
                        KC_WECHAT_SECRET="deploy-secret", KC_WECHAT_API_BASE=fake.base_url,
                        KC_LLM_BASE_URL=f"http://127.0.0.1:{llm.server_port}/v1", KC_LLM_API_KEY="k",
                        KC_LLM_MODEL="m", KC_LLM_TIMEOUT="120",
                        KC_REQUIRE_REVIEW="false", KC_SCHEDULER="true", KC_QUIET_HOURS="")
        cluster = Cluster(_start(tmp, env, "a", *WEB_COMMAND), _start(tmp, env, "b", *WEB_COMMAND),
                          _start(tmp, env, "scheduler", *SCHEDULER_COMMAND), db, env, fake, llm, tmp)
        try:
            ingest = _kc(cluster, "ingest", "kb", "ingest", str(SAMPLES / "kb"))
            assert ingest.returncode == 0, ingest.stderr[-2000:]
            wait_healthy(cluster.a)
            wait_healthy(cluster.b)
            yield cluster
        finally:
            for server in (cluster.a, cluster.b, cluster.scheduler):
                server.stop()
            db.dispose()
            chroma.terminate()
            chroma.wait(10)
            _drop(name)


def post(server: Server, openid: str, text: str, msg_id: int | None = None) -> httpx.Response:
    """A signed plaintext message to one worker."""
    msg_id = msg_id if msg_id is not None else next(MSG_IDS)  # WeChat's MsgIds are unique: so are ours
    return httpx.post(server.url + "/wechat", params=signed(), content=text_xml(openid, text, msg_id), timeout=60)


def answer_of(cluster: Cluster, response: httpx.Response, openid: str, before: int = 0) -> str:
    """The passive reply, or (answered over budget) the answer pushed after the first ``before`` pushes."""
    if "<Content>" in response.text:
        return response.text
    deadline = time.monotonic() + 30
    while len(cluster.fake.texts(openid)) <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    return "\n".join(cluster.fake.texts(openid)[before:])


def say(cluster: Cluster, server: Server, openid: str, text: str) -> str:
    """Send one message and return the answer the user sees (passive or pushed)."""
    before = len(cluster.fake.texts(openid))
    return answer_of(cluster, post(server, openid, text), openid, before)


def together(calls: list[object]) -> list[httpx.Response]:
    """Run the calls (no-argument functions) at the same moment in threads; their responses in order."""
    results: list[httpx.Response | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()  # type: ignore[operator]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return [r for r in results if r is not None]


def test_exactly_one_process_runs_the_scheduler(cluster: Cluster) -> None:
    deadline = time.monotonic() + 30
    while "now runs the scheduler" not in cluster.scheduler.logs() and time.monotonic() < deadline:
        time.sleep(0.3)
    health = [httpx.get(s.url + "/healthz", timeout=10).json() for s in (cluster.a, cluster.b)]
    assert health[0]["scheduler"]["holder"] and health[0]["scheduler"]["holder"] == health[1]["scheduler"]["holder"]
    assert not any(h["scheduler"]["here"] for h in health)
    assert "now runs the scheduler" not in cluster.a.logs() + cluster.b.logs()
    assert health[0]["embedding"]["active"] == "none"


def test_one_msgid_delivered_to_both_workers_at_once_is_handled_once(cluster: Cluster) -> None:
    msg_id = 880000001
    replies = together([lambda: post(cluster.a, "o_dup", "帮助", msg_id), lambda: post(cluster.b, "o_dup", "帮助", msg_id)])
    assert [r.status_code for r in replies] == [200, 200]
    assert "提需求" in replies[0].text and replies[0].text.count("<Content>") == 1
    with cluster.db.session() as session:
        rows = list(session.scalars(select(InboundMessage.id).where(InboundMessage.dedup_key == f"msg:o_dup:{msg_id}")))
        handled = session.scalar(select(func.count()).select_from(ChatLine).where(ChatLine.openid == "o_dup"))
    assert len(rows) == 1 and handled == 2  # answered once: one turn's two transcript lines


def test_signups_alternating_between_workers_fill_five_places_and_waitlist_seven(cluster: Cluster) -> None:
    names = ("王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴刚", "徐丽", "孙强")
    users = [(f"o_signup_{i:02d}", name, f"139{i:08d}") for i, name in enumerate(names)]
    first, second = (cluster.a, cluster.b), (cluster.b, cluster.a)
    for i, (openid, name, phone) in enumerate(users):  # each user's turns alternate between the workers
        assert "姓名" in post(first[i % 2], openid, "报名 W05").text
        assert "同意" in post(second[i % 2], openid, f"{name} {phone}").text
    finals = together([lambda u=u, i=i: post(first[i % 2], u[0], "同意") for i, u in enumerate(users)])
    assert len(finals) == 12 and all(r.status_code == 200 for r in finals)
    # under load some answers go over the reply budget and are finished (and pushed) in the background:
    # what the users are told is awaited first, then the list the organiser sees is read
    answers = [answer_of(cluster, r, u[0]) for r, u in zip(finals, users, strict=True)]
    assert sum("报名成功" in a for a in answers) == 5 and sum("已为您登记候补" in a for a in answers) == 7, answers
    with cluster.db.session() as session:
        regs = list(session.scalars(select(Registration).where(Registration.event_id == "W05")))
    assert sorted(r.status for r in regs).count("confirmed") == 5
    assert sorted(r.status for r in regs).count("waitlisted") == 7
    assert sorted((r.openid, r.name, r.phone, r.party_size) for r in regs) == [(o, n, p, 1) for o, n, p in users]


def test_both_workers_answer_from_the_shared_knowledge_base(cluster: Cluster) -> None:
    doc = cluster.tmp / "deploy_drill.md"
    doc.write_text(NEW_DOC, encoding="utf-8")
    ingest = _kc(cluster, "ingest2", "kb", "ingest", str(doc))  # a third process adds a document
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    for server, openid in ((cluster.a, "o_kb_a"), (cluster.b, "o_kb_b")):
        deadline, text = time.monotonic() + 20, ""
        while "部署演练专项补贴办法" not in text and time.monotonic() < deadline:
            text = post(server, openid, "部署演练专项补贴最高多少钱").text
        assert "部署演练专项补贴办法" in text, text


def test_achievement_indexed_through_one_worker_is_matched_by_the_other(cluster: Cluster) -> None:
    turns = ["我是鄂北理工大学的老师，想把我们的成果放到项目库里",
             "是机床主轴热变形误差实时补偿的技术，已经在两家企业用上了，有两项授权发明专利", "联系人就我，吴志强，13800007777"]
    reply = ""
    for i, turn in enumerate(turns):
        reply = say(cluster, (cluster.a, cluster.b)[i % 2], "o_researcher", turn)
    for _ in range(6):
        said = "同意" if "同意" in reply else ("确认" if "确认" in reply else None)
        if said is None:
            break
        reply = say(cluster, cluster.a, "o_researcher", said)
    achievement = _kc(cluster, "list", "achievements", "list", "--json")
    ours = [r for r in json.loads(achievement.stdout) if "主轴" in r["title"]]
    assert ours, reply
    indexed = _kc(cluster, "index", "jobs", "run", "match_new", "--json")  # one process indexes it
    assert indexed.returncode == 0, indexed.stderr[-2000:]
    matched = _kc(cluster, "match", "match", "achievement", ours[0]["id"], "--json")  # another matches
    assert matched.returncode == 0 and json.loads(matched.stdout), matched.stderr[-2000:]


def test_kill_9_mid_answer_then_wechat_retry_is_answered(cluster: Cluster) -> None:
    cluster.llm.delay = 60.0  # type: ignore[attr-defined]  # the answer hangs: the worker is killed meanwhile
    asked = len(cluster.llm.requests)  # type: ignore[attr-defined]
    msg_id = 880000099
    assert post(cluster.a, "o_crash", "研发费用加计扣除比例是多少", msg_id).text == "success"  # over budget
    deadline = time.monotonic() + 30
    while len(cluster.llm.requests) == asked and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.1)
    os.kill(cluster.a.proc.pid, signal.SIGKILL)
    cluster.a.proc.wait(10)
    cluster.llm.delay = 0.0  # type: ignore[attr-defined]
    time.sleep(9)  # the dead worker's lease (8 s) lapses
    reply = post(cluster.b, "o_crash", "研发费用加计扣除比例是多少", msg_id)  # WeChat's retry, on the live worker
    pushed = lambda: [t for t in cluster.fake.texts("o_crash") if ANSWER in t]  # noqa: E731
    if ANSWER not in reply.text:  # the scheduler's recovery job took it first: it pushes the answer
        deadline = time.monotonic() + 40
        while not pushed() and time.monotonic() < deadline:
            time.sleep(0.3)
    assert (ANSWER in reply.text) != bool(pushed())  # answered exactly one way
    assert len(pushed()) <= 1


def test_sigterm_delivers_the_answer_still_being_computed(cluster: Cluster) -> None:
    cluster.llm.delay = 6.5  # type: ignore[attr-defined]  # longer than the 4.5 s budget: the answer will be pushed
    reply = post(cluster.b, "o_graceful", "高新技术企业认定需要什么条件")
    assert reply.text == "success"  # the request is over; the worker is still computing
    cluster.b.proc.send_signal(signal.SIGTERM)  # shut down meanwhile (docker stop, systemctl stop)
    assert cluster.b.proc.wait(60) in (0, -signal.SIGTERM), cluster.b.logs()[-3000:]  # uvicorn re-raises it
    assert "Application shutdown complete" in cluster.b.logs()
    assert [t for t in cluster.fake.texts("o_graceful") if ANSWER in t], cluster.b.logs()[-3000:]
