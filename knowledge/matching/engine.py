"""The two-way matching engine: demands (问题库) ↔ achievements (项目库)."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.bm25 import Vocabulary
from knowledge.chroma import make_client
from knowledge.embeddings import Embedder
from knowledge.matching.cache import EmbeddingCache
from knowledge.matching.lexical import CONCEPT_PREFIX, Tokenizer
from knowledge.matching.records import MatchRecord, Side, as_achievement, as_demand
from knowledge.matching.scoring import (
    DEFAULT_THRESHOLD,
    Bridge,
    Match,
    Weights,
    display_score,
    raw_score,
    reasons,
    structured_features,
)
from knowledge.matching.sides import SideIndex, TfidfSpaces, background_stats
from knowledge.matching.thesaurus import Thesaurus, load_thesaurus
from knowledge.matching.vectors import VectorStore, collection_name

ROLE = {"demand": "query", "achievement": "passage"}
OTHER: dict[Side, Side] = {"demand": "achievement", "achievement": "demand"}


class Matcher:
    """Indexes both sides and ranks one side's records for a record of the other side, symmetrically."""

    def __init__(
        self,
        embedder: Embedder | None,
        store_dir: str | Path | None = None,
        *,
        client: Any = None,
        thesaurus: Thesaurus | None = None,
        weights: Weights | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        candidates: int = 100,
        exact_dense: bool = False,
    ) -> None:
        self.embedder = embedder if embedder is not None and embedder.enabled else None
        self.thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
        self.tokenizer = Tokenizer(self.thesaurus)
        self.weights, self.threshold = weights or Weights(), threshold
        self.candidates, self.exact_dense = candidates, exact_dense
        self.vocab = Vocabulary()
        self.cache = EmbeddingCache(Path(store_dir) / "embeddings.sqlite" if store_dir else ":memory:")
        self.sides: dict[Side, SideIndex] = {s: SideIndex(s) for s in ("demand", "achievement")}
        self._stats: dict[str, tuple[float, float]] | None = None
        self._tfidf: TfidfSpaces | None = None
        if self.embedder is not None:
            self._open_vectors(client if client is not None else _client(store_dir))

    # ---- indexing -------------------------------------------------------------------------------------

    def _open_vectors(self, client: Any) -> None:
        """Attach each side to its Chroma collection and restore previously indexed records."""
        assert self.embedder is not None
        for side, index in self.sides.items():
            index.store = VectorStore(client, collection_name(side, self.embedder.name))
            for meta in index.store.load().values():
                self._add_lexical(index, _from_meta(meta), meta.get("rec_hash", ""))

    def index_demands(self, records: list[Any]) -> int:
        """Add or update demands (dicts or rows with the demand fields); returns how many changed."""
        return self._index("demand", [as_demand(r) for r in records])

    def index_achievements(self, records: list[Any]) -> int:
        """Add or update achievements; returns how many changed."""
        return self._index("achievement", [as_achievement(r) for r in records])

    def remove(self, side: Side, ids: list[str]) -> None:
        """Forget records of one side (e.g. a rejected or deleted demand)."""
        index = self.sides[side]
        index.remove(ids)
        if index.store is not None:
            index.store.delete(list(ids))
        self._stats = None

    def _index(self, side: Side, recs: list[MatchRecord]) -> int:
        """Embed (through the cache) and store the records whose content changed."""
        index = self.sides[side]
        hashes = {r.id: (r, _rec_hash(r)) for r in recs}
        changed = [(r, h) for r, h in hashes.values() if index.hashes.get(r.id) != h]
        if not changed:
            return 0
        if index.store is not None:
            vecs = self._embed([r.embed_text for r, _ in changed], side)
            metas = [_to_meta(r, h) for r, h in changed]
            index.store.upsert([r.id for r, _ in changed], vecs, metas)
        for rec, rec_hash in changed:
            self._add_lexical(index, rec, rec_hash)
        self._stats = None
        return len(changed)

    def _add_lexical(self, index: SideIndex, rec: MatchRecord, rec_hash: str) -> None:
        """Tokenise one record into the shared vocabulary."""
        surface, concepts = self._tokens(rec, grow=True)
        index.put(rec, rec_hash, surface, concepts)

    def _tokens(self, rec: MatchRecord, grow: bool) -> tuple[np.ndarray, np.ndarray]:
        """Surface (word + bigram) and concept token ids of a record."""
        toks = self.tokenizer.tokens(rec.lexical_text)
        surface = [t for t in toks if not t.startswith(CONCEPT_PREFIX)]
        concepts = [t for t in toks if t.startswith(CONCEPT_PREFIX)]
        return self.vocab.encode(surface, grow), self.vocab.encode(concepts, grow)

    def _embed(self, texts: list[str], side: Side) -> np.ndarray:
        """Vectors through the persistent cache (each text embedded at most once per model and role)."""
        assert self.embedder is not None
        return self.cache.embed(self.embedder, texts, ROLE[side])

    # ---- matching -------------------------------------------------------------------------------------

    def match_demand(self, demand: Any, top: int = 10) -> list[Match]:
        """The top achievements for a demand, best first, each with a confidence label (no global cut:
        ``Match.confidence`` says 高/中/低, ``Match.alertable`` whether it is worth an alert)."""
        return self._match(as_demand(demand), top)

    def match_achievement(self, achievement: Any, top: int = 10) -> list[Match]:
        """The top published demands for an achievement, best first (same scores and labels, symmetric)."""
        return self._match(as_achievement(achievement), top)

    def score_all(self, query: Any, side: Side) -> dict[str, float]:
        """Raw scores of every record of the other side (no threshold; for evaluation)."""
        rec = as_demand(query) if side == "demand" else as_achievement(query)
        target = self.sides[OTHER[side]]
        feats = self._features(rec, list(target.records))
        return {rid: raw_score(f, self.weights) for rid, f in feats.items()}

    def _match(self, rec: MatchRecord, top: int) -> list[Match]:
        """Generate candidates, score them, keep the top ones (above the optional floor) and explain."""
        if top <= 0 or not rec.id and not rec.embed_text.strip("。 "):
            return []
        target = self.sides[OTHER[rec.side]]
        if not target.records:
            return []
        qvec = self._query_vector(rec)
        ids = self._candidates(rec, qvec, max(self.candidates, 3 * top))
        feats = self._features(rec, ids, qvec)
        scored = [
            (display_score(raw_score(f, self.weights)), rid) for rid, f in feats.items() if rid != rec.id
        ]
        kept = sorted((x for x in scored if x[0] >= self.threshold), key=lambda x: (-x[0], x[1]))[:top]
        return [self._explain(rec, rid, score, feats[rid]) for score, rid in kept]

    def _query_vector(self, rec: MatchRecord) -> np.ndarray | None:
        """The record's vector: the stored one if indexed unchanged, else embedded through the cache."""
        if self.embedder is None or not self.weights.semantic:
            return None
        return self._embed([rec.embed_text], rec.side)[0]

    def _candidates(self, rec: MatchRecord, qvec: np.ndarray | None, k: int) -> list[str]:
        """Union of dense nearest neighbours (Chroma) and BM25 top hits (thesaurus-tagged tokens)."""
        self._prepare()
        target = self.sides[OTHER[rec.side]]
        found: dict[str, None] = {}
        if qvec is not None and target.store is not None:
            search = target.store.search_exact if self.exact_dense else target.store.search
            found.update(dict.fromkeys(search(qvec, k)))
        surface, concepts = self._tokens(rec, grow=False)
        found.update(dict.fromkeys(target.bm25_top(np.concatenate([surface, concepts]), k)))
        return list(found)

    def _features(self, rec: MatchRecord, ids: list[str], qvec: np.ndarray | None = None) -> dict[str, dict]:
        """Similarity and structured features of ``rec`` against the given records of the other side."""
        target = self.sides[OTHER[rec.side]]
        stats = self._background()
        if qvec is None:
            qvec = self._query_vector(rec)
        sims = self._similarities(rec, target, ids, qvec)
        out: dict[str, dict] = {}
        for n, rid in enumerate(ids):
            other = target.records[rid]
            demand, ach = (rec, other) if rec.side == "demand" else (other, rec)
            feats = {k: (v[n] - stats[k][0]) / stats[k][1] for k, v in sims.items()}
            out[rid] = feats | structured_features(demand, ach)
        return out

    def _similarities(self, rec: MatchRecord, target: SideIndex, ids: list[str], qvec: Any) -> dict[str, Any]:
        """Raw cosine similarities (semantic, concept, lexical) of ``rec`` with each id."""
        surface, concepts = self._tokens(rec, grow=False)
        spaces = self._spaces()
        sims = {
            "concept": spaces.similarity("concept", concepts, target.side, ids),
            "lexical": spaces.similarity("surface", surface, target.side, ids),
        }
        if qvec is not None and target.store is not None:
            sims["semantic"] = target.store.vectors(ids) @ qvec
        return sims

    def _spaces(self) -> TfidfSpaces:
        """The shared TF-IDF spaces over both sides (rebuilt after index changes)."""
        self._prepare()
        assert self._tfidf is not None
        return self._tfidf

    def _background(self) -> dict[str, tuple[float, float]]:
        """Mean and standard deviation of each similarity over random demand/achievement pairs."""
        self._prepare()
        assert self._stats is not None
        return self._stats

    def _prepare(self) -> None:
        """Rebuild BM25, TF-IDF spaces and background statistics if the index changed."""
        if self._stats is not None:
            return
        for index in self.sides.values():
            index.prepare(len(self.vocab))
        self._tfidf = TfidfSpaces(self.sides, len(self.vocab))
        self._stats = background_stats(self.sides, self._tfidf)

    def _explain(self, rec: MatchRecord, rid: str, score: float, feats: dict[str, float]) -> Match:
        """Attach reasons to a scored match."""
        other = self.sides[OTHER[rec.side]].records[rid]
        demand, ach = (rec, other) if rec.side == "demand" else (other, rec)
        shared = self._shared_terms(demand, ach)
        why = reasons(demand, ach, feats, shared, self._bridge(demand, ach))
        return Match(rid, score, why, {k: round(float(v), 4) for k, v in feats.items()})

    def _bridge(self, demand: MatchRecord, ach: MatchRecord) -> Bridge | None:
        """The rarest thesaurus concept both records mention in different words (e.g. 刹车发抖 ≈ 制动抖振)."""
        d_hits = {h.cid: h for h in self.thesaurus.concepts(demand.lexical_text)}
        spaces = self._spaces()
        best: tuple[float, Bridge] | None = None
        for hit in self.thesaurus.concepts(ach.lexical_text):
            mine = d_hits.get(hit.cid)
            if mine is None or set(mine.terms) & set(hit.terms):
                continue  # not shared, or the same word on both sides (the keyword reason covers it)
            d_term, a_term = _surface(demand.lexical_text, mine.terms[0]), _surface(ach.lexical_text, hit.terms[0])
            if a_term in d_term or d_term in a_term:
                continue
            idf = spaces.idf(f"{CONCEPT_PREFIX}{hit.cid}", self.vocab)
            if best is None or idf > best[0] + 1e-9:
                best = (idf, Bridge(d_term, a_term, hit.canonical))
        return best[1] if best else None

    def _shared_terms(self, demand: MatchRecord, ach: MatchRecord) -> list[str]:
        """Achievement-side terms of the concepts both records mention, rarest concept first."""
        d_hits = {h.cid for h in self.thesaurus.concepts(demand.lexical_text)}
        a_hits = [h for h in self.thesaurus.concepts(ach.lexical_text) if h.cid in d_hits]
        spaces = self._spaces()
        a_hits.sort(key=lambda h: -spaces.idf(f"{CONCEPT_PREFIX}{h.cid}", self.vocab))
        terms: list[str] = []
        for hit in a_hits:
            term = _surface(ach.lexical_text, hit.terms[0])
            if term not in terms and not any(term in t or t in term for t in terms):
                terms.append(term)
        return terms

    def close(self) -> None:
        """Release the cache database."""
        self.cache.close()


def _surface(text: str, term: str) -> str:
    """The term as written in the text (original case)."""
    pos = text.lower().find(term.lower())
    return text[pos : pos + len(term)] if pos >= 0 else term


def _client(store_dir: str | Path | None) -> Any:
    """A persistent Chroma client under ``store_dir/chroma`` (a fresh temporary directory when None)."""
    if store_dir is None:
        import tempfile

        store_dir = tempfile.mkdtemp(prefix="kc-match-")
    return make_client(Path(store_dir))


def _rec_hash(rec: MatchRecord) -> str:
    """A content hash of every matching field of a record."""
    parts = [str(getattr(rec, f.name)) for f in fields(MatchRecord)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _to_meta(rec: MatchRecord, rec_hash: str) -> dict[str, Any]:
    """Chroma metadata: the record's fields (keywords joined) plus its content hash."""
    meta: dict[str, Any] = {f.name: getattr(rec, f.name) for f in fields(MatchRecord)}
    meta["keywords"] = "、".join(rec.keywords)
    meta["rec_hash"] = rec_hash
    return meta


def _from_meta(meta: dict[str, Any]) -> MatchRecord:
    """Rebuild a record from its Chroma metadata."""
    values = {k: v for k, v in meta.items() if k != "rec_hash"}
    values["keywords"] = tuple(k for k in str(values.get("keywords", "")).split("、") if k)
    return MatchRecord(**values)
