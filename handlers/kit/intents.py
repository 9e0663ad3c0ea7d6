"""What a message wants: exact commands by rule, everything else by the corpus-trained intent model.

``classify`` is what ``Context.intent(msg)`` calls (once per message). The cheap model decides the messages it
is sure about; the embedder's sentence vector is added (``wants_vector``) when the cheap model is not sure,
when the message is long, or when it looks like a policy question (retrieval embeds those anyway, so the
second opinion costs nothing). Short messages the cheap model calls small talk or help with some confidence
never reach the embedder. The vector, when computed, rides on the prediction for retrieval to reuse.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.intents import CONFIDENT, MARGIN, Prediction, attach_vector_stage, load_model
from knowledge.intents.model import VECTOR_CONFIDENT, VECTOR_MARGIN

if TYPE_CHECKING:
    import numpy as np

    from handlers.kit.base import Context
    from knowledge.intents import IntentModel

log = logging.getLogger(__name__)

SMALL_TALK = frozenset({"greeting", "thanks", "ack", "goodbye", "identity", "praise", "complaint", "laugh"})
CHAT = SMALL_TALK | {"help"}  # answered without knowledge: never embedded, never retrieved
EVENTS = frozenset({"events_browse", "events_signup", "events_cancel", "events_mine"})
SHORT = 12  # characters: a short message the cheap model calls chat stays chat...
CHAT_SURE = 0.50  # ... when the cheap model gives it at least this probability
# Fitted on our dev sets (corpus dev split, intents_voices.jsonl): the cheap model's wrong answers sit
# mostly below this top probability, its answers above it are right ~99 % of the time.
VECTOR_BELOW = 0.80
LONG = 40  # characters: long messages (several facts at once) always get the vector stage
RETRIEVED = frozenset({"policy"})  # retrieval embeds these anyway: the vector stage adds no encoding

_COMMANDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(报名|我要报名|取消报名)\s*[A-Za-z]\d{1,4}$"), "events_signup"),
    (re.compile(r"^(感兴趣|有兴趣|有意向|不合适|不感兴趣|没兴趣)\s*[:：,，]?\s*[DdAa]\d{1,4}"), "match_reply"),
    (re.compile(r"^(确认|确定|同意|不同意|确认删除)$"), "ack"),
    (re.compile(r"^(第|选)?\s*\d{1,2}\s*(个|号)?$"), "choice"),
)


def command_intent(text: str) -> Prediction | None:
    """Exact commands (``报名 E04``, ``感兴趣 D12``, ``确认``, a bare number) stay rules: certain, no model."""
    t = text.strip().rstrip("。.!！")
    for pattern, intent in _COMMANDS:
        if pattern.match(t):
            label = "events_cancel" if t.startswith("取消报名") else intent
            return Prediction(label, 1.0, ((label, 1.0),), stage="rule")
    return None


def group(intent: str) -> str:
    """Intents that lead to the same place count as one when judging closeness (the event intents)."""
    return "events" if intent in EVENTS else intent


def decisive(pred: Prediction) -> bool:
    """Confident enough to act: the best group is strong and clearly ahead of the next group."""
    scores: dict[str, float] = {}
    for intent, p in pred.ranked:
        scores[group(intent)] = scores.get(group(intent), 0.0) + p
    ordered = [*sorted(scores.values(), reverse=True), 0.0]
    confident, margin = (VECTOR_CONFIDENT, VECTOR_MARGIN) if pred.stage == "vector" else (CONFIDENT, MARGIN)
    return pred.stage == "rule" or (ordered[0] >= confident and ordered[0] - ordered[1] >= margin)


def model_for(data_dir: Path | str | None) -> IntentModel:
    """The intent model (trained from the corpus on first use, cached under the data directory)."""
    return load_model(data_dir if data_dir is None or isinstance(data_dir, Path) else Path(data_dir))


def _encoder(ctx: Context, model: IntentModel) -> object | None:
    """The knowledge base's query encoder, once the vector stage for its embedder is trained (else None)."""
    embedder = getattr(ctx.knowledge, "embedder", None)
    if embedder is None or not getattr(embedder, "enabled", False):
        return None
    attach_vector_stage(model, Path(ctx.settings.data_dir), embedder.name, embedder.encode_query,
                        encode_many=getattr(embedder, "encode_query_batches", None))
    stage = model.vector_stage
    return embedder.encode_query if stage is not None and stage.embedder == embedder.name else None


def wants_vector(text: str, first: Prediction) -> bool:
    """Whether the sentence vector should add its opinion to the cheap model's ``first`` answer."""
    if first.intent in CHAT and len(text) <= SHORT and first.confidence >= CHAT_SURE:
        return False
    return first.intent in RETRIEVED or len(text) > LONG or first.confidence < VECTOR_BELOW


def classify(ctx: Context, text: str) -> Prediction:
    """The intent of one message with its confidence."""
    if not text:
        return Prediction("empty", 1.0, (("empty", 1.0),), stage="rule")
    rule = command_intent(text)
    if rule is not None:
        return rule
    model = model_for(ctx.settings.data_dir)  # a Path already: not parsed again per message
    first = model.predict(text)
    if not wants_vector(text, first):
        return first
    encode = _encoder(ctx, model)
    if encode is None:
        return first
    try:
        return model.refine(text, first, encode)  # type: ignore[arg-type]
    except Exception:  # the embedder failing must not lose the message: the cheap answer stands
        log.warning("intent vector stage failed", exc_info=True)
        return first


def vector_of(prediction: Prediction) -> np.ndarray | None:
    """The sentence vector computed while classifying, if any (for retrieval to reuse)."""
    return prediction.vector
