"""Policy questions over a document of unfamiliar structure (bold articles, a markdown table, a bold-line annex)
through the real webhook: a table row is answered as a passage of its own, with its source."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

LAB = """# 襄阳市示例实验室开放补贴办法（测试）

**第一条** 为鼓励高校实验室向企业开放共享，制定本办法。

**第二条** 补贴标准如下：

（一）重点实验室向企业开放的，按服务收入的30%给予补贴，最高不超过40万元；

（二）一般实验室向企业开放的，按服务收入的20%给予补贴，最高不超过15万元。

## 附件：开放实验室目录

| 实验室 | 负责人 | 年开放机时 |
|---|---|---|
| 汉水材料分析实验室 | 孙工 | 不少于800小时 |
| 岘山电子测试实验室 | 吴工 | 不少于600小时 |
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("structure"), {"lab_open.md": LAB})
    yield services
    services.close()


def test_a_table_row_is_answered_with_its_column_value_and_source(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s1", "岘山电子测试实验室一年开放多少机时")
    assert "岘山电子测试实验室：负责人：吴工，年开放机时：不少于600小时" in reply and "|" not in reply
    assert reply.strip().splitlines()[-1].startswith("来源：《襄阳市示例实验室开放补贴办法（测试）》")


def test_a_cap_asked_as_fengding_is_answered_with_its_item(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s2", "重点实验室开放补贴封顶多少")
    assert "最高不超过40万元" in reply and not reply.startswith(("资料里没有写明", "抱歉"))
