"""``kc chat``: talk to the bot in the terminal through the real webhook path (signing, XML, dedup, dispatch)."""

from __future__ import annotations

import typer

from bot.cli.common import services

app = typer.Typer(help="在终端里和机器人对话（走真实的 webhook 路径，推送由本地假微信接口接收并显示）。",
                  invoke_without_command=True)

HELP = ("直接输入文字发送；命令：/关注 /取关 /点击 KEY（如 /点击 KC_DEMAND）/语音 文字 /图片 /帮助 /退出。"
        "较慢的答复会通过“客服消息”推送，显示为【推送】。")


@app.callback()
def chat(
    openid: str = typer.Option("o_dev_chat", "--openid", help="模拟的用户 openid"),
    mode: str = typer.Option("", "--mode", help="消息加解密方式：plain（明文）| compat（兼容）| safe 或 aes（安全）；默认与 KC_WECHAT_MODE 一致"),
) -> None:
    """Chat with the bot as user ``openid``; replies and pushes are printed."""
    from bot.web.app import create_app
    from bot.wechat.testing.fakeapi import FakeWeChat
    from bot.wechat.testing.simulator import simulate
    from knowledge.intents import warm as warm_intents

    svc = services()
    svc.settings.scheduler = False
    warm_intents(svc.settings.data_dir)
    mode = mode or svc.settings.resolved_wechat_mode
    typer.echo(f"科创助手终端对话（openid={openid}，模式={mode}）。{HELP}")
    with FakeWeChat() as fake, simulate(svc, app_factory=create_app, mode=mode, fake=fake) as sim:
        while (line := _read()) is not None:
            if line in {"/退出", "/quit", "/exit"}:
                break
            if line:
                _show(sim, openid, line)


def _read() -> str | None:
    """One input line, or None at end of input."""
    try:
        return input("你> ").strip()
    except (EOFError, KeyboardInterrupt):
        return None


def _send(sim: object, openid: str, line: str) -> list[str]:
    """Turn a line (text or a /command) into a message and send it."""
    command, _, arg = line.partition(" ")
    actions = {
        "/关注": lambda: sim.send_event(openid, "subscribe"),  # type: ignore[attr-defined]
        "/取关": lambda: sim.send_event(openid, "unsubscribe"),  # type: ignore[attr-defined]
        "/点击": lambda: sim.click(openid, arg.strip()),  # type: ignore[attr-defined]
        "/语音": lambda: sim.send_voice(openid, arg.strip() or None),  # type: ignore[attr-defined]
        "/图片": lambda: sim.send(sim.message(openid, "image", PicUrl="http://example.invalid/a.jpg")),  # type: ignore[attr-defined]
    }
    if command == "/帮助":
        typer.echo(HELP)
        return []
    action = actions.get(command)
    return action() if action else sim.send_text(openid, line)  # type: ignore[attr-defined]


def _show(sim: object, openid: str, line: str) -> None:
    """Send a line, print the passive reply, then any pushes the answer produced."""
    before = len(sim.pushes(openid))  # type: ignore[attr-defined]
    replies = _send(sim, openid, line)
    for text in replies:
        typer.echo(f"助手> {text}")
    if not replies:
        typer.echo("助手> （无被动回复）")
    sim.drain()  # type: ignore[attr-defined]
    for text in sim.pushes(openid)[before:]:  # type: ignore[attr-defined]
        typer.echo(f"助手【推送】> {text}")
