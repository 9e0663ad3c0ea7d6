"""The contract between ``bot/`` and the capability handlers.

A handler is a plain function ``(ctx, msg, conv) -> list[Reply] | None``: it reads a typed ``Incoming``,
may change the ``ConversationState`` it is given, and **returns** replies (``None`` = "not mine").
``bot/`` decides whether the replies go back passively or by push. Handlers never import FastAPI or wechatpy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from knowledge.answer import Answer
    from knowledge.intents import Prediction
    from knowledge.matching import Matcher


TURN_TEXT = 1000  # a longer message is read up to here: no handler works on more than this per message
TRIMMED = "您的消息比较长，我只保留了前{n}字。"


@dataclass(frozen=True)
class Incoming:
    """One user message or event, already verified, decrypted and parsed."""

    appid: str
    openid: str
    kind: str  # text | voice | image | location | link | video | event | unknown
    created_at: datetime  # when the user sent it (WeChat's CreateTime)
    text: str = ""  # the user's words (text, or the voice recognition result)
    event: str | None = None  # subscribe | unsubscribe | CLICK | VIEW | SCAN | ... (lower-cased)
    event_key: str | None = None
    msg_id: str | None = None
    grants: tuple[tuple[str, str], ...] = ()  # subscribe-message decisions: (template id, accept | reject)
    original_kind: str = ""  # WeChat's MsgType ("voice" when ``kind`` is text recognised from speech)


@dataclass(frozen=True)
class Reply:
    """One message for the user: text, optionally with a link; ``nothing``: the capability had nothing specific
    for the words (no event matches, the whole list for a question naming none, no sign-up to cancel), so a
    question may be answered better elsewhere."""

    text: str
    url: str | None = None
    nothing: bool = False


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped ``value`` (dicts, lists, tuples, scalars); dataclasses become dicts.

    What ``copy.deepcopy`` / ``dataclasses.asdict`` give for conversation state, at a fraction of their cost."""
    kind = type(value)
    if kind is dict:  # scalars are taken as they are, without a call each (most of a state is strings)
        return {k: v if type(v) in _IMMUTABLE else json_copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _IMMUTABLE else json_copy(v) for v in value]
    if kind is tuple:
        return tuple(v if type(v) in _IMMUTABLE else json_copy(v) for v in value)
    if kind in _IMMUTABLE:
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None), datetime})
PARKED = "parked_flow"  # ConversationState.data key of a flow set aside
PARKED_TTL = timedelta(days=1)


@dataclass
class ConversationState:
    """Typed dialogue state persisted as JSON: active flow, its step, the draft and pending extras."""

    flow: str | None = None
    step: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # flow-independent memory (last answer, last list, ...)
    updated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Serialise for the conversations table."""
        return {"flow": self.flow, "step": self.step, "draft": json_copy(self.draft), "data": json_copy(self.data),
                "updated_at": self.updated_at.isoformat() if self.updated_at else None}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None, *, copy: bool = True) -> ConversationState:
        """Deserialise (a deep copy: in-place edits must not touch the stored JSON, or the change is not saved).

        ``copy=False``: ``raw`` is the caller's own, freshly decoded and kept by nobody else, so the state may
        take its parts as they are."""
        raw = json_copy(dict(raw or {})) if copy else (raw or {})
        stamp = raw.get("updated_at")
        return cls(
            flow=raw.get("flow"),
            step=raw.get("step"),
            draft=dict(raw.get("draft") or {}),
            data=dict(raw.get("data") or {}),
            updated_at=datetime.fromisoformat(stamp) if stamp else None,
        )

    def clear_flow(self) -> None:
        """Leave the active flow and drop its draft."""
        self.flow, self.step, self.draft = None, None, {}

    def park(self, now: datetime) -> bool:
        """Leave the active flow but keep it and its draft aside (a hand-off interrupts a form); False: none."""
        if not self.flow:
            return False
        self.data[PARKED] = {"flow": self.flow, "step": self.step, "draft": self.draft, "at": now.isoformat()}
        self.clear_flow()
        return True

    def parked(self, now: datetime) -> bool:
        """Whether a flow left within ``PARKED_TTL`` waits to be picked up again."""
        kept = self.data.get(PARKED)
        return isinstance(kept, dict) and now - datetime.fromisoformat(str(kept["at"])) <= PARKED_TTL

    def drop_stale_park(self, now: datetime) -> bool:
        """Forget a parked flow older than ``PARKED_TTL`` (its draft may hold a name and phone); True if one went."""
        if PARKED in self.data and not self.parked(now):
            del self.data[PARKED]
            return True
        return False

    def unpark(self, now: datetime) -> bool:
        """Put the parked flow back (none active, not expired); False when there is none."""
        if self.flow:
            return False
        fresh, kept = self.parked(now), self.data.pop(PARKED, None)
        if not fresh:
            return False
        self.flow, self.step, self.draft = kept["flow"], kept["step"], kept["draft"]
        return True


class NeedsWorker(BaseException):  # a signal, not an error: handlers' ``except Exception`` lets it by
    """Raised in a lean turn (``Context.lean``) when a handler reaches for the knowledge base or the matcher."""


class Knowledge(Protocol):
    """What handlers use of the knowledge base (``knowledge.kb.KnowledgeBase``; tests pass a fake)."""

    def ask(self, question: str, *, home_city: str | None = None, vector: Sequence[float] | None = None) -> Answer:
        """A grounded answer (or an honest decline) to a policy question (``vector``: its query vector, if known)."""
        ...

    def ask_followup(self, question: str, context: str, *, home_city: str | None = None,
                     vector: Sequence[float] | None = None) -> Answer:
        """An elliptical follow-up, answered from the document the previous question (``context``) was about."""
        ...

    def ask_in_context(self, question: str, context: str, *, home_city: str | None = None,
                       vector: Sequence[float] | None = None) -> tuple[Answer, bool]:
        """The better of ``question`` asked alone and in the topic of ``context``; True when the context won."""
        ...

    def more(self, doc: str, start: int) -> Answer:
        """The continuation of a previous answer's document."""
        ...


@dataclass
class Context:
    """What a handler gets besides the message: the clock, the account, the unit of work and the engines.

    ``session`` is the message's transaction: domain calls made with it commit together with the
    conversation state and the queued notices, or not at all (the pipeline commits; handlers never do).
    """

    now: datetime
    appid: str
    session: Session
    settings: Settings
    knowledge_source: Callable[[], Knowledge | None] = lambda: None
    matching_source: Callable[[], Matcher | None] = lambda: None
    router: Router | None = None
    intents: dict[str, Prediction] = field(default_factory=dict)  # this message's intent, classified once
    lean: bool = False  # a turn run in the request (no retrieval): reaching for an engine raises ``NeedsWorker``
    reached: bool = False  # a lean turn reached for an engine (even if a handler swallowed ``NeedsWorker``)

    def intent(self, msg: Incoming) -> Prediction:
        """The intent of ``msg`` with its confidence (``handlers.kit.intents``), computed once per message."""
        from handlers.kit.intents import classify

        key = msg.text.strip()
        if key not in self.intents:
            self.intents[key] = classify(self, key)
        return self.intents[key]

    @property
    def knowledge(self) -> Knowledge | None:
        """The knowledge base (loaded on first use), or None when the deployment runs without one."""
        self._engine_reached()
        return self.knowledge_source()

    @property
    def matching(self) -> Matcher | None:
        """The two-way matcher (loaded on first use)."""
        self._engine_reached()
        return self.matching_source()

    def _engine_reached(self) -> None:
        """In a lean turn, stop it: the message goes to a worker thread, which may retrieve or encode."""
        if self.lean:
            self.reached = True
            raise NeedsWorker


Handler = Callable[[Context, Incoming, ConversationState], "list[Reply] | None"]
Watcher = Callable[[Context, Incoming, ConversationState], None]


@dataclass
class Route:
    """A named handler with its place in the order."""

    name: str
    handler: Handler


class Router:
    """Ordered handlers: the first that returns replies wins; the active flow's handler is asked first."""

    def __init__(self, *, lean: bool = False) -> None:
        self.lean = lean  # its handlers block on nothing but the knowledge base and the matcher (see ``Context``)
        self._routes: list[Route] = []
        self._flows: dict[str, Handler] = {}
        self._watchers: list[Watcher] = []
        self._instead_of_nothing: Handler | None = None

    def on_nothing(self, handler: Handler) -> None:
        """Register the handler asked when a route found nothing to show (all its replies are ``nothing``);
        its replies, when it has any, are given instead ('报了名没去会有啥影响' is a question about the rules,
        not a list of the user's sign-ups)."""
        self._instead_of_nothing = handler

    def watch(self, watcher: Watcher) -> None:
        """Register a function that sees every message before any handler (memory, never a reply)."""
        self._watchers.append(watcher)

    def add(self, name: str, handler: Handler) -> None:
        """Register ``handler`` after the ones registered before it (the order of registration is the order)."""
        self._routes.append(Route(name, handler))

    def add_flow(self, flow: str, handler: Handler) -> None:
        """Register the handler that continues an active flow named ``flow``."""
        self._flows[flow] = handler

    @property
    def names(self) -> list[str]:
        """Route names in dispatch order."""
        return [r.name for r in self._routes]

    def dispatch(self, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
        """Run the active flow's handler, then the routes in order; return the first replies produced. A text
        longer than TURN_TEXT is read up to there (bounded work per message), and the reply says so."""
        if msg.kind == "text" and msg.text and len(msg.text) > TURN_TEXT:
            read = self.dispatch(ctx, replace(msg, text=msg.text[:TURN_TEXT]), conv)
            return [Reply(TRIMMED.format(n=TURN_TEXT)), *read] if read else read
        ctx.router = ctx.router or self
        conv.drop_stale_park(ctx.now)
        for watcher in self._watchers:
            watcher(ctx, msg, conv)
        flow_handler = self._flows.get(conv.flow or "")
        if flow_handler is not None:
            replies = flow_handler(ctx, msg, conv)
            if replies is not None:  # the flow goes on whatever else answers its 'nothing specific'
                return self._instead(ctx, msg, conv, replies, True) if _all_nothing(replies) else replies
        had_flow = bool(conv.flow)
        for route in self._routes:
            replies = route.handler(ctx, msg, conv)
            if replies is not None:
                return self._instead(ctx, msg, conv, replies, had_flow) if _all_nothing(replies) else replies
        return []

    def _instead(self, ctx: Context, msg: Incoming, conv: ConversationState, replies: list[Reply],
                 had_flow: bool) -> list[Reply]:
        """What the ``on_nothing`` handler has instead of a route's 'nothing specific' (else that reply); a flow
        the route began for its own reply (a list to pick from) ends with it."""
        other = self._instead_of_nothing(ctx, msg, conv) if self._instead_of_nothing else None
        if other and not had_flow:
            conv.clear_flow()
        return other or replies


def _all_nothing(replies: list[Reply]) -> bool:
    """Whether every reply says the capability had nothing specific for the words."""
    return bool(replies) and all(r.nothing for r in replies)
