"""``kc chat`` talks to the real webhook in the account's own message mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.wechat.testing.simulator import new_aes_key


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_kc_chat_answers_in_the_configured_mode(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KC_EMBEDDING_MODEL", "none")
    monkeypatch.setenv("KC_WECHAT_MODE", mode)
    if mode == "safe":
        monkeypatch.setenv("KC_WECHAT_AES_KEY", new_aes_key())
        monkeypatch.setenv("KC_WECHAT_APPID", "wxchat")
    result = CliRunner().invoke(app, ["chat"], input="帮助\n/退出\n")
    assert result.exit_code == 0, result.output
    assert "模式=" + mode in result.output and "1. 提需求" in result.output
