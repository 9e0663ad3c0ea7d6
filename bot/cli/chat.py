"""``kc chat``: talk to the bot in the terminal through the real webhook path (signing, XML, dedup, dispatch).

Everything the user would receive is shown: passive replies, answers pushed after the reply budget, and
pushes queued by anyone else (``kc demands approve`` in another terminal, waitlist promotions, match alerts):
this process runs the outbox dispatcher every second against its local fake WeChat API, so nothing reaches
the real one. A push held back by quiet hours or the daily cap is shown with when it will go out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import ProgressBar, services

if TYPE_CHECKING:
    from bot.container import Container
    from bot.wechat.testing.fakeapi import FakeWeChat

app = typer.Typer(help="在终端里和机器人对话（走真实的 webhook 路径；答复、推送和定时任务的通知都显示在这里，由本地假微信接口接收）。",
                  invoke_without_command=True)

HELP = ("直接输入文字发送；命令：/关注 /取关 /点击 KEY（如 /点击 KC_DEMAND）/语音 文字 /图片 /帮助 /退出。"
        "推送（慢答复、审核结果、递补、匹配提醒等）显示为【推送】；另开终端运行 `kc demands approve D26` 等命令，"
        "通知会出现在这里。")
PROMPT = "你> "
DISPATCH_SECONDS = 1.0


@app.callback()
def chat(
    openid: str = typer.Option("o_dev_chat", "--openid", help="模拟的用户 openid"),
    mode: str = typer.Option("", "--mode", help="消息加解密方式：plain（明文）| compat（兼容）| safe 或 aes（安全）；默认与 KC_WECHAT_MODE 一致"),
) -> None:
    """Chat with the bot as user ``openid``; replies and every push are printed."""
    from bot.cli.core import prepare_data
    from bot.web.app import create_app
    from bot.wechat.testing.fakeapi import FakeWeChat
    from bot.wechat.testing.simulator import simulate
    from knowledge.keywords import warm as warm_keywords

    quiet_third_parties()
    svc = services()
    svc.settings.scheduler = False
    warm_keywords()
    mode = mode or svc.settings.resolved_wechat_mode
    warm(svc, prepare=lambda: prepare_data(svc, seed=True, warm=False))  # a fresh clone gets the samples
    typer.echo(f"科创助手终端对话（openid={openid}，模式={mode}）。{HELP}")
    with FakeWeChat() as fake, simulate(svc, app_factory=create_app, mode=mode, fake=fake) as sim, \
            PushWatcher(svc, fake, openid) as pushes:
        while (line := _read()) is not None:
            if line in {"/退出", "/quit", "/exit"}:
                break
            if line:
                _show(sim, pushes, openid, line)


def quiet_third_parties() -> None:
    """Keep library chatter (jieba's dictionary lines, model loading, INFO logs) out of the conversation."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.WARNING)
    import jieba

    jieba.setLogLevel(logging.WARNING)


def warm(svc: Container, prepare: Callable[[], None] = lambda: None) -> None:
    """Seed a fresh data dir and load the models and indexes before the first prompt, saying so."""
    from pathlib import Path

    from knowledge.intents import warm as warm_intents

    typer.echo("正在准备数据、加载向量模型、知识库和意图模型（首次运行会导入示例数据、训练意图向量，约需一两分钟）…")
    started = time.monotonic()
    prepare()
    kb = svc.kb
    if kb is not None:
        kb.warm()
    # the intent model and its vector stage for the knowledge base's embedder (trained once, then cached)
    with ProgressBar("训练意图向量", "句") as bar:
        warm_intents(Path(svc.settings.data_dir), kb.embedder if kb is not None else None, background=False,
                     progress=bar)
    model = kb.embedder.name if kb is not None else "未启用知识库"
    typer.echo(f"就绪（{model}，{time.monotonic() - started:.1f} 秒）。")


class PushWatcher:
    """Runs the outbox dispatcher against the fake API and prints what reaches (or waits for) one user."""

    def __init__(self, svc: Container, fake: FakeWeChat, openid: str) -> None:
        self.svc, self.fake, self.openid = svc, fake, openid
        self.shown = len(fake.texts(openid))
        self.held: set[int] = set()
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kc-chat-pushes", daemon=True)

    def __enter__(self) -> PushWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _loop(self) -> None:
        """Dispatch due pushes every second and print new ones above the prompt."""
        from bot.wechat.sender import Dispatcher

        dispatcher = Dispatcher(self.svc)
        while not self._stop.wait(DISPATCH_SECONDS):
            try:
                dispatcher.run(self.svc.now())
            except Exception as exc:  # noqa: BLE001 - shown, the loop goes on
                typer.echo(f"\n（推送发送出错：{type(exc).__name__}）", err=True)
            lines = self.take()
            if lines:
                typer.echo("\n" + "\n".join(lines) + "\n" + PROMPT, nl=False)

    def take(self) -> list[str]:
        """Lines for pushes not shown yet: sent ones, then ones held by quiet hours or the daily cap."""
        with self.lock:
            texts = self.fake.texts(self.openid)
            lines = [f"助手【推送】> {text}" for text in texts[self.shown:]]
            self.shown = len(texts)
            return lines + [f"助手【推送·暂缓】> {note}{text}" for note, text in self._held()]

    def _held(self) -> list[tuple[str, str]]:
        """Pending pushes to this user due later (quiet hours, daily cap), each reported once."""
        from sqlalchemy import select

        from bot.store.models import Outbox

        now = self.svc.now()
        with self.svc.db.session() as session:
            rows = list(session.execute(select(Outbox.id, Outbox.payload, Outbox.next_attempt_at).where(
                Outbox.openid == self.openid, Outbox.status == "pending", Outbox.next_attempt_at > now)))
        fresh = [row for row in rows if row.id not in self.held]
        self.held.update(row.id for row in fresh)
        return [(held_note(self.svc, now, row.next_attempt_at), str((row.payload or {}).get("text", "")))
                for row in fresh]


def held_note(svc: Container, now: datetime, until: datetime) -> str:
    """Why a push waits and when it goes: "（22:00 后暂缓，08:00 发送）" or the daily cap."""
    from bot.wechat.sender import parse_quiet_hours, quiet_until

    settings = svc.settings
    tz = ZoneInfo(settings.timezone)
    when = until.astimezone(tz).strftime("%H:%M")
    window = parse_quiet_hours(settings.quiet_hours)
    if window is not None and quiet_until(now, settings.quiet_hours, tz) is not None:
        return f"（{window[0].strftime('%H:%M')} 后暂缓，{when} 发送）"
    return f"（今日推送已达上限 {settings.daily_push_cap} 条，明天 {when} 发送）"


def _read() -> str | None:
    """One input line, or None at end of input."""
    try:
        return input(PROMPT).strip()
    except (EOFError, KeyboardInterrupt):
        return None


def _send(sim: Any, openid: str, line: str) -> list[str]:
    """Turn a line (text or a /command) into a message and send it."""
    command, _, arg = line.partition(" ")
    actions = {
        "/关注": lambda: sim.send_event(openid, "subscribe"),
        "/取关": lambda: sim.send_event(openid, "unsubscribe"),
        "/点击": lambda: sim.click(openid, arg.strip()),
        "/语音": lambda: sim.send_voice(openid, arg.strip() or None),
        "/图片": lambda: sim.send(sim.message(openid, "image", PicUrl="http://example.invalid/a.jpg")),
    }
    if command == "/帮助":
        typer.echo(HELP)
        return []
    action = actions.get(command)
    return action() if action else sim.send_text(openid, line)  # type: ignore[no-any-return]


def _show(sim: Any, pushes: PushWatcher, openid: str, line: str) -> None:
    """Send a line, print the passive reply, then any pushes the answer produced."""
    replies = _send(sim, openid, line)
    for text in replies:
        typer.echo(f"助手> {text}")
    if not replies:
        typer.echo("助手> （无被动回复）")
    sim.drain()
    for text in pushes.take():
        typer.echo(text)
