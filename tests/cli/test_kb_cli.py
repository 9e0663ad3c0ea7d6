"""``kc kb ingest|ask|list|retire|remove`` through the real CLI (lexical backend for speed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.kb import app

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "kb"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KC_EMBEDDING_MODEL", "none")
    return tmp_path


def test_ingest_ask_list_remove(env: Path) -> None:
    runner = CliRunner()
    bad = env / "bad.docx"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(app, ["ingest", str(SAMPLES / "rd_deduction.md"), str(SAMPLES / "volunteer.md"), str(bad)])
    assert result.exit_code == 0, result.output
    assert "已导入 2 篇文档" in result.output and "bad.docx" in result.output

    asked = runner.invoke(app, ["ask", "加计扣除最晚什么时候申报", "--json"])
    data = json.loads(asked.stdout)
    assert data["answered"] is True and "5月31日" in data["answer"]
    assert data["sources"][0]["doc"] == "rd_deduction" and set(data["sources"][0]) == {"doc", "title", "section", "score"}

    declined = json.loads(runner.invoke(app, ["ask", "红烧牛肉面怎么做", "--json"]).stdout)
    assert declined == {"answered": False, "answer": declined["answer"], "sources": []}

    listed = json.loads(runner.invoke(app, ["list", "--json"]).stdout)
    assert [d["doc"] for d in listed] == ["rd_deduction", "volunteer"]
    assert runner.invoke(app, ["retire", "rd_deduction"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["ask", "加计扣除最晚什么时候申报", "--json"]).stdout)["answered"] is False
    assert [d["retired"] for d in json.loads(runner.invoke(app, ["list", "--json"]).stdout)] == [True, False]
    assert runner.invoke(app, ["retire", "rd_deduction", "--restore"]).exit_code == 0
    assert "5月31日" in json.loads(runner.invoke(app, ["ask", "加计扣除最晚什么时候申报", "--json"]).stdout)["answer"]
    assert runner.invoke(app, ["retire", "nothing"]).exit_code == 1
    assert runner.invoke(app, ["remove", "volunteer"]).exit_code == 0
    assert runner.invoke(app, ["remove", "volunteer"]).exit_code == 1


def test_ingest_fails_when_nothing_could_be_ingested(env: Path) -> None:
    (env / "bad.pdf").write_bytes(b"garbage")
    result = CliRunner().invoke(app, ["ingest", str(env / "bad.pdf")])
    assert result.exit_code == 1 and "跳过" in result.output
