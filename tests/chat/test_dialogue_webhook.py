"""The dev dialogues through the real webhook (signed XML, pipeline, SQL state), and a restart mid-dialogue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from tests.support.dialogue_sim import (
    DEV_DIALOGUES,
    WebhookBot,
    load_dialogues,
    play,
    record_problems,
    records_of,
)
from tests.support.env import make_settings
from tests.support.wechat_client import wechat_client

DIALOGUES = [pytest.param(d, id=d["id"]) for d in load_dialogues(DEV_DIALOGUES)]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One migrated database for the module; no knowledge base."""
    svc = Container.create(make_settings(Path(tmp_path_factory.mktemp("webhook")) / "data"), knowledge=None)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def bot(services: Container) -> Iterator[WebhookBot]:
    """A WeChat client talking to the real app."""
    with wechat_client(services) as wx:
        yield WebhookBot(wx, services)


@pytest.mark.parametrize("dialogue", DIALOGUES)
def test_dev_dialogue_through_webhook(bot: WebhookBot, services: Container, dialogue: dict) -> None:
    """Each dev dialogue ends with exactly the expected record (nothing for the cancelled one)."""
    openid = f"wx_{dialogue['id']}"
    transcript = play(bot, dialogue, openid)
    shown = "\n".join(f"U: {u}\nB: {b}" for u, b in transcript)
    assert not record_problems(services, dialogue, openid), shown
    assert all(b for _, b in transcript), shown  # every turn got an answer


def test_draft_survives_server_restart(tmp_path: Path) -> None:
    """Two turns, stop the app and the services, start fresh ones on the same data dir, finish the form."""
    settings = make_settings(tmp_path / "data")
    first = Container.create(settings)
    with wechat_client(first) as wx:
        wx.send_text("o_restart", "我要提需求")
        reply = wx.send_text("o_restart", "我们在樊城做汽车座椅的，骨架焊接变形大，想找高校解决，公司叫襄阳测试座椅有限公司")
    first.close()
    assert "预算" in reply[0]
    second = Container.create(make_settings(tmp_path / "data"))
    with wechat_client(second) as wx:
        assert "联系人" in wx.send_text("o_restart", "预算30万")[0]
        assert "请核对" in wx.send_text("o_restart", "联系人周明 13800009999")[0]
        assert "个人信息保护法" in wx.send_text("o_restart", "确认")[0]
        assert "需求编号" in wx.send_text("o_restart", "同意")[0]
    demands, _ = records_of(second, "o_restart")
    second.close()
    assert [(d.company, d.region, d.budget, d.contact_phone) for d in demands] == [
        ("襄阳测试座椅有限公司", "襄阳市樊城区", "30万元", "13800009999")]


@pytest.mark.parametrize(("key", "expect"), [("KC_DEMAND", "遇到的问题"), ("KC_ACHIEVEMENT", "全称"), ("KC_MINE", "我的需求")])
def test_menu_clicks_start_the_flows(bot: WebhookBot, key: str, expect: str) -> None:
    """Menu keys reach the dialogue flows through the real webhook."""
    openid = f"menu_{key}"
    assert expect in "\n".join(bot.wx.click(openid, key))
    assert bot.state(openid).flow == {"KC_DEMAND": "demand", "KC_ACHIEVEMENT": "achievement"}.get(key)
