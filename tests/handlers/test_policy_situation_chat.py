"""Through the real webhook: a policy question that opens with the asker's own situation (我们厂做了十几年铸件，…)
is answered like the bare question."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("situation"), {})
    yield services
    services.close()


def test_a_question_after_the_askers_own_situation_is_answered(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s1", "我们厂做了十几年铸件，申请院士专家工作站要满足什么条件")
    assert "注册满2年" in reply and not reply.startswith("抱歉")
