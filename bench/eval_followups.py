"""Two-message policy exchanges through the whole chat: is the second message answered in the first one's context?

    .venv/bin/python bench/eval_followups.py [--dev-only] [--show-failures]

People rarely repeat the topic: after "高企要满足什么条件" they write "我们营收三千万研发投了一百万 够不够" or "个人能申请吗".
Each exchange is sent by a fresh user through the signed webhook (every document set ingested, like
``bench/qa_routing.py``); only the reply to the second message is scored:

- ``continue``: the second message continues the first one's topic; ``switch``: it names another topic. For both, the
  reply must come from the expected document (its title on the source line: doc@1) and hold the expected phrases
  (facts); a decline is a false decline;
- ``oos``: it continues the topic but asks a detail no document states: it must be declined (a plain decline or
  "资料里没有写明…").

Parts: ``dev`` (``bench/data/qa_followups.jsonl``, one writer who saw no code) and ``heldout``
(``bench/heldout/qa_followups.jsonl``, another writer with the same brief; never listed one by one, never tuned on).
``--show-failures`` lists the dev part's failures only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.eval_qa import KB_DIRS  # noqa: E402
from bench.qa_routing import ANSWERED, DECLINED, chat_services  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.wechat.testing.simulator import simulate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"dev": ROOT / "bench" / "data" / "qa_followups.jsonl",
         "heldout": ROOT / "bench" / "heldout" / "qa_followups.jsonl"}


def titles() -> dict[str, str]:
    """Each document's stem → its title (the first heading), as the source line names it."""
    out: dict[str, str] = {}
    for folder in KB_DIRS:
        for path in folder.rglob("*.md"):
            heading = re.search(r"^#\s+(.+)$", path.read_text(encoding="utf-8"), re.M)
            out[path.stem] = heading.group(1).strip() if heading else path.stem
    return out


def score(item: dict, reply: str, names: dict[str, str]) -> dict[str, bool]:
    """What the reply to the second message got right."""
    declined = ANSWERED not in reply or DECLINED in reply
    if item.get("oos"):
        return {"declined": declined}
    doc_hit = f"《{names.get(item['doc'], item['doc'])}》" in reply
    return {"doc": doc_hit, "facts": not declined and all(p in reply for p in item.get("expect", [])),
            "false_decline": declined}


def run_part(sim: object, rows: list[dict], names: dict[str, str], offset: int, show: bool) -> dict[str, float]:
    """Send each exchange as a new user; the part's rates per kind and overall."""
    by_kind: dict[str, list[dict[str, bool]]] = defaultdict(list)
    for i, item in enumerate(rows):
        user = f"follow{offset + i}"
        first = "\n".join(sim.send_text(user, item["turns"][0]))  # type: ignore[attr-defined]
        reply = "\n".join(sim.send_text(user, item["turns"][1]))  # type: ignore[attr-defined]
        result = score(item, reply, names)
        by_kind[item["kind"]].append(result)
        if show and not (result.get("declined") or (result.get("doc") and result.get("facts"))):
            print(f"  [{item['id']} {item['kind']}] {item['turns'][0]} → {first[:40]!r}\n"
                  f"      {item['turns'][1]} → {reply[:160]!r}\n      want {item.get('doc')} {item.get('expect')}")
    return summary(by_kind)


def summary(by_kind: dict[str, list[dict[str, bool]]]) -> dict[str, float]:
    """doc@1 / facts / false declines over in-scope exchanges, per kind, and the OOS decline rate."""
    def rate(rows: list[dict[str, bool]], key: str) -> float:
        return sum(r[key] for r in rows) / max(len(rows), 1)
    inscope = by_kind.get("continue", []) + by_kind.get("switch", [])
    out = {"n": float(sum(len(v) for v in by_kind.values())), "doc": rate(inscope, "doc"),
           "facts": rate(inscope, "facts"), "false_declines": rate(inscope, "false_decline"),
           "oos_declined": rate(by_kind.get("oos", []), "declined")}
    for kind in ("continue", "switch"):
        out[f"{kind}_facts"] = rate(by_kind.get(kind, []), "facts")
    return out


def main() -> None:
    """Replay both parts through the chat and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev-only", action="store_true", help="skip the held-out part")
    parser.add_argument("--show-failures", action="store_true", help="list the dev part's failures")
    args = parser.parse_args()
    names = titles()
    with tempfile.TemporaryDirectory(prefix="kc-follow-") as tmp:
        services = chat_services(tmp)
        print("| part | n | doc@1 | facts | false declines | OOS declined | facts: continue / switch |")
        print("|---|---|---|---|---|---|---|")
        with simulate(services, app_factory=create_app) as sim:
            for index, (part, path) in enumerate(PARTS.items()):
                if not path.exists() or (args.dev_only and part == "heldout"):
                    continue
                rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
                r = run_part(sim, rows, names, index * 1000, show=args.show_failures and part == "dev")
                print(f"| {part} | {r['n']:.0f} | {r['doc']:.2f} | {r['facts']:.2f} | {r['false_declines']:.2f} "
                      f"| {r['oos_declined']:.2f} | {r['continue_facts']:.2f} / {r['switch_facts']:.2f} |")
        services.close()


if __name__ == "__main__":
    main()
