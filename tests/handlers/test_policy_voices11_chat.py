"""Failure class of a fresh writer's questions over four new documents (bench/data/qa_voices11.jsonl), asked here in
other words through the real webhook: two documents of one city on one programme (an older set of rules and this
year's notice), where the first-ranked one does not state the asked detail (the deadline) and the other one,
scoring close behind it, does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

RULES = """# 襄阳市示例中试平台共享补助申报办法（测试）

> 本文为测试用的虚构材料。

## 一、支持对象

在襄阳市注册、向社会开放共享的示例中试平台。

## 二、补助标准

按上年度对外共享服务收入的10%给予补助，每个平台每年最高30万元。

## 三、申报截止与程序

平台须在申报截止前在线填报共享补助申报表，逾期不予受理。县（市、区）科技部门审核推荐后，市科技局组织专家评审。

## 四、纸质材料

共享补助纸质材料一式两份，加盖公章后按年度通知要求报送。

## 五、咨询

市科技局平台科（示例），电话0710-3001001。
"""

NOTICE = """# 关于开展2027年度襄阳市示例中试平台共享补助申报工作的通知（测试）

> 本文为测试用的虚构材料。

## 一、对象

在襄阳市注册、向社会开放共享的示例中试平台。

## 二、时间安排

- 网上申报：2027年8月3日至8月24日；
- 专家评审：2027年9月。

## 三、报送地址

纸质材料报送至襄阳市示例大道9号科创楼3楼301室。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("voices11"), {"v11t_rules.md": RULES, "v11t_notice.md": NOTICE})
    yield services
    services.close()


def test_the_deadline_comes_from_the_document_that_states_it(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("qa16-c1", "中试平台共享补助申报最晚哪天截止")
    assert "8月24日" in reply and not reply.startswith(("资料里没有写明", "抱歉"))

