"""Subscriptions of researchers with no result, and a spouse who goes along, through the real webhook (each test
stands for a class found with the voices14 writer, phrased here in other words).

Having no result ('眼下手里没啥成果', '冇得么成果要登') declines the achievement form; the directions named right
after the offer of alerts ('电子信息跟航空航天这两个方向') subscribe, and so does a contact sent first (the
directions are asked then). An institute is no contact name ('我是林学院的…'); a bare name at the summary, or a
name after the phone ('139…，邵国庆'), is the contact. Examples stressed inside a named industry ('尤其是芯片封装')
are not topics of their own. '我跟我爱人都来' names no companion '都来'.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement
from tests.chat import test_forms_webhook as forms_chat
from tests.chat.test_subs13_webhook import _topics, _user

FORM_OPENED = ("登记到项目库", "登记技术需求", "请简单介绍这项成果", "请简单说说遇到的问题")

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


def _results(services: Container, openid: str) -> int:
    """How many achievements the user owns."""
    with services.db.session() as session:
        return len(list(session.scalars(select(Achievement).where(Achievement.owner_openid == openid))))


def test_having_no_result_opens_no_form_and_offers_alerts(wx: object, services: Container) -> None:
    """'我从研究所退下来了 眼下手里冇得么成果要登' is no result offered: no achievement form, the alerts offered."""
    reply = say(wx, "subs14_no_result", "我从研究所退下来了 眼下手里冇得么成果要登")
    assert not any(cue in reply for cue in FORM_OPENED), reply
    assert "提醒" in reply and "方向" in reply, reply


def test_directions_named_after_the_offer_subscribe(wx: object, services: Container) -> None:
    """After the offer of alerts, '电子信息跟航空航天这两个方向 我原来是搞雷达的' subscribes to both (not a demand,
    not the explanation), and the contact said next is kept."""
    openid = "subs14_directions_next"
    say(wx, openid, "成果我不登 需求也不提 就想知道企业都有些啥需求")
    summary = say(wx, openid, "电子信息跟航空航天这两个方向 我原来是搞雷达的")
    assert "需求提醒订阅" in summary and "提醒方向：电子信息、航空航天" in summary, summary
    say(wx, openid, "联系人 邬家明 13911112222", "确认", "同意")
    assert set(_topics(services, openid)) == {"航空航天", "电子信息"}
    assert _user(services, openid) == ("邬家明", "13911112222")
    assert _results(services, openid) == 0


def test_contact_sent_first_after_the_offer_opens_the_subscription(wx: object, services: Container) -> None:
    """After the offer, '我叫邬家明 电话139…' opens the subscription with that contact and asks the directions."""
    openid = "subs14_contact_first"
    say(wx, openid, "我在学校教了三十年书 没有什么成果了")
    asked = say(wx, openid, "我叫沈家明 电话13911112223")
    assert "哪些方向" in asked, asked
    say(wx, openid, "智能制造和工业机器人", "确认", "同意")
    assert set(_topics(services, openid)) == {"工业机器人", "智能制造"}
    assert _user(services, openid) == ("沈家明", "13911112223")


def test_declined_result_with_a_follow_request_subscribes(wx: object, services: Container) -> None:
    """'没什么成果可登 想关注一下高端装备制造方面的企业需求' subscribes to that direction at once."""
    summary = say(wx, "subs14_follow", "我是退休教师 没什么成果可登 想关注一下高端装备制造方面的企业需求")
    assert "提醒方向：高端装备制造" in summary, summary


def test_an_institute_is_no_contact_and_a_bare_name_at_the_summary_is(wx: object, services: Container) -> None:
    """'我是林学院的研究员' names no contact '林学院'; the bare '滕晓红' sent at the summary is the contact."""
    openid = "subs14_institute_name"
    summary = say(wx, openid, "我是林学院的研究员 不登成果 就想订阅点企业需求", "节能环保和现代农业")
    assert "提醒方向：节能环保、现代农业" in summary and "林学院" not in summary.split("联系人")[-1], summary
    assert "联系人：滕晓红" in say(wx, openid, "滕晓红")
    say(wx, openid, "13911113333", "确认", "同意")
    assert _user(services, openid) == ("滕晓红", "13911113333")


def test_name_after_the_phone_is_the_contact(wx: object, services: Container) -> None:
    """'联系方式：139…，邵国庆' gives the phone and the name (the name after the number)."""
    openid = "subs14_phone_then_name"
    say(wx, openid, "不登成果 以后有节能环保方面的需求推给我")
    say(wx, openid, "联系方式：13911114444，邵国庆", "确认", "同意")
    assert _user(services, openid) == ("邵国庆", "13911114444")


def test_examples_stressed_inside_an_industry_are_not_topics(wx: object, services: Container) -> None:
    """'电子信息吧 尤其是芯片封装和测试' subscribes to 电子信息 (the whole field); outside a field only the stress
    word goes ('铸造 尤其是压铸' → 铸造、压铸)."""
    field = say(wx, "subs14_stress_field", "我不登成果 就是想有相关需求的时候提醒我", "电子信息吧 尤其是芯片封装和测试")
    assert _directions_line(field) == "提醒方向：电子信息", field
    craft = say(wx, "subs14_stress_craft", "我不登成果 就是想有相关需求的时候提醒我", "铸造 尤其是压铸")
    assert _directions_line(craft) == "提醒方向：铸造、压铸", craft


def _directions_line(summary: str) -> str:
    """The '提醒方向：…' line of a subscription summary."""
    return next(line.strip() for line in summary.splitlines() if line.startswith("提醒方向"))


def test_spouse_who_goes_too_names_no_companion(wx: object, services: Container) -> None:
    """'我跟我爱人都来 我叫付建军 她叫胡美兰' signs up two: the user and 胡美兰 (no companion '都来')."""
    openid = "subs14_spouse_too"
    say(wx, openid, "高血压那个讲座怎么报名", "我跟我爱人都来 我叫付建军 她叫胡美兰", "13911115555", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, list(reg.companions)) == ("付建军", 2, ["胡美兰"])


def test_a_connective_before_the_directions_is_no_topic(wx: object, services: Container) -> None:
    """'可是数控机床 伺服电机这些 我还挺感兴趣的' after the offer: 数控机床、伺服电机 (no '可是数控机床', no '我…')."""
    openid = "subs14_connective"
    say(wx, openid, "我退休好些年了 手头没啥成果")
    summary = say(wx, openid, "可是数控机床 伺服电机这些 我还挺感兴趣的")
    assert _directions_line(summary) == "提醒方向：数控机床、伺服电机", summary


def test_an_acknowledgement_after_the_alert_offer_is_no_direction(wx: object) -> None:
    """A second reader's finding: '知道了' or '先这样吧' after the offer of alerts subscribes to nothing."""
    for i, reply in enumerate(("知道了", "先这样吧", "明天再说吧")):
        openid = f"subs14_ack_{i}"
        assert "方向" in say(wx, openid, "我是研究所的，暂时没什么成果要登记")
        assert "提醒方向" not in say(wx, openid, reply)


def test_a_company_without_results_that_seeks_help_files_a_demand(wx: object) -> None:
    """A second reader's finding: '没什么成果，想找高校合作攻关' and '有没有成果可以转让' are no declined form."""
    reply = say(wx, "subs14_seek_1", "这个项目一直没什么成果，想找高校合作攻关一下焊接变形")
    assert any(k in reply for k in FORM_OPENED)
    assert "成果不登记也没关系" not in say(wx, "subs14_seek_2", "你们平台有没有成果可以转让给我们？")
