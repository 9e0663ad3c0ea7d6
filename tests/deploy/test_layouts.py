"""docker-compose.yml, the Procfile and the systemd units describe the topology the process-level test runs."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.deploy.topology import SCHEDULER_COMMAND, SERVICES, SHARED_ENV, WEB_COMMAND

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    """The parsed compose file (anchors resolved)."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))


def runs(command: list[str], expected: tuple[str, ...]) -> bool:
    """Whether ``command`` is ``kc`` with every expected argument, in order."""
    args = [Path(command[0]).name, *command[1:]]
    if args[0] != "kc":
        return False
    at = 0
    for arg in args[1:]:
        if at < len(expected) and arg == expected[at]:
            at += 1
    return at == len(expected)


def test_compose_runs_the_tested_services_with_health_checks() -> None:
    services = compose()["services"]
    assert sorted(services) == sorted(SERVICES)
    assert all("healthcheck" in service for service in services.values())
    assert runs(services["web"]["command"], WEB_COMMAND) and "--workers" in services["web"]["command"]
    assert runs(services["scheduler"]["command"], SCHEDULER_COMMAND)


def test_compose_processes_share_state_only_through_postgres_and_chroma() -> None:
    services = compose()["services"]
    for name in ("web", "scheduler"):
        env = services[name]["environment"]
        assert set(SHARED_ENV) <= set(env), name
        assert urlsplit(env["KC_DATABASE_URL"]).hostname == "postgres"
        assert urlsplit(env["KC_CHROMA_URL"]).hostname == "chroma"
        assert any(v.endswith(":" + env["KC_DATA_DIR"]) for v in services[name]["volumes"])  # its own data dir
    assert services["web"]["volumes"] != services["scheduler"]["volumes"]
    for name in ("postgres", "chroma"):
        assert services[name]["volumes"], name


def test_procfile_and_systemd_units_run_the_same_commands() -> None:
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text("utf-8").splitlines()
                    if line and not line.startswith("#"))
    assert runs(shlex.split(procfile["web"]), WEB_COMMAND) and runs(shlex.split(procfile["scheduler"]), SCHEDULER_COMMAND)
    assert "chroma run" in procfile["chroma"]
    units = {p.stem: p.read_text("utf-8") for p in (ROOT / "deploy" / "systemd").glob("*.service")}
    start = {name: shlex.split(next(line for line in text.splitlines() if line.startswith("ExecStart="))[10:])
             for name, text in units.items()}
    assert runs(start["kc-web"], WEB_COMMAND) and runs(start["kc-scheduler"], SCHEDULER_COMMAND)
    assert "run" in start["kc-chroma"]
