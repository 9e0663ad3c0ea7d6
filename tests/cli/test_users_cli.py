"""``kc users``: create (password from stdin), list, disable, reset-password."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.clock import utcnow
from bot.domain.staff import current_staff, sign_in
from bot.settings import get_settings
from bot.store.engine import Database
from tests.support.env import call


def test_users_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    created = runner.invoke(app, ["users", "create", "zhang", "--role", "liaison", "--region", "十堰市",
                                  "--password-stdin"], input="first-password-1\n")
    assert created.exit_code == 0 and "已创建用户 zhang" in created.output
    again = runner.invoke(app, ["users", "create", "zhang", "--role", "admin", "--password-stdin"], input="x" * 10)
    assert again.exit_code == 1 and "已存在" in again.output
    short = runner.invoke(app, ["users", "create", "li", "--role", "admin", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "至少 8 位" in short.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert '"region": "十堰市"' in listed.output and "first-password-1" not in listed.output
    db = Database(get_settings().resolved_database_url)
    now = utcnow()
    token = call(db, sign_in, name="zhang", password="first-password-1", ip=None, now=now).token
    assert token and call(db, current_staff, token=token, now=now) is not None
    reset = runner.invoke(app, ["users", "reset-password", "zhang", "--password-stdin"], input="second-password-2\n")
    assert reset.exit_code == 0 and call(db, current_staff, token=token, now=now) is None
    assert call(db, sign_in, name="zhang", password="second-password-2", ip=None, now=now).ok
    disabled = runner.invoke(app, ["users", "disable", "zhang"])
    assert disabled.exit_code == 0 and "已停用用户 zhang" in disabled.output
    assert call(db, sign_in, name="zhang", password="second-password-2", ip=None, now=now).reason == "disabled"
    assert runner.invoke(app, ["users", "disable", "nobody"]).exit_code == 1
    db.dispose()
