"""Test helpers for the dialogue flows: a direct driver (router + SQL-persisted state) and a scripted user.

The scripted user plays a dialogue's turns in order; when the bot still asks for something afterwards it
answers from the dialogue's expected facts, confirms the summary ("确认提交") and consents ("同意").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.chat.context import make_context
from bot.container import Container
from bot.store.models import Achievement, Conversation, Demand
from handlers.kit.base import ConversationState, Incoming
from handlers.registry import build_router

ROOT = Path(__file__).resolve().parents[2]
DEV_DIALOGUES = ROOT / "samples" / "dialogues_dev.jsonl"
EXTRA_DIALOGUES = ROOT / "tests" / "support" / "data" / "dialogues_extra.jsonl"
FORM_KINDS = ("demand", "achievement")


def load_dialogues(path: Path, kinds: tuple[str, ...] = FORM_KINDS) -> list[dict[str, Any]]:
    """Dialogues of the given kinds from a JSONL file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [d for d in rows if d["kind"] in kinds]


class DirectBot:
    """Sends text through the real router; the state is loaded from and saved to the conversations table."""

    def __init__(self, services: Container, now: Callable[[], datetime] | None = None) -> None:
        self.services, self.router = services, build_router()
        self.now = now or (lambda: datetime.now(UTC))

    def state(self, openid: str) -> ConversationState:
        """The stored state of ``openid``."""
        with self.services.db.session() as session:
            row = session.scalar(select(Conversation).where(Conversation.openid == openid))
            return ConversationState.from_json(row.state if row else None)

    def save(self, openid: str, conv: ConversationState) -> None:
        """Persist the state like the pipeline does (JSON in SQL)."""
        appid = self.services.appid
        with self.services.db.session() as session:
            row = session.scalar(select(Conversation).where(Conversation.openid == openid))
            if row is None:
                row = Conversation(appid=appid, openid=openid, state={})
                session.add(row)
            row.state, row.version = json.loads(json.dumps(conv.to_json())), (row.version or 0) + 1

    def send(self, openid: str, text: str) -> str:
        """One user message → the bot's replies joined by newlines."""
        conv = self.state(openid)
        msg = Incoming(appid=self.services.appid, openid=openid, kind="text", text=text, created_at=self.now())
        with self.services.db.session() as session:  # one unit of work per message, like the pipeline
            ctx = make_context(self.services, session, appid=msg.appid, now=self.now())
            replies = self.router.dispatch(ctx, msg, conv)
        conv.updated_at = self.now()
        self.save(openid, conv)
        return "\n".join(r.text for r in replies)


ANSWERS: tuple[tuple[str, Callable[[dict[str, Any]], str | None]], ...] = (
    ("全称是", lambda e: e.get("company") or e.get("institution")),
    ("哪个行业", lambda e: e.get("industry")),
    ("哪个领域", lambda e: e.get("field") or e.get("industry")),
    ("哪类需求", lambda e: e.get("need_type")),
    ("哪个区县", lambda e: e.get("region")),
    ("预算大概", lambda e: e.get("budget")),
    ("联系人怎么称呼", lambda e: f"{e['contact_name']} {e['contact_phone']}" if 'contact_name' in e else None),
    ("怎么称呼您", lambda e: e.get("contact_name")),  # after a surname alone: the full name
    ("联系电话是多少", lambda e: e.get("contact_phone")),
    ("遇到的问题", lambda e: "，".join(e.get("description_keywords", [])) or None),
    ("介绍这项成果", lambda e: "，".join(e.get("title_keywords", [])) + "的技术"),
    ("叫什么名字", lambda e: "".join(e.get("title_keywords", []))),
    ("哪个阶段", lambda e: e.get("maturity")),
    ("知识产权吗", lambda e: "、".join(e.get("ip_keywords", [])) or "没有"),
    ("哪些方向", lambda e: "、".join(e.get("interests", [])) or None),
)
HINT_KEYS = {"所在地区": "region", "单位名称": "company", "所在单位": "company", "所属行业": "industry",
             "所属领域": "field", "需求类型": "need_type", "成熟度": "maturity"}
EVENT_ANSWERS: tuple[tuple[str, Callable[[dict[str, Any]], str | None]], ...] = (
    ("手机号", lambda e: f"{e['name']} {e['phone']}" if 'name' in e else None),
    ("姓名", lambda e: f"{e['name']} {e['phone']}" if 'name' in e else None),
    ("称呼", lambda e: f"{e['name']} {e['phone']}" if 'name' in e else None),
)


def _fix_guess(reply: str, expect: dict[str, Any]) -> str | None:
    """A value the summary marks as a guess ('（根据描述推测，不对请告诉我）') that is wrong gets corrected."""
    for label, value in re.findall(r"(\S+?)：(\S+?)（根据描述推测", reply):
        want = expect.get(HINT_KEYS.get(label, ""))
        if want and value != want:
            return f"{label}改成{want}"
    return None


def scripted_answer(reply: str, expect: dict[str, Any], kind: str = "demand") -> str | None:
    """What the scripted user says to the bot's last reply, from the expected facts."""
    if "不同意" in reply and "同意" in reply:
        return "同意"
    hint = re.search(r"(\S+?)是“(.+?)”吗？对的话回复“是”", reply)
    if hint:  # a value the bot guessed from the unit's name, offered for a yes
        key = HINT_KEYS.get(hint.group(1).split("\n")[-1], "")
        want = expect.get(key) or (expect.get("institution") if key == "company" else None)
        accepted = [want, *expect.get(f"{key}_accept", [])]
        return "是" if hint.group(2) in accepted else want
    if (fix := _fix_guess(reply, expect)) is not None:
        return fix
    if "请核对" in reply or "回复“确认”" in reply:
        return "确认提交" if kind in FORM_KINDS else "确认"
    for cue, answer in EVENT_ANSWERS if kind.startswith("event") else ANSWERS:
        if cue in reply:
            return answer(expect)
    return None


def play(bot: Any, dialogue: dict[str, Any], openid: str, max_extra: int = 8) -> list[tuple[str, str]]:
    """Play the turns, then answer the bot's remaining questions from the facts until the flow ends.

    ``bot`` needs ``send(openid, text) -> str`` and ``state(openid) -> ConversationState``.
    """
    transcript = [(turn, bot.send(openid, turn)) for turn in dialogue["turns"]]
    if dialogue["expect"].get("cancelled") is True and dialogue["kind"] in FORM_KINDS:
        return transcript
    for _ in range(max_extra):
        if bot.state(openid).flow is None:
            break
        answer = scripted_answer(transcript[-1][1], dialogue["expect"], dialogue["kind"])
        if answer is None:
            break
        transcript.append((answer, bot.send(openid, answer)))
    return transcript


class WebhookBot:
    """The same interface over the real webhook (``tests.support.wechat_client``): signed XML in, passive reply out."""

    def __init__(self, wx: Any, services: Container) -> None:
        self.wx, self.direct = wx, DirectBot(services)

    def send(self, openid: str, text: str) -> str:
        """One text message through the webhook; the passive reply, or what was pushed when it came late."""
        seen = len(self.wx.pushes(openid))
        passive = "\n".join(self.wx.send_text(openid, text))
        if passive:
            return passive
        self.wx.drain()
        return "\n".join(self.wx.pushes(openid)[seen:])

    def state(self, openid: str) -> ConversationState:
        """The conversation state the pipeline stored."""
        return self.direct.state(openid)


def records_of(services: Container, openid: str) -> tuple[list[Demand], list[Achievement]]:
    """The demands and achievements a user created."""
    with services.db.session() as session:
        demands = list(session.scalars(select(Demand).where(Demand.openid == openid)))
        achievements = list(session.scalars(select(Achievement).where(Achievement.owner_openid == openid)))
        return demands, achievements


def record_problems(services: Container, dialogue: dict[str, Any], openid: str) -> list[str]:
    """Differences between what was stored and the dialogue's expectation (empty = as expected)."""
    demands, achievements = records_of(services, openid)
    expect = dialogue["expect"]
    if expect.get("cancelled"):
        return [f"stored {len(demands)} demands, {len(achievements)} achievements"] if demands or achievements else []
    rows = demands if dialogue["kind"] == "demand" else achievements
    if len(rows) != 1 or len(demands) + len(achievements) != 1:
        return [f"expected one {dialogue['kind']}, got {len(demands)} demands and {len(achievements)} achievements"]
    return _field_problems(rows[0], expect)


def _field_problems(row: Any, expect: dict[str, Any]) -> list[str]:
    """Field-by-field comparison; *_keywords must appear in the matching text field."""
    text_of = {"description_keywords": "description", "title_keywords": "title", "ip_keywords": "ip"}
    problems = []
    for key, want in expect.items():
        if key in text_of:
            got = getattr(row, text_of[key]) or ""
            problems += [f"{text_of[key]} lacks {w!r}: {got!r}" for w in want if w not in got]
        elif getattr(row, key) != want:
            problems.append(f"{key}: {getattr(row, key)!r} != {want!r}")
    return problems
