"""The liaison console (联络员后台) at ``/console``: server-rendered Jinja2 pages, htmx, SVG charts.

``install(app)`` mounts the static files, the sign-in routes and every page module in ``PAGES``; a
navigation entry no module serves yet gets a "建设中" placeholder. See ``bot/web/console/README.md``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route

from bot.web.console import auth, pages
from bot.web.console.auth import Console, Forbidden, SignInRequired
from bot.web.console.render import HERE, NAV, render

PAGES: tuple[APIRouter, ...] = (auth.router, *pages.ROUTERS)


def install(app: FastAPI) -> None:
    """Mount the console on ``app`` (static files, pages, placeholders, sign-in redirects, 403s)."""
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    for router in PAGES:
        app.include_router(router)
    served = {r.path for r in app.routes if isinstance(r, Route)}
    for _label, path in NAV:
        if path not in served:
            app.add_api_route(path, _placeholder, methods=["GET"], response_class=HTMLResponse,
                              include_in_schema=False)
    app.add_exception_handler(SignInRequired, _to_sign_in)  # type: ignore[arg-type]
    app.add_exception_handler(Forbidden, _forbidden)  # type: ignore[arg-type]


def _placeholder(request: Request, staff: Console) -> Response:
    """A desk that is not built yet."""
    label = next((name for name, path in NAV if path == request.url.path), "")
    return render(request, "placeholder.html", title=label)


def _to_sign_in(request: Request, exc: SignInRequired) -> Response:
    """No session: to the sign-in page (htmx requests get an HX-Redirect header)."""
    target = f"{auth.PREFIX}/login?next={exc.next_path}" if exc.next_path else f"{auth.PREFIX}/login"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    if request.method != "GET":
        return JSONResponse({"detail": "sign-in required"}, status_code=401)
    return RedirectResponse(target, status_code=303)


def _forbidden(request: Request, exc: Forbidden) -> Response:
    """A missing or wrong CSRF token, or an admin-only page."""
    return HTMLResponse("<h1>403</h1><p>请求被拒绝（页面已过期或没有权限），请刷新页面后重试。</p>", status_code=403)
