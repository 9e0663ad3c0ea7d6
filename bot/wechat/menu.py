"""The versioned custom menu (``bot/menu.json``): load and validate against WeChat's limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MENU_FILE = Path(__file__).resolve().parent / "menu.json"
MAX_BUTTONS, MAX_SUB_BUTTONS, TOP_NAME_BYTES, SUB_NAME_BYTES, KEY_BYTES = 3, 5, 16, 60, 128


def _button_errors(button: dict[str, Any], where: str, name_limit: int) -> list[str]:
    """Problems with one button (name length, click key, view url)."""
    errors = []
    name = str(button.get("name", ""))
    if not name or len(name.encode("utf-8")) > name_limit:
        errors.append(f"{where}: 名称为空或超过 {name_limit} 字节")
    kind = button.get("type")
    if kind == "click" and not 0 < len(str(button.get("key", "")).encode("utf-8")) <= KEY_BYTES:
        errors.append(f"{where}: click 按钮需要 key（不超过 {KEY_BYTES} 字节）")
    if kind == "view" and not str(button.get("url", "")).startswith(("http://", "https://")):
        errors.append(f"{where}: view 按钮需要 url")
    return errors


def menu_errors(menu: dict[str, Any]) -> list[str]:
    """Every way ``menu`` breaks WeChat's rules (empty list = valid)."""
    buttons = menu.get("button") or []
    errors = [] if 0 < len(buttons) <= MAX_BUTTONS else [f"一级菜单需要 1–{MAX_BUTTONS} 个"]
    for i, button in enumerate(buttons, 1):
        subs = button.get("sub_button")
        if subs is None:
            errors += _button_errors(button, f"菜单 {i}", TOP_NAME_BYTES)
            continue
        if not 0 < len(subs) <= MAX_SUB_BUTTONS:
            errors.append(f"菜单 {i}: 二级菜单需要 1–{MAX_SUB_BUTTONS} 个")
        errors += _button_errors({"type": "parent", **button}, f"菜单 {i}", TOP_NAME_BYTES)
        for j, sub in enumerate(subs, 1):
            errors += _button_errors(sub, f"菜单 {i}.{j}", SUB_NAME_BYTES)
    return errors


def click_keys(menu: dict[str, Any]) -> list[str]:
    """All CLICK keys of ``menu``."""
    buttons = [b for top in menu.get("button", []) for b in [top, *top.get("sub_button", [])]]
    return [b["key"] for b in buttons if b.get("type") == "click"]


def load_menu(path: Path = MENU_FILE) -> tuple[int, dict[str, Any]]:
    """The menu version and definition; ValueError when the file breaks WeChat's rules."""
    data = json.loads(path.read_text(encoding="utf-8"))
    menu = data.get("menu") or {}
    errors = menu_errors(menu)
    if errors:
        raise ValueError("；".join(errors))
    return int(data.get("version", 0)), menu
