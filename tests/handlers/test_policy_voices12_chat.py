"""Failure classes of a fresh writer's questions over four new documents (bench/data/qa_voices12.jsonl), asked here
in other words through the real webhook: a sum typed with the colloquial ``w`` for 万 (80w) against the bar it
falls under, a share the asker states of themselves (才收回来三成) against a bar on a percentage, and a question
asking for a floor (起码要签多少) answered by the sentence stating the floor, not by the award's cap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

AWARD = """# 襄阳市示例智能仪器推广奖励办法（测试）

> 本文为测试用的虚构材料。

## 一、奖励标准

按示例智能仪器首年销售额的6%给予奖励，单个企业每年最高40万元。推广奖每年申报一次。

## 二、申报条件

示例智能仪器须在襄阳市生产并已交付客户。销售回款已到账不少于销售额的70%。企业近两年没有发生重大质量事故。

## 三、资金

奖励资金由地方财政列支。

## 四、其他规定

首年销售额低于120万元的，不予奖励。

## 五、咨询

市经信局仪器科（示例），电话0710-3002002。
"""

VOUCHER = """# 襄阳市示例检测服务券办法（测试）

> 本文为测试用的虚构材料。

## 一、支持标准

按检测合同金额的30%给予服务券，单个企业每年最高20万元。

## 二、申领条件

1. 在襄阳市注册的企业；
2. 单笔检测合同金额不低于5万元；
3. 检测机构在示例服务目录内。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("voices12"), {"v12t_award.md": AWARD, "v12t_voucher.md": VOUCHER})
    yield services
    services.close()


def _ask(svc: Container, user: str, text: str) -> str:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text(user, text)
    return reply


def _answers(reply: str) -> bool:
    return not reply.startswith(("资料里没有写明", "抱歉"))


def test_a_sum_typed_with_w_for_wan_is_read_against_the_bar(svc: Container) -> None:
    reply = _ask(svc, "qa17-c1", "智能仪器头一年才卖了80w 这个推广奖还能报不")
    assert "低于120万元" in reply and _answers(reply)


def test_a_share_the_asker_states_is_read_against_the_bar_on_a_percentage(svc: Container) -> None:
    reply = _ask(svc, "qa17-c2", "钱才收回来三成 能报推广奖不")
    assert "不少于销售额的70%" in reply and _answers(reply)


@pytest.mark.xfail(strict=True, reason="known gap: steering the passage to a floor/ceiling sentence (qa17) broke questions "
                   "asking two things ('每户最多补多少 几月份申请' lost its date), so it was withdrawn before landing")
def test_a_question_asking_for_a_floor_gets_the_floor_not_the_cap(svc: Container) -> None:
    reply = _ask(svc, "qa17-c3", "检测服务券 检测合同起码要签多少钱才给券")
    assert "不低于5万元" in reply and "最高20万元" not in reply and _answers(reply)
