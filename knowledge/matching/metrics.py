"""Ranking metrics with graded relevance: nDCG@k, MRR and Recall@k."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path


def ndcg(ranking: list[str], grades: dict[str, int], k: int = 10) -> float:
    """Normalised DCG with gain 2^grade - 1."""
    dcg = sum((2 ** grades.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranking[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranking: list[str], grades: dict[str, int]) -> float:
    """1 / rank of the first relevant item (grade ≥ 1), 0 if none."""
    return next((1.0 / (i + 1) for i, r in enumerate(ranking) if grades.get(r, 0) > 0), 0.0)


def recall(ranking: list[str], grades: dict[str, int], k: int = 5) -> float:
    """Share of the relevant items (grade ≥ 1) found in the top ``k``."""
    relevant = {r for r, g in grades.items() if g > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def evaluate(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean nDCG@10, MRR and Recall@5 over the queries that have judgements."""
    qs = [q for q in qrels if q in rankings]
    if not qs:
        return {"ndcg@10": 0.0, "mrr": 0.0, "recall@5": 0.0}
    return {
        "ndcg@10": sum(ndcg(rankings[q], qrels[q]) for q in qs) / len(qs),
        "mrr": sum(reciprocal_rank(rankings[q], qrels[q]) for q in qs) / len(qs),
        "recall@5": sum(recall(rankings[q], qrels[q]) for q in qs) / len(qs),
    }


def load_qrels(path: str | Path, reverse: bool = False) -> dict[str, dict[str, int]]:
    """``{"demand", "achievement", "grade"}`` lines → {query id: {doc id: grade}} (achievement-keyed if reverse)."""
    out: dict[str, dict[str, int]] = {}
    for row in _jsonl(path):
        q, d = (row["achievement"], row["demand"]) if reverse else (row["demand"], row["achievement"])
        out.setdefault(q, {})[d] = int(row["grade"])
    return out


def _jsonl(path: str | Path) -> Iterable[dict]:
    """Rows of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        yield from (json.loads(line) for line in fh if line.strip())


def load_jsonl(path: str | Path) -> list[dict]:
    """All rows of a JSONL file."""
    return list(_jsonl(path))
