"""Outbound WeChat API: the ``WeChatGateway`` interface and its implementation over wechatpy.

Every call (including the access-token fetch) goes to ``settings.wechat_api_base`` with a timeout.
The access token lives in the ``access_tokens`` table, shared by all processes and refreshed five
minutes before it expires (``stable_token`` when the server offers it, else ``/cgi-bin/token``).
On 40001/42001/40014 the token is refreshed once and the call retried once — never more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import select

from bot.clock import Clock
from bot.settings import Settings
from bot.store.engine import Database
from bot.store.models import AccessToken
from bot.store.sql import insert_ignore

log = logging.getLogger(__name__)

TOKEN_ERRORS = {40001, 40014, 42001}
REFRESH_MARGIN = timedelta(minutes=5)


class WeChatAPIError(RuntimeError):
    """A WeChat API call failed: ``errcode`` from WeChat (None for network/HTTP failures).

    ``uncertain`` means the request was sent but no answer came back in time: WeChat may have delivered
    the message, so a push must not simply be repeated (or sent a second way)."""

    def __init__(self, errcode: int | None, errmsg: str, *, uncertain: bool = False) -> None:
        super().__init__(errmsg if errcode is None else f"errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg, self.uncertain = errcode, errmsg, uncertain


def network_error(exc: Exception, timeout: float) -> WeChatAPIError:
    """Describe a requests failure in words; a read timeout (request sent, no answer) is uncertain."""
    import requests

    response = getattr(exc, "response", None)
    if response is not None:
        return WeChatAPIError(None, f"HTTP {response.status_code} {response.reason or ''}".strip())
    if isinstance(exc, requests.ReadTimeout):
        return WeChatAPIError(None, f"no answer from WeChat within {timeout:g} s (the message may have been delivered)",
                              uncertain=True)
    if isinstance(exc, requests.ConnectTimeout | requests.ConnectionError):
        return WeChatAPIError(None, f"could not connect to WeChat ({type(exc).__name__})")
    return WeChatAPIError(None, f"request to WeChat failed ({type(exc).__name__})")


class WeChatGateway(Protocol):
    """What the product sends to WeChat; every method raises ``WeChatAPIError`` on failure."""

    def send_text(self, openid: str, text: str) -> None:
        """Send a customer-service text message."""

    def send_template(self, openid: str, template_id: str, data: dict[str, Any], url: str | None = None) -> None:
        """Send a template message (模板消息)."""

    def send_subscribe(self, openid: str, template_id: str, data: dict[str, Any], page: str | None = None) -> None:
        """Send a subscribe message (订阅通知, ``message/subscribe/bizsend``)."""

    def create_menu(self, menu: dict[str, Any]) -> None:
        """Replace the custom menu."""


class TokenStore:
    """The account's access token in the database; refreshed under a row lock (PostgreSQL)."""

    def __init__(self, db: Database, appid: str, fetch: Callable[[bool], tuple[str, int]], clock: Clock) -> None:
        self.db, self.appid, self.fetch, self.clock = db, appid, fetch, clock
        self._lock = threading.Lock()

    def current(self) -> str:
        """A token valid for at least the refresh margin, fetching one when needed."""
        with self.db.session() as session:
            row = session.get(AccessToken, self.appid)
            if row is not None and row.token and row.expires_at - self.clock.now() > REFRESH_MARGIN:
                return row.token
        return self.refresh(stale=None)

    def refresh(self, stale: str | None) -> str:
        """Fetch a new token unless another process already replaced ``stale`` (force when ``stale``)."""
        with self._lock, self.db.session() as session:
            insert_ignore(session, AccessToken, appid=self.appid, token="", expires_at=self.clock.now(), updated_at=self.clock.now())
            row = session.scalars(select(AccessToken).where(AccessToken.appid == self.appid).with_for_update()).one()
            fresh = row.token and row.expires_at - self.clock.now() > REFRESH_MARGIN
            if fresh and (stale is None or row.token != stale):
                return row.token
            token, expires_in = self.fetch(stale is not None)
            row.token, row.expires_at = token, self.clock.now() + timedelta(seconds=expires_in)
            return token


def _client_class() -> type:
    """wechatpy's WeChatClient with the base URL and the token source replaced."""
    from wechatpy import WeChatClient

    class KcWeChatClient(WeChatClient):  # type: ignore[misc]
        """WeChatClient whose token comes from the shared ``TokenStore``."""

        tokens: TokenStore

        @property
        def access_token(self) -> str:
            """The shared token (never wechatpy's in-memory session)."""
            return self.tokens.current()

        def fetch_access_token(self) -> dict[str, Any]:
            """Refresh through the store (wechatpy calls this; we do not let it loop)."""
            return {"access_token": self.tokens.refresh(stale=None)}

    return KcWeChatClient


class ApiGateway:
    """``WeChatGateway`` over wechatpy, pointed at ``settings.wechat_api_base``."""

    def __init__(self, settings: Settings, db: Database, clock: Clock | None = None) -> None:
        self.settings = settings
        self.base = settings.wechat_api_base.rstrip("/")
        self.timeout = settings.wechat_timeout
        self.client = _client_class()(settings.appid, settings.wechat_secret, timeout=self.timeout, auto_retry=False)
        self.client.API_BASE_URL = self.base + "/cgi-bin/"
        self.client.tokens = TokenStore(db, settings.appid, self._fetch_token, clock or Clock())
        self._stable: bool | None = None  # learned: does the server offer stable_token?

    def _fetch_token(self, force: bool) -> tuple[str, int]:
        """Get a token from ``stable_token`` (or ``token`` when unavailable); returns (token, expires_in)."""
        if self._stable is not False:
            body = {"grant_type": "client_credential", "appid": self.settings.appid,
                    "secret": self.settings.wechat_secret, "force_refresh": force}
            result = self._http("post", "/cgi-bin/stable_token", json=body)
            if result is not None:
                self._stable = True
                return result["access_token"], int(result.get("expires_in", 7200))
            self._stable = False
        params = {"grant_type": "client_credential", "appid": self.settings.appid, "secret": self.settings.wechat_secret}
        result = self._http("get", "/cgi-bin/token", params=params)
        if result is None:
            raise WeChatAPIError(None, "token endpoint not found")
        return result["access_token"], int(result.get("expires_in", 7200))

    def _http(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        """One token request with a timeout; None on 404/405 (endpoint not offered)."""
        import requests

        try:
            res = self.client._http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise WeChatAPIError(None, f"fetching the access token: {network_error(exc, self.timeout)}") from exc
        if res.status_code in (404, 405):
            return None
        if res.status_code >= 400:
            raise WeChatAPIError(None, f"HTTP {res.status_code} fetching token")
        result: dict[str, Any] = res.json()
        if result.get("errcode"):
            raise WeChatAPIError(int(result["errcode"]), str(result.get("errmsg", "")))
        return result

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run an API call; on a token error refresh once and retry once."""
        token = self.client.access_token
        try:
            return self._once(fn)
        except WeChatAPIError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat token rejected (%s); refreshing once and retrying", exc.errcode)
            self.client.tokens.refresh(stale=token)
            return self._once(fn)

    def _once(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` translating wechatpy and network errors into ``WeChatAPIError`` (in words)."""
        import requests
        from wechatpy.exceptions import WeChatClientException

        try:
            return fn()
        except WeChatClientException as exc:
            if exc.errcode is None:  # wechatpy wraps HTTP errors without a code
                raise network_error(exc, self.timeout) from exc
            raise WeChatAPIError(int(exc.errcode), str(exc.errmsg or "")) from exc
        except requests.RequestException as exc:
            raise network_error(exc, self.timeout) from exc

    def send_text(self, openid: str, text: str) -> None:
        """Send a customer-service text message."""
        self._call(lambda: self.client.message.send_text(openid, text))

    def send_template(self, openid: str, template_id: str, data: dict[str, Any], url: str | None = None) -> None:
        """Send a template message."""
        self._call(lambda: self.client.message.send_template(openid, template_id, data, url=url))

    def send_subscribe(self, openid: str, template_id: str, data: dict[str, Any], page: str | None = None) -> None:
        """Send a subscribe message (bizsend)."""
        self._call(lambda: self.client.message.send_subscribe_message(openid, template_id, data, page=page))

    def create_menu(self, menu: dict[str, Any]) -> None:
        """Replace the custom menu."""
        self._call(lambda: self.client.menu.create(menu))
