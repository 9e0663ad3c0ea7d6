"""Replay whole conversations through the real webhook and compare what was stored with the expected record.

Data: /work/shared/data/dialogues_dev.jsonl (all dev), our own tests/support/data/dialogues_messy.jsonl,
dialogues_forms.jsonl, dialogues_voices.jsonl, dialogues_voices2.jsonl, dialogues_voices3.jsonl,
dialogues_voices4.jsonl, dialogues_voices5.jsonl, dialogues_voices6.jsonl, dialogues_voices7.jsonl, dialogues_voices8.jsonl, dialogues_voices9.jsonl, dialogues_voices10.jsonl, dialogues_voices11.jsonl, dialogues_voices12.jsonl, dialogues_voices13.jsonl, dialogues_voices14.jsonl, dialogues_voices15.jsonl, dialogues_voices16.jsonl (event parties) dialogues_voices17.jsonl (researchers) dialogues_voices18.jsonl (entrepreneurs), dialogues_voices19.jsonl (event parties), dialogues_voices20.jsonl (researchers) dialogues_voices21.jsonl (entrepreneurs' digressions), dialogues_voices22.jsonl (researchers), dialogues_voices24.jsonl (event parties), dialogues_voices23.jsonl and dialogues_voices25.jsonl (the same two briefs by two more hands: unseen checks of the fixes made on 22 and 24, then dev) (dev), bench/heldout/dialogues.jsonl,
dialogues2.jsonl and dialogues3.jsonl (rows carry ``split``: dev | heldout; missing files are skipped).
Each conversation runs on its own openid against one migrated SQLite database holding the sample events,
with the clock frozen before the sample deadlines; after the user's turns a scripted user answers whatever
the bot still asks from the expected facts (counted as "extra answers"), corrects a value the summary marks
as a guess when it is wrong (as the summary invites; counted separately), confirms and consents.

Prints per data part: exact-record rate, per-field accuracy, the clean-description rate (no company name,
budget remark, correction phrase, need-type word or digression in a stored description/title), the reply
checks (``expect_reply_contains``) and the extra answers the scripted user had to give.

Run: .venv/bin/python bench/eval_dialogues.py [--only dev|heldout] [--part voices6] [--show-failures] [--ids HDL02,...] [--served]
``--served`` runs the bot as ``make run`` serves it (knowledge base with the sample documents, intent vector stage
trained first); without it only the rules and the cheap intent model answer (faster; what the test suite runs).
``--show-failures`` prints transcripts of failing *dev* conversations only (held-out rows stay unread).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import Clock  # noqa: E402
from bot.container import Container  # noqa: E402
from bot.store.models import Event  # noqa: E402
from tests.support.dialogue_records import clean_problems, empty_events, exact, field_results  # noqa: E402
from tests.support.dialogue_sim import WebhookBot, play  # noqa: E402
from tests.support.env import SAMPLES, load_file, make_settings  # noqa: E402
from tests.support.wechat_client import wechat_client  # noqa: E402

CST = timezone(timedelta(hours=8))
BEFORE = datetime(2027, 3, 1, 10, 0, tzinfo=CST)  # before every sample deadline
FILES = (Path("/work/shared/data/dialogues_dev.jsonl"), ROOT / "tests/support/data/dialogues_messy.jsonl",
         ROOT / "tests/support/data/dialogues_forms.jsonl", ROOT / "tests/support/data/dialogues_voices.jsonl",
         ROOT / "tests/support/data/dialogues_voices2.jsonl",
         ROOT / "tests/support/data/dialogues_voices3.jsonl",
         ROOT / "tests/support/data/dialogues_voices4.jsonl",
         ROOT / "tests/support/data/dialogues_voices5.jsonl",
         ROOT / "tests/support/data/dialogues_voices6.jsonl",
         ROOT / "tests/support/data/dialogues_voices7.jsonl",
         ROOT / "tests/support/data/dialogues_voices8.jsonl",
         ROOT / "tests/support/data/dialogues_voices9.jsonl",
         ROOT / "tests/support/data/dialogues_voices10.jsonl",
         ROOT / "tests/support/data/dialogues_voices11.jsonl",
         ROOT / "tests/support/data/dialogues_voices12.jsonl",
         ROOT / "tests/support/data/dialogues_voices13.jsonl",
         ROOT / "tests/support/data/dialogues_voices14.jsonl",
         ROOT / "tests/support/data/dialogues_voices15.jsonl",
         ROOT / "tests/support/data/dialogues_voices16.jsonl",
         ROOT / "tests/support/data/dialogues_voices17.jsonl",
         ROOT / "tests/support/data/dialogues_voices18.jsonl",
         ROOT / "tests/support/data/dialogues_voices19.jsonl",
         ROOT / "tests/support/data/dialogues_voices20.jsonl",
         ROOT / "tests/support/data/dialogues_voices21.jsonl",
         ROOT / "tests/support/data/dialogues_voices22.jsonl", ROOT / "tests/support/data/dialogues_voices24.jsonl",
         ROOT / "tests/support/data/dialogues_voices23.jsonl", ROOT / "tests/support/data/dialogues_voices25.jsonl",
         ROOT / "bench/heldout/dialogues.jsonl", ROOT / "bench/heldout/dialogues2.jsonl",
         ROOT / "bench/heldout/dialogues3.jsonl")


def load(paths: tuple[Path, ...]) -> list[dict[str, Any]]:
    """Every dialogue with its part label ``file:split``."""
    out = []
    for path in paths:
        if not path.exists():
            print(f"(skipped: {path} not found)")
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row["part"] = f"{path.name}:{row.get('split', 'dev')}"
                out.append(row)
    return out


def reply_checks(dialogue: dict[str, Any], transcript: list[tuple[str, str]], events: dict[str, Any]) -> list[bool]:
    """``expect_reply_contains``: phrases (or event fields) each checked turn's reply must hold."""
    out = []
    for check in dialogue.get("expect_reply_contains", []):
        turn = check["turn"]
        reply = transcript[turn][1] if turn < len(transcript) else ""
        ok = all(p in reply for p in check.get("contains", []))
        if check.get("contains_any"):
            ok = ok and any(p in reply for p in check["contains_any"])
        event = events.get(dialogue["expect"].get("event_id", ""))
        for field in check.get("contains_event_fields", []):
            ok = ok and event is not None and _event_field_in(reply, event, field)
        out.append(ok)
    return out


def _event_field_in(reply: str, event: Any, field: str) -> bool:
    """The event's location (verbatim) or start time ('HH:MM' or 'X点') appears in the reply."""
    if field == "location":
        return event.location in reply
    local = event.start.astimezone(CST)
    return f"{local:%H:%M}" in reply or f"{local.hour}点" in reply


def container(served: bool) -> Container:
    """The bot under test: rules and the cheap intent model only, or (``served``) as ``make run`` serves it — the
    knowledge base with the sample documents and the intent model's sentence-vector stage trained before the first
    message."""
    tmp = Path(tempfile.mkdtemp(prefix="kc-evaldlg-"))
    if not served:
        return Container.create(make_settings(tmp / "data"), knowledge=None, clock=Clock(BEFORE))
    from bot.data.seed import seed_kb_if_empty
    from knowledge.intents import warm as warm_intents

    services = Container.create(make_settings(tmp / "data"), clock=Clock(BEFORE))
    kb = services.kb
    assert kb is not None, "the served configuration needs the knowledge base"
    seed_kb_if_empty(kb)
    kb.warm()
    warm_intents(tmp / "data", kb.embedder, background=False)
    return services


def run(dialogues: list[dict[str, Any]], show: bool, served: bool = False) -> dict[str, dict[str, Any]]:
    """Play every dialogue; per-part tallies."""
    services = container(served)
    load_file(services.db, "events", SAMPLES / "events.jsonl", services.appid)
    with services.db.session() as session:
        events = {e.id: e for e in session.query(Event).all()}
        session.expunge_all()
    parts: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "exact": 0, "fields": Counter(), "total": Counter(),
                                                            "texts": 0, "clean": 0, "checks": [], "extra": 0, "guess_fixes": 0,
                                                            "kinds": Counter(), "kinds_ok": Counter(), "open": 0, "silent": 0, "wrong_by_kind": Counter(),
                                                            "failed": []})
    with wechat_client(services) as wx:
        bot = WebhookBot(wx, services)
        for i, dialogue in enumerate(dialogues):
            openid = f"eval_{i}_{dialogue['id']}"
            transcript = play(bot, dialogue, openid)
            results = field_results(services, dialogue, openid)
            dirty = clean_problems(services, dialogue, openid)
            tally = parts[dialogue["part"]]
            tally["n"] += 1
            tally["exact"] += exact(results) and not dirty
            tally["kinds"][dialogue["kind"]] += 1
            tally["kinds_ok"][dialogue["kind"]] += exact(results) and not dirty
            for key, ok in results.items():
                tally["total"][key] += 1
                tally["fields"][key] += ok
                tally["wrong_by_kind"][f"{dialogue['kind']}.{key}"] += not ok
            if dialogue["kind"] in ("demand", "achievement") and not dialogue["expect"].get("cancelled"):
                tally["texts"] += 1
                tally["clean"] += not dirty
            tally["checks"] += reply_checks(dialogue, transcript, events)
            tally["extra"] += len(transcript) - len(dialogue["turns"])
            tally["open"] += bot.state(openid).flow is not None
            tally["silent"] += sum(not reply for _, reply in transcript)
            tally["guess_fixes"] += sum("改成" in said for said, _ in transcript[len(dialogue["turns"]):])
            empty_events(services)  # every conversation starts with nobody signed up
            if not exact(results) or dirty:
                tally["failed"].append(dialogue["id"])
                if show and dialogue.get("split", "dev") == "dev":
                    _show(dialogue, transcript, results, dirty)
    services.close()
    return parts


def _show(dialogue: dict[str, Any], transcript: list[tuple[str, str]], results: dict[str, bool], dirty: list[str]) -> None:
    """A failing dev conversation, for fixing classes of failure."""
    print(f"--- {dialogue['id']} ({dialogue['kind']}): wrong {[k for k, v in results.items() if not v]} {dirty}")
    for user, bot in transcript:
        print(f"U: {user}\nB: {re.sub(chr(10), ' / ', bot)[:400]}")


def report(parts: dict[str, dict[str, Any]]) -> None:
    """Print the per-part figures."""
    for name in sorted(parts):
        t = parts[name]
        checks = t["checks"]
        print(f"\n== {name}: {t['n']} conversations")
        print(f"exact record: {t['exact']}/{t['n']} = {t['exact'] / t['n']:.3f}  (by kind: "
              + ", ".join(f"{k} {t['kinds_ok'][k]}/{t['kinds'][k]}" for k in sorted(t["kinds"])) + ")")
        if t["texts"]:
            print(f"clean description/title: {t['clean']}/{t['texts']} = {t['clean'] / t['texts']:.3f}")
        if checks:
            print(f"reply checks: {sum(checks)}/{len(checks)}")
        print(f"extra answers by the scripted user: {t['extra']} ({t['extra'] / t['n']:.2f} per conversation), "
              f"of which corrections of a marked guess: {t['guess_fixes']}")
        wrong = ", ".join(f"{k} {v}" for k, v in sorted(t["wrong_by_kind"].items()) if v)
        print(f"wrong fields by kind: {wrong or '-'}")
        print(f"left with an unfinished flow: {t['open']}; turns without a reply: {t['silent']}")
        fields = ", ".join(f"{k} {t['fields'][k]}/{t['total'][k]}" for k in sorted(t["total"]))
        print(f"per field: {fields}")
        if name.endswith(":dev") and t["failed"]:
            print(f"failed (dev): {', '.join(t['failed'])}")


def main() -> None:
    """Parse arguments, replay, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("dev", "heldout", "valid"))
    parser.add_argument("--file", action="append", default=[], type=Path,
                        help="also replay this file (rows with split 'valid': a fixer's unseen check; no failures shown)")
    parser.add_argument("--ids", default="")
    parser.add_argument("--part", default="", help="only dev files whose name contains this (e.g. voices6)")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--served", action="store_true",
                        help="as make run serves it: knowledge base and the intent vector stage (slower)")
    args = parser.parse_args()
    dialogues = load(FILES + tuple(args.file))
    if args.only:
        dialogues = [d for d in dialogues if d.get("split", "dev") == args.only]
    if args.part:
        dialogues = [d for d in dialogues if args.part in d["part"] and d.get("split", "dev") == "dev"]
    if args.ids:
        wanted = set(args.ids.split(","))
        dialogues = [d for d in dialogues if d["id"] in wanted and d.get("split", "dev") == "dev"]
    started = time.perf_counter()
    parts = run(dialogues, args.show_failures, args.served)
    report(parts)
    print(f"\n{len(dialogues)} conversations in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
