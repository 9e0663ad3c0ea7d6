"""The ``/wechat`` route: verify/decrypt → bound → bind the nonce → pipeline → render/encrypt.

In development with no ``KC_WECHAT_TOKEN`` the callback Token is ``kc-dev-token`` (see ``bot.wechat.signing``).
Timestamps are judged by the container's clock (``services.now()``), so tests that freeze it keep working.
Refusals answer a short reason in words; logs never carry the query values (signature, nonce, echostr).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.chat.pipeline import APOLOGY, Pipeline, Ticket
from bot.chat.workers import Full
from bot.container import Container
from bot.web.replay import ReplayGuard
from bot.wechat.inbound import Envelope, Refused, echo, open_request, seal
from bot.wechat.xmlio import render_text

log = logging.getLogger(__name__)
router = APIRouter()
XML = "application/xml; charset=utf-8"


def install(app: FastAPI, services: Container) -> Pipeline:
    """Mount ``/wechat`` on ``app`` with a pipeline and a replay guard over ``services`` (in ``app.state``).

    The POST handler is a plain Starlette route: it takes the raw request and returns a ``Response`` itself, so
    FastAPI's per-request parameter solving and response handling would be work for nothing on every message."""
    pipeline = Pipeline(services)
    app.state.pipeline = pipeline
    app.state.replay = ReplayGuard(services)
    app.add_route("/wechat", receive, methods=["POST"], include_in_schema=False)  # first: a message matches at once
    app.include_router(router)
    app.add_middleware(Shortcut)
    return pipeline


class Shortcut:
    """ASGI middleware: ``POST /wechat`` goes straight to ``receive``, past the router and the exception layers.

    ``receive`` answers every failure itself (a refusal, 503, the apology); anything it lets escape still reaches
    the server-error layer outside, as through the route. Other requests (and any app under a ``root_path``)
    take the normal way, where the same route also answers ``POST /wechat``. Installed before the access log,
    so it sits inside it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive_: Receive, send: Send) -> None:
        """Answer a webhook POST directly; pass anything else on."""
        if scope["type"] == "http" and scope["path"] == "/wechat" and scope["method"] == "POST" \
                and not scope.get("root_path"):
            response = await receive(Request(scope, receive_, send))
            await response(scope, receive_, send)
            return
        await self.app(scope, receive_, send)


async def _read_capped(request: Request, cap: int) -> bytes:
    """The request body, refusing with 413 as soon as it exceeds ``cap`` bytes."""
    declared = next((v.decode("latin-1") for k, v in request.scope["headers"] if k == b"content-length"), "")
    if declared.isdigit() and int(declared) > cap:
        raise Refused(413, "body too large")
    body, more = bytearray(), True
    while more:  # the ASGI messages themselves: ``request.stream()`` would add an async generator per request
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        if message["type"] != "http.request":
            continue
        more = message.get("more_body", False)
        body += message.get("body", b"")
        if len(body) > cap:
            raise Refused(413, "body too large")
    return bytes(body)


def query(request: Request) -> Mapping[str, str]:
    """The query parameters as Starlette reads them (the last of a repeated name wins).

    WeChat's (signature, timestamp, nonce, msg_signature, encrypt_type, openid) are plain hex, digits and
    letters: with nothing escaped the pairs are split here, without the general parser; anything with ``%`` or
    ``+`` goes through ``request.query_params``."""
    raw: bytes = request.scope["query_string"]
    if b"%" in raw or b"+" in raw:
        return request.query_params
    pairs = (pair.partition("=") for pair in raw.decode("latin-1").split("&") if pair)
    return {name: value for name, _, value in pairs}


def _refusal(exc: Refused) -> Response:
    """Log (reason only) and answer a refused request."""
    log.warning("refused /wechat request: %s", exc)
    return PlainTextResponse(exc.reason, status_code=exc.status)


def _now(request: Request) -> float:
    """The container clock's current epoch second (what signed timestamps are judged against)."""
    return float(request.app.state.services.now().timestamp())


@router.get("/wechat")
def verify_url(request: Request) -> Response:
    """URL verification: echo ``echostr`` when ``signature`` is right and fresh, else 403."""
    try:
        return PlainTextResponse(echo(request.app.state.services.settings, request.query_params, _now(request)))
    except Refused as exc:
        return _refusal(exc)


async def receive(request: Request) -> Response:
    """One message or event from WeChat; answers within the reply budget."""
    started = time.monotonic()
    state = request.app.state
    settings = state.services.settings
    try:
        body = await _read_capped(request, settings.max_body_bytes)
        envelope = open_request(settings, query(request), body, now=_now(request))
    except Refused as exc:
        return _refusal(exc)
    replay, pipeline = state.replay, state.pipeline
    try:
        text = await _reply(pipeline, envelope, started, lambda session: replay.bind(session, envelope))
    except Exception as exc:
        if isinstance(refused := _failure(exc, envelope), Response):
            return refused
        text = refused
    if replay.purge_due():
        await run_in_threadpool(replay.purge)
    return _render(pipeline, envelope, text)


async def _reply(pipeline: Pipeline, envelope: Envelope, started: float,
                 bind: Callable[[Session], None]) -> str | None:
    """The passive reply text (None: ``success``).

    A turn that needs no engine (help, small talk, menu clicks, 我的…) is answered right here, on the event loop,
    in one transaction: its SQL is sub-millisecond, and a thread hop would cost more than the turn. Anything
    else (a redelivery, a user with a message still queued, a turn that retrieves or encodes) is queued on the
    worker pool (one hand-off each way: the worker binds the nonce, claims and answers in the user's turn, and
    the event loop is woken when the answer is ready)."""
    if pipeline.inline and (job := pipeline.answer_now(envelope.fields, before_claim=bind)) is not None:
        return job.reply
    return await _answer(pipeline, pipeline.begin(envelope.fields, started, before_claim=bind))


async def _answer(pipeline: Pipeline, ticket: Ticket) -> str | None:
    """Await the ticket's worker without holding a thread; past the budget (or for a retry) block in a thread."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    ticket.job.when_done(lambda: loop.call_soon_threadsafe(_resolve, ready))
    try:
        await asyncio.wait_for(asyncio.shield(ready), pipeline.remaining(ticket))
    except TimeoutError:
        return await run_in_threadpool(pipeline.settle, ticket)
    if ticket.redelivery:
        return await run_in_threadpool(pipeline.outcome, ticket)
    return pipeline.outcome(ticket)


def _failure(exc: Exception, envelope: Envelope) -> Response | str:
    """What a failed message gets: 403 for a refused nonce, 503 when the queue is full, else the apology text."""
    if isinstance(exc, Refused):
        return _refusal(exc)
    if isinstance(exc, Full):
        log.warning("worker queue full: answering 503 so WeChat retries (MsgId %s)", envelope.fields.get("MsgId", "-"))
        return PlainTextResponse("busy", status_code=503)
    log.error("webhook failed (MsgId %s)", envelope.fields.get("MsgId", "-"), exc_info=exc)
    return APOLOGY


def _resolve(future: asyncio.Future[None]) -> None:
    """Complete ``future`` unless the request went away meanwhile."""
    if not future.done():
        future.set_result(None)


def _render(pipeline: Pipeline, envelope: Envelope, text: str | None) -> Response:
    """The passive reply (encrypted like the request), or ``success`` when there is none."""
    if not text:
        return PlainTextResponse("success")
    fields = envelope.fields
    xml = render_text(str(fields.get("FromUserName", "")), str(fields.get("ToUserName", "")), text,
                      now=int(pipeline.container.now().timestamp()))
    return Response(seal(pipeline.container.settings, envelope, xml), media_type=XML)
