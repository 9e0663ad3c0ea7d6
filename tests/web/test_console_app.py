"""The console inside the app, without a browser: production cookies are Secure, CSRF on sign-in, placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.clock import utcnow
from bot.container import Container
from bot.domain.staff import create_staff
from bot.settings import Settings
from bot.web.app import create_app
from tests.support.env import call


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app in production mode with one admin account."""
    settings.env, settings.scheduler = "production", False
    services = Container.create(settings, knowledge=None)
    for name, role in (("root", "admin"), ("li", "liaison")):
        call(services.db, create_staff, name=name, role=role, region=None, password="root-password-1", actor="t",
             now=utcnow())
    with TestClient(create_app(services), base_url="https://console.example") as http:
        yield http
    services.close()


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_production_cookies_are_secure_httponly_lax(client: TestClient) -> None:
    page = client.get("/console/login")
    token = _form_token(page.text)
    assert client.post("/console/login", data={"username": "root", "password": "root-password-1"}).status_code == 403
    signed = client.post("/console/login", data={"username": "root", "password": "root-password-1",
                                                 "csrf_token": token}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "kc_console=" in cookie and "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_every_desk_opens_and_htmx_gets_a_redirect_header(client: TestClient) -> None:
    anonymous = client.get("/console/kb", headers={"HX-Request": "true"})
    assert anonymous.status_code == 204 and anonymous.headers["HX-Redirect"] == "/console/login?next=/console/kb"
    refused = client.post("/console/demands/D01/approve", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/console/login"
    token = _form_token(client.get("/console/login").text)
    client.post("/console/login", data={"username": "root", "password": "root-password-1", "csrf_token": token})
    for path in ("/console/kb", "/console/handoff", "/console/outbox", "/console/events"):
        page = client.get(path)
        assert page.status_code == 200 and "建设中" not in page.text, path
    assert client.get("/console/static/htmx.min.js").status_code == 200


def test_in_production_the_simulator_is_for_admins_only(client: TestClient) -> None:
    token = _form_token(client.get("/console/login").text)
    client.post("/console/login", data={"username": "li", "password": "root-password-1", "csrf_token": token})
    assert client.get("/console/simulator").status_code == 403
    assert "模拟器" not in client.get("/console/demands").text
