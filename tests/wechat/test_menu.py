"""Menu, help and WeChat events through the real webhook; the menu file; ``kc wechat menu`` and ``kc chat``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as kc
from bot.container import Container
from bot.settings import Settings
from bot.store.models import AuditLog, SubscribeGrant, User
from bot.wechat.menu import MENU_FILE, click_keys, load_menu, menu_errors
from handlers import menu as menu_handler
from tests.support.wechat_client import WeChatTestClient, wechat_client
from tests.support.wechat_fake import FakeWeChat


@pytest.fixture
def wx(services: Container) -> Iterator[WeChatTestClient]:
    with wechat_client(services) as client:
        yield client


def user(services: Container, openid: str) -> User:
    with services.db.session() as session:
        return session.scalars(select(User).where(User.openid == openid)).one()


def test_subscribe_welcomes_and_unsubscribe_marks_user_silently(wx: WeChatTestClient, services: Container) -> None:
    welcome = wx.send_event("o_sub", "subscribe", "qrscene_42")[0]
    assert "提需求" in welcome and "问政策" in welcome and "菜单" in welcome
    assert user(services, "o_sub").subscribed is True
    assert wx.send_event("o_sub", "unsubscribe") == []
    marked = user(services, "o_sub")
    assert marked.subscribed is False and marked.unsubscribed_at is not None
    wx.send_event("o_sub", "subscribe")
    assert user(services, "o_sub").subscribed is True


@pytest.mark.parametrize("event", ["VIEW", "SCAN", "TEMPLATESENDJOBFINISH", "LOCATION", "some_future_event"])
def test_silent_events_are_recorded_without_reply(wx: WeChatTestClient, services: Container, event: str) -> None:
    assert wx.send_event("o_evt", event, "https://example.org/x", Status="success") == []
    with services.db.session() as session:
        actions = set(session.scalars(select(AuditLog.action)))
    assert f"wechat.event.{event.lower()}" in actions


def test_subscribe_message_grants_are_recorded(wx: WeChatTestClient, services: Container) -> None:
    popup = {"List": [{"TemplateId": "TPL_A", "SubscribeStatusString": "accept", "PopupScene": "2"},
                      {"TemplateId": "TPL_B", "SubscribeStatusString": "reject", "PopupScene": "2"}]}
    assert wx.send_event("o_grant", "subscribe_msg_popup_event", SubscribeMsgPopupEvent=popup) == []
    change = {"List": {"TemplateId": "TPL_A", "SubscribeStatusString": "reject"}}
    wx.send_event("o_grant", "subscribe_msg_change_event", SubscribeMsgChangeEvent=change)
    with services.db.session() as session:
        grants = {g.template_id: g.status for g in session.scalars(select(SubscribeGrant))}
    assert grants == {"TPL_A": "reject", "TPL_B": "reject"}


@pytest.mark.parametrize("key", click_keys(load_menu()[1]))
def test_every_menu_key_gets_a_helpful_reply(wx: WeChatTestClient, key: str) -> None:
    assert key in menu_handler.CLICKS
    reply = wx.click("o_click", key)
    assert reply and len(reply[0]) > 10


def test_unknown_click_key_lists_capabilities(wx: WeChatTestClient) -> None:
    assert "提需求" in wx.click("o_click", "NO_SUCH_KEY")[0]


@pytest.mark.parametrize(
    ("msg_type", "fields", "expected"),
    [
        ("image", {"PicUrl": "http://x/a.jpg", "MediaId": "m"}, "图片"),
        ("location", {"Location_X": "32.0", "Location_Y": "112.1", "Scale": "15", "Label": "襄阳"}, "位置"),
        ("link", {"Title": "t", "Description": "d", "Url": "http://x"}, "链接"),
        ("video", {"MediaId": "m", "ThumbMediaId": "t"}, "视频"),
        ("shortvideo", {"MediaId": "m", "ThumbMediaId": "t"}, "视频"),
        ("hologram", {"Payload": "?"}, "提需求"),
    ],
)
def test_non_text_messages_get_a_polite_reply(wx: WeChatTestClient, msg_type: str, fields: dict, expected: str) -> None:
    assert expected in wx.send(wx.message("o_kind", msg_type, **fields))[0]


def test_voice_recognition_is_text_and_unrecognised_voice_is_not_heard(wx: WeChatTestClient) -> None:
    assert "提需求" in wx.send_voice("o_voice", "帮助。")[0]
    assert wx.send_voice("o_voice", None) == [menu_handler.NOT_HEARD]
    assert wx.send_voice("o_voice", "  ") == [menu_handler.NOT_HEARD]


@pytest.mark.parametrize("words", ["帮助", "菜单", "功能"])
def test_help_words_list_capabilities(wx: WeChatTestClient, words: str) -> None:
    assert wx.send_text("o_help", words) == [menu_handler.CAPABILITIES]


@pytest.mark.parametrize("words", ["你好", "你好！", "Hello"])
def test_greetings_say_hello_and_what_the_bot_does(wx: WeChatTestClient, words: str) -> None:
    (reply,) = wx.send_text("o_hello", words)
    assert reply.startswith("您好") and "技术需求" in reply and "科普活动" in reply  # one line (handlers.smalltalk)


def test_menu_file_is_valid_and_limits_are_checked() -> None:
    version, menu = load_menu()
    assert version >= 1 and {"KC_DEMAND", "KC_POLICY", "KC_EVENTS", "KC_MINE"} <= set(click_keys(menu))
    assert menu_errors({"button": [{"type": "click", "name": "一二三四五六七八九", "key": "K"}] * 4})
    assert menu_errors({"button": [{"type": "click", "name": "好"}]})  # click without key
    assert menu_errors({"button": [{"name": "父", "sub_button": []}]})


runner = CliRunner()


def test_kc_wechat_menu_dry_run_prints_without_calling() -> None:
    result = runner.invoke(kc, ["wechat", "menu", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["menu"] == json.loads(MENU_FILE.read_text(encoding="utf-8"))["menu"]


def test_kc_wechat_menu_creates_it_through_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeWeChat() as fake:
        for name, value in {"KC_DATA_DIR": str(tmp_path), "KC_WECHAT_APPID": "wxmenu", "KC_WECHAT_SECRET": "sec",
                            "KC_WECHAT_API_BASE": fake.base_url, "KC_SEED_SAMPLES": "false"}.items():
            monkeypatch.setenv(name, value)
        result = runner.invoke(kc, ["wechat", "menu"])
        assert result.exit_code == 0, result.output
        assert fake.of("menu")[0].body == load_menu()[1]
        fake.fail("menu", 40018)
        failed = runner.invoke(kc, ["wechat", "menu"])
    assert failed.exit_code == 1 and "40018" in failed.output


def test_kc_chat_goes_through_the_webhook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KC_SEED_SAMPLES", "false")
    lines = "帮助\n/关注\n/点击 KC_POLICY\n/语音\n/退出\n"
    result = runner.invoke(kc, ["chat", "--openid", "o_term", "--mode", "aes"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.output.count("助手>") >= 4 and "感谢关注" in result.output and "没听清" in result.output
    services = Container.create(Settings(_env_file=None))  # type: ignore[call-arg]
    try:
        assert user(services, "o_term").subscribed is True
    finally:
        services.close()
