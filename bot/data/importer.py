"""Import demands, achievements and events from JSONL or CSV: validated, idempotent on ``id``, all-or-nothing."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.records import budget_range
from bot.store.models import Achievement, Base, Demand, Event
from knowledge.vocab import EVENT_CATEGORIES, INDUSTRIES, MATURITIES, NEED_TYPES

KINDS = ("demands", "achievements", "events")


class ImportFileError(ValueError):
    """A row of an import file is invalid; names the line and the field."""

    def __init__(self, line: int, field_name: str | None, message: str) -> None:
        self.line, self.field = line, field_name
        where = f"第 {line} 行" + (f"，字段 {field_name}" if field_name else "")
        super().__init__(f"{where}：{message}")


@dataclass(frozen=True)
class Spec:
    """How one kind of record is read: its model, required fields, vocabularies and converters."""

    model: type[Base]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    converters: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


@dataclass
class ImportResult:
    """Counts of one import."""

    kind: str
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        """Rows written."""
        return self.created + self.updated


def parse_time(value: Any) -> datetime:
    """Parse an ISO 8601 time that carries its timezone (e.g. ``2027-03-13T09:30:00+08:00``)."""
    parsed = datetime.fromisoformat(str(value).strip())
    if parsed.tzinfo is None:
        raise ValueError("时间必须带时区，例如 2027-03-13T09:30:00+08:00")
    return parsed


def parse_keywords(value: Any) -> list[str]:
    """Keywords as a list: a JSON list, or a string separated by ; ； 、 , ，or |."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        return parse_keywords(json.loads(text))
    return [part.strip() for part in re.split(r"[;；、,，|]", text) if part.strip()]


def parse_positive_int(value: Any) -> int:
    """A positive integer (capacities)."""
    number = int(str(value).strip())
    if number <= 0:
        raise ValueError("必须是正整数")
    return number


SPECS: dict[str, Spec] = {
    "demands": Spec(
        model=Demand,
        required=("id", "title", "description", "industry", "need_type", "region", "budget", "company"),
        optional=("contact_name", "contact_phone", "openid", "status"),
        enums={"industry": INDUSTRIES, "need_type": NEED_TYPES},
    ),
    "achievements": Spec(
        model=Achievement,
        required=("id", "title", "summary", "field", "institution", "maturity"),
        optional=("ip", "keywords", "region", "contact_name", "contact_phone", "owner_openid"),
        enums={"field": INDUSTRIES, "maturity": MATURITIES},
        converters={"keywords": parse_keywords},
    ),
    "events": Spec(
        model=Event,
        required=("id", "title", "category", "start", "end", "location", "region", "capacity", "signup_deadline"),
        optional=("description", "speaker", "status", "max_companions"),
        enums={"category": EVENT_CATEGORIES},
        converters={
            "start": parse_time,
            "end": parse_time,
            "signup_deadline": parse_time,
            "capacity": parse_positive_int,
            "max_companions": int,
        },
    ),
}


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, row) from a JSONL or CSV file; broken JSON raises with its line."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv", ".xlsx"):
        raise ImportFileError(0, None, f"不支持的文件类型 {suffix}，请用 .jsonl、.csv 或 .xlsx")
    if suffix == ".xlsx":
        yield from _xlsx_rows(path)
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if suffix == ".csv":
            yield from ((i + 2, dict(row)) for i, row in enumerate(csv.DictReader(handle)))
            return
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, _json_row(number, line)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of the first sheet as dicts keyed by the header row (line numbers as Excel shows them)."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one error for the user
        raise ImportFileError(0, None, "无法读取 XLSX 文件") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    for number, values in enumerate(rows, start=2):
        if any(v is not None and str(v).strip() for v in values):
            yield number, {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=False) if h}


def _json_row(number: int, line: str) -> dict[str, Any]:
    """Decode one JSONL line into an object."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFileError(number, None, f"JSON 格式错误（{exc.msg}，第 {exc.colno} 列）") from exc
    if not isinstance(row, dict):
        raise ImportFileError(number, None, "每行必须是一个 JSON 对象")
    return row


def validate_row(spec: Spec, number: int, row: dict[str, Any]) -> dict[str, Any]:
    """Check required fields and vocabularies and convert values; return the model's column values."""
    values: dict[str, Any] = {}
    for name in spec.required + spec.optional:
        raw = row.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if name in spec.required:
                raise ImportFileError(number, name, "缺少必填字段")
            continue
        values[name] = _convert(spec, number, name, raw)
    return values


def _convert(spec: Spec, number: int, name: str, raw: Any) -> Any:
    """Convert and check one field value."""
    allowed = spec.enums.get(name)
    value = raw.strip() if isinstance(raw, str) else raw
    if allowed and value not in allowed:
        raise ImportFileError(number, name, f"取值“{value}”不在允许范围内（{'、'.join(allowed)}）")
    converter = spec.converters.get(name)
    if converter is None:
        return value
    try:
        return converter(value)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ImportFileError(number, name, f"无法解析“{value}”：{exc}") from exc


def _check_event(number: int, values: dict[str, Any]) -> None:
    """Events need deadline ≤ start < end."""
    if values["signup_deadline"] > values["start"]:
        raise ImportFileError(number, "signup_deadline", "报名截止时间晚于活动开始时间")
    if values["start"] >= values["end"]:
        raise ImportFileError(number, "end", "结束时间早于开始时间")


def _derive(kind: str, values: dict[str, Any]) -> None:
    """Fill derived columns (budget range)."""
    if kind == "demands":
        values["budget_low_wan"], values["budget_high_wan"] = budget_range(values["budget"])


def _upsert(session: Session, spec: Spec, values: dict[str, Any], appid: str) -> bool:
    """Insert or update the row with this id; True when it was created."""
    existing = session.get(spec.model, values["id"])
    if existing is None:
        session.add(spec.model(appid=appid, **values))
        return True
    for name, value in values.items():
        setattr(existing, name, value)
    return False


def import_file(session: Session, *, kind: str, path: Path, appid: str,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Validate every row of ``path`` first, then write them all in the caller's transaction.

    ``progress(done, total)`` is called after each row written (a progress bar for long files)."""
    if kind not in SPECS:
        raise ImportFileError(0, None, f"未知的数据类型 {kind}（可选：{'、'.join(KINDS)}）")
    spec, rows, seen = SPECS[kind], [], set()
    for number, row in read_rows(path):
        values = validate_row(spec, number, row)
        if kind == "events":
            _check_event(number, values)
        if values["id"] in seen:
            raise ImportFileError(number, "id", f"id {values['id']} 在文件中重复")
        seen.add(values["id"])
        _derive(kind, values)
        rows.append(values)
    result = ImportResult(kind)
    for done, values in enumerate(rows, start=1):
        created = _upsert(session, spec, values, appid)
        result.created += int(created)
        result.updated += int(not created)
        if progress is not None:
            progress(done, len(rows))
    return result
