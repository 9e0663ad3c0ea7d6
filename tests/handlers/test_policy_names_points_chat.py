"""Two colloquial cues read through the real webhook over the sample documents: 叫什么名字 asks for a person only
after a person noun (a programme's name is answered with its document), and 几个点 asks for percentage points only
outside a time context (几个点下班 asks an hour, never answered with a rate)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("names_points"), {})
    yield services
    services.close()


def test_a_programmes_name_is_answered_with_its_document(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("n1", "成果转化补贴这个政策叫什么名字")
    assert "《襄阳市科技成果转化补贴办法（示例）》" in reply and "资料里没有写明" not in reply


def test_a_persons_name_is_still_a_person_question(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("n2", "成果转化补贴的负责人叫什么名字")
    assert "资料里没有写明" in reply or "抱歉" in reply


def test_jige_dian_before_xiaban_asks_an_hour_not_a_rate(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("n3", "技术合同登记的窗口几个点下班")
    assert "1%" not in reply


def test_jige_dian_of_a_reward_still_asks_the_rate(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("n4", "技术合同登记奖励按几个点算")
    assert "1%" in reply
