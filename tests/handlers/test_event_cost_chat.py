"""'这个要钱不' about an event: the event just shown is the topic, and its cost is answered from the knowledge base
(the event record has no fee) with the source, or honestly not stated — through the real webhook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.data.seed import seed_kb_if_empty
from tests.support.env import SAMPLES, load_file, make_settings
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """The sample knowledge base and the sample events (all upcoming on the real clock)."""
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("cost")), reply_budget_seconds=30))
    seed_kb_if_empty(services.kb)
    load_file(services.db, "events", SAMPLES / "events.jsonl", services.appid)
    yield services
    services.close()


def test_cost_of_the_event_just_shown_is_answered_from_the_knowledge_base(svc: Container) -> None:
    with wechat_client(svc) as wx:
        shown = "\n".join(wx.send_text("c1", "有没有讲糖尿病的"))
        assert "糖尿病饮食管理" in shown
        cost = "\n".join(wx.send_text("c1", "这个要钱不"))
        assert "糖尿病饮食管理" in cost and "全部免费" in cost and "来源" in cost
        assert "报名 E06" in cost and "签到码" not in cost  # not signed up: how to sign up, not the check-in code


def test_cost_not_stated_anywhere_is_said_plainly(svc: Container) -> None:
    with wechat_client(svc) as wx:
        cost = "\n".join(wx.send_text("c2", "E07要钱吗"))
        assert "院士专家襄阳行" in cost and "没有写是否收费" in cost and "转人工" in cost


def test_a_topicless_question_out_of_the_blue_asks_which_event_or_policy(svc: Container) -> None:
    """'要准备哪些材料' with nothing talked about yet is neither answered from an arbitrary document nor assumed to
    be about an event: the user is asked which event or policy they mean."""
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("c3", "要准备哪些材料")
        assert "哪个活动" in reply and "哪项政策" in reply
