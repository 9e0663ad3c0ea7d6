"""``kc wechat``: operations on the 公众号 itself (custom menu)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import fail, print_json, services
from bot.wechat.menu import MENU_FILE, load_menu

app = typer.Typer(help="公众号操作：创建自定义菜单。", no_args_is_help=True)


@app.command("menu")
def menu(
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验并打印菜单，不调用微信接口"),
    file: Path = typer.Option(MENU_FILE, "--file", exists=True, dir_okay=False, help="菜单定义（JSON）"),
) -> None:
    """Create the custom menu (提需求 / 问政策 / 科普活动 / 我的) from the versioned menu file."""
    from bot.settings import WECHAT_API_BASE
    from bot.wechat.api import WeChatAPIError

    try:
        version, definition = load_menu(file)
    except ValueError as exc:
        fail(f"{file}：{exc}")
    if dry_run:
        print_json({"version": version, "menu": definition})
        return
    svc = services()
    missing = [m for m in svc.settings.missing_wechat() if "TOKEN" not in m]
    if missing and svc.settings.wechat_api_base.rstrip("/") == WECHAT_API_BASE:
        fail("创建菜单需要配置 " + "、".join(missing))
    try:
        svc.gateway.create_menu(definition)
    except WeChatAPIError as exc:
        fail(f"微信接口返回错误 {exc.errcode}：{exc.errmsg}")
    typer.echo(f"已创建自定义菜单（版本 {version}，{len(definition['button'])} 个一级菜单）。")
