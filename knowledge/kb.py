"""The knowledge-base facade used by the CLI and the chat policy handler.

Constructor inputs are plain values, so ``knowledge/`` never depends on the bot's settings module.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from knowledge import qtype
from knowledge.answer import (
    DECLINE_MODELS,
    DECLINE_TEXT,
    NO_CITY_TEXT,
    Answer,
    DeclineModel,
    Evidence,
    Extract,
    Part,
    Question,
    Source,
    analyze,
    answered_parts,
    best_sentences,
    compose,
    compose_parts,
    contact_of,
    coverage,
    dense_z,
    grounded,
    llm_answer,
    names_edition,
    programme_gap,
    retrievers_agree,
    term_weights,
    typed_decline,
    typed_gap,
)
from knowledge.chroma import make_client
from knowledge.cities import PROVINCE, cities_in, districts_in, in_province
from knowledge.compose import source_line
from knowledge.editions import edition, later, names_period, same_programme
from knowledge.embeddings import Embedder, load_embedder
from knowledge.ingest import Chunk, IngestError, expand_paths, parse_file
from knowledge.inputs import input_problem
from knowledge.lexical import alias_match
from knowledge.retrieval import CANDIDATES, DENSE_IN_PROCESS, Fusion, Hit, LexicalIndex, Mode, Retriever
from knowledge.store import ChunkStore

log = logging.getLogger(__name__)
MORE_CHARS = 500
TITLE_WEIGHT = 0.25  # bonus (× the best fused score) of a document whose title names all of the question's key words
EXHAUSTED_TEXT = "这份资料的内容已经全部发给您了。还有其他问题可以直接问我，或回复“转人工”联系科创联络员。"
COMPARES = re.compile(r"一样|相同|不同|区别|差别|差异|有啥差|比较|对比")  # a question comparing what it names
CONTEXT_TILT = 0.5  # the answer in the last answer's topic wins down to half the fresh one's confidence (dev: 1.0 → 0.5)
RIVAL_MARGIN = 0.85  # a same-city document scoring this close to the first may answer in its place (see _holder_first)
RIVALS = 2  # how many such documents are tried
# A value to be stated, or a list naming bodies (合作银行有哪几家: the document naming the banks, not one rewarding them)
VALUE_KINDS = frozenset({"date", "duration", "place", "person", "contact", "money", "amount", "list"})


@dataclass
class IngestReport:
    """What an ingest run did."""

    ingested: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0


@dataclass(frozen=True)
class DocInfo:
    """One stored document: its edition (the year its title names) and whether it is retired (never answered from)."""

    doc: str
    title: str
    city: str
    chunks: int
    edition: int | None = None
    retired: bool = False


def catalogue(chunks: Sequence[Chunk], retired: set[str]) -> list[DocInfo]:
    """One entry per document of ``chunks``, by id."""
    docs: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        docs.setdefault(chunk.doc, []).append(chunk)
    return [DocInfo(doc, cs[0].title, cs[0].city, len(cs), edition(cs[0].title), doc in retired)
            for doc, cs in sorted(docs.items())]


@dataclass
class Retrieval:
    """The intermediate result of a question: analysis, city scope and fused hits."""

    question: Question
    scope: list[str]
    hits: list[Hit]
    missing_city: str | None = None
    candidates: list[Hit] = field(default_factory=list)



def _doc(answer: Answer) -> str | None:
    """The document an answer quotes (None for a decline without a source)."""
    return answer.sources[0].doc if answer.sources else None


def in_context(fresh: Answer, alt: Answer, tilt: float = CONTEXT_TILT) -> bool:
    """Whether the answer found with the previous question as context beats the one found alone: it answers
    where the fresh search declined, or it quotes another document with at least ``tilt`` times the confidence
    (a question naming a word of another document, '研发费用占比要多少' right after the 高企 conditions)."""
    if not alt.answered:
        return False
    return not fresh.answered or (_doc(alt) != _doc(fresh) and alt.confidence >= fresh.confidence * tilt)

class KnowledgeBase:
    """Ingest documents, answer policy questions, continue an answer ("详细一点/还有呢")."""

    def __init__(self, data_dir: Path | None, *, chroma_url: str | None = None, embedding: str = "auto",
                 llm_base_url: str | None = None, llm_api_key: str | None = None, llm_model: str | None = None,
                 home_city: str = "襄阳", llm_timeout: float = 8.0, fusion: Fusion = "weighted",
                 reranker: str | None = None, mode: Mode = "hybrid", decline_model: DeclineModel | None = None,
                 refresh_seconds: float = 2.0, embedder: Embedder | None = None) -> None:
        self.data_dir, self.chroma_url, self.embedding = data_dir, chroma_url, embedding
        self.llm = (llm_base_url, llm_api_key, llm_model) if llm_base_url and llm_model else None
        self.home_city = (cities_in(home_city) or [home_city])[0]
        self.llm_timeout, self.fusion, self.reranker, self.mode = llm_timeout, fusion, reranker, mode
        self.decline_model = decline_model
        self.refresh_seconds = refresh_seconds
        self._embedder = embedder
        self._store: ChunkStore | None = None
        self._index: LexicalIndex | None = None
        self._revision, self._checked = "", 0.0
        self._docs: list[DocInfo] = []
        self._lock = threading.RLock()

    # -- components -------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        """The embedding backend (loaded on first use)."""
        if self._embedder is None:
            self._embedder = load_embedder(self.embedding)
        return self._embedder

    @property
    def store(self) -> ChunkStore:
        """The Chroma chunk store (connected on first use)."""
        if self._store is None:
            self._store = ChunkStore(make_client(self.data_dir, self.chroma_url), self.embedder)
        return self._store

    def index(self) -> LexicalIndex:
        """The lexical index, rebuilt when the store's revision changed (checked every few seconds)."""
        with self._lock:
            now = time.monotonic()
            if self._index is None or now - self._checked >= self.refresh_seconds:
                revision = self.store.revision()
                if self._index is None or revision != self._revision:
                    self._index, self._revision = self._snapshot(), revision
                self._checked = now
            return self._index

    def _snapshot(self) -> LexicalIndex:
        """The store's chunks in use as a lexical index, with their vectors unless there are too many to hold here;
        retired documents are listed but not indexed."""
        chunks, vectors = self.store.snapshot(vectors=self.store.count() <= DENSE_IN_PROCESS)
        retired = self.store.retired()
        self._docs = catalogue(chunks, retired)
        keep = [i for i, chunk in enumerate(chunks) if chunk.doc not in retired]
        if len(keep) == len(chunks):
            return LexicalIndex(chunks, vectors)
        return LexicalIndex([chunks[i] for i in keep], vectors[keep] if vectors is not None else None)

    def warm(self) -> None:
        """Load models and indexes now rather than on the first question."""
        self.index()
        qtype.warm()
        from knowledge.extract._text import to_number

        to_number("两千五")  # cn2an's import (~0.5 s of CPU) here, not in the first message that counts people
        if self.embedder.enabled:
            self.embedder.encode_query("预热")

    def _invalidate(self) -> None:
        """Force the next question to reload the index."""
        with self._lock:
            self._index = None

    # -- documents -------------------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], progress: Callable[[Path], None] | None = None) -> IngestReport:
        """Add or replace the documents at ``paths`` (directories are searched); unparseable files are skipped."""
        report = IngestReport()
        for path in expand_paths([Path(p) for p in paths]):
            try:
                parsed = parse_file(path)
                self.store.replace_document(parsed.doc, parsed.chunks)
                report.ingested.append(parsed.doc)
                report.chunks += len(parsed.chunks)
            except (IngestError, OSError) as exc:
                log.warning("skipped %s: %s", path, exc)
                report.skipped.append((str(path), str(exc)))
            if progress:
                progress(path)
        self._invalidate()
        return report

    def remove(self, doc: str) -> bool:
        """Remove a document by id (file name without extension); False if it wasn't there."""
        removed = self.store.remove_document(doc) > 0
        self._invalidate()
        return removed

    def retire(self, doc: str, retired: bool = True) -> bool:
        """Take a document out of use (a superseded or expired policy; kept and listed) or back into use."""
        done = self.store.set_retired(doc, retired)
        self._invalidate()
        return done

    def list_docs(self) -> list[DocInfo]:
        """Stored documents, retired ones included, with title, city, chunk count and edition."""
        with self._lock:
            self.index()
            return list(self._docs)

    # -- questions -------------------------------------------------------------------------------------------
    def scope_for(self, question: str, home_city: str | None = None) -> tuple[list[str], str | None]:
        """Cities whose documents may answer: the named city, else home; plus province-wide and general ones.

        The second value names a city the question asks about (or compares a covered city with) but the knowledge
        base has no documents for.
        """
        home = (cities_in(home_city or "") or [home_city or self.home_city])[0]
        known = {c.city for c in self.index().chunks}
        named = cities_in(question)
        covered = [city for city in named if city == home or city in known]
        targets = covered or [named[0] if named else home]
        scope = [*targets, ""] + ([PROVINCE] if any(in_province(t) for t in targets) else [])
        uncovered = [city for city in named if city not in covered]
        if uncovered and (not covered or COMPARES.search(question)):
            return scope, uncovered[0]  # 随州的条件和襄阳一样么: one side of the comparison is missing
        return scope, None

    def retrieve(self, question: str, *, home_city: str | None = None, k: int = 8,
                 mode: Mode | None = None, vector: Sequence[float] | None = None) -> Retrieval:
        """Analyse, scope and search a question (no decision yet); ``vector`` = its query vector, if known."""
        index = self.index()
        analysed = analyze(question, index.corrector.correct(question), index.contains)
        scope, missing = self.scope_for(question, home_city)
        if missing:
            return Retrieval(analysed, scope, [], missing)
        return self._search(analysed, scope, k, mode, vector)

    def _search(self, analysed: Question, scope: list[str], k: int = 8, mode: Mode | None = None,
                vector: Sequence[float] | None = None) -> Retrieval:
        """Search an analysed question within ``scope`` (documents of these cities)."""
        retriever = Retriever(self.store, self.index(), fusion=self.fusion, reranker=self.reranker)
        candidates = retriever.search(analysed.corrected, scope, k=CANDIDATES * 2, mode=mode or self.mode,
                                      vector=vector)
        candidates = self._holder_first(analysed, self._newest_first(analysed, self._title_prior(analysed, candidates)), k)
        return Retrieval(analysed, scope, candidates[:k], None, candidates)

    def _holder_first(self, question: Question, hits: list[Hit], k: int) -> list[Hit]:
        """Hits with the document that states the asked detail first: when the first document's best passage lacks it
        (a typed gap: no date, no address) and a document of the same city scoring within ``RIVAL_MARGIN`` of it
        has it, that one leads (two notices of one city on one programme: the deadline is in the newer one only). Not for
        a question naming a period, a level or a district (2026年, 高级, 谷城): another document naming it is no better."""
        if not hits or question.kind not in VALUE_KINDS or names_edition(question) or districts_in(question.words):
            return hits
        best: dict[str, float] = {}
        for hit in hits:
            best.setdefault(hit.chunk.doc, hit.score)
        first = hits[0].chunk
        rivals = [doc for doc, score in best.items() if doc != first.doc and score >= RIVAL_MARGIN * hits[0].score
                  and self.index().doc_cities.get(doc) == first.city][:RIVALS]
        index = self.index()
        if not rivals or self._holds(question, hits[:k], first.doc) \
                or programme_gap(question, index.doc_texts[first.doc], index.titles_by_city(first.doc)):
            return hits  # a programme the first document never names: the question may be about none of them
        holder = next((doc for doc in rivals if self._holds(question, hits[:k], doc)), None)
        if holder is None:
            return hits
        return [h for h in hits if h.chunk.doc == holder] + [h for h in hits if h.chunk.doc != holder]

    def _newest_first(self, question: Question, hits: list[Hit]) -> list[Hit]:
        """Hits with the latest edition of the first document's programme first: a document of the same city whose
        title names the same programme with a later year (2027年度 over 2026年度 or an undated one), scoring within
        ``RIVAL_MARGIN`` of the first, leads. Not for a question naming a year or an earlier edition (2026年, 去年)."""
        if not hits or names_period(question.words):
            return hits
        first, index = hits[0].chunk, self.index()
        titles = list(index.doc_titles.values())
        newer = next((h.chunk.doc for h in hits if h.score >= RIVAL_MARGIN * hits[0].score
                      and h.chunk.city == first.city and later(h.chunk.title, first.title)
                      and same_programme(h.chunk.title, first.title, titles)), None)
        if newer is None:
            return hits
        return [h for h in hits if h.chunk.doc == newer] + [h for h in hits if h.chunk.doc != newer]

    def _holds(self, question: Question, hits: list[Hit], doc: str) -> bool:
        """Whether ``doc``'s best passage for the question states the asked detail (no typed gap)."""
        index = self.index()
        prior = {cid: 1.0 / (1 + rank) for rank, cid in enumerate(h.chunk.id for h in hits if h.chunk.doc == doc)}
        extract = best_sentences(question, index.doc_chunks(doc), index.doc_idf, prior)
        return typed_gap(question, extract, index.doc_texts[doc], index.titles_by_city(doc)) is None

    def _title_prior(self, question: Question, hits: list[Hit]) -> list[Hit]:
        """Hits rescored with a document-level prior: the IDF-weighted share of the question's key words (two
        characters or more) that the document's title names, so the document whose programme the question names
        (技术中心, 职称) outranks a look-alike document's generic section (咨询, 申报时间). Best first."""
        weights = {t: w for t, w in term_weights(question, self.index().doc_idf).items() if len(t) >= 2}
        total, shares = sum(weights.values()), {}
        scale = max((abs(h.score) for h in hits), default=1.0) or 1.0  # the bonus in the fusion's own units (RRF, rerank)
        for hit in hits:
            if total and hit.chunk.doc not in shares:
                shares[hit.chunk.doc] = sum(w * alias_match(t, hit.chunk.title) for t, w in weights.items()) / total
            hit.score += TITLE_WEIGHT * scale * shares.get(hit.chunk.doc, 0.0)
        return sorted(hits, key=lambda h: -h.score)

    def ask(self, question: str, *, home_city: str | None = None, use_llm: bool = True,
            mode: Mode | None = None, vector: Sequence[float] | None = None) -> Answer:
        """Answer a policy question from the documents of the right city, or decline politely.

        Empty, one-character, very long or non-Chinese questions get a clear reply instead of a search.
        ``vector``: the question's query vector computed earlier by the same embedder (the intent layer's),
        reused instead of encoding the question a second time."""
        problem = input_problem(question)
        if problem:
            return Answer(False, problem)
        found = self.retrieve(question, home_city=home_city, mode=mode, vector=vector)
        return self.respond(found, use_llm=use_llm, mode=mode)

    def ask_followup(self, question: str, context: str, *, home_city: str | None = None,
                     vector: Sequence[float] | None = None) -> Answer:
        """An elliptical follow-up ('那研发费用要占多少' after a question about 高企 conditions): the document is
        chosen with the previous question as context, the passage and the answer type by the follow-up alone."""
        problem = input_problem(question)
        if problem:
            return Answer(False, problem)
        found = self.retrieve(question, home_city=home_city, vector=vector)
        narrowed, topic = self._followup(question, context, found, home_city, vector)
        return self.respond(narrowed, context=topic)

    def ask_in_context(self, question: str, context: str, *, home_city: str | None = None,
                       vector: Sequence[float] | None = None) -> tuple[Answer, bool]:
        """The better of ``question`` answered alone and answered in the topic of ``context`` (the question
        answered last), and whether the context won (see ``in_context``). The question is retrieved once and
        only the winner is generated when an LLM is configured."""
        problem = input_problem(question)
        if problem:
            return Answer(False, problem), False
        found = self.retrieve(question, home_city=home_city, vector=vector)
        fresh = self.respond(found, use_llm=False)
        narrowed, topic = self._followup(question, context, found, home_city, vector)
        alt = self.respond(narrowed, use_llm=False, context=topic)
        won = in_context(fresh, alt)
        if not self.llm:
            return (alt if won else fresh), won
        return (self.respond(narrowed, context=topic) if won else self.respond(found)), won

    def _followup(self, question: str, context: str, found: Retrieval, home_city: str | None,
                  vector: Sequence[float] | None) -> tuple[Retrieval, Retrieval | None]:
        """A follow-up's retrieval kept to the document found with its context, and that context's retrieval
        (None when the joined question finds nothing or names a city without documents)."""
        topic = self.retrieve(f"{context} {question}", home_city=home_city,
                              vector=self._joined_vector(context, question, vector))
        if not topic.hits or found.missing_city:
            return found, None
        doc = topic.hits[0].chunk.doc
        same = [h for h in found.candidates if h.chunk.doc == doc] or [h for h in topic.candidates
                                                                      if h.chunk.doc == doc]
        return replace(found, hits=same[:len(found.hits) or 8]), topic

    def _joined_vector(self, context: str, question: str, vector: Sequence[float] | None) -> list[float] | None:
        """The query vector of 'context question' made from its parts' vectors, weighted by their lengths (mean
        pooling's own weights): the context's is cached from the turn that asked it, so a follow-up costs no
        forward pass of twice the length (the same topic document as encoding the pair: 118 of 120 follow-ups)."""
        if not self.embedder.enabled or self.mode == "lexical":
            return None
        own = np.asarray(vector if vector is not None else self.embedder.encode_query(question), dtype=np.float32)
        joined = self.embedder.encode_query(context) * len(context) + own * len(question)
        norm = float(np.linalg.norm(joined))
        return (joined / norm).tolist() if norm > 0 else None

    def respond(self, found: Retrieval, *, use_llm: bool = True, mode: Mode | None = None,
                context: Retrieval | None = None) -> Answer:
        """Decide, then answer (extractive, or generated when an LLM is configured) or decline; ``context``: the
        retrieval of a follow-up together with the question it continues, whose evidence decides (the answer's
        confidence stays the follow-up's own evidence, so it compares with the same words asked afresh)."""
        if found.missing_city:
            return Answer(False, NO_CITY_TEXT.format(city=found.missing_city))
        if not found.hits:
            return Answer(False, DECLINE_TEXT)
        extract, evidence = self.extract(found)
        index = self.index()
        model = self.model_for(mode or self.mode)
        probability = model.probability(evidence)  # a follow-up's own: comparable with the same words asked afresh
        if context is not None:
            evidence = self._in_context(found, context, evidence)
        asked = found.question
        if context is None and not model.accept(evidence):
            own = self._without_situation(found, mode)
            if own is not None and model.accept(own[1]):
                (asked, evidence, prior), probability = own, model.probability(own[1])
                extract = self._told_extract(found, asked, prior, extract)
        if not model.accept(evidence):
            return Answer(False, DECLINE_TEXT, confidence=probability)
        sources = self._sources(extract.chunk, found.hits)
        chunk = extract.chunk
        gap = typed_gap(asked, extract, index.doc_texts[chunk.doc], index.titles_by_city(chunk.doc))
        parts = self._parts(found, (found.question, extract, gap))
        if len(parts) > 1 or (parts and gap):
            return Answer(True, compose_parts(parts), sources, probability, (chunk.doc, chunk.ordinal))
        if gap:
            text = typed_decline(gap, extract, contact_of(index.doc_chunks(chunk.doc)))
            return Answer(False, text, sources[:1], probability, (chunk.doc, chunk.ordinal))
        extract = parts[0][1] if parts else extract  # sub-questions answered by one section: their sentences joined
        answer = Answer(True, compose(extract), sources, probability, (chunk.doc, chunk.ordinal))
        return self._generate(found, extract, answer) if use_llm and self.llm else answer

    def _parts(self, found: Retrieval, whole: Part) -> list[Part]:
        """Each question of a message that asks several (哪几类合同能登 … 设备合同能不能一起登), answered from the
        top document on its own; the whole message's answer first. [] for a message asking one question."""
        texts = qtype.sub_questions(found.question.text)
        if not texts:
            return []
        index, doc = self.index(), found.hits[0].chunk.doc
        parts = [whole]
        for text in texts:
            question = analyze(text, index.corrector.correct(text), index.contains)
            extract = best_sentences(question, index.doc_chunks(doc), index.doc_idf, self._prior(found, doc))
            parts.append((question, extract, typed_gap(question, extract, index.doc_texts[doc], index.titles_by_city(doc))))
        return answered_parts(parts)

    def _told_extract(self, found: Retrieval, own: Question, prior: dict[str, float], whole: Extract) -> Extract:
        """The passage for the question without the asker's situation (with their figures still picking the bar)
        when it covers the whole message's words at least as well as ``whole``, the whole message's passage: the
        situation's words can name the condition asked about (没得发明专利), or only crowd the question (线束)."""
        index = self.index()
        told = replace(own, asked=found.question.words)
        mine = best_sentences(told, index.doc_chunks(found.hits[0].chunk.doc), index.doc_idf, prior)
        covered = [coverage(found.question, e.body, index.doc_idf)[0] for e in (mine, whole)]
        return mine if covered[0] >= covered[1] else whole

    def _without_situation(self, found: Retrieval, mode: Mode | None
                           ) -> tuple[Question, Evidence, dict[str, float]] | None:
        """The question without the clauses describing the asker, and its evidence (我们是做汽车配件的小厂，…): their
        words are context the document cannot cover), with the rank prior of its own retrieval. None unless such
        clauses exist and the rest of the question finds the same document first."""
        own = qtype.situation_free(found.question.text)
        if not own:
            return None
        index, doc = self.index(), found.hits[0].chunk.doc
        alone = self._search(analyze(own, index.corrector.correct(own), index.contains), found.scope, mode=mode)
        if not alone.hits or alone.hits[0].chunk.doc != doc:
            return None
        prior = self._prior(alone, doc)
        return alone.question, self._evidence(alone.question, alone, doc, prior)[1], prior

    def model_for(self, mode: Mode) -> DeclineModel:
        """The decline model: the configured one, else the calibrated default for this retrieval mode."""
        dense = mode != "lexical" and self.embedder.enabled
        return self.decline_model or DECLINE_MODELS["hybrid" if dense else "lexical"]

    def extract(self, found: Retrieval) -> tuple[Extract, Evidence]:
        """The best passage of the top document and the evidence that it answers the question."""
        doc = found.hits[0].chunk.doc
        return self._evidence(found.question, found, doc, self._prior(found, doc))

    def _evidence(self, question: Question, found: Retrieval, doc: str,
                  prior: dict[str, float]) -> tuple[Extract, Evidence]:
        """``doc``'s best passage for ``question`` and the decline model's evidence, read off the retrieval ``found``
        (its hits for whether the two retrievers agree, its candidates for the dense z-score)."""
        index = self.index()
        share, _weight = coverage(question, index.doc_texts[doc], index.doc_idf)
        extract = best_sentences(question, index.doc_chunks(doc), index.doc_idf, prior)
        dense = [h.dense for h in found.candidates if h.dense is not None]
        best = max((h.dense for h in found.candidates if h.dense is not None and h.chunk.doc == doc), default=None)
        evidence = Evidence(share, extract.share, retrievers_agree(found.hits, doc), extract.fits, dense_z(dense, best))
        return extract, evidence

    def _in_context(self, found: Retrieval, context: Retrieval, own: Evidence) -> Evidence:
        """A follow-up's evidence ('一个月几多钱' after asking who gets the 见习 subsidy has no word of its own to
        cover): coverage and retrieval agreement of the follow-up read with the question it continues, while
        whether the passage holds the asked type stays the follow-up's own."""
        doc = found.hits[0].chunk.doc
        _joined, evidence = self._evidence(context.question, context, doc, self._prior(found, doc))
        return replace(evidence, fits=own.fits)

    @staticmethod
    def _prior(found: Retrieval, doc: str) -> dict[str, float]:
        """Retrieval rank prior of the document's chunks (1, 1/2, 1/3…)."""
        ranked = [h.chunk.id for h in found.hits if h.chunk.doc == doc]
        return {cid: 1.0 / (1 + rank) for rank, cid in enumerate(ranked)}

    def _sources(self, chunk: Chunk, hits: list[Hit]) -> list[Source]:
        """The answer's section first, then other retrieved sections of the same document (max 3)."""
        scores = {h.chunk.id: h.score for h in hits}
        same_doc = [h.chunk for h in hits if h.chunk.doc == chunk.doc and h.chunk.id != chunk.id]
        return [Source(c.doc, c.title, c.section, scores.get(c.id, 0.0)) for c in [chunk, *same_doc][:3]]

    def _generate(self, found: Retrieval, extract: Extract, extractive: Answer) -> Answer:
        """LLM answer from the answer's section only, under the same rules; extractive on failure or timeout.

        The model refuses (无法回答) when the section doesn't hold the answer; a reply stating a figure that the
        section doesn't contain is not trusted (the extractive answer is used instead).
        """
        section = extract.section
        passage = "\n".join(section.sentences)
        base_url, api_key, model = self.llm or ("", None, "")
        try:
            text = llm_answer(found.question.text, section.title, section.name, passage, base_url=base_url,
                              api_key=api_key, model=model, timeout=self.llm_timeout)
        except Exception as exc:  # any transport/API error: the extractive answer is still right
            log.warning("LLM answer failed, using extractive answer: %s", exc)
            return extractive
        if text is None:
            return Answer(False, DECLINE_TEXT, confidence=extractive.confidence)
        if not grounded(text, passage):
            log.warning("LLM answer states figures not in the passage; using the extractive answer")
            return extractive
        body = f"{text}\n{source_line(section.title, section.name, text)}"
        return Answer(True, body, extractive.sources, extractive.confidence, extractive.cursor, generated=True)

    def more(self, doc: str, start: int) -> Answer:
        """Continue a document from chunk ``start`` ("详细一点" shows the whole section, "还有呢" the next)."""
        chunks = [c for c in self.index().doc_chunks(doc) if c.ordinal >= start]
        if not chunks:
            return Answer(True, EXHAUSTED_TEXT)
        shown = [chunks[0]]
        for chunk in chunks[1:]:
            if sum(len(c.text) for c in shown) + len(chunk.text) > MORE_CHARS:
                break
            shown.append(chunk)
        body = "\n\n".join(f"【{c.section}】\n{c.text}" if c.section else c.text for c in shown)
        sources = [Source(c.doc, c.title, c.section, 1.0) for c in shown]
        tail = source_line(shown[0].title, shown[0].section, body)
        return Answer(True, f"{body}\n{tail}", sources, 1.0, (doc, shown[-1].ordinal + 1))
