"""活动: the events desk — list with attendance, create / edit / cancel (registrants notified), registrations
with waitlist and promotions, walk-ins, exports, and the door check-in page (签到码 → 签到)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from bot.clock import LOCAL_TZ
from bot.domain.errors import DomainError, NotFound
from bot.domain.events import admin, desk
from bot.domain.events.export import COLUMNS, registration_rows
from bot.domain.events.queries import event_registrations
from bot.domain.exports import audit_export
from bot.domain.staff import Staff
from bot.store.models import Event
from bot.texts.events import STATUS_TEXT, event_error_text, span_text
from bot.web.console import labels
from bot.web.console.auth import Checked, Console, services, source
from bot.web.console.pages.common import missing, table_file
from bot.web.console.render import render
from knowledge.vocab import EVENT_CATEGORIES

router = APIRouter(prefix="/console")
TEXT_FIELDS = ("title", "category", "location", "region", "description", "speaker")
TIME_FIELDS = ("start", "end", "signup_deadline")
NUMBER_FIELDS = ("capacity", "max_companions")


@router.get("/events")
def events_page(request: Request, staff: Console) -> Response:
    """Events in the user's region, newest first, with registrations, check-ins and no-shows."""
    return _list(request, staff)


def _list(request: Request, staff: Staff, *, status_code: int = 200, **extra: Any) -> Response:
    """Render the events list (``extra``: notice / error / form values)."""
    svc = services(request)
    with svc.db.session() as session:
        events = desk.scoped_events(session, appid=svc.appid, scope=staff.scope)
        stats = desk.attendance(session, events=events, now=svc.now())
    rows = list(zip(events, stats, strict=True))
    return render(request, "events.html", title="活动", rows=rows, categories=EVENT_CATEGORIES, span=span_text,
                  status_code=status_code, **extra)


def _local_time(text: str) -> datetime | None:
    """A ``datetime-local`` form value read as Beijing time (None when empty)."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TZ) if text.strip() else None


def _form_values(form: FormData) -> dict[str, Any]:
    """Event fields from a form: empty fields dropped, times in Beijing time, numbers as ints."""
    values: dict[str, Any] = {k: str(form[k]).strip() for k in TEXT_FIELDS if str(form.get(k) or "").strip()}
    for key in TIME_FIELDS:
        when = _local_time(str(form.get(key) or ""))
        if when is not None:
            values[key] = when
    for key in NUMBER_FIELDS:
        if str(form.get(key) or "").strip():
            values[key] = int(str(form[key]))
    return values


def _in_region(staff: Staff, values: dict[str, Any]) -> str | None:
    """Why a liaison may not put an event outside their region (None when allowed)."""
    if "region" in values and not staff.scope.allows(values["region"]):
        return f"地区必须在您负责的 {staff.region} 范围内"
    return None


@router.post("/events")
async def event_create(request: Request, staff: Checked) -> Response:
    """新建活动 (its id is the next free E..)."""
    form = await request.form()
    svc = services(request)
    try:
        values = _form_values(form)
    except ValueError:
        return _list(request, staff, error="时间或数字格式不对", form=form, status_code=400)
    refused = _in_region(staff, values)
    if refused:
        return _list(request, staff, error=refused, form=form, status_code=400)
    try:
        with svc.db.session() as session:
            event = admin.create_event(session, appid=svc.appid, values=values, actor=staff.name, now=svc.now(),
                                       source=source(request))
            event_id = event.id
    except DomainError as exc:
        return _list(request, staff, error=event_error_text(exc), form=form, status_code=400)
    return _detail(request, event_id, staff, notice=f"已新建活动 {event_id}。")


@router.get("/events/checkin")
def checkin_page(request: Request, staff: Console, event: str = "") -> Response:
    """The door check-in page (phone-sized): 签到码 and 签到, optionally for one event."""
    return render(request, "checkin.html", title="签到", event_id=event, result=None)


@router.post("/events/checkin")
def checkin_submit(request: Request, staff: Checked, code: Annotated[str, Form()] = "",
                   event: Annotated[str, Form()] = "") -> Response:
    """Check a code in: 签到成功 with name, party and event; 已签到 and when; unknown codes refused."""
    svc = services(request)
    with svc.db.session() as session:
        result = desk.door_checkin(session, appid=svc.appid, code=code, scope=staff.scope, actor=staff.name,
                                   now=svc.now(), event_id=event or None, source=source(request))
    refused = labels.CHECKIN_REFUSED.get(result.refusal) if result.refusal else None  # type: ignore[call-overload]
    return render(request, "checkin.html", title="签到", event_id=event, result=result, refused=refused,
                  code=code.strip().upper(), status_code=200 if result.ok else 404)


@router.get("/events/{event_id}")
def event_page(request: Request, event_id: str, staff: Console) -> Response:
    """An event: edit, cancel, registrations (waitlist order, promotions), walk-in, exports."""
    return _detail(request, event_id, staff)


def _detail(request: Request, event_id: str, staff: Staff, *, status_code: int = 200, **extra: Any) -> Response:
    """Render the event page (404 when missing or outside the user's region)."""
    svc = services(request)
    with svc.db.session() as session:
        try:
            event = desk.scoped_event(session, appid=svc.appid, event_id=event_id, scope=staff.scope)
        except NotFound:
            return missing(request, "活动")
        regs = event_registrations(session, appid=svc.appid, event_id=event.id, include_cancelled=True)
        promoted = desk.promoted(session, event=event)
        (stats,) = desk.attendance(session, events=[event], now=svc.now())
    return render(request, "event.html", title=f"活动 {event.id}", event=event, regs=regs, promoted=promoted,
                  stats=stats, categories=EVENT_CATEGORIES, status_text=STATUS_TEXT, span=span_text,
                  status_code=status_code, **extra)


def _scoped(request: Request, staff: Staff, event_id: str) -> Event:
    """The event inside the user's region (``NotFound`` otherwise)."""
    svc = services(request)
    with svc.db.session() as session:
        return desk.scoped_event(session, appid=svc.appid, event_id=event_id, scope=staff.scope)


@router.post("/events/{event_id}/edit")
async def event_edit(request: Request, event_id: str, staff: Checked) -> Response:
    """Save changes; a new time or place notifies every registrant (the existing notice path)."""
    form = await request.form()
    svc = services(request)
    try:
        event = _scoped(request, staff, event_id)
        values = _form_values(form)
    except NotFound:
        return missing(request, "活动")
    except ValueError:
        return _detail(request, event_id, staff, error="时间或数字格式不对", status_code=400)
    refused = _in_region(staff, values)
    if refused:
        return _detail(request, event_id, staff, error=refused, status_code=400)
    try:
        with svc.db.session() as session:
            result = admin.edit_event(session, appid=svc.appid, event_id=event.id, changes=values, actor=staff.name,
                                      now=svc.now(), source=source(request))
    except DomainError as exc:
        return _detail(request, event_id, staff, error=event_error_text(exc), status_code=400)
    return _detail(request, event_id, staff, notice=_edited(result))


def _edited(result: admin.EditResult) -> str:
    """What an edit did, in words."""
    if not result.changed:
        return "没有改动"
    told = f"，已通知 {result.notified} 位报名人" if result.notified else ""
    moved = f"，{len(result.promoted)} 位候补已递补" if result.promoted else ""
    return f"已保存{told}{moved}。"


@router.post("/events/{event_id}/cancel")
def event_cancel(request: Request, event_id: str, staff: Checked, reason: Annotated[str, Form()] = "") -> Response:
    """取消活动: every registrant is told (with the reason)."""
    svc = services(request)
    try:
        event = _scoped(request, staff, event_id)
        with svc.db.session() as session:
            result = admin.cancel_event(session, appid=svc.appid, event_id=event.id, actor=staff.name,
                                        now=svc.now(), reason=reason.strip() or None, source=source(request))
    except NotFound:
        return missing(request, "活动")
    return _detail(request, event_id, staff, notice=f"活动已取消，已通知 {result.notified} 位报名人。")


@router.post("/events/{event_id}/walkin")
def event_walk_in(request: Request, event_id: str, staff: Checked, name: Annotated[str, Form()] = "",
                  phone: Annotated[str, Form()] = "", companions: Annotated[str, Form()] = "",
                  check_in: Annotated[str, Form()] = "") -> Response:
    """现场登记: a walk-in takes seats left (no waitlist) and may be checked in at once."""
    svc = services(request)
    others = [c for c in companions.replace("，", "、").replace(",", "、").split("、") if c.strip()]
    try:
        with svc.db.session() as session:
            result = desk.walk_in(session, appid=svc.appid, event_id=event_id, name=name, phone=phone,
                                  scope=staff.scope, actor=staff.name, now=svc.now(), party_size=1 + len(others),
                                  companions=[c.strip() for c in others], check_in=bool(check_in),
                                  source=source(request))
    except NotFound:
        return missing(request, "活动")
    if result.registration is None:
        return _detail(request, event_id, staff, error=labels.WALK_IN_REFUSED.get(result.refusal or "", "无法登记"),
                       status_code=409)
    reg = result.registration
    done = "并已签到" if reg.checked_in_at else f"签到码 {reg.checkin_code}"
    return _detail(request, event_id, staff, notice=f"已现场登记 {reg.name}（{reg.party_size} 人），{done}。")


@router.get("/events/{event_id}/export")
def event_export(request: Request, event_id: str, staff: Console, fmt: str = "csv") -> Response:
    """The registrations (in the user's region) as CSV or XLSX; the export is audited."""
    svc = services(request)
    with svc.db.session() as session:
        try:
            event = desk.scoped_event(session, appid=svc.appid, event_id=event_id, scope=staff.scope)
        except NotFound:
            return missing(request, "活动")
        views = event_registrations(session, appid=svc.appid, event_id=event.id)
        audit_export(session, what=f"event:{event.id}", fmt=fmt, rows=len(views), actor=staff.name, now=svc.now(),
                     scope=staff.scope.region, source=source(request), appid=svc.appid)
    return table_file(COLUMNS, registration_rows(views), fmt=fmt, name=f"{event.id}-报名名单")
