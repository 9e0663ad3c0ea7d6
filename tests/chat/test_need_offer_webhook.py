"""A question asking who or where can do a job for the user ('哪里能测…'), which the documents cannot answer, is
offered as a demand: '好' opens the demand form with the question as the problem and the need type guessed; a policy
matter ('哪里可以申报…') or anything but a yes after the offer changes nothing. Real knowledge base (sample documents)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from handlers.policy import NEED_OFFER, as_need, seeks_service
from knowledge.intents import warm as warm_intents
from tests.chat import test_forms_webhook as forms_chat
from tests.support.env import kb_container

say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
wx = forms_chat.wx  # a WeChat client over this module's services


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    svc = kb_container(tmp_path_factory.mktemp("need_offer"), {})
    warm_intents(Path(svc.settings.data_dir), svc.kb.embedder, background=False)  # as served: same route in any order
    yield svc
    svc.close()


def test_where_can_one_test_something_is_offered_as_a_testing_demand(wx: object, services: Container) -> None:
    openid = "offer_test_where"
    reply = say(wx, openid, "想问下哪里能测芝麻油里的苯并芘 我们自己测不了")
    assert NEED_OFFER in reply
    opened = say(wx, openid, "好的")
    assert "苯并芘" in opened and "单位" in opened  # the problem read back, the form asks on
    say(wx, openid, "宜城市香满园油脂有限公司", "面议", "联系人 郝春生 13800097701", "现代农业", "是")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "苯并芘" in demand.description and demand.need_type == "检验检测"
    assert "哪里能" not in demand.title


def test_a_policy_matter_or_another_reply_after_the_offer_opens_nothing(wx: object) -> None:
    assert NEED_OFFER not in say(wx, "offer_policy", "哪里可以申报比特币挖矿补贴")
    openid = "offer_other"
    assert NEED_OFFER in say(wx, openid, "请问哪里能化验土壤里的重金属")
    assert "单位" not in say(wx, openid, "今天天气怎么样")
    assert "请核对" not in say(wx, openid, "好的")  # the offer was answered by something else: '好' opens nothing


def test_thanks_takes_no_offer_and_a_need_said_with_the_yes_is_kept(wx: object) -> None:
    assert NEED_OFFER in say(wx, "offer_thanks", "请问哪里能化验土壤里的重金属")
    assert "请问贵单位" not in say(wx, "offer_thanks", "好的谢谢")
    assert NEED_OFFER in say(wx, "offer_more", "请问哪里能化验土壤里的重金属")
    opened = say(wx, "offer_more", "我想登记个技术需求 我们还要找人做污水处理方案")
    assert "重金属" in opened and "污水处理" in opened


def test_only_a_job_to_be_done_is_offered_and_it_reads_as_a_need() -> None:
    assert not seeks_service("有没有人在") and not seeks_service("哪里可以停车")
    assert as_need("有没有单位能做疲劳试验") == "需要做疲劳试验"
    assert as_need("哪里能测苯并芘啊？") == "需要检测苯并芘"


def test_an_unsure_where_can_one_test_question_is_answered_or_offered_not_asked_back(wx: object) -> None:
    reply = say(wx, "offer_unsure", "请问哪里能测婴儿服装的甲醛和pH值")
    assert "回复序号" not in reply and (NEED_OFFER in reply or "来源" in reply)  # not "您是想：1 … 4 …"


def test_going_on_to_explain_the_need_after_the_offer_keeps_the_question(wx: object, services: Container) -> None:
    openid = "offer_goes_on"
    assert NEED_OFFER in say(wx, openid, "请问哪里能化验土壤里的重金属")
    opened = say(wx, openid, "我们是种富硒茶的 茶园要出检测报告 送到武汉去测太慢了")
    assert "重金属" in opened and "茶园" in opened and "单位" in opened  # the form opened with both, and asks on
    say(wx, openid, "谷城县云雾山茶业有限公司 谷城", "两万", "联系人 秦岚 13800097190", "现代农业", "检验检测")
    submit(wx, openid)
    assert "重金属" in demand_of(services, openid).description


def test_when_the_documents_cannot_be_searched_the_need_is_still_offered(wx: object, services: Container,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("vector store down")

    monkeypatch.setattr(services.kb, "ask", broken)
    openid = "offer_kb_down"
    reply = say(wx, openid, "请问哪里能化验土壤里的重金属")
    assert NEED_OFFER in reply and "RuntimeError" not in reply  # an apology, then the offer
    assert "重金属" in say(wx, openid, "好")
