"""Two editions of one programme's rules in one city (last year's and this year's, with different figures): a
question naming no year is answered from the later edition; one naming the earlier year from that one; a retired
edition never answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

EDITION = """# 襄阳市示例孵化器运营奖补标准（{year}年版）（测试）

> 本文为测试用的虚构材料。

## 一、支持对象

在襄阳市注册、经认定的示例科技企业孵化器。

## 二、奖补标准

| 等级 | 运营奖补 |
|---|---|
| 市级示例孵化器 | 每家每年{city}万元 |
| 省级示例孵化器 | 每家每年{province}万元 |

## 三、咨询

市科技局孵化科（示例），电话0710-3002002。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("editions"), {
        "incubator_2026.md": EDITION.format(year=2026, city=20, province=40),
        "incubator_2027.md": EDITION.format(year=2027, city=25, province=50)})
    yield services
    services.close()


def test_a_question_naming_no_year_is_answered_from_the_later_edition(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("ed-1", "市级孵化器运营奖补一年给几多")
    assert "25万元" in reply and "20万元" not in reply and "2027年版" in reply


def test_a_question_naming_the_earlier_year_is_answered_from_that_edition(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("ed-2", "2026年的省级孵化器运营奖补是多少")
    assert "40万元" in reply and "2026年版" in reply
