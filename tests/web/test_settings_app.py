"""Settings rules, first-start seeding and the health endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.container import Container
from bot.settings import ConfigError, Settings
from bot.web.app import create_app
from tests.support.env import make_settings, seed


def test_production_refuses_missing_and_placeholder_secrets(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, env="production", wechat_token="changeme", wechat_appid="wx123")
    with pytest.raises(ConfigError) as err:
        settings.check_production()
    assert "KC_WECHAT_TOKEN" in str(err.value) and "KC_WECHAT_SECRET" in str(err.value)
    assert "KC_WECHAT_APPID" not in str(err.value)


def test_production_rejects_malformed_aes_key(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, env="production", wechat_token="t0k3n-real", wechat_appid="wx123",
                             wechat_secret="s3cr3t-real", wechat_aes_key="short")
    with pytest.raises(ConfigError, match="KC_WECHAT_AES_KEY"):
        settings.check_production()


def test_development_allows_missing_secrets(tmp_path: Path) -> None:
    make_settings(tmp_path).check_production()


def test_env_prefix_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("KC_HOME_CITY=十堰\nKC_DAILY_PUSH_CAP=3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KC_DAILY_PUSH_CAP", "9")
    settings = Settings()
    assert settings.home_city == "十堰" and settings.daily_push_cap == 9


def test_default_database_is_sqlite_under_data_dir(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d")
    assert settings.resolved_database_url.endswith("d/kc.sqlite3")


def test_seed_only_into_empty_database(services: Container) -> None:
    assert seed(services.db, "wx_dev") == {"demands": 25, "achievements": 70, "events": 12}
    assert seed(services.db, "wx_dev") == {}


def test_healthz_reports_components(services: Container) -> None:
    with TestClient(create_app(services)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["wechat"]["mode"] == "development" and "KC_WECHAT_TOKEN" in body["wechat"]["missing"]


def test_wechat_mode_defaults_and_doctor_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli.doctor import check_message_mode

    key = "k" * 43
    assert make_settings(tmp_path).resolved_wechat_mode == "plain"
    assert make_settings(tmp_path, wechat_aes_key=key).resolved_wechat_mode == "compat"
    monkeypatch.setenv("KC_WECHAT_MODE", "")
    monkeypatch.setenv("KC_WECHAT_MAX_SKEW_SECONDS", "120")
    assert (Settings(_env_file=None).wechat_mode, Settings(_env_file=None).wechat_max_skew_seconds) == (None, 120)  # type: ignore[call-arg]
    safe_without_key = make_settings(tmp_path, env="production", wechat_token="t0k3n-real", wechat_appid="wx1",
                                     wechat_secret="s3cr3t-real", wechat_mode="safe")
    with pytest.raises(ConfigError, match="KC_WECHAT_AES_KEY"):
        safe_without_key.check_production()

    def advice(**values: object) -> tuple[bool, bool, str]:
        check = check_message_mode(Container(make_settings(tmp_path, **values), None))  # type: ignore[arg-type]
        return check.ok, check.optional, check.detail

    assert advice()[:2] == (False, True) and "KC_WECHAT_MODE=safe" in advice()[2]
    assert advice(wechat_aes_key=key, wechat_mode="safe")[:2] == (True, False)
    assert advice(wechat_mode="safe")[:2] == (False, False)


def test_access_log_has_method_path_status_and_no_query_only_when_enabled(services: Container,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with TestClient(create_app(services)) as client:
        with caplog.at_level(logging.INFO, logger="kc.access"):
            assert client.get("/healthz", params={"signature": "s3cret"}).status_code == 200
        lines = [r.getMessage() for r in caplog.records if r.name == "kc.access"]
        assert len(lines) == 1 and lines[0].startswith("GET /healthz 200 ") and "s3cret" not in lines[0]
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="kc.access"):  # off: requests pass through untimed, unlogged
            assert client.get("/healthz").status_code == 200
        assert not [r for r in caplog.records if r.name == "kc.access"]
