"""Policy questions in everyday words, asked of the policy handler over the sample documents (the intent layer's
routing of these messages is not what is tested here): a user's word for what the document calls otherwise (门牌号
for 地址, 房子 for 房产, 技术员 for 研发人员), a may-I question that names a detail (工资, 邮箱), 'a year' that is not
上一年度, a duration in minutes, a topic noun no question word asks about (利息 in 几月份去报贴息), and near-scope
details asked in these voices (what X, who all, where to collect, a grant or an event the documents never name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.container import Container
from handlers import policy
from tests.handlers.test_policy_chat import svc
from tests.support.handlers import Chat, memory_container

__all__ = ["svc"]

DECLINED = ("资料里没有写明", "抱歉")


def _ask(svc: Container, tmp_path: Path, question: str) -> list[str]:
    """The policy handler's replies to one question (the real knowledge base of ``svc``, a fresh conversation)."""
    return Chat(memory_container(tmp_path, knowledge=svc.kb), policy.handle_question).send(question) or []


def _source_last(reply: str) -> bool:
    """Whether the reply ends with its source line."""
    return reply.strip().splitlines()[-1].startswith("来源：《")


@pytest.mark.parametrize(("question", "expected"), [
    ("共享平台收样的门牌号是多少", "示例大道88号"),  # 门牌号 = the address the document gives
    ("襄科贷借钱要不要拿房子做抵押", "不需要房产"),  # 房子 = 房产
    ("搞研发那几个技术员的工资，能算进加记扣除里头不", "研发人员的工资薪金"),  # a may-I question naming 工资
    ("去听健康讲座要提前好久到场签到", "15分钟"),  # minutes are a duration
    ("贴息一户一年最多多少", "每户每年最高30万元"),  # 一户/一年 = 每户/每年, and 一年 is not 上一年度
    ("去年付的专利贷款利息 今年几月份去报贴息", "3月1日至3月31日"),  # 利息 names the topic; 几月份 asks a date
])
def test_everyday_words_are_answered_from_the_document_words(svc: Container, tmp_path: Path, question: str,
                                                             expected: str) -> None:
    (reply,) = _ask(svc, tmp_path, question)
    assert expected in reply and not reply.startswith(DECLINED) and _source_last(reply)


@pytest.mark.parametrize(("question", "named"), [
    ("检测报告能直接发电子版到我邮箱吗", "邮箱"),  # asks whether, and the document never says
    ("院士工作站的联络员要么子学历", "学历"),  # what X: X must be written
    ("高企评审的专家都是些什么人", "专家"),  # a list of people needs their names
    ("科技志愿者的红马甲到哪去领", "红马甲"),  # where to collect the vest, not where to register
    ("特派员能帮我们合作社申请农机购置补贴不 补几多", "农机购置补贴"),  # a grant the document never names
    ("下个月有没有给小娃子讲近视防控的健康讲座 哪天在哪", "小娃子"),  # an event the document never names
])
def test_near_scope_details_in_everyday_words_are_declined_by_name(svc: Container, tmp_path: Path, question: str,
                                                                  named: str) -> None:
    (reply,) = _ask(svc, tmp_path, question)
    gap = reply.split("。")[0]
    assert gap.startswith("资料里没有写明") and named in gap and "里相关的内容是：" in reply and _source_last(reply)
