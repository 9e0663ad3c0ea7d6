"""Policy questions a fresh writer asked over four new documents (bench/data/qa_voices9.jsonl), asked here in other
words through the real webhook: a programme another city runs asked of a city whose document is about something
else, the table row holding the asker's own sum, and 我们几个 (a few of us) that asks no count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

GRANT = """# 襄阳市示例企业技改投入后奖励办法（测试）

> 本文为测试用的虚构材料。

## 一、奖励标准

| 上年度技改投入 | 奖励比例 | 单家最高 |
|---|---|---|
| 100万元（含）至400万元 | 7% | 20万元 |
| 400万元（含）以上 | 4% | 35万元 |

## 二、参加对象

（一）企业组：在襄阳市注册的企业；

（二）个人组：尚未注册企业的发明人，须承诺获奖后3个月内注册企业。

## 三、咨询

市经信局技改科（示例），电话0710-3000019。
"""

OTHER_CITY = """# 荆门市示例企业设备投入奖励指南（测试）

> 本文为测试用的虚构材料，仅适用于荆门市。

## 一、奖励标准

按企业上年度设备投入金额的30%给予奖励，单家企业最高10万元。

## 二、咨询

荆门市科技局（示例），电话0724-3000020。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("voices9"), {"v9t_grant.md": GRANT, "v9t_jingmen.md": OTHER_CITY})
    yield services
    services.close()


def test_another_citys_programme_asked_of_a_city_with_other_documents_is_declined(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("c1", "我们在荆门，技改投入后奖励给多少")
    assert reply.startswith("资料里没有写明荆门技改投入后奖励")  # 荆门's equipment grant is not its 技改 award


def test_the_table_row_holding_the_askers_sum_is_the_answer(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("c3", "我们去年技改投了两百来万，技改后奖励能拿多少，按几个点算")
    assert "7%" in reply and "20万元" in reply and not reply.startswith(("资料里没有写明", "抱歉"))


def test_a_few_of_us_asks_no_count(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("c4", "我们几个还没注册企业，能参加技改奖励不，有什么要求")
    assert "3个月内" in reply
