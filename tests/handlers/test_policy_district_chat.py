"""A district's own office asked of a city-wide document, through the real webhook: the reply says the document
doesn't state that district's contact instead of passing the city centre's number off as the district's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.data.seed import seed_kb_if_empty
from tests.support.env import make_settings
from tests.support.wechat_client import wechat_client

CITY = """# 襄阳市示例孵化器运营补贴办法（测试）

一、补贴对象。在本市注册运营的科技企业孵化器。

二、补贴标准。年度考核优秀的孵化器，给予运营补贴30万元。

三、咨询。市科技局高新科负责解释，咨询电话0710-3510001。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    folder = tmp_path_factory.mktemp("district")
    (folder / "incubator.md").write_text(CITY, encoding="utf-8")
    services = Container.create(make_settings(Path(tmp_path_factory.mktemp("qa")), reply_budget_seconds=30))
    seed_kb_if_empty(services.kb)
    assert not services.kb.ingest([folder]).skipped
    services.kb.warm()
    yield services
    services.close()


def test_a_district_office_the_document_never_names_gets_a_typed_decline(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s1", "孵化器运营补贴的事，樊城区科技局电话是多少")
    assert reply.startswith("资料里没有写明樊城"), reply
