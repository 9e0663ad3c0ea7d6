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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from handlers.kit import interject, memo, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply
from handlers.kit.intents import CHAT, classify, decisive
from knowledge.extract import (
    addressed,
    extract_all,
    has_correction_cue,
    is_affirmative,
    is_negative,
    is_skip,
    mobile_completed,
    mobile_head,
    said_surname,
    swap_pair,
)

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
    "同意请回复“同意”；不同意回复“不同意”，本次内容不会提交。"
)
CONSENT_FAQ = (
    "您的电话不会公开：只有科创联络员审核时能看到；匹配到合适的对接方后，"
    "要双方都回复“感兴趣”才会把联系方式交给对方，任何一方不同意都不会交换。"
)
CONSENT_TOPIC = re.compile(r"电话|手机|号码|联系方式|信息|资料|隐私|公开|给.{0,4}看|谁.{0,3}看|保存|存|删|泄露|安全|同意|授权|"
                           r"个人|卖|骚扰")
DECLINED_TTL = timedelta(days=1)
CONTACT = ("contact_name", "contact_phone")  # remembered together, replaced together
GUESS_NOTE = "（根据描述推测，不对请告诉我）"
# An answer that says the value offered is right ('是', '对的'); not '确认' or '好', which may confirm the whole form.
THAT_IS_RIGHT = re.compile(r"\s*(?:是的?|对的?|没错|正确|就是(?:这个|它)?|是这个)[。！!呀啊哈]*\s*")


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
    guess_when: Callable[[str, Facts], bool] | None = None  # the found value is inferred: shown as a guess
    patch: Callable[[Any, str], Any] | None = None  # a partial correction of the value ('最后四位是8860')
    free: bool = False  # any words can answer it (a name, a title): not when the message filled other fields
    merge: Callable[[Any, Any], Any] | None = None  # combine a new value with the old one (topics accumulate)
    fallback: Extractor | None = None  # best guess from all that was said, taken (marked) when the question goes unanswered
    gap_only: Callable[[str], bool] | None = None  # the value this message gives only fills an empty slot, never renames
    weight: Callable[[Facts], float] | None = None  # how much evidence a found value has: a heavier guess replaces a hint


@dataclass(frozen=True)
class Form:
    """A flow declared as data: its fields, how derived fields are computed and how it is submitted."""

    name: str
    noun: str  # "技术需求"
    fields: tuple[Field, ...]
    submit: Callable[[Context, Incoming, dict[str, Any]], list[Reply]]
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    tidy: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # values cleaned by others (short name out of text)
    opener: str = ""
    edit_example: str = "电话改成13800001234"
    consent: Callable[[Context, Incoming], bool] | None = None  # has the user consented already?
    record_consent: Callable[[Context, Incoming], None] | None = None
    after: Callable[[Context], str] | None = None  # what happens once it is submitted (review, matching, contact)

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)


def new_draft(now: datetime) -> dict[str, Any]:
    """An empty draft."""
    return {"values": {}, "raw": {}, "skipped": [], "soft": [], "guess": [], "stage": STAGE_FILL, "at": now.isoformat()}


def values_of(conv: ConversationState) -> dict[str, Any]:
    """The draft's field values."""
    return conv.draft.setdefault("values", {})


def pending_field(form: Form, draft: dict[str, Any]) -> Field | None:
    """The first asked field that is neither filled nor skipped."""
    values, skipped = full_values(form, draft), set(draft.get("skipped", []))
    soft, asked = set(draft.get("soft", [])), set(draft.get("asked", []))
    for f in form.fields:
        unsure = f.ask_if_soft and f.name in soft
        unsure = unsure or (f.append and f.name not in asked and triage.is_generic(values.get(f.name) or ""))
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
    if form.tidy:
        values.update(form.tidy(values))
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


def _flag(draft: dict[str, Any], key: str, name: str, on: bool) -> None:
    """Set or clear ``name`` in the draft's list ``key`` (soft, guess, skipped)."""
    names = set(draft.get(key, []))
    names.add(name) if on else names.discard(name)
    draft[key] = sorted(names)


def _put(draft: dict[str, Any], f: Field, value: Any, raw: str, soft: bool, guess: bool = False) -> None:
    """Store one value (and whether it is only a hint or a guess)."""
    draft["values"][f.name] = value
    draft["raw"][f.name] = raw[:500]
    _flag(draft, "soft", f.name, soft)
    _flag(draft, "guess", f.name, guess)
    _flag(draft, "skipped", f.name, False)


def clear_field(draft: dict[str, Any], name: str) -> None:
    """Forget one field's value ('重新填描述'), leaving every other field as it was."""
    draft["values"].pop(name, None)
    draft["raw"].pop(name, None)
    for key in ("soft", "guess", "skipped"):
        _flag(draft, key, name, False)


def _merge_one(draft: dict[str, Any], f: Field, new: Any, text: str, facts: Facts, focused: bool) -> bool:
    """Merge one found value into the draft; True when the draft changed."""
    old = draft["values"].get(f.name)
    soft_new = bool(f.soft_when and f.soft_when(facts))
    guess = bool(f.guess_when and f.guess_when(text, facts))
    if f.merge is not None and old in (None, "", []):
        new = f.merge(old, new)
    if old in (None, "", []):
        _put(draft, f, new, text, soft_new, guess)
        _weigh(draft, f, facts)
        return True
    if f.gap_only and f.gap_only(text) and f.name not in facts.get("corrections", set()):
        return False  # '成果是今年刚出来' after a name was given describes the result, it does not rename it
    hint = f.name in draft.get("soft", []) and not soft_new
    if new == old and (hint or (f.name in draft.get("guess", []) and not guess)):  # said outright ('那就技术攻关')
        _flag(draft, "soft", f.name, False)
        _flag(draft, "guess", f.name, guess and f.name in draft.get("guess", []))
        return True
    if guess and f.name not in facts.get("corrections", set()):
        stronger = f.name in draft.get("guess", []) and f.override is not None and f.override(old, new, facts)
        stronger = stronger or (hint and _outweighs(draft, f, facts))  # the text outweighs the unit name's hint
        if not stronger and f.ask_if_soft and hint:  # the unit's name and the text disagree, neither clearly
            clear_field(draft, f.name)  # … so the question is asked plainly, neither offered
            return False
        if not stronger:
            return False  # an inference never overwrites what is already there (but a better one may replace a guess)
        _put(draft, f, new, text, soft_new, guess)
        _weigh(draft, f, facts)
        return True
    if f.merge is not None:  # '铸造相关的需求都推给我' … '汽车零部件的也要'
        merged = f.merge(old, new)
        if merged == old:
            return False
        _put(draft, f, merged, text, False)
        return True
    if f.append:
        if new in old:
            return False
        _put(draft, f, new if triage.is_generic(old) else f"{old}；{new}", text, False)  # a bare '想买个技术' gives way
        return True
    unsure_old = f.name in draft.get("soft", []) or f.name in draft.get("guess", [])  # a said value beats a guess
    soft_old = unsure_old and not soft_new
    if _should_replace(f, old, new, facts, focused, soft_old):
        _put(draft, f, new, text, soft_new)
        return True
    return False


def _weigh(draft: dict[str, Any], f: Field, facts: Facts) -> None:
    """Remember how much evidence the value just stored had (fields with a ``weight`` only)."""
    if f.weight is not None:
        draft.setdefault("weights", {})[f.name] = f.weight(facts)


def _outweighs(draft: dict[str, Any], f: Field, facts: Facts) -> bool:
    """A guess from what the text is about has more evidence than the hint held ('污水…COD超标' against the
    '化工' of '…化工有限公司'); a tie keeps the hint, as within one message."""
    return f.weight is not None and f.weight(facts) > draft.get("weights", {}).get(f.name, 0.0)


def fill(form: Form, draft: dict[str, Any], text: str, *, free_text: bool = True) -> list[str]:
    """Fill or correct fields from one message; returns the names of fields that changed.

    ``free_text=False`` (at the summary) leaves free-text fields alone: only an explicit edit changes them."""
    facts = extract_all(text)
    found = _found(form, text, facts)
    if not free_text:
        found = {k: v for k, v in found.items() if not form.field(k).append}
    if facts.get("corrections"):  # a correction changes what it names (and fills gaps), nothing else
        filled = draft["values"]
        found = {k: v for k, v in found.items() if k in facts["corrections"] or filled.get(k) in (None, "", [])}
    if free_text:
        found.update(_instead_of_vague(form, draft, text, found))
    hints = {k for k in found if _hint(form.field(k), facts)}  # '襄阳' inside the company's name
    focused = _focused(form, {k: v for k, v in found.items() if k not in hints})
    return [name for name, value in found.items()
            if _merge_one(draft, form.field(name), value, text, facts, focused and name not in hints)]


def _hint(f: Field, facts: Facts) -> bool:
    """The value found is only a hint: it does not make a message about another field unfocused."""
    return bool(f.soft_when and f.soft_when(facts))


def _instead_of_vague(form: Form, draft: dict[str, Any], text: str, found: dict[str, Any]) -> dict[str, Any]:
    """A free-text field that so far holds only a vague opener ('我们厂想找专家帮忙解决个问题', '想问一下') takes
    the first specific words said later, even without a problem cue and while another question is pending
    ('我们做灰铁铸件的 加工完表面老有砂眼')."""
    out = {}
    for f in form.fields:
        old = draft["values"].get(f.name)
        if not f.append or f.parser is None or f.name in found or not old or not triage.is_generic(old):
            continue
        new = f.parser(text)
        if new and not triage.is_generic(new) and not triage.intro_only(text):
            out[f.name] = new
    return out


def _answer_pending(form: Form, draft: dict[str, Any], f: Field, text: str) -> bool:
    """Use the whole message as the answer to the pending question when its parser accepts it."""
    if f.parser is None or not triage.plain_answer(text):
        return False
    value = f.parser(text)
    if value in (None, "", []):
        return False
    _put(draft, f, value, text, False)
    return True


_EDIT_VERB = (r"(?:写错了|说错了|填错了|搞错了|弄错了|错了|不对|有误)?[：:，,。\s]*"
              r"(?:改成|改为|换成|换为|应该是|应该|更正为|改一下|改下|其实是|是)[：:，,\s]*(.+)$")
_EDIT_WRONG = r"(?:写错了|说错了|填错了|搞错了|弄错了|错了|不对|有误)[：:，,。\s]*(.+)$"


def _edit_of(f: Field, text: str) -> re.Match[str] | None:
    """The message naming field ``f`` at its start with an edit verb ('预算改成100万', '电话写错了 …'); group 1 the value."""
    return (re.search(rf"^.{{0,6}}?(?:{_names(f)})\s*{_EDIT_VERB}", text)
            or re.search(rf"^.{{0,6}}?(?:{_names(f)})\s*{_EDIT_WRONG}", text))


def _names_edit(form: Form, text: str) -> bool:
    """Whether the message starts by naming one of the form's fields with an edit verb ('需求类型改成成果转化')."""
    return any(_edit_of(f, text) for f in form.fields)


def _names(f: Field) -> str:
    """The words that name field ``f`` in an edit, longest first."""
    return "|".join(map(re.escape, sorted((f.label, *f.aliases), key=len, reverse=True)))


def _edit_command(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """'标题改成…', '问题描述不对，应该是…', '描述不对 问题是…', '电话最后四位是8860': replace one named field."""
    shown = full_values(form, draft)  # derived values (the title, default alerts) can be edited too
    if swapped := _swap_edit(form, draft, text, shown):
        return swapped
    for f in form.fields:
        old = draft["values"].get(f.name)
        if f.patch and old and (patched := f.patch(old, text)):
            _put(draft, f, patched, text, False)
            return [f.name]
        if shown.get(f.name) in (None, "", []):  # '联系人是 庞振华 150…' with no contact yet: an answer, not an edit
            continue
        m = _edit_of(f, text)
        if not m:
            continue
        said = m.group(1).strip()
        value = f.parser(said) if f.parser else said
        if value not in (None, "", []):
            _put(draft, f, value, text, False)
            return [f.name, *(_rederive(form, draft, said) if f.append else _corrected_too(form, draft, text, f.name))]
    return []


_EDIT_BOUNDARY = re.compile(r"(?:^|[\s,，。；;、]|还有|另外|以及|同时|然后|再就是)$")
_EDIT_JOINER = re.compile(r"[\s,，。；;、]*(?:还有|另外|以及|同时|然后|再就是)?[\s,，。；;、]*$")


def _edit_starts(form: Form, text: str) -> list[int]:
    """Where each field named with an edit verb starts a clause ('成熟度不对 应该是中试 还有 领域应该是…': 0 and 15)."""
    starts = {m.start() for f in form.fields
              for m in re.finditer(rf"(?:{_names(f)})\s*(?:{_EDIT_VERB}|{_EDIT_WRONG})", text)
              if _EDIT_BOUNDARY.search(text[:m.start()])}
    return sorted(starts)


def _edit_commands(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """One or several named edits: '成熟度不对 应该是中试 还有 领域应该是新能源新材料' changes both fields."""
    starts = _edit_starts(form, text)
    if len(starts) < 2 or starts[0] > 6:
        return _edit_command(form, draft, text)
    pieces = [_EDIT_JOINER.sub("", text[a:b]) for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    return [name for piece in pieces for name in _edit_command(form, draft, piece)]


def _swap_edit(form: Form, draft: dict[str, Any], text: str, shown: dict[str, Any]) -> list[str]:
    """'不是喻建平 是喻建国', '是樊城区不是襄州区': the field that holds the wrong value takes the right one."""
    pair = swap_pair(text)
    if pair is None:
        return []
    wrong, right = pair
    # a value that is the wrong one, then the free text's clause ('不是开裂 是焊缝里面气孔多'), then derived ones (title)
    for f in sorted(form.fields, key=lambda x: 1 if x.append else 2 if not x.asked else 0):
        old = shown.get(f.name)
        if f.append:
            if isinstance(old, str) and (revised := _clause_swapped(old, wrong, text)):
                _put(draft, f, revised, text, False)
                return [f.name, *_rederive(form, draft, revised)]
            continue
        if not isinstance(old, str) or not (old == wrong or (len(wrong) >= 2 and old.endswith(wrong))):
            continue
        value = f.parser(right) if f.parser else right
        value = value or (f.extractor(right, extract_all(right)) if f.extractor else None)
        if value not in (None, "", []) and not (f.validator and f.validator(value)):
            _put(draft, f, value, text, False)
            return [f.name]
    return []


def _clause_swapped(old: str, wrong: str, text: str) -> str | None:
    """Free text with ``wrong`` corrected by what the correction says instead, leaving out what it says about the
    wrong thing ('不是激光雷达 是毫米波雷达误报 激光雷达那个冇得问题'); None when ``wrong`` is not in it, or nothing is
    said instead."""
    said, _ = triage.revision(old, text[text.find(wrong) + len(wrong):], wrong)
    instead = re.sub(r"^[\s,，]*(?:而)?(?:是|应该是)\s*", "", said or "")
    if wrong not in old or len(instead) < 2:
        return None
    return triage.revised(old, wrong, instead)


def _free_text_fixed(form: Form, draft: dict[str, Any], pending: Field | None, text: str) -> list[str]:
    """A correction that names no field and no value of one revises the free text ('刚才讲得不准确 应该是蒙皮和泡沫芯
    之间脱粘 孔隙率倒还好', '不对 应该是片剂 胶囊那条线早就停了'): what it says replaces the thing it calls fine or
    gone; with no such thing it is added, unless it answers the pending question ('不对 应该是电子信息')."""
    f = next((x for x in form.fields if x.append), None)
    old = draft["values"].get(f.name) if f else None
    if f is None or not isinstance(old, str) or not has_correction_cue(text) or triage.has_form_facts(text):
        return []
    instead, wrong = triage.revision(old, text)
    if not instead or (wrong is None and (_accepts(pending, instead) or any(_found(form, instead, extract_all(instead))))):
        return []
    value = triage.revised(old, wrong, instead) if wrong else f"{old}；{instead}"
    _put(draft, f, value, text, False)
    return [f.name, *_rederive(form, draft, value)]


def _accepts(f: Field | None, text: str) -> bool:
    """Whether ``f``'s parser takes ``text`` as its answer."""
    return bool(f and f.parser and f.parser(text) not in (None, "", []))


def _corrected_too(form: Form, draft: dict[str, Any], text: str, done: str) -> list[str]:
    """Other fields the same correction names ('联系人改成 韦强 138…' also replaces the phone)."""
    facts = extract_all(text)
    changed = []
    for name in facts.get("corrections", set()) - {done}:
        f = next((x for x in form.fields if x.name == name), None)
        value = f.extractor(text, facts) if f and f.extractor and not f.append else None
        if f and value not in (None, "", []) and value != draft["values"].get(name):
            _put(draft, f, value, text, False)
            changed.append(name)
    return changed


def _rederive(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """After the free text was replaced, guesses made from the old text are made again from the new one."""
    facts = extract_all(text)
    changed = []
    for name in list(draft.get("guess", [])):
        f = form.field(name)
        value = f.extractor(text, facts) if f.extractor else None
        if value not in (None, "", []) and value != draft["values"].get(name):
            _put(draft, f, value, text, False, guess=True)
            changed.append(name)
    return changed


_RESET = re.compile(r"^(?:请|帮我)?(?:重新填|重填|重新写|重写|重新说)(?:一下|一遍)?(?:下)?(?P<what>.{1,8}?)"
                    r"(?:[吧。！!]*$|(?:[吧。！!]*[\s:：,，]+|为|是)(?P<rest>\S.*)$)")


def reset_named(form: Form, draft: dict[str, Any], text: str) -> Field | None:
    """'重新填描述': forget that one field and return it (None when no field is named); '重新填预算 二十五万'
    also gives the new value."""
    m = _RESET.match(text.strip())
    what = m.group("what") if m else ""
    for f in form.fields:
        if what and re.fullmatch(rf"(?:{_names(f)})", what):
            clear_field(draft, f.name)
            rest = (m.group("rest") or "").strip() if m else ""
            value = (f.parser(rest) if f.parser else None) or (f.extractor(rest, extract_all(rest)) if f.extractor else None)
            if rest and value not in (None, "", []):
                _put(draft, f, value, rest, False)
            return f
    return None


# --- replies ---------------------------------------------------------------------------------------------

def summary_text(form: Form, draft: dict[str, Any]) -> str:
    """The confirmation summary: one short line per filled field; inferred values are marked as guesses."""
    values = full_values(form, draft)
    guessed = set(draft.get("guess", []))
    lines = [f"请核对您的{form.noun}："]
    for f in form.fields:
        value = values.get(f.name)
        if value not in (None, "", []):
            lines.append(f"{f.label}：{f.formatter(value)}{GUESS_NOTE if f.name in guessed else ''}")
    return "\n".join(lines)


def _ack(form: Form, changed: list[str], draft: dict[str, Any] | None = None) -> str:
    """A short 'got it' line naming what was just recorded (not guesses or hints: the summary shows those)."""
    unsure = set((draft or {}).get("guess", [])) | set((draft or {}).get("soft", []))
    labels = [form.field(n).label for n in changed
              if (form.field(n).asked or form.field(n).extractor) and n not in unsure and form.field(n).label != "称谓"]
    return f"好的，已记下{'、'.join(labels)}。" if labels else ""


def _ask(prompt: str, prefix: str = "") -> list[Reply]:
    """One reply: an optional acknowledgement line, then the question."""
    return [Reply(f"{prefix}\n{prompt}" if prefix else prompt)]


def next_step(form: Form, conv: ConversationState, prefix: str = "") -> list[Reply]:
    """Ask the first missing field, or show the summary and ask for confirmation."""
    f = pending_field(form, conv.draft)
    if f is not None:
        conv.step, conv.draft["stage"] = f.name, STAGE_FILL
        _flag(conv.draft, "asked", f.name, True)  # a vague answer to this question is then taken as it is
        return _ask(_prompt(f, conv.draft), prefix)
    missing = missing_required(form, conv.draft)
    if missing:  # a required derived field that could not be derived: ask it like any other
        conv.step, conv.draft["stage"] = missing[0].name, STAGE_FILL
        return _ask(missing[0].prompt, prefix)
    conv.step, conv.draft["stage"] = STAGE_CONFIRM, STAGE_CONFIRM
    return _ask(f"{summary_text(form, conv.draft)}\n\n{confirm_hint(form)}", prefix)


def _prompt(f: Field, draft: dict[str, Any]) -> str:
    """The question for ``f``; a hint already known (a place inside the unit's name) is offered for a yes."""
    hint = draft.get("values", {}).get(f.name)
    if f.name == "contact_name" and draft.get("surname"):
        return ask_by_surname(str(draft["surname"]))
    if f.name in draft.get("soft", []) and hint not in (None, "", []):
        return f"{f.label}是“{f.formatter(hint)}”吗？对的话回复“是”，不对请直接告诉我。"
    return f.prompt


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
    return _prompt(f, conv.draft) if f else confirm_hint(form)


# --- the turn --------------------------------------------------------------------------------------------

def start(form: Form, ctx: Context, conv: ConversationState, texts: tuple[str, ...] = (),
          known: dict[str, Any] | None = None, hints: dict[str, Any] | None = None) -> list[Reply]:
    """Open ``form`` (dropping any other draft) with the ``known`` values and the ``hints`` (what the user's
    earlier records hold: offered for a yes, replaced by anything said), fill it from ``texts`` and ask the first
    question."""
    conv.flow, conv.step, conv.draft = form.name, None, new_draft(ctx.now)
    conv.draft["values"].update(known or {})
    for name, value in (hints or {}).items():
        _put(conv.draft, form.field(name), value, "", True)
    for text in texts:
        fill(form, conv.draft, text)
        _surname_kept(form, conv.draft, text)  # '…我姓周 电话138…' in the first message: '周先生' answers later
    _drop_stale_contact(conv.draft, hints or {})
    return next_step(form, conv, form.opener)


def _drop_stale_contact(draft: dict[str, Any], hints: dict[str, Any]) -> None:
    """A remembered contact is one person: when another name or phone is said, the rest of it is not kept
    ('联系人是人事部的刘敏' keeps no phone of the last contact)."""
    values = draft["values"]
    if not any(n in hints and values.get(n) != hints[n] for n in CONTACT):
        return
    for name in CONTACT:
        if name in hints and values.get(name) == hints[name]:
            values.pop(name, None)
            _flag(draft, "soft", name, False)


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
    if not text or not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", text):  # empty, emoji or punctuation only
        return [Reply(f"请用文字回复哦。\n{reprompt(form, conv)}")]
    if triage.is_other_command(text):
        return None
    return _turn(form, ctx, msg, conv, text)  # at most TURN_TEXT characters (the router trims, with a notice)


def _turn(form: Form, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """Dispatch one text message by intent: cancel, restart, consent, digression, confirm or fill."""
    if triage.is_form_cancel(text) and (not _changes(form, conv.draft, text) or triage.stop_opens(text)):
        # '表面处理不要了' edits, not quits; '不想登了…以后有X的需求提醒我就行' quits, then asks for alerts
        kept = bool(conv.draft.get("values")) and conv.park(ctx.now)  # '还是提一下吧' within a day takes it back
        conv.clear_flow()
        done = f"好的，已取消，本次{form.noun}没有提交。" + (
            "刚才填的内容为您保留一天，改主意了回复“继续填”即可接着填。" if kept else "需要时随时再找我。")
        return [Reply(done), *_then(ctx, msg, conv, text)]
    if (field := reset_named(form, conv.draft, text)) is not None:
        conv.draft["stage"] = STAGE_FILL
        if conv.draft["values"].get(field.name) not in (None, "", []):  # '重新填预算 二十五万': replaced at once
            return next_step(form, conv, f"好的，{field.label}已改好，其他内容不变。")
        return _ask(field.prompt, f"好的，请重新告诉我{field.label}，其他内容不变。")
    if triage.is_form_restart(text):
        conv.draft = new_draft(ctx.now)
        return next_step(form, conv, "好的，我们重新来。")
    stage = conv.draft.get("stage", STAGE_FILL)
    if stage == STAGE_CONSENT:
        return _consent_turn(form, ctx, msg, conv, text)
    if (meant := interject.clarification(text)) is not None:  # "我问的是铸件缩松 不是问农业": no question to answer
        if interject.meant_question(ctx, meant[0]):
            return digress(form, ctx, conv, meant[0])
        return next_step(form, conv, clarified(form, conv.draft, *meant))
    if form.after and (stage == STAGE_CONFIRM or not triage.need_text(text)) and triage.asks_next_steps(text) \
            and not triage.has_form_facts(text):  # '交上去以后好久有人联系', not a problem ('认证审核要多久都搞不清…')
        return _resumed(form, conv, interject.Interjection([Reply(f"{form.after(ctx)}\n现在还没有提交。")], resume=True))
    if not _names_edit(form, text) and not _changes(form, conv.draft, text, held=True) \
            and (aside := interject.before_fill(form.name, ctx, msg, conv, text)) is not None:
        return _resumed(form, conv, aside)  # asides, form switches; never for '需求类型改成成果转化', '电机控制还是不要了'
    if (stage == STAGE_CONFIRM or (stage == STAGE_FILL and not _pending_accepts(form, conv, text))) and \
            (polite := interject.small_talk(ctx, msg, conv, text)) is not None:  # '谢谢啦 辛苦' is no value
        return _resumed(form, conv, polite)
    if _is_digression(text) and not is_affirmative(text) and not _pending_accepts(form, conv, text) \
            and not _changes(form, conv.draft, text) and not _answered_at_once(form, text):  # '有…的需求吗 有的话推给我' sets the alert topics
        return digress(form, ctx, conv, text)
    if triage.is_continue(text) and not triage.has_form_facts(text):
        return _ask(reprompt(form, conv), "好的，我们接着填。")
    if stage == STAGE_CONFIRM:
        return _confirm_turn(form, ctx, msg, conv, text)
    return _fill_turn(form, conv, text)


def _then(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """A request made right after giving up the form ('先不登了，能不能先订阅企业需求'): handled as its own
    message when the intent model is sure of it and it is no small talk."""
    after = triage.after_stop(text)
    if ctx.router is None or len(after) < 4:
        return []
    pred = classify(ctx, after)
    if pred.stage == "rule" or not decisive(pred) or pred.intent in CHAT:
        return []
    return ctx.router.dispatch(ctx, replace(msg, text=after), conv)


def clarified(form: Form, draft: dict[str, Any], meant: str, rejected: str) -> str:
    """Take a correction of what the user meant: forget fields holding the rejected topic, take the facts of
    the meant one; the acknowledgement to show."""
    values = draft.get("values", {})
    dropped = [f for f in form.fields if rejected and not f.append and rejected in str(values.get(f.name) or "")]
    for f in dropped:
        clear_field(draft, f.name)
    fill(form, draft, meant, free_text=False)
    not_that = f"，不是问{rejected}" if rejected else ""
    undone = f"，{'、'.join(f.label for f in dropped)}已改回待填" if dropped else ""
    return f"明白，您说的是“{meant}”{not_that}{undone}。"


def _changes(form: Form, draft: dict[str, Any], text: str, held: bool = False) -> bool:
    """Whether the message would change a field that merges changes (a topic dropped or added); ``held``: only
    one already holding a value (an edit of the list said, not a first one)."""
    facts = extract_all(text)
    for name, value in _found(form, text, facts).items():
        f = form.field(name)
        if held and draft.get("values", {}).get(name) in (None, "", [], {}):
            continue
        if f.merge is not None and f.merge(draft.get("values", {}).get(name), value) != draft.get("values", {}).get(name):
            return True
        if f.merge is not None and isinstance(value, list) and any(str(v).startswith("-") for v in value):
            return True  # '电镀废水不要了' names a topic to drop: an edit, even of one not in the list
    return False


def _resumed(form: Form, conv: ConversationState, aside: interject.Interjection) -> list[Reply]:
    """The aside's replies, then (when it leaves the form in place) the pending question again."""
    return aside.replies + ([Reply(f"——\n我们接着填{form.noun}：\n{reprompt(form, conv)}")] if aside.resume else [])


def _is_digression(text: str) -> bool:
    """A question mid-form that carries no form values and no need (policy, or anything asked in passing)."""
    if triage.has_form_facts(text) or triage.answers_itself(text):  # '领域算A还是B？就放A吧' is an answer
        return False
    return triage.is_policy_question(text) or (triage.is_question(text) and triage.need_text(text) is None
                                               and not triage.wants_demand(text) and not triage.wants_achievement(text))


def _answered_at_once(form: Form, text: str) -> bool:
    """'么子领域 汽车零部件撒': the user asks which value a field takes and says it in the same breath (the question
    names the field, the words after it are a value of that field)."""
    pieces = [p for p in triage.PIECES.split(text) if p.strip()]
    asked, rest = (pieces[0], " ".join(pieces[1:])) if len(pieces) > 1 else ("", "")
    if not asked or len(asked) > 8 or not triage.is_question(asked) or triage.is_question(rest):
        return False
    return any(f.parser is not None and re.search(_names(f), asked) and f.parser(rest) not in (None, "", [])
               for f in form.fields)


def _pending_accepts(form: Form, conv: ConversationState, text: str) -> bool:
    """The pending question's parser takes the message as its answer ('还没想好多少钱' for the budget)."""
    f = next((x for x in form.fields if x.name == conv.step), None)
    return bool(f and not f.free and not f.append and _accepts(f, text))


def _fill_turn(form: Form, conv: ConversationState, text: str) -> list[Reply]:
    """Fill from the message; skip or re-ask the pending field when nothing was understood."""
    pending = next((f for f in form.fields if f.name == conv.step), None)
    if joined := _phone_joined(form, conv.draft, text) or _name_addressed(form, conv.draft, text) \
            or _completed(form, conv.draft, pending, text):
        return next_step(form, conv, _ack(form, joined, conv.draft))
    changed = _edit_commands(form, conv.draft, text) or _free_text_fixed(form, conv.draft, pending, text) \
        or fill(form, conv.draft, text)
    _surname_kept(form, conv.draft, text)
    if cut := _phone_cut(form, conv.draft, text):  # '手机 1380009': the rest is asked for, whatever else was said
        return next_step(form, conv, "\n".join(filter(None, (_ack(form, changed, conv.draft), cut))))
    if pending and pending.name not in changed:
        soft = pending.name in conv.draft.get("soft", [])
        if (is_skip(text) or (soft and is_affirmative(text))) and (not pending.required or soft):
            return _skip(form, conv, pending, text)
        loose = pending.free or pending.guess_when is not None  # any words, or words it would only infer from
        if not (loose and changed) and not _fits_elsewhere(conv.draft, pending, changed, text) \
                and _unnamed_rest(form, pending, changed, text) and _answer_pending(form, conv.draft, pending, text):
            changed.append(pending.name)
    if not changed and pending is not None and (moved := _unanswered(form, conv, pending, text)) is not None:
        return moved
    if not changed:
        return _ask(reprompt(form, conv), _not_understood(pending, text))
    return next_step(form, conv, _ack(form, changed, conv.draft))


COMPLETION_CHARS = 6  # a bare value this short that completes a held one ('田卫东' after '田主任')


def _completed(form: Form, draft: dict[str, Any], pending: Field | None, text: str) -> list[str]:
    """A bare value that completes one held ('田卫东' after '田主任' was given as the contact), said while another
    question waits that it does not answer: it replaces the held value."""
    surnamed = _said_surname_of(form, draft, text)  # '我姓祁' … '祁红艳'
    if len(text.strip()) > COMPLETION_CHARS or (_accepts(pending, text) and not surnamed):
        return []
    if surnamed:
        draft.pop("surname", None)
        _put(draft, form.field("contact_name"), text.strip(), text, False)
        return ["contact_name"]
    for f in form.fields:
        old = draft["values"].get(f.name)
        new = f.parser(text.strip()) if f.parser and f.override and old else None
        if new not in (None, "", [], old) and f.override and f.override(old, new, {}):
            _put(draft, f, new, text, False)
            return [f.name]
    return []


def _said_surname_of(form: Form, draft: dict[str, Any], text: str) -> bool:
    """The message is a full name with the surname said before ('祁红艳' after '我姓祁'), the contact still missing."""
    surname, name = str(draft.get("surname") or ""), text.strip()
    if not surname or not _name_missing(form, draft) or not name.startswith(surname) or len(name) <= len(surname):
        return False
    return _accepts(form.field("contact_name"), name)


def _phone_cut(form: Form, draft: dict[str, Any], text: str) -> str:
    """A mobile cut off at the end of a message ('联系人 王强 手机 1380009'): its first digits are kept and the rest
    asked for ('' when there is none, or the phone is known)."""
    if not any(f.name == "contact_phone" for f in form.fields) or draft["values"].get("contact_phone"):
        return ""
    head = mobile_head(text)
    if head is None:
        return ""
    draft["phone_head"] = head
    return f"手机号好像没发全（{head}…），请把后面的数字发我。"


def _phone_joined(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """The rest of a mobile begun in the message before ('8116' after '1380009'): the two parts joined."""
    head = draft.get("phone_head")
    whole = mobile_completed(str(head), text) if head else None
    if whole is None:
        return []
    draft.pop("phone_head", None)
    _put(draft, form.field("contact_phone"), whole, text, False)
    return ["contact_phone"]


def ask_by_surname(surname: str) -> str:
    """The name question once a surname alone was said: a full name, or how to address the person."""
    return f"您姓{surname}，请问怎么称呼您？可以留个全名，也可以回复“{surname}先生”或“{surname}女士”。"


def _name_missing(form: Form, draft: dict[str, Any]) -> bool:
    """Whether the form asks a contact name and has none yet."""
    return any(f.name == "contact_name" for f in form.fields) and not draft["values"].get("contact_name")


def _surname_kept(form: Form, draft: dict[str, Any], text: str) -> None:
    """A surname said without the given name ('我姓王 电话139…') is kept, and the name question then offers
    '王先生' / '王女士' instead of repeating itself."""
    if not _name_missing(form, draft):
        draft.pop("surname", None)
    elif surname := said_surname(text):
        draft["surname"] = surname


def _name_addressed(form: Form, draft: dict[str, Any], text: str) -> list[str]:
    """'先生' / '女的' after '我姓王': the contact is 王先生 / 王女士."""
    surname = draft.get("surname")
    name = addressed(str(surname), text) if surname and _name_missing(form, draft) else None
    if name is None:
        return []
    draft.pop("surname", None)
    _put(draft, form.field("contact_name"), name, text, False)
    return ["contact_name"]


def _not_understood(pending: Field | None, text: str) -> str:
    """Why the question comes again: '确认'/'好了' before the form is complete names what is still missing."""
    if pending is not None and is_affirmative(text):
        return f"还差一项没填：{pending.label}。"
    return pending.invalid if pending and pending.invalid else "抱歉，我没太明白。"


MISSES_BEFORE_GUESS = 2


def _unanswered(form: Form, conv: ConversationState, f: Field, text: str) -> list[Reply] | None:
    """The pending question went unanswered. On a yes ('行吧', as if all was said) or the second miss the form moves
    on rather than asking forever: an optional field is skipped, a required one takes its best guess from
    everything said (marked as a guess in the summary). None: ask again."""
    draft = conv.draft
    misses = draft.setdefault("misses", {})
    misses[f.name] = misses.get(f.name, 0) + 1
    done = is_affirmative(text) or bool(_DUNNO.search(text))  # '行吧', '不清楚 你们看着办': nothing more to say
    if not (done or misses[f.name] >= MISSES_BEFORE_GUESS):
        return None
    if not f.required:
        return _skip(form, conv, f, text)
    guessed: list[str] = []
    field: Field | None = f
    while field is not None and (value := _best_guess(draft, field, text)) is not None:
        _put(draft, field, value, text, False, guess=True)
        guessed.append(f"{field.label}“{field.formatter(value)}”")
        field = pending_field(form, draft) if done else None  # said as if done: the other open choices too
    if not guessed:
        return None
    return next_step(form, conv, f"{'、'.join(guessed)}我先按推测填上，不对请告诉我。")


_DUNNO = re.compile(r"(不清楚|不知道|不晓得|说不好|不好说|说不清|随便|看着办|你们定|你定|都行|无所谓)")


def _best_guess(draft: dict[str, Any], f: Field, text: str) -> Any:
    """``f``'s fallback guess from this answer, else from everything said in the draft (None when it has none)."""
    if f.fallback is None:
        return None
    said = " ".join(dict.fromkeys([*draft.get("raw", {}).values(), text]))
    value = f.fallback(text, extract_all(text)) or f.fallback(said, extract_all(said))
    return None if value in (None, "", []) else value


def _fits_elsewhere(draft: dict[str, Any], pending: Field, changed: list[str], text: str) -> bool:
    """Asked for free text, the user gave other fields' values and only an introduction ('我们是随州做专用汽车的
    随州程力…有限公司'): those fields are filled and the question stands."""
    unsure = set(draft.get("guess", [])) | set(draft.get("soft", []))
    return pending.append and any(n not in unsure for n in changed) and triage.intro_only(text)


def _unnamed_rest(form: Form, pending: Field, changed: list[str], text: str) -> str:
    """The message without its clauses that open with the name of another field it filled: when nothing is left
    ('行业算现代农业吧' while the unit is asked), it answered that field and the pending question stands
    ('领域是纺织服装，有一项发明专利' still answers it)."""
    names = "|".join(_names(form.field(n)) for n in changed if n != pending.name)
    if not names:
        return text
    return "，".join(c for c in triage.PIECES.split(text) if c.strip() and not re.match(rf"^.{{0,2}}?(?:{names})", c.strip()))


def _skip(form: Form, conv: ConversationState, pending: Field, text: str) -> list[Reply]:
    """Skip an optional field (or keep the hint a required field already has) and move on."""
    draft = conv.draft
    if pending.name in draft.get("soft", []):  # '是' / '跳过': the hint stands (no guess once it was confirmed)
        draft["soft"].remove(pending.name)
        _flag(draft, "guess", pending.name, pending.name in draft.get("guess", []) and not THAT_IS_RIGHT.fullmatch(text))
        return next_step(form, conv, "好的。")
    draft["skipped"].append(pending.name)
    if pending.skip_value is not None:
        _put(draft, pending, pending.skip_value, text, False)
    return next_step(form, conv, "好的，这项先跳过。")


def _confirm_turn(form: Form, ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """At the summary: submit on yes, apply edits, or explain how to change something."""
    changed = _edit_commands(form, conv.draft, text) or fill(form, conv.draft, text, free_text=False)
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
    """Record consent and submit, or drop the draft when the user declines; a question about the data is
    answered, any other question ('科技型中小企业评价有啥好处') goes to its capability, and consent is asked again."""
    if any(triage.is_question(c) for c in triage.PIECES.split(text)):
        aside = None if CONSENT_TOPIC.search(text) else interject.before_fill(form.name, ctx, msg, conv, text)
        if aside is not None:
            return aside.replies + ([Reply(f"——\n{form.noun}还差您的同意就能提交：\n{CONSENT_NOTICE}")]
                                    if aside.resume else [])
        if CONSENT_TOPIC.search(text):  # '电话也要给别人看吗 那不同意': answer, ask again
            return [Reply(f"{CONSENT_FAQ}\n\n{CONSENT_NOTICE}")]
        return [Reply(f"您的{form.noun}还没有提交，回复“同意”后才会提交，提交后我会告诉您编号和接下来怎么办。"
                      f"\n\n{CONSENT_NOTICE}")]  # '我刚提的那个 啥时候有人联系我': it isn't submitted yet
    if is_affirmative(text) and not is_negative(text):
        if form.record_consent:
            form.record_consent(ctx, msg)
        return _submit(form, ctx, msg, conv)
    if is_negative(text):
        keep_declined(ctx, conv)
        return [Reply("好的，尊重您的选择，本次内容没有提交。\n草稿为您保留一天，改主意了回复“同意”即可提交；"
                      "过期会自动删除。")]
    return [Reply(f"请回复“同意”或“不同意”。\n{CONSENT_NOTICE}")]


def keep_declined(ctx: Context, conv: ConversationState) -> None:
    """Leave the flow but keep the declined draft for ``DECLINED_TTL`` (in case the user changes their mind)."""
    conv.data["declined"] = {"flow": conv.flow, "draft": conv.draft, "at": ctx.now.isoformat()}
    conv.clear_flow()


def restore_declined(ctx: Context, conv: ConversationState) -> bool:
    """Put a recently declined draft back at the consent step; False when there is none (or it expired)."""
    kept = conv.data.pop("declined", None)
    if not memo.fresh(ctx, kept, DECLINED_TTL):
        return False
    conv.flow, conv.step, conv.draft = kept["flow"], STAGE_CONSENT, kept["draft"]
    conv.draft["stage"] = STAGE_CONSENT
    return True


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
    later = f"“{question[:40]}”这个问题我先记下了，填完后您可以再单独问我，或回复“转人工”。"
    if kb is None:
        return later
    try:
        answer = kb.ask(question, home_city=city)
    except Exception:  # no knowledge base configured or it failed: the form still goes on
        log.warning("policy digression unavailable", exc_info=True)
        return later
    return str(getattr(answer, "answer", "") or "这个问题我暂时答不上来，可以回复“转人工”。")
