"""`kc import` and the list commands through the real CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store.engine import Database
from tests.support.env import SAMPLES

runner = CliRunner()
DEMAND_KEYS = {
    "id", "status", "company", "industry", "need_type", "title", "description", "budget", "region",
    "contact_name", "contact_title", "contact_phone", "openid", "created_at",
}


@pytest.fixture
def kc_env(any_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Point the CLI at the parametrised database."""
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KC_DATABASE_URL", any_db.url)
    return any_db


def kc(*args: str) -> tuple[int, str]:
    """Run ``kc`` in-process; return exit code and combined output."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def import_samples() -> None:
    for kind, rel in (("demands", "matching/demands.jsonl"), ("achievements", "matching/achievements.jsonl"),
                      ("events", "events.jsonl")):
        code, out = kc("import", kind, str(SAMPLES / rel))
        assert code == 0, out


def test_import_samples_then_list_25_demands(kc_env: Database) -> None:
    import_samples()
    code, out = kc("demands", "list", "--json")
    assert code == 0
    demands = json.loads(out)
    assert len(demands) == 25
    assert all(set(d) == DEMAND_KEYS for d in demands)
    assert {d["status"] for d in demands} == {"待审核"}
    d01 = next(d for d in demands if d["id"] == "D01")
    assert d01["budget"] == "80万元" and d01["company"] == "襄阳宏钜制动件有限公司"


def test_import_is_idempotent_on_id(kc_env: Database) -> None:
    import_samples()
    code, out = kc("import", "events", str(SAMPLES / "events.jsonl"), "--json")
    assert code == 0 and json.loads(out) == {"kind": "events", "created": 0, "updated": 12}
    code, out = kc("events", "list", "--json")
    assert len(json.loads(out)) == 12
    code, out = kc("achievements", "list", "--json")
    assert len(json.loads(out)) == 70


def _copy_with_line(tmp_path: Path, source: Path, line_no: int, replacement: str, name: str) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = replacement
    target = tmp_path / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda line: line[:-5], None),  # broken JSON
        (lambda line: json.dumps({k: v for k, v in json.loads(line).items() if k != "company"}), "company"),
        (lambda line: json.dumps({**json.loads(line), "industry": "房地产"}), "industry"),
    ],
    ids=["broken-json", "missing-field", "unknown-industry"],
)
def test_bad_seventh_line_imports_nothing(kc_env: Database, tmp_path: Path, mutate, field) -> None:  # type: ignore[no-untyped-def]
    source = SAMPLES / "matching" / "demands.jsonl"
    seventh = source.read_text(encoding="utf-8").splitlines()[6]
    bad = _copy_with_line(tmp_path, source, 7, mutate(seventh), "bad.jsonl")
    code, out = kc("import", "demands", str(bad))
    assert code != 0
    assert "第 7 行" in out and "未导入任何记录" in out
    if field:
        assert field in out
    code, out = kc("demands", "list", "--json")
    assert json.loads(out) == []


def test_bad_line_does_not_touch_existing_rows(kc_env: Database, tmp_path: Path) -> None:
    import_samples()
    source = SAMPLES / "matching" / "demands.jsonl"
    rows = [json.loads(x) for x in source.read_text(encoding="utf-8").splitlines()]
    rows[0]["title"] = "改过的标题"
    rows[6]["need_type"] = "买菜"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out = kc("import", "demands", str(bad))
    assert code != 0 and "need_type" in out
    _, out = kc("demands", "list", "--json")
    assert next(d for d in json.loads(out) if d["id"] == "D01")["title"] != "改过的标题"


def test_csv_import_with_keyword_list(kc_env: Database, tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "id,title,summary,field,institution,maturity,ip,keywords\n"
        "A900,高真空压铸,降低气孔,汽车及零部件,某研究所,中试,发明专利1项,压铸;致密化、气孔\n",
        encoding="utf-8",
    )
    code, out = kc("import", "achievements", str(csv_file))
    assert code == 0, out
    _, out = kc("achievements", "list", "--json")
    (row,) = json.loads(out)
    assert row["keywords"] == ["压铸", "致密化", "气孔"]


def test_csv_error_names_the_file_line(kc_env: Database, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(
        "id,title,category,start,end,location,region,capacity,signup_deadline\n"
        "E1,讲座,技术培训,2027-03-13T09:30:00+08:00,2027-03-13T11:00:00+08:00,x,r,10,2027-03-12T09:30:00+08:00\n"
        "E2,讲座,技术培训,2027-03-13T09:30:00,2027-03-13T11:00:00+08:00,x,r,10,2027-03-12T09:30:00+08:00\n",
        encoding="utf-8",
    )
    code, out = kc("import", "events", str(csv_file))
    assert code != 0 and "第 3 行" in out and "start" in out and "时区" in out


def test_list_filters_by_status(kc_env: Database) -> None:
    import_samples()
    code, out = kc("demands", "list", "--status", "已发布", "--json")
    assert code == 0 and json.loads(out) == []
    code, out = kc("demands", "list")
    assert "D01" in out and "共 25 条" in out


def test_every_command_has_help() -> None:
    for args in (["--help"], ["serve", "--help"], ["doctor", "--help"], ["import", "--help"],
                 ["demands", "list", "--help"], ["events", "list", "--help"]):
        code, out = kc(*args)
        assert code == 0 and "Usage" in out


def test_long_import_shows_a_progress_bar_on_stderr_and_keeps_json_clean(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path / "data"))
    rows = [{"id": f"A{500 + i}", "title": f"测试成果{i}", "summary": "一项测试成果的简介。", "field": "高端装备制造",
             "institution": "示例大学", "maturity": "中试", "keywords": ["测试"]} for i in range(250)]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["import", "achievements", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"kind": "achievements", "created": 250, "updated": 0}
    assert "250/250" in result.stderr and "导入" in result.stderr
