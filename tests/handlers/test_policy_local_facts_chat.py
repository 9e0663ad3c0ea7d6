"""Questions stating the asker's own circumstances, through the real webhook: a district's own office asked of a
city-wide document gets a typed decline (the city centre's number is not the district's); an eligibility question
stating the asker's figure (经营才两年) is answered with the bar on that figure (满3年), not the award."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from tests.support.env import kb_container
from tests.support.wechat_client import wechat_client

CITY = """# 襄阳市示例孵化器运营补贴办法（测试）

一、补贴对象。在本市注册运营的科技企业孵化器。

二、补贴标准。年度考核优秀的孵化器，给予运营补贴30万元。

三、咨询。市科技局高新科负责解释，咨询电话0710-3510001。
"""

WORKSHOP = """# 襄阳市示例智能车间奖励办法（测试）

一、申报对象。在本市注册、正常经营满3年的规模以上制造业企业。

二、奖励标准。新认定的市级智能车间，一次性奖励60万元；新认定的省级智能车间，一次性奖励100万元。

三、设备要求。单台智能装备原值须在20万元以上；当年智能化改造投入合计不足200万元的，不予受理。

四、带头人。车间技术带头人年龄在50周岁以下。
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    services = kb_container(tmp_path_factory.mktemp("district"), {"incubator.md": CITY, "workshop.md": WORKSHOP})
    yield services
    services.close()


def test_a_district_office_the_document_never_names_gets_a_typed_decline(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s1", "孵化器运营补贴的事，樊城区科技局电话是多少")
    assert reply.startswith("资料里没有写明樊城"), reply


def test_an_askers_figure_is_answered_with_the_bar_on_it(svc: Container) -> None:
    with wechat_client(svc) as wx:
        (reply,) = wx.send_text("s2", "我们企业正常经营才两年，能申报智能车间奖励吗")
    assert "满3年" in reply and not reply.startswith(("资料里没有写明", "抱歉")), reply
