"""Found by the lead in ``kc chat``: two corrections in one message at the summary ('成熟度不对 应该是中试 还有 领域
应该是新能源新材料') changed only the first field, and the summary went on showing the old second one."""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say, demand_of = forms_chat.say, forms_chat.demand_of


def test_two_corrections_in_one_message_change_both_fields(wx: object, services: Container) -> None:
    """'预算不对 应该是二十万 还有 联系人改成 周红' at the summary changes the budget and the contact name."""
    openid = "lead_two_edits"
    summary = say(wx, openid, "提需求", "我们做汽车座椅骨架的 焊接变形大 返工多 想找专家攻关", "襄阳恒力汽车零部件有限公司 在襄州",
                  "预算十万", "联系人王刚 13800007711")
    assert "请核对" in summary
    shown = say(wx, openid, "预算不对 应该是二十万 还有 联系人改成周红")
    assert "20万元" in shown and "周红" in shown
    forms_chat.submit(wx, openid)
    d = demand_of(services, openid)
    assert (d.budget, d.contact_name) == ("20万元", "周红")


def test_one_correction_with_a_field_word_inside_its_value_stays_one(wx: object, services: Container) -> None:
    """A single edit still changes only its own field (the contact stays)."""
    openid = "lead_one_edit"
    say(wx, openid, "提需求", "我们做汽车座椅骨架的 焊接变形大 返工多 想找专家攻关", "襄阳恒力汽车零部件有限公司 在襄州",
        "预算十万", "联系人王刚 13800007711")
    say(wx, openid, "问题描述改成 焊完以后骨架变形大 返工太多")
    forms_chat.submit(wx, openid)
    d = demand_of(services, openid)
    assert d.contact_name == "王刚" and "变形" in d.description


def test_two_corrections_of_an_achievement_change_both(wx: object, services: Container) -> None:
    """The lead's case: '成熟度不对 应该是中试 还有 领域应该是新能源新材料' changes maturity and field."""
    openid = "lead_two_edits_ach"
    summary = say(wx, openid, "我是湖北工业大学的 想把课题组的专利放到平台上",
                  "我们做的是一种用在新能源汽车电池包上的气凝胶隔热毡 防止热失控蔓延 已经在两家电池厂批量供货了 有三项发明专利",
                  "王教授 王志刚 13871112233")
    assert "请核对" in summary and "所属领域：新能源新材料" not in summary
    shown = say(wx, openid, "成熟度不对 应该是中试 还有 领域应该是新能源新材料")
    assert "成熟度：中试" in shown and "所属领域：新能源新材料" in shown
    forms_chat.submit(wx, openid)
    row = forms_chat.achievement_of(services, openid)
    assert (row.maturity, row.field) == ("中试", "新能源新材料")


def test_a_researchers_default_alerts_are_listed_by_their_field(wx: object, services: Container) -> None:
    """'我的订阅' after registering with the default alerts names the achievement's field (what the summary promised:
    '所属领域的新需求'), not the first of its key terms; '不用再推X了' drops it by that name."""
    openid = "lead_default_alerts"
    say(wx, openid, "我是湖北工业大学的 想把课题组的专利放到平台上",
        "我们做的是一种用在新能源汽车电池包上的气凝胶隔热毡 防止热失控蔓延 已经在两家电池厂批量供货了 有三项发明专利",
        "王教授 王志刚 13871112233", "领域改成新能源新材料")
    forms_chat.submit(wx, openid)
    mine = say(wx, openid, "我的订阅")
    assert "您订阅的需求提醒：新能源新材料。" in mine, mine
    say(wx, openid, "不用再推新能源新材料了")
    assert "新能源新材料" not in say(wx, openid, "我的订阅")
