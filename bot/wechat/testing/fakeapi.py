"""A local fake of WeChat's HTTP API (real HTTP on 127.0.0.1, in a thread) for tests and ``kc chat``.

Serves ``/cgi-bin/token``, ``/cgi-bin/stable_token``, customer-service, template and subscribe sends and
menu create; records every call; can inject errcodes and delays per endpoint.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SENDS = {
    "/cgi-bin/message/custom/send": "custom",
    "/cgi-bin/message/template/send": "template",
    "/cgi-bin/message/subscribe/bizsend": "subscribe",
    "/cgi-bin/menu/create": "menu",
}


@dataclass
class Call:
    """One request the fake received."""

    kind: str  # token | stable_token | custom | template | subscribe | menu | unknown
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    ok: bool = False  # answered with errcode 0
    at: float = field(default_factory=time.monotonic)


class FakeWeChat:
    """The fake server; ``base_url`` goes into ``KC_WECHAT_API_BASE``."""

    def __init__(self, *, expires_in: int = 7200) -> None:
        self.expires_in = expires_in
        self.stable_token_supported = True
        self.calls: list[Call] = []
        self.valid_tokens: set[str] = set()
        self._errors: dict[str, deque[int]] = {}
        self._delays: dict[str, float] = {}
        self._http_errors: dict[str, deque[int]] = {}
        self._counter = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-wechat", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeWeChat:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeWeChat:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(self, kind: str, errcode: int, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``kind`` (e.g. "custom", "token") with ``errcode``."""
        with self._lock:
            self._errors.setdefault(kind, deque()).extend([errcode] * times)

    def fail_http(self, kind: str, status: int, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``kind`` with HTTP ``status`` (e.g. 500) and no JSON errcode."""
        with self._lock:
            self._http_errors.setdefault(kind, deque()).extend([status] * times)

    def delay(self, kind: str, seconds: float) -> None:
        """Sleep ``seconds`` before answering calls of ``kind``."""
        self._delays[kind] = seconds

    def revoke_tokens(self) -> None:
        """Invalidate every issued token (the next API call gets 40001)."""
        with self._lock:
            self.valid_tokens.clear()

    def of(self, kind: str) -> list[Call]:
        """Recorded calls of one kind."""
        return [c for c in list(self.calls) if c.kind == kind]

    def texts(self, openid: str | None = None) -> list[str]:
        """Customer-service text contents that were accepted, optionally for one user."""
        return [c.body["text"]["content"] for c in self.of("custom")
                if c.ok and c.body.get("msgtype") == "text"
                and (openid is None or c.body.get("touser") == openid)]

    def _issue_token(self) -> dict[str, Any]:
        """A fresh token."""
        self._counter += 1
        token = f"FAKE-TOKEN-{self._counter}"
        self.valid_tokens.add(token)
        return {"access_token": token, "expires_in": self.expires_in}

    def _token(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Token endpoints: stable_token returns the current token unless forced."""
        if kind == "stable_token" and not body.get("force_refresh") and self.valid_tokens:
            return {"access_token": sorted(self.valid_tokens)[-1], "expires_in": self.expires_in}
        return self._issue_token()

    def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON for one call (records it)."""
        time.sleep(self._delays.get(call.kind, 0))
        with self._lock:
            self.calls.append(call)
            if call.kind == "stable_token" and not self.stable_token_supported:
                return 404, {"errcode": 404, "errmsg": "not found"}
            status = self._http_errors.get(call.kind)
            if status:
                return status.popleft(), {"error": "injected HTTP failure"}
            queued = self._errors.get(call.kind)
            if queued:
                return 200, {"errcode": queued.popleft(), "errmsg": "injected"}
            if call.kind in ("token", "stable_token"):
                return 200, self._token(call.kind, call.body)
            if call.kind == "unknown":
                return 404, {"errcode": 404, "errmsg": "not found"}
            if call.query.get("access_token") not in self.valid_tokens:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            call.ok = True
            return 200, {"errcode": 0, "errmsg": "ok", "msgid": len(self.calls)}


def _make_handler(fake: FakeWeChat) -> type[BaseHTTPRequestHandler]:
    """The request handler class bound to ``fake``."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw.decode("utf-8")) if raw else {}
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            kind = SENDS.get(url.path) or {"/cgi-bin/token": "token", "/cgi-bin/stable_token": "stable_token"}.get(
                url.path, "unknown")
            status, payload = fake.answer(Call(kind, url.path, query, body))
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            """Stay quiet."""

    return Handler
