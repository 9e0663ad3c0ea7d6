"""The form engine: flows declared as data, filled from free Chinese text over several turns.

A ``Form`` is a tuple of ``Field``s plus a submit function. Each turn the engine runs the shared extractors
on the message (one message may fill several fields), applies corrections ("电话说错了，是…", "预算改成300万",
"不是东津，是高新区"), answers a policy question asked mid-form and re-asks, handles 取消 / 重新填 / 跳过,
shows a confirmation summary, asks for consent once (个人信息保护法) and submits. The next question is the
first field still missing. State lives in ``ConversationState.draft`` (JSON), so it survives restarts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handlers.kit import interject, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply
from knowledge.extract import extract_all, is_affirmative, is_negative, is_skip

log = logging.getLogger(__name__)

Facts = dict[str, Any]
Extractor = Callable[[str, Facts], Any]
Parser = Callable[[str], Any]
Override = Callable[[Any, Any, Facts], bool]

STAGE_FILL, STAGE_CONFIRM, STAGE_CONSENT = "fill", "confirm", "consent"
CONFIRM_HINT = "回复“确认”提交；要修改请直接说，例如“{example}”。"
CONSENT_NOTICE = (
    "提交前请您确认（《个人信息保护法》）：\n"
    "我们会保存您填写的单位、联系人和电话，仅用于科技需求与成果对接；"
    "科创联络员审核时会看到，对接双方都同意后才交换联系方式。\n"
    "随时可回复“我的信息”查看、“删除我的信息”删除。\n"
    "同意请回复“同意”；不同意回复“不同意”，本次内容不会保存。"
)


@dataclass(frozen=True)
class Field:
    """One slot of a form: how to find it in any message, parse a direct answer, check and show it."""

    name: str
    label: str
    prompt: str
    required: bool = True
    extractor: Extractor | None = None  # any message → value (multi-slot filling)
    parser: Parser | None = None  # a direct answer while this field is the pending question
    validator: Callable[[Any], str | None] | None = None  # value → error text, or None when fine
    formatter: Callable[[Any], str] = str
    invalid: str = ""  # reply when a direct answer cannot be understood
    aliases: tuple[str, ...] = ()  # words users use to name the field in an edit ("电话", "手机")
    asked: bool = True  # False: derived (e.g. the title), never prompted, still editable
    append: bool = False  # free text that accumulates over turns (the description)
    skip_value: Any = None  # value stored when the user skips an optional field
    override: Override | None = None  # field-specific "new evidence beats old" rule
    soft_when: Callable[[Facts], bool] | None = None  # the found value is only a hint (org-name guesses)
    ask_if_soft: bool = False  # still ask when only a hint is known ('襄阳市' from '襄阳XX有限公司')


@dataclass(frozen=True)
class Form:
    """A flow declared as data: its fields, how derived fields are computed and how it is submitted."""

    name: str
    noun: str  # "技术需求"
    fields: tuple[Field, ...]
    submit: Callable[[Context, Incoming, dict[str, Any]], list[Reply]]
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    opener: str = ""
    edit_example: str = "电话改成13800001234"
    consent: Callable[[Context, Incoming], bool] | None = None  # has the user consented already?
    record_consent: Callable[[Context, Incoming], None] | None = None

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)


def new_draft(now: datetime) -> dict[str, Any]:
    """An empty draft."""
    return {"values": {}, "raw": {}, "skipped": [], "soft": [], "stage": STAGE_FILL, "at": now.isoformat()}


def values_of(conv: ConversationState) -> dict[str, Any]:
    """The draft's field values."""
    return conv.draft.setdefault("values", {})


def pending_field(form: Form, draft: dict[str, Any]) -> Field | None:
    """The first asked field that is neither filled nor skipped."""
    values, skipped = full_values(form, draft), set(draft.get("skipped", []))
    soft = set(draft.get("soft", []))
    for f in form.fields:
        unsure = f.ask_if_soft and f.name in soft
        if f.asked and (values.get(f.name) in (None, "", []) or unsure) and f.name not in skipped:
            return f
    return None


def missing_required(form: Form, draft: dict[str, Any]) -> list[Field]:
    """Required fields still empty (derived ones included)."""
    values = full_values(form, draft)
    return [f for f in form.fields if f.required and values.get(f.name) in (None, "", [])]


def full_values(form: Form, draft: dict[str, Any]) -> dict[str, Any]:
    """Values with derived fields filled in where the user gave none."""
    values = dict(draft.get("values", {}))
    if form.derive:
        for key, value in form.derive(values).items():
            if values.get(key) in (None, "", []):
                values[key] = value
    return values


# --- filling ---------------------------------------------------------------------------------------------

def _focused(form: Form, found: dict[str, Any]) -> bool:
    """Only one non-free-text field was found: a bare new value likely replaces the old one."""
    return len([n for n in found if not form.field(n).append]) == 1


def _should_replace(f: Field, old: Any, new: Any, facts: Facts, focused: bool, soft_old: bool) -> bool:
    """Whether ``new`` evidence replaces a filled value."""
    if new == old:
        return False
    if f.name in facts.get("corrections", set()) or soft_old:
        return True
    if f.override and f.override(old, new, facts):
        return True
    return focused


def _found(form: Form, text: str, facts: Facts) -> dict[str, Any]:
    """Values every field's extractor finds in one message."""
    found = {}
    for f in form.fields:
        value = f.extractor(text, facts) if f.extractor else None
        if value not in (None, "", []):
            found[f.name] = value
    return found


def _put(draft: dict[str, Any], f: Field, value: Any, raw: str, soft: bool) -> None:
    """Store one value (and whether it is only a hint)."""
    draft["values"][f.name] = value
    draft["raw"][f.name] = raw[:500]
    softs = set(draft.get("soft", []))
    softs.add(f.name) if soft else softs.discard(f.name)
    draft["soft"] = sorted(softs)
    if f.name in draft.get("skipped", []):
        draft["skipped"].remove(f.name)


def _merge_one(draft: dict[str, Any], f: Field, new: Any, text: str, facts: Facts, focused: bool) -> bool:
    """Merge one found value into the draft; True when the draft changed."""
    old = draft["values"].get(f.name)
    soft_new = bool(f.soft_when and f.soft_when(facts))
    if old in (None, "", []):
        _put(draft, f, new, text, soft_new)
        return True
    if f.append:
        if new in old:
            return False
        _put(draft, f, f"{old}；{new}", text, False)
        return True
    soft_old = f.name in draft.get("soft", []) and not soft_new
    if _should_replace(f, old, new, facts, focused, soft_old):
        _put(draft, f, new, text, soft_new)
        return True
    return False


def fill(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """Fill or correct fields from one message; returns the names of fields that changed."""
    facts = extract_all(text)
    found = _found(form, text, facts)
    focused = _focused(form, found)
    return [name for name, value in found.items()
            if _merge_one(draft, form.field(name), value, text, facts, focused)]


def _answer_pending(form: Form, draft: dict[str, Any], f: Field, text: str) -> bool:
    """Use the whole message as the answer to the pending question when its parser accepts it."""
    if f.parser is None or not triage.plain_answer(text):
        return False
    value = f.parser(text)
    if value in (None, "", []):
        return False
    _put(draft, f, value, text, False)
    return True


def _edit_command(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """'标题改成…', '描述改为…', '需求类型改成成果转化': set a named field from the words after the verb."""
    for f in form.fields:
        names = "|".join(map(re.escape, (f.label, *f.aliases)))
        m = re.search(rf"(?:{names})\s*(?:改成|改为|换成|换为|应该是|更正为|改一下|改下)[：:，,\s]*(.+)$", text)
        if not m:
            continue
        value = f.parser(m.group(1).strip()) if f.parser else m.group(1).strip()
        if value not in (None, "", []):
            _put(draft, f, value, text, False)
            return [f.name]
    return []


# --- replies ---------------------------------------------------------------------------------------------

def summary_text(form: Form, draft: dict[str, Any]) -> str:
    """The confirmation summary: one short line per filled field."""
    values = full_values(form, draft)
    lines = [f"请核对您的{form.noun}："]
    for f in form.fields:
        value = values.get(f.name)
        if value not in (None, "", []):
            lines.append(f"{f.label}：{f.formatter(value)}")
    return "\n".join(lines)


def _ack(form: Form, changed: list[str]) -> str:
    """A short 'got it' line naming what was just recorded."""
    labels = [form.field(n).label for n in changed if form.field(n).asked]
    return f"好的，已记下{'、'.join(labels)}。" if labels else ""


def _ask(prompt: str, prefix: str = "") -> list[Reply]:
    """One reply: an optional acknowledgement line, then the question."""
    return [Reply(f"{prefix}\n{prompt}" if prefix else prompt)]


def next_step(form: Form, conv: ConversationState, prefix: str = "") -> list[Reply]:
    """Ask the first missing field, or show the summary and ask for confirmation."""
    f = pending_field(form, conv.draft)
    if f is not None:
        conv.step, conv.draft["stage"] = f.name, STAGE_FILL
        return _ask(f.prompt, prefix)
    missing = missing_required(form, conv.draft)
    if missing:  # a required derived field that could not be derived: ask it like any other
        conv.step, conv.draft["stage"] = missing[0].name, STAGE_FILL
        return _ask(missing[0].prompt, prefix)
    conv.step, conv.draft["stage"] = STAGE_CONFIRM, STAGE_CONFIRM
    return _ask(f"{summary_text(form, conv.draft)}\n\n{confirm_hint(form)}", prefix)


def confirm_hint(form: Form) -> str:
    """How to submit or edit from the summary."""
    return CONFIRM_HINT.format(example=form.edit_example)


def reprompt(form: Form, conv: ConversationState) -> str:
    """The pending question again (used after a digression)."""
    if conv.draft.get("stage") == STAGE_CONSENT:
        return CONSENT_NOTICE
    if conv.draft.get("stage") == STAGE_CONFIRM:
        return confirm_hint(form)
    f = next((x for x in form.fields if x.name == conv.step), None)
    return f.prompt if f else confirm_hint(form)


# --- the turn --------------------------------------------------------------------------------------------

def start(form: Form, ctx: Context, conv: ConversationState, texts: tuple[str, ...] = ()) -> list[Reply]:
    """Open ``form`` (dropping any other draft), fill it from ``texts`` and ask the first question."""
    conv.flow, conv.step, conv.draft = form.name, None, new_draft(ctx.now)
    for text in texts:
        fill(form, conv.draft, text)
    return next_step(form, conv, form.opener)


def expired(ctx: Context, conv: ConversationState) -> bool:
    """Whether the draft is older than ``settings.draft_ttl_days``."""
    stamp = conv.draft.get("at")
    if not stamp:
        return False
    ttl = timedelta(days=ctx.settings.draft_ttl_days)
    return ctx.now - datetime.fromisoformat(stamp) > ttl


def handle(form: Form, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Continue ``form`` with one message (the flow handler registered with ``router.add_flow``)."""
    text = (msg.text or "").strip()
    if expired(ctx, conv):  # the expiry job has not run yet: same outcome, noticed by the account route
        conv.clear_flow()
        conv.data["expired_flow"] = form.name
        return None
    conv.draft["at"] = ctx.now.isoformat()
    if not text:
        return [Reply(f"请用文字回复哦。\n{reprompt(form, conv)}")]
    if triage.is_other_command(text):
        return None
    return _turn(form, ctx, msg, conv, text)


def _turn(form: Form, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """Dispatch one text message by intent: cancel, restart, consent, digression, confirm or fill."""
    if triage.is_form_cancel(text):
        conv.clear_flow()
        return [Reply(f"好的，已取消，本次{form.noun}的内容没有保存。需要时随时再找我。")]
    if triage.is_form_restart(text):
        conv.draft = new_draft(ctx.now)
        return next_step(form, conv, "好的，我们重新来。")
    stage = conv.draft.get("stage", STAGE_FILL)
    if stage == STAGE_CONSENT:
        return _consent_turn(form, ctx, msg, conv, text)
    if (aside := interject.before_fill(form.name, ctx, msg, conv, text)) is not None:  # asides, form switches
        return aside.replies + ([Reply(f"——\n我们接着填{form.noun}：\n{reprompt(form, conv)}")] if aside.resume else [])
    if triage.is_policy_question(text) and not triage.has_form_facts(text):
        return digress(form, ctx, conv, text)
    if stage == STAGE_CONFIRM:
        return _confirm_turn(form, ctx, msg, conv, text)
    return _fill_turn(form, conv, text)


def _fill_turn(form: Form, conv: ConversationState, text: str) -> list[Reply]:
    """Fill from the message; skip or re-ask the pending field when nothing was understood."""
    pending = next((f for f in form.fields if f.name == conv.step), None)
    changed = _edit_command(form, conv.draft, text) or fill(form, conv.draft, text)
    if pending and pending.name not in changed:
        if is_skip(text) and (not pending.required or pending.name in conv.draft.get("soft", [])):
            return _skip(form, conv, pending, text)
        if _answer_pending(form, conv.draft, pending, text):
            changed.append(pending.name)
    if not changed:
        hint = pending.invalid if pending and pending.invalid else "抱歉，我没太明白。"
        return _ask(reprompt(form, conv), hint)
    return next_step(form, conv, _ack(form, changed))


def _skip(form: Form, conv: ConversationState, pending: Field, text: str) -> list[Reply]:
    """Skip an optional field (or keep the hint a required field already has) and move on."""
    draft = conv.draft
    if pending.name in draft.get("soft", []):
        draft["soft"].remove(pending.name)
    else:
        draft["skipped"].append(pending.name)
        if pending.skip_value is not None:
            _put(draft, pending, pending.skip_value, text, False)
    return next_step(form, conv, "好的，这项先跳过。")


def _confirm_turn(form: Form, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """At the summary: submit on yes, apply edits, or explain how to change something."""
    changed = _edit_command(form, conv.draft, text) or fill(form, conv.draft, text)
    if changed:
        return next_step(form, conv, "已修改。")
    if is_affirmative(text):
        if form.consent and not form.consent(ctx, msg):
            conv.step, conv.draft["stage"] = STAGE_CONSENT, STAGE_CONSENT
            return [Reply(CONSENT_NOTICE)]
        return _submit(form, ctx, msg, conv)
    if is_negative(text):
        return [Reply("请直接告诉我要改哪一项，例如“电话改成13800001234”“预算改成150万”。")]
    return [Reply(f"抱歉，我没太明白。\n{confirm_hint(form)}")]


def _consent_turn(form: Form, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """Record consent and submit, or drop the draft when the user declines."""
    if is_affirmative(text) and not is_negative(text):
        if form.record_consent:
            form.record_consent(ctx, msg)
        return _submit(form, ctx, msg, conv)
    if is_negative(text):
        conv.clear_flow()
        return [Reply("好的，尊重您的选择，本次内容没有保存。")]
    return [Reply(f"请回复“同意”或“不同意”。\n{CONSENT_NOTICE}")]


def _submit(form: Form, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply]:
    """Submit the completed draft and leave the flow.

    A storage error propagates: the pipeline rolls the message's unit of work back and apologises, and the
    conversation keeps the draft at the summary, so "确认" can be sent again."""
    replies = form.submit(ctx, msg, full_values(form, conv.draft))
    conv.clear_flow()
    return replies


def digress(form: Form, ctx: Context, conv: ConversationState, text: str) -> list[Reply]:
    """Answer a policy question asked mid-form, then repeat the pending question."""
    answer = ask_policy(ctx, text, conv.draft.get("values", {}).get("region"))
    back = f"——\n我们接着填{form.noun}：\n{reprompt(form, conv)}"
    return [Reply(answer), Reply(back)]


def ask_policy(ctx: Context, question: str, region: str | None = None) -> str:
    """The knowledge base's answer text, or a polite note when it cannot be used."""
    city = triage.city_of(region) or ctx.settings.home_city
    kb = ctx.knowledge
    if kb is None:
        return "这个政策问题我先记下了，填完后您可以再单独问我，或回复“转人工”。"
    try:
        answer = kb.ask(question, home_city=city)
    except Exception:  # no knowledge base configured or it failed: the form still goes on
        log.warning("policy digression unavailable", exc_info=True)
        return "这个政策问题我先记下了，填完后您可以再单独问我，或回复“转人工”。"
    return str(getattr(answer, "answer", "") or "这个问题我暂时答不上来，可以回复“转人工”。")
