"""The two-way matching engine: demands (问题库) ↔ achievements (项目库)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.bm25 import Vocabulary
from knowledge.chroma import make_client
from knowledge.embeddings import Embedder
from knowledge.matching.cache import EmbeddingCache
from knowledge.matching.journal import Entry, Journal, LocalJournal
from knowledge.matching.lexical import CONCEPT_PREFIX, STOPWORDS, Tokenizer
from knowledge.matching.records import MatchRecord, Side, as_achievement, as_demand
from knowledge.matching.scoring import (
    ALERT_TOP,
    DEFAULT_THRESHOLD,
    Bridge,
    Match,
    Weights,
    display_score,
    raw_score,
    reasons,
    structured_features,
    with_seconds,
)
from knowledge.matching.sides import MERGE_MIN, STATS_BAND, Lexicon, SideIndex, background_stats
from knowledge.matching.thesaurus import Thesaurus, load_thesaurus
from knowledge.matching.vectors import VectorStore, collection_name

ROLE = {"demand": "query", "achievement": "passage"}
OTHER: dict[Side, Side] = {"demand": "achievement", "achievement": "demand"}
TOKENS_VERSION = "1"  # bump when tokenisation changes in code (stored tokens are then re-tokenised)
SMALL_BATCH = 1000  # more entries of another process at once are a bulk load: Chroma is checked by its count only
STATS_EXACT_BELOW = 5000  # below this corpus size background statistics follow every change
FIELD_NAMES = tuple(f.name for f in fields(MatchRecord))


class Matcher:
    """Indexes both sides and ranks one side's records for a record of the other side, symmetrically.

    The index is kept in a ``Journal`` (``journal=``, by default a SQLite file under ``store_dir``, or in
    memory): every index change is written there under a new version, and ``sync(journal)`` applies what
    other processes wrote since, incrementally. Index and sync calls may name the journal to use (the bot
    passes one bound to its SQL session); matching uses the records applied so far.
    """

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
        journal: Journal | None = None,
    ) -> None:
        self.embedder = embedder if embedder is not None and embedder.enabled else None
        self.thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
        self.tokenizer = Tokenizer(self.thesaurus)
        self.fingerprint = tokenizer_fingerprint(self.tokenizer)
        self.weights, self.threshold = weights or Weights(), threshold
        self.candidates, self.exact_dense = candidates, exact_dense
        self.vocab = Vocabulary()
        self.cache = EmbeddingCache(Path(store_dir) / "embeddings.sqlite" if store_dir else ":memory:")
        self.journal: Journal = journal if journal is not None else LocalJournal(
            Path(store_dir) / "journal.sqlite" if store_dir else None
        )
        self.version = 0  # the journal version applied so far
        self.sides: dict[Side, SideIndex] = {s: SideIndex(s) for s in ("demand", "achievement")}
        self._lock = threading.RLock()
        self._lexicon: Lexicon | None = None
        self._stats: dict[str, tuple[float, float]] | None = None
        self._stats_n = -1
        if self.embedder is not None:
            client = client if client is not None else _client(store_dir)
            for side, index in self.sides.items():
                index.store = VectorStore(client, collection_name(side, self.embedder.name), self.embedder.dim)
        self.sync()

    # ---- indexing -------------------------------------------------------------------------------------

    def index_demands(self, records: list[Any], *, journal: Journal | None = None) -> int:
        """Add or update demands (dicts or rows with the demand fields); returns how many changed."""
        return self._index("demand", [as_demand(r) for r in records], journal)

    def index_achievements(self, records: list[Any], *, journal: Journal | None = None) -> int:
        """Add or update achievements; returns how many changed."""
        return self._index("achievement", [as_achievement(r) for r in records], journal)

    def remove(self, side: Side, ids: list[str], *, journal: Journal | None = None) -> None:
        """Forget records of one side (e.g. a rejected or deleted demand)."""
        with self._lock:
            self.sync(journal)
            gone = [Entry(side, rid) for rid in dict.fromkeys(ids) if rid in self.sides[side].records]
            if gone:
                self._written(journal, gone)
                self._apply(gone, own=True)

    def sync(self, journal: Journal | None = None) -> int:
        """Apply the entries other processes wrote since the last sync; returns how many were read."""
        journal = journal if journal is not None else self.journal
        with self._lock:
            head = journal.head()
            if head <= self.version:
                return 0
            entries = list(journal.read(self.version))
            self._apply(entries, own=False)
            self.version = max([head, *(e.version for e in entries)])
            return len(entries)

    def _index(self, side: Side, recs: list[MatchRecord], journal: Journal | None) -> int:
        """Write the records whose content changed to the journal and apply them here."""
        with self._lock:
            self.sync(journal)
            index = self.sides[side]
            latest = {r.id: r for r in recs if r.id}
            changed = [(r, _rec_hash(r)) for r in latest.values()]
            changed = [(r, h) for r, h in changed if index.hashes.get(r.id) != h]
            if not changed:
                return 0
            vecs = self._embed([r.embed_text for r, _ in changed], side) if index.store is not None else None
            entries = [
                self._entry(rec, rec_hash, None if vecs is None else vecs[n])
                for n, (rec, rec_hash) in enumerate(changed)
            ]
            self._written(journal, entries)
            self._apply(entries, own=True)
            return len(changed)

    def _written(self, journal: Journal | None, entries: list[Entry]) -> None:
        """Write entries; follow the version only when the write is committed and nothing came between."""
        journal = journal if journal is not None else self.journal
        version = journal.write(entries)
        if journal.commits_on_write and version == self.version + 1:
            self.version = version

    def _entry(self, rec: MatchRecord, rec_hash: str, vec: np.ndarray | None) -> Entry:
        """The journal entry of one record: fields, tokens (surface, then a tab, then concepts) and vector."""
        surface, concepts = self._split(self.tokenizer.tokens(rec.lexical_text))
        return Entry(
            rec.side, rec.id, rec_hash, record_fields(rec), " ".join(surface) + "\t" + " ".join(concepts),
            self.fingerprint, self.embedder.name if self.embedder is not None else "",
            None if vec is None else np.asarray(vec, dtype=np.float32).tobytes(),
        )

    def _apply(self, entries: list[Entry], *, own: bool) -> None:
        """Bring the in-memory index in line with journal entries (written here when ``own``)."""
        for side, index in self.sides.items():
            mine = [e for e in entries if e.side == side]
            gone = [e.id for e in mine if e.removed and e.id in index.records]
            fresh = list({e.id: e for e in mine if not e.removed and index.hashes.get(e.id) != e.digest}.values())
            replaced = {e.id for e in fresh if e.id in index.records}
            if gone:
                index.remove(gone)
                if index.store is not None:
                    index.store.delete(gone)
            items = [(rec := record_from_fields(side, e.fields), e.digest, *self._token_ids(rec, e)) for e in fresh]
            if len(items) > MERGE_MIN:
                index.put_many(items, len(self.vocab))
            else:
                for item in items:
                    index.put(*item)
            if fresh and index.store is not None:
                self._place_vectors(index, fresh, own, replaced)
            index.maybe_merge(len(self.vocab))
        self._lexicon = None

    def _token_ids(self, rec: MatchRecord, entry: Entry) -> tuple[np.ndarray, np.ndarray]:
        """Surface and concept token ids from the stored tokens (re-tokenised if the tokenizer changed)."""
        if entry.tokenizer == self.fingerprint and "\t" in entry.tokens:
            surface, concepts = (part.split() for part in entry.tokens.split("\t", 1))
        else:
            surface, concepts = self._split(self.tokenizer.tokens(rec.lexical_text))
        return _encode(self.vocab.ids, surface), _encode(self.vocab.ids, concepts)

    @staticmethod
    def _split(toks: list[str]) -> tuple[list[str], list[str]]:
        """Surface tokens (words, bigrams) and concept tokens."""
        return [t for t in toks if not t.startswith(CONCEPT_PREFIX)], [t for t in toks if t.startswith(CONCEPT_PREFIX)]

    def _place_vectors(self, index: SideIndex, entries: list[Entry], own: bool, replaced: set[str]) -> None:
        """Mirror the entries' vectors (embedding those of another model) and make sure Chroma holds them:
        written here → upserted; another process's → upserted where Chroma lacks them or they replace a record
        (a shared Chroma server already has them; a process with its own Chroma directory does not)."""
        assert self.embedder is not None and index.store is not None
        name = self.embedder.name
        stored = [e for e in entries if e.model == name and e.vector is not None]
        other = [e for e in entries if e.model != name or e.vector is None]
        ids = [e.id for e in stored] + [e.id for e in other]
        parts = [np.frombuffer(e.vector, dtype=np.float32) for e in stored if e.vector is not None]
        vecs = np.stack(parts) if parts else np.zeros((0, self.embedder.dim), np.float32)
        if other:
            recs = [index.records[e.id] for e in other]
            vecs = np.vstack([vecs, self._embed([r.embed_text for r in recs], index.side)])
        if own:
            index.store.upsert(ids, vecs)
            return
        index.store.mirror(ids, vecs)
        if len(ids) > SMALL_BATCH and index.store.count() >= len(index.records):
            return  # a bulk load (restart) against a Chroma that holds every record already
        lacking = set(index.store.missing(ids)) | (replaced & set(ids))
        keep = [n for n, i in enumerate(ids) if i in lacking]
        if keep:
            index.store.upsert([ids[n] for n in keep], vecs[keep])

    def _embed(self, texts: list[str], side: Side) -> np.ndarray:
        """Vectors through the persistent cache (each text embedded at most once per model and role)."""
        assert self.embedder is not None
        return self.cache.embed(self.embedder, texts, ROLE[side])

    def _tokens(self, rec: MatchRecord) -> tuple[np.ndarray, np.ndarray]:
        """Surface (word + bigram) and concept token ids of a query record (unknown tokens dropped)."""
        surface, concepts = self._split(self.tokenizer.tokens(rec.lexical_text))
        return self.vocab.encode(surface, False), self.vocab.encode(concepts, False)

    def rebuild(self) -> None:
        """Rebuild every derived structure from scratch (what each index change cost before; for benchmarks)."""
        with self._lock:
            for index in self.sides.values():
                index.merge(len(self.vocab))
            self._lexicon, self._stats_n = None, -1
            self._background()

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
        with self._lock:
            feats = self._features(rec, list(self.sides[OTHER[side]].records))
        return {rid: raw_score(f, self.weights) for rid, f in feats.items()}

    def _match(self, rec: MatchRecord, top: int) -> list[Match]:
        """Generate candidates, score them, keep the top ones (above the optional floor) and explain."""
        if top <= 0 or not rec.id and not rec.embed_text.strip("。 "):
            return []
        with self._lock:
            if not self.sides[OTHER[rec.side]].records:
                return []
            qvec = self._query_vector(rec)
            ids = self._candidates(rec, qvec, max(self.candidates, 3 * top))
            feats = self._features(rec, ids, qvec)
            self._query_context(rec, feats, qvec)
            scored = [
                (display_score(raw_score(f, self.weights)), rid) for rid, f in feats.items() if rid != rec.id
            ]
            kept = sorted((x for x in scored if x[0] >= self.threshold), key=lambda x: (-x[0], x[1]))[:top]
            listed = [self._explain(rec, rid, score, feats[rid], rank) for rank, (score, rid) in enumerate(kept)]
            return with_seconds(listed) if rec.side == "demand" else self._seconds_of_demands(rec, listed)

    def _seconds_of_demands(self, rec: MatchRecord, listed: list[Match]) -> list[Match]:
        """An achievement's list of demands: mark the ones for which the achievement is the close second of the
        demand's own alerted record (the second-record rule is judged on the demand's list, as when it is published)."""
        out = []
        for m in listed:
            demand = self.sides["demand"].records.get(m.id)
            if m.alertable or m.rank >= ALERT_TOP or m.features.get("need", 0.5) <= 0 or demand is None:
                out.append(m)
                continue
            own = self._match(demand, ALERT_TOP)
            out.append(replace(m, second=True) if any(h.id == rec.id and h.second for h in own) else m)
        return out

    def _query_vector(self, rec: MatchRecord) -> np.ndarray | None:
        """The record's vector, embedded through the cache."""
        if self.embedder is None or not self.weights.semantic:
            return None
        return self._embed([rec.embed_text], rec.side)[0]

    def _candidates(self, rec: MatchRecord, qvec: np.ndarray | None, k: int) -> list[str]:
        """Union of dense nearest neighbours (Chroma) and BM25 top hits (thesaurus-tagged tokens)."""
        target = self.sides[OTHER[rec.side]]
        found: dict[str, None] = {}
        if qvec is not None and target.store is not None:
            search = target.store.search_exact if self.exact_dense else target.store.search
            found.update(dict.fromkeys(i for i in search(qvec, k) if i in target.records))
        surface, concepts = self._tokens(rec)
        found.update(dict.fromkeys(target.bm25_top(np.concatenate([surface, concepts]), k, len(self.vocab))))
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

    def _query_context(self, rec: MatchRecord, feats: dict[str, dict], qvec: np.ndarray | None) -> None:
        """Add the alert model's per-query features: each candidate's embedding similarity as a z-score among the
        query's similarities to every record of the other side, and its margin over the best other record (in
        background standard deviations). A query worded like everything scores high on all; these do not."""
        store = self.sides[OTHER[rec.side]].store
        if qvec is None or store is None or not store.ids:
            return
        own = store.matrix @ qvec
        mean, spread, sd = float(own.mean()), float(own.std()) + 1e-9, self._background()["semantic"][1]
        top = [int(i) for i in np.argsort(-own)[:2]]
        for rid, f in feats.items():
            row = store.row(rid)
            if row is None or "semantic" not in f:
                continue
            best_other = own[top[0]] if row != top[0] else own[top[-1]]
            f["semantic_query_z"] = (float(own[row]) - mean) / spread
            f["semantic_margin"] = float(own[row] - best_other) / sd

    def _similarities(self, rec: MatchRecord, target: SideIndex, ids: list[str], qvec: Any) -> dict[str, Any]:
        """Raw cosine similarities (semantic, concept, lexical) of ``rec`` with each id."""
        surface, concepts = self._tokens(rec)
        lexicon = self._lex()
        sims = {
            "concept": lexicon.similarity("concept", concepts, target.side, ids),
            "lexical": lexicon.similarity("surface", surface, target.side, ids),
        }
        if qvec is not None and target.store is not None:
            sims["semantic"] = target.store.vectors(ids) @ qvec
        return sims

    def _lex(self) -> Lexicon:
        """TF-IDF over both sides with the current document frequencies (recomputed after index changes)."""
        if self._lexicon is None or self._lexicon.width != len(self.vocab):
            self._lexicon = Lexicon(self.sides, len(self.vocab))
        return self._lexicon

    def _background(self) -> dict[str, tuple[float, float]]:
        """Mean and sd of each similarity over random pairs, re-estimated when the corpus size changed enough."""
        n = sum(len(x.records) for x in self.sides.values())
        band = n != self._stats_n and (n < STATS_EXACT_BELOW or abs(n - self._stats_n) > STATS_BAND * self._stats_n)
        if self._stats is None or band:
            self._stats, self._stats_n = background_stats(self.sides, self._lex()), n
        return self._stats

    def _explain(self, rec: MatchRecord, rid: str, score: float, feats: dict[str, float], rank: int) -> Match:
        """Attach reasons (and the place in the list) to a scored match."""
        other = self.sides[OTHER[rec.side]].records[rid]
        demand, ach = (rec, other) if rec.side == "demand" else (other, rec)
        shared = self._shared_terms(demand, ach)
        why = reasons(demand, ach, feats, shared, self._bridge(demand, ach))
        return Match(rid, score, why, {k: round(float(v), 4) for k, v in feats.items()}, rank)

    def _bridge(self, demand: MatchRecord, ach: MatchRecord) -> Bridge | None:
        """The rarest thesaurus concept both records mention in different words (e.g. 刹车发抖 ≈ 制动抖振)."""
        d_hits = {h.cid: h for h in self.thesaurus.concepts(demand.lexical_text)}
        lexicon = self._lex()
        best: tuple[float, Bridge] | None = None
        for hit in self.thesaurus.concepts(ach.lexical_text):
            mine = d_hits.get(hit.cid)
            if mine is None or set(mine.terms) & set(hit.terms):
                continue  # not shared, or the same word on both sides (the keyword reason covers it)
            d_term, a_term = _surface(demand.lexical_text, mine.terms[0]), _surface(ach.lexical_text, hit.terms[0])
            if a_term in d_term or d_term in a_term:
                continue
            idf = lexicon.idf(f"{CONCEPT_PREFIX}{hit.cid}", self.vocab.ids)
            if best is None or idf > best[0] + 1e-9:
                best = (idf, Bridge(d_term, a_term, hit.canonical))
        return best[1] if best else None

    def _shared_terms(self, demand: MatchRecord, ach: MatchRecord) -> list[str]:
        """Achievement-side terms of the concepts both records mention, rarest concept first."""
        d_hits = {h.cid for h in self.thesaurus.concepts(demand.lexical_text)}
        a_hits = [h for h in self.thesaurus.concepts(ach.lexical_text) if h.cid in d_hits]
        lexicon = self._lex()
        a_hits.sort(key=lambda h: -lexicon.idf(f"{CONCEPT_PREFIX}{h.cid}", self.vocab.ids))
        terms: list[str] = []
        for hit in a_hits:
            term = _surface(ach.lexical_text, hit.terms[0])
            if term not in terms and not any(term in t or t in term for t in terms):
                terms.append(term)
        return terms

    def close(self) -> None:
        """Release the cache database (and the journal when it is the matcher's own)."""
        self.cache.close()
        if isinstance(self.journal, LocalJournal):
            self.journal.close()


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
    parts = [str(getattr(rec, name)) for name in FIELD_NAMES]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _encode(ids: dict[str, int], tokens: list[str]) -> np.ndarray:
    """Token ids, adding unknown tokens to the vocabulary (the fast path for stored tokens)."""
    out = [ids.get(t) for t in tokens]
    for n, value in enumerate(out):
        if value is None:
            out[n] = ids.setdefault(tokens[n], len(ids))
    return np.asarray(out, dtype=np.int32)


def record_fields(rec: MatchRecord) -> dict[str, Any]:
    """A record's fields as plain JSON values (the side is stored apart)."""
    out: dict[str, Any] = {name: getattr(rec, name) for name in FIELD_NAMES if name != "side"}
    out["keywords"] = list(rec.keywords)
    return out


def record_from_fields(side: Side, values: dict[str, Any]) -> MatchRecord:
    """Rebuild a record from ``record_fields`` output."""
    kept = {k: v for k, v in values.items() if k in FIELD_NAMES and k != "side"}
    kept["keywords"] = tuple(kept.get("keywords") or ())
    return MatchRecord(side=side, **kept)


def tokenizer_fingerprint(tokenizer: Tokenizer) -> str:
    """Identifies what a tokenizer produces (settings, thesaurus, stopwords): stored tokens of another
    fingerprint are re-tokenised."""
    groups = tokenizer.thesaurus.groups if tokenizer.thesaurus is not None else []
    parts = [TOKENS_VERSION, repr((tokenizer.words, tokenizer.bigrams, tokenizer.concepts))]
    parts += sorted(STOPWORDS) + ["|".join(g) for g in groups]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
