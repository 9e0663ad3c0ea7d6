"""Console sign-in state: the session cookie, the signed-in user as a dependency, CSRF checks, sign-in pages.

Page modules declare what they need: ``staff: Console`` (any signed-in user), ``staff: Admin`` (admins),
and on every state-changing route ``staff: Checked`` (signed in *and* a correct CSRF token, else 403).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.clock import LOCAL_TZ
from bot.container import Container
from bot.domain import staff as accounts
from bot.domain.staff import Staff
from bot.web.console.render import render

COOKIE = "kc_console"
LOGIN_CSRF_COOKIE = "kc_login_csrf"
CSRF_FIELD, CSRF_HEADER = "csrf_token", "X-CSRF-Token"
PREFIX = "/console"
router = APIRouter(prefix=PREFIX)


class SignInRequired(Exception):
    """No live session: the page redirects to the sign-in page (mapped to a response in ``install``)."""

    def __init__(self, next_path: str = "") -> None:
        super().__init__("sign-in required")
        self.next_path = next_path


class Forbidden(Exception):
    """CSRF token missing or wrong, or an admin-only page: answered 403."""


def services(request: Request) -> Container:
    """The deployment's container."""
    container: Container = request.app.state.services
    return container


def client_ip(request: Request) -> str:
    """The caller's address (for audit rows and sign-in attempts)."""
    return request.client.host if request.client else "-"


def source(request: Request) -> str:
    """The audit ``source`` of a console change: ``console <ip>``."""
    return f"console {client_ip(request)}"


def signed_in(request: Request) -> Staff:
    """The signed-in user; raises SignInRequired without a live session."""
    token = request.cookies.get(COOKIE, "")
    svc = services(request)
    staff = None
    if token:
        with svc.db.session() as session:
            staff = accounts.current_staff(session, token=token, now=svc.now())
    if staff is None:
        raise SignInRequired(request.url.path)
    request.state.staff = staff
    return staff


def admin_only(staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """The signed-in user, who must be an admin (else 403)."""
    if not staff.is_admin:
        raise Forbidden("admins only")
    return staff


async def csrf_checked(request: Request, staff: Annotated[Staff, Depends(signed_in)]) -> Staff:
    """The signed-in user of a POST carrying the session's CSRF token (form field or htmx header), else 403."""
    sent = request.headers.get(CSRF_HEADER) or str((await request.form()).get(CSRF_FIELD) or "")
    if not secrets.compare_digest(sent.encode(), staff.csrf_token.encode()):
        raise Forbidden("bad CSRF token")
    return staff


Console = Annotated[Staff, Depends(signed_in)]
Admin = Annotated[Staff, Depends(admin_only)]
Checked = Annotated[Staff, Depends(csrf_checked)]


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int | None = None) -> None:
    """A console cookie: HttpOnly, SameSite=Lax, Secure in production, limited to /console."""
    secure = services(request).settings.env == "production"
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="lax", secure=secure)


def _safe_next(path: str) -> str:
    """Where to go after sign-in: a console path only (no open redirect)."""
    return path if path.startswith(PREFIX + "/") and not path.startswith("//") else PREFIX + "/"


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form (用户名, 密码, 登录) with a double-submit CSRF token."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", csrf=token, next=_safe_next(next), error="")
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    """Check the password; a new session cookie on success, the reason in words on failure."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token.encode(), expected.encode()):
        raise Forbidden("bad CSRF token")
    svc = services(request)
    with svc.db.session() as session:
        outcome = accounts.sign_in(session, name=username, password=password, ip=client_ip(request), now=svc.now())
    if not outcome.ok or outcome.token is None:
        return render(request, "login.html", csrf=expected, next=_safe_next(next), username=username,
                      error=_refusal(outcome), status_code=401)
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(redirect, request, COOKIE, outcome.token)
    return redirect


def _refusal(outcome: accounts.SignIn) -> str:
    """Why the sign-in failed, for people (a lock names its end in local time)."""
    if outcome.reason == accounts.LOCKED and outcome.locked_until is not None:
        until = outcome.locked_until.astimezone(LOCAL_TZ).strftime("%H:%M")
        return f"密码错误次数过多，账号已锁定 15 分钟（至 {until}），请稍后再试或联系管理员。"
    if outcome.reason == accounts.DISABLED:
        return "该账号已停用，请联系管理员。"
    return "用户名或密码错误"


@router.post("/logout")
def logout(request: Request, staff: Checked) -> Response:
    """End the session in the database and drop the cookie."""
    svc = services(request)
    with svc.db.session() as session:
        accounts.sign_out(session, token=request.cookies.get(COOKIE, ""))
    response = RedirectResponse(PREFIX + "/login", status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response
