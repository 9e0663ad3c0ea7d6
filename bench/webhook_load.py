"""Webhook throughput under concurrent load, against the durable floor measured in the same run.

Usage: .venv/bin/python bench/webhook_load.py [--chat 2000] [--questions 240] [--concurrency 16] [--database-url URL]

Every stage drives an ASGI app in this process with ``--concurrency`` concurrent signed WeChat POSTs
(httpx's ASGITransport: no sockets, so client and server costs are the same for every stage):

1. floor: a bare FastAPI + wechatpy app that checks the signature, parses the XML, inserts the MsgId into a
   SQLite table (WAL, one committed INSERT per message: the least a retry-safe webhook must do) and renders
   a text reply;
2. chat turns needing no retrieval (help, greetings, menu clicks, 我的报名/我的信息/我的需求/我的匹配) through
   the real app (``bot.web.app.create_app``: signing, nonce binding, dedup, worker pool, dispatch, persist),
   checking that the knowledge base was never asked;
3. distinct policy questions (samples/qa_dev + bench/data/qa_extra with a few prefixes, no repeats) through the
   real app with the sample knowledge base and the default embedder, with the process CPU time per question and
   the query encoder's batches (texts, forward passes, busy share);
4. this process's RSS after the warm-up (one worker's app with its models loaded).

It prints each figure and whether its target (issue 17) is met.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
CHAT_TURNS = ("帮助", "你好", "菜单", "我的报名", "我的信息", "我的需求", "我的匹配", "功能")
PREFIXES = ("", "请问", "想问一下，")
_ids = itertools.count(10**9)
INTENT_CACHE = Path(tempfile.gettempdir()) / "kc-bench-intents"


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(pct / 100 * len(ordered) + 0.5)) - 1))]


def signed_query() -> dict[str, str]:
    """A fresh timestamp, nonce and signature for ``TOKEN``."""
    timestamp, nonce = str(int(time.time())), f"n{next(_ids)}"
    digest = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"timestamp": timestamp, "nonce": nonce, "signature": digest}


def text_xml(openid: str, content: str) -> bytes:
    """A plaintext user message with a new MsgId."""
    return (f"<xml><ToUserName>gh_bench</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType>text</MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{next(_ids)}</MsgId></xml>").encode()


def click_xml(openid: str, key: str) -> bytes:
    """A menu click event (deduplicated by sender + CreateTime + event + key)."""
    return (f"<xml><ToUserName>gh_bench</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{next(_ids)}</CreateTime><MsgType>event</MsgType><Event>CLICK</Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey></xml>").encode()


async def _drive(app: Any, bodies: list[bytes], concurrency: int) -> tuple[list[float], list[str], float]:
    """POST ``bodies`` with ``concurrency`` workers; latencies (ms), response texts, wall seconds."""
    import httpx

    latencies: list[float] = [0.0] * len(bodies)
    texts: list[str] = [""] * len(bodies)
    cursor = iter(range(len(bodies)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as client:
        async def worker() -> None:
            for i in cursor:
                started = time.perf_counter()
                response = await client.post("/wechat", params=signed_query(), content=bodies[i])
                latencies[i] = (time.perf_counter() - started) * 1000
                texts[i] = response.text if response.status_code == 200 else f"HTTP {response.status_code}"

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, texts, time.perf_counter() - started


def drive(app: Any, bodies: list[bytes], concurrency: int) -> tuple[list[float], list[str], float]:
    """Run ``_drive`` on a fresh event loop."""
    return asyncio.run(_drive(app, bodies, concurrency))


def floor_app(db_path: Path) -> Any:
    """The bare FastAPI + wechatpy echo app with one durable SQLite insert per MsgId."""
    from fastapi import FastAPI, Request
    from fastapi.responses import PlainTextResponse, Response
    from starlette.concurrency import run_in_threadpool
    from wechatpy import create_reply, parse_message
    from wechatpy.utils import check_signature

    local = threading.local()
    setup = sqlite3.connect(db_path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE IF NOT EXISTS seen (msg_id TEXT PRIMARY KEY, openid TEXT, at REAL)")
    setup.close()

    def connection() -> sqlite3.Connection:
        """This thread's connection (WAL, synchronous=NORMAL like the project's engine)."""
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(db_path, timeout=30)
            local.conn.execute("PRAGMA synchronous=NORMAL")
        return local.conn

    def handle(query: dict[str, str], body: bytes) -> bytes:
        """Verify, parse, insert, render."""
        check_signature(TOKEN, query["signature"], query["timestamp"], query["nonce"])
        msg = parse_message(body)
        conn = connection()
        with conn:
            conn.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (str(msg.id), msg.source, time.time()))
        return create_reply("收到", msg).render().encode("utf-8")

    app = FastAPI()

    @app.post("/wechat")
    async def receive(request: Request) -> Response:
        """The echo webhook."""
        body = await request.body()
        xml = await run_in_threadpool(handle, dict(request.query_params), body)
        return Response(xml, media_type="application/xml") if xml else PlainTextResponse("success")

    return app


def project_app(data_dir: Path, database_url: str | None, *, embedding: str, api_base: str,
                intent_cache: Path = INTENT_CACHE) -> tuple[Any, Any]:
    """The real app over a fresh database with the samples seeded; (app, container).

    The intent model is warmed like a ``kc serve`` worker's (``bot.web.app.create_worker_app``), with the knowledge
    base's embedder: its vector stage (one query vector per corpus utterance, ~40 s of CPU when not cached) is
    loaded from ``intent_cache`` or trained now, before any stage is measured, not in a thread during the policy
    stage (which it did: the trainer shared the two cores with the measured questions)."""
    from bot.container import Container
    from bot.data.seed import seed_if_empty, seed_kb_if_empty
    from bot.settings import Settings
    from bot.web.app import create_app, freeze_warm_heap
    from knowledge.intents import warm as warm_intents

    settings = Settings(_env_file=None, data_dir=data_dir, database_url=database_url,  # type: ignore[call-arg]
                        scheduler=False, seed_samples=True, wechat_token=TOKEN, embedding_model=embedding,
                        wechat_api_base=api_base, wechat_appid="wxbench", wechat_secret="bench-secret")
    services = Container.create(settings)
    with services.db.session() as session:
        seed_if_empty(session, appid=services.appid)
    seed_kb_if_empty(services.kb)
    app = create_app(services)
    warm_intents(intent_cache, services.kb.embedder if services.kb is not None else None, background=False)
    if services.kb is not None:
        services.kb.warm()
    freeze_warm_heap()
    return app, services


class AskCounter:
    """Wraps the knowledge base's ``ask`` to count retrievals."""

    def __init__(self, kb: Any) -> None:
        self.calls = 0
        original: Callable[..., Any] = kb.ask

        def ask(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        kb.ask = ask


class EncoderStats:
    """The query encoder's counters (texts, forward passes, busy time) from now on."""

    def __init__(self, kb: Any) -> None:
        queries = getattr(getattr(kb, "embedder", None), "_queries", None)
        self.batcher = getattr(queries, "batcher", None)
        self.start = self._counts()

    def _counts(self) -> tuple[int, int, float]:
        """(texts, batches, busy seconds) so far."""
        b = self.batcher
        return (b.texts, b.batches, b.busy) if b is not None else (0, 0, 0.0)

    def summary(self, wall: float, messages: int) -> str:
        """Texts encoded (per message too), mean batch size and the encoder threads' busy share of ``wall``."""
        texts, batches, busy = (now - then for now, then in zip(self._counts(), self.start, strict=True))
        if not batches:
            return "no query encodings"
        return (f"{texts} query encodings ({texts / messages:.2f} per question) in {batches} batches "
                f"(mean {texts / batches:.1f}), "
                f"{busy * 1000 / texts:.1f} ms each, encoder busy {busy / wall:.0%} of the stage")


def questions(n: int) -> list[str]:
    """``n`` distinct policy questions (dev questions with a few prefixes); no held-out data."""
    base: list[str] = []
    for name in (ROOT / "samples" / "qa_dev.jsonl", ROOT / "bench" / "data" / "qa_extra.jsonl"):
        base += [json.loads(line)["q"] for line in name.read_text("utf-8").splitlines() if line.strip()]
    texts = list(dict.fromkeys(p + q for p in PREFIXES for q in base))
    return texts[:n]


def rss_mb() -> float:
    """This process's resident set size in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(name: str, latencies: list[float], wall: float, cpu: float | None = None) -> float:
    """Print one stage's throughput, latency and (given the stage's process CPU seconds) CPU per request; req/s."""
    rate = len(latencies) / wall
    per = f"   CPU {cpu * 1000 / len(latencies):.2f} ms/req" if cpu is not None else ""
    print(f"  {name:34s} {rate:8.1f} req/s   p50 {percentile(latencies, 50):7.1f} ms   "
          f"p99 {percentile(latencies, 99):7.1f} ms   max {max(latencies):7.1f} ms   (n={len(latencies)}){per}")
    return rate


def timed_drive(app: Any, bodies: list[bytes], concurrency: int) -> tuple[list[float], list[str], float, float]:
    """``drive`` plus the process CPU seconds it took (client and server: both run in this process)."""
    cpu = time.process_time()
    latencies, texts, wall = drive(app, bodies, concurrency)
    return latencies, texts, wall, time.process_time() - cpu


def verdict(label: str, ok: bool) -> bool:
    """Print one target line."""
    print(f"  [{'met' if ok else 'NOT met'}] {label}")
    return ok


def main() -> None:
    """Measure the floor, chat turns, policy questions and RSS; print the targets."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chat", type=int, default=2000, help="chat turns (and floor requests)")
    parser.add_argument("--questions", type=int, default=240, help="distinct policy questions (≤ 240; 0 skips the stage)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", default=None, help="a scratch database for the project stages")
    parser.add_argument("--embedding", default="auto", help="KC_EMBEDDING_MODEL for the policy stage")
    parser.add_argument("--intent-cache", type=Path, default=INTENT_CACHE,
                        help="where the intent model and its vector stage are cached between runs "
                             "(keyed by the corpus and the embedder)")
    args = parser.parse_args()

    from bot.wechat.testing.fakeapi import FakeWeChat

    with tempfile.TemporaryDirectory() as tmp, FakeWeChat() as fake:
        print(f"webhook load: concurrency {args.concurrency}, {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.1f}")
        bodies = [text_xml(f"o_floor_{i % 50}", "你好") for i in range(args.chat)]
        echo = floor_app(Path(tmp) / "floor.sqlite3")
        drive(echo, [text_xml("o_floor_warm", "你好") for _ in range(200)], args.concurrency)  # warm-up
        f_lat, _, f_wall, f_cpu = timed_drive(echo, bodies, args.concurrency)
        floor = report("floor (FastAPI+wechatpy+1 insert)", f_lat, f_wall, f_cpu)

        app, services = project_app(Path(tmp) / "kc", args.database_url, embedding=args.embedding,
                                    api_base=fake.base_url, intent_cache=args.intent_cache)
        counter = AskCounter(services.kb) if services.kb is not None else None
        turns = [click_xml(f"o_chat_{i % 50}", "KC_HELP") if i % 8 == 7 else
                 text_xml(f"o_chat_{i % 50}", CHAT_TURNS[i % len(CHAT_TURNS)]) for i in range(args.chat)]
        drive(app, turns[:200], args.concurrency)  # warm-up (users created, caches filled)
        turns = [text_xml(f"o_chat_{i % 50}", CHAT_TURNS[i % len(CHAT_TURNS)]) for i in range(args.chat)]
        chat_lat, chat_texts, chat_wall, chat_cpu = timed_drive(app, turns, args.concurrency)
        chat = report("chat turns, no retrieval", chat_lat, chat_wall, chat_cpu)
        empty = sum(1 for t in chat_texts if "<Content>" not in t)
        asked = counter.calls if counter else 0

        policy, q_lat, deferred = float("nan"), [float("nan")], 0
        if args.questions:  # --questions 0: the chat stage only
            qs = questions(args.questions)
            drive(app, [text_xml("o_warm_q", "研发费用加计扣除怎么申请")], 1)
            q_bodies = [text_xml(f"o_q_{i % 40}", q) for i, q in enumerate(qs)]
            encoder = EncoderStats(services.kb)
            cpu = time.process_time()
            q_lat, q_texts, q_wall = drive(app, q_bodies, args.concurrency)
            cpu = time.process_time() - cpu
            policy = report(f"distinct policy questions ({services.settings.embedding_model})", q_lat, q_wall)
            print(f"  {'':34s} CPU {cpu * 1000 / len(qs):.1f} ms per question; {encoder.summary(q_wall, len(qs))}")
            deferred = sum(1 for t in q_texts if t == "success")
        rss = rss_mb()
        services.db.dispose()

    print(f"  chat turns without a passive reply: {empty}; knowledge-base asks during chat turns: {asked}")
    print(f"  policy answers deferred to a push (over budget): {deferred}")
    print(f"  RSS after warm-up: {rss:.0f} MB")
    print("targets:")
    verdict(f"chat turns ≥ 0.3 × floor: {chat / floor:.2f} × ({chat:.0f} / {floor:.0f} req/s)", chat >= 0.3 * floor)
    verdict(f"chat turns p99 ≤ 50 ms: {percentile(chat_lat, 99):.1f} ms", percentile(chat_lat, 99) <= 50)
    verdict(f"chat turns need no retrieval: {asked} asks", asked == 0)
    verdict(f"policy questions ≥ 60 req/s: {policy:.1f}", policy >= 60)
    verdict(f"policy questions p99 ≤ 1 s: {percentile(q_lat, 99):.0f} ms", percentile(q_lat, 99) <= 1000)
    verdict(f"policy questions none over 5 s: max {max(q_lat):.0f} ms", max(q_lat) <= 5000)
    verdict(f"one worker's RSS < 1 GB: {rss:.0f} MB", rss < 1024)


if __name__ == "__main__":
    main()
