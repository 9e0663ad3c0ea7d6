"""What a whole conversation left in the database, compared with its expected record (every dialogue kind).

Shared by the dialogue tests and ``bench/eval_dialogues.py``. ``field_results`` gives one verdict per expected
field (so per-field accuracy can be reported); ``clean_problems`` lists description/title contamination
(company name, budget remark, correction phrase, need-type word, a policy digression).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select, update

from bot.container import Container
from bot.store.models import Achievement, Demand, Event, Interest, Registration, User
from knowledge.vocab import INDUSTRIES, NEED_TYPES

HOME_CITY = "襄阳市"  # stored regions of the home city carry its name; an expectation may leave it out
EVENT_KINDS = ("event_signup", "event_cancel", "event_party_change")
ACTIVE = ("confirmed", "waitlisted")
TEXT_FIELDS = {"description_keywords": "description", "title_keywords": "title", "ip_keywords": "ip"}
FORBIDDEN_FIELDS = {"description_excludes": "description", "description_forbidden": "description"}
IGNORED = {"event_hint", "cancelled", "no_demand_created", "no_achievement_created", "no_event_signup",
           "budget_accept", "region_accept", "status", "event_id", "interests"}
CORRECTION = re.compile(r"(说错|打错|写错|填错|搞错|弄错|不对|改成|改为|换成|应该是|更正|重新填|口误)")
BUDGET_REMARK = re.compile(r"(预算|经费|面议|面谈|具体再谈|钱不是问题|钱的话|多少钱|\d+\s*(?:[万wW千](?![吨亩人件台套次])|[块元])|"
                           r"[一二三四五六七八九十两百千]+\s*(?:万(?![吨亩人件台套次])|块(?=钱|左右|以内|以下|上下|吧|[^\u4e00-\u9fff]|$))|"  # not '一块板'"
                           r"[三四五六七八九十两百千]+个吧)")
POLICY_Q = re.compile(r"(补贴|政策|申报|加计扣除|计划是|能拿|有补贴)")


def empty_events(services: Container) -> None:
    """Remove every registration and free every seat (each conversation starts with nobody signed up)."""
    with services.db.session() as session:
        session.execute(delete(Registration))
        session.execute(update(Event).values(seats_taken=0, reg_seq=0))


def _rows(session: Any, model: Any, owner: Any, openid: str) -> list[Any]:
    """Rows of ``model`` owned by ``openid``."""
    return list(session.scalars(select(model).where(owner == openid)))


def topics_of(session: Any, openid: str) -> list[str]:
    """The user's demand-alert topics as the user named them (keyword, else industry)."""
    rows = _rows(session, Interest, Interest.openid, openid)
    out: list[str] = []
    for row in rows:
        if row.kind != "match":
            continue
        out += list(row.keywords or []) or ([row.industry] if row.industry else [])
    return out


def _value_ok(key: str, got: Any, expect: dict[str, Any]) -> bool:
    """One scalar field against its expected value (or its accepted alternatives)."""
    accepted = expect.get(f"{key}_accept") or [expect[key]]
    if key == "region" and isinstance(got, str) and got.startswith(HOME_CITY):  # '枣阳市' names '襄阳市枣阳市'
        return got in accepted or got.removeprefix(HOME_CITY) in accepted
    return got in accepted


def _compare(row: Any, expect: dict[str, Any], keys: dict[str, str] | None = None) -> dict[str, bool]:
    """Per-field verdicts for a demand/achievement row."""
    out: dict[str, bool] = {}
    for key, want in expect.items():
        if key in TEXT_FIELDS:
            got = getattr(row, TEXT_FIELDS[key]) or ""
            out[key] = all(w in got for w in want)
        elif key in FORBIDDEN_FIELDS:
            got = getattr(row, FORBIDDEN_FIELDS[key]) or ""
            out[key] = not any(w in got for w in want)
        elif key not in IGNORED and not key.endswith("_accept"):
            attr = (keys or {}).get(key, key)
            out[key] = _value_ok(key, getattr(row, attr, None), expect)
    return out


def _counts_ok(expect: dict[str, Any], demands: list[Any], achievements: list[Any], regs: list[Any]) -> bool:
    """The 'no other record' expectations."""
    if expect.get("no_demand_created") and demands:
        return False
    if expect.get("no_achievement_created") and achievements:
        return False
    return not (expect.get("no_event_signup") and regs)


def field_results(services: Container, dialogue: dict[str, Any], openid: str) -> dict[str, bool]:
    """One verdict per expected field (plus ``record`` = exactly the expected kind and number of records)."""
    expect, kind = dialogue["expect"], dialogue["kind"]
    with services.db.session() as session:
        demands = _rows(session, Demand, Demand.openid, openid)
        achievements = _rows(session, Achievement, Achievement.owner_openid, openid)
        regs = [r for r in _rows(session, Registration, Registration.openid, openid)]
        active = [r for r in regs if r.status in ACTIVE]
        if expect.get("cancelled") and kind in ("demand", "achievement", "subscription"):
            return {"record": not demands and not achievements}
        counts = _counts_ok(expect, demands, achievements, active)
        if kind == "demand":
            return {"record": len(demands) == 1 and counts, **(_compare(demands[0], expect) if demands else {})}
        if kind == "achievement":
            out = {"record": len(achievements) == 1 and counts, **(_compare(achievements[0], expect) if achievements else {})}
            if "interests" in expect:
                out["interests"] = sorted(topics_of(session, openid)) == sorted(expect["interests"])
            return out
        if kind == "subscription":
            return _subscription(session, expect, openid, counts and not achievements)
        return _registration(expect, regs, counts)


def _subscription(session: Any, expect: dict[str, Any], openid: str, counts: bool) -> dict[str, bool]:
    """A researcher who only subscribed: their profile and their topics."""
    user = session.scalar(select(User).where(User.openid == openid))
    out = {"record": counts and bool(topics_of(session, openid)),
           "interests": sorted(topics_of(session, openid)) == sorted(expect.get("interests", []))}
    names = {"institution": "company", "contact_name": "name", "contact_phone": "phone"}
    for key, attr in names.items():
        if key in expect:
            out[key] = user is not None and getattr(user, attr) == expect[key]
    return out


def _registration(expect: dict[str, Any], regs: list[Any], counts: bool) -> dict[str, bool]:
    """A sign-up (kept, changed or cancelled) for the expected event."""
    mine = [r for r in regs if r.event_id == expect.get("event_id")]
    others = [r for r in regs if r.event_id != expect.get("event_id") and r.status in ACTIVE]
    cancelled = expect.get("status") == "cancelled" or expect.get("cancelled") is True
    reg = mine[0] if mine else None
    if cancelled:  # cancelled, or given up before it was made: nothing holds a seat
        return {"record": counts and not others and (reg is None or reg.status not in ACTIVE)}
    status_ok = reg is not None and reg.status in ACTIVE
    out = {"record": counts and status_ok and not others}
    if reg is None:
        return out
    fields = {"name": reg.name, "phone": reg.phone, "party_size": reg.party_size, "company": reg.company}
    for key, got in fields.items():
        if key in expect:
            out[key] = got == expect[key]
    if "companions" in expect:
        out["companions"] = sorted(reg.companions or []) == sorted(expect["companions"])
    return out


def exact(results: dict[str, bool]) -> bool:
    """Whether every verdict holds."""
    return all(results.values())


def _texts(services: Container, dialogue: dict[str, Any], openid: str) -> list[tuple[str, str, Any]]:
    """(label, text, row) for the stored description/title fields of the user's demands and achievements."""
    with services.db.session() as session:
        out = []
        for d in _rows(session, Demand, Demand.openid, openid):
            out += [("description", d.description, d), ("title", d.title, d)]
        for a in _rows(session, Achievement, Achievement.owner_openid, openid):
            out += [("title", a.title, a)]
        session.expunge_all()
        return out


def clean_problems(services: Container, dialogue: dict[str, Any], openid: str) -> list[str]:
    """Contamination of stored descriptions/titles (empty = clean)."""
    expect, problems = dialogue["expect"], []
    company = expect.get("company") or expect.get("institution")
    digressions = [t for t in dialogue["turns"] if re.search(r"[?？吗没]$|啥|什么", t.strip()) and POLICY_Q.search(t)]
    for label, text, _row in _texts(services, dialogue, openid):
        text = text or ""
        if company and company in text:
            problems.append(f"{label} holds the company: {text!r}")
        if BUDGET_REMARK.search(text):
            problems.append(f"{label} holds a budget remark: {text!r}")
        if CORRECTION.search(text):
            problems.append(f"{label} holds a correction phrase: {text!r}")
        clauses = {c.strip() for c in re.split(r"[，,。；;！!？?\s]+", text)}
        if clauses & set(NEED_TYPES) or clauses & set(INDUSTRIES):
            problems.append(f"{label} holds a need-type/industry word: {text!r}")
        if any(_overlap(t, text) for t in digressions):
            problems.append(f"{label} holds a digression: {text!r}")
    return problems


def _overlap(turn: str, text: str) -> bool:
    """Whether a long piece of a digression turn landed in the text."""
    parts = [p for p in re.split(r"[，,。；;！!？?\s]+", turn) if len(p) >= 5]
    return any(p in text for p in parts)
