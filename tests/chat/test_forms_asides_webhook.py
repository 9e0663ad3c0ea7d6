"""Demand-form classes found by trying ``kc chat`` as a newcomer: a task stated as an indirect question
('检测插头有没有插到位') is the problem, not an aside; a bare place given for the unit's name is the region and the
name is asked again; '张工' is a contact whose title is already in the name.
"""

from __future__ import annotations

from bot.container import Container
from knowledge import keywords
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # the same module fixtures: a database with the sample events
say, demand_of = forms_chat.say, forms_chat.demand_of


def test_indirect_question_in_the_problem_is_kept(wx: object, services: Container) -> None:
    """The task '检测插头有没有插到位' stays in the description (it was dropped as a question in passing)."""
    openid = "a_indirect"
    say(wx, openid, "我们是做汽车线束的 想找个懂机器视觉的老师 检测插头有没有插到位", "襄阳恒联线束有限公司",
        "汽车及零部件", "技术攻关", "樊城区", "预算二十万", "张工 13800001234", "确认", "同意")
    assert "检测插头有没有插到位" in demand_of(services, openid).description


def test_place_given_for_the_unit_name_is_the_region(wx: object, services: Container) -> None:
    """'谷城县' answering '贵单位的全称' fills the region; the unit's name is asked again and never becomes '谷城县'."""
    openid = "a_place"
    say(wx, openid, "提需求", "铸件老有缩松 客户退货")
    reply = say(wx, openid, "谷城县")
    assert "所在地区" in reply and "单位名称" not in reply.split("\n")[0] and "全称" in reply
    say(wx, openid, "谷城县鑫源机械厂", "高端装备制造", "技术攻关", "面议", "李工 13800001235", "确认", "同意")
    demand = demand_of(services, openid)
    assert demand.company == "谷城县鑫源机械厂" and demand.region == "襄阳市谷城县"


def test_engineer_called_by_surname_has_no_separate_title(wx: object, services: Container) -> None:
    """'张工' is the contact; the summary shows no '称谓：工' row."""
    summary = say(wx, "a_title", "提需求", "焊接变形大 想找焊接工艺专家", "襄阳精锐液压件有限公司", "高端装备制造",
                  "技术攻关", "樊城区", "五十万", "张工 13800001236")
    assert "联系人：张工" in summary and "称谓" not in summary


def test_counted_kind_of_unit_stays_in_the_summary(wx: object, services: Container) -> None:
    """'在两家铸造厂试用了' says where the result is used: not an organisation name to cut out of the summary."""
    keywords.warm()  # as every serving process does at start (the summary's keywords need jieba's IDF table)
    summary = say(wx, "a_counted", "我是湖北文理学院的老师 我们有个成果想登记一下",
                  "一种铸件缺陷X光自动识别方法 已经在两家铸造厂试用了")
    assert "已记下成果简介" in summary
    summary = say(wx, "a_counted", "电子信息", "刘德明 13800003333", "无")
    assert "两家铸造厂试用" in summary


def test_other_question_at_the_consent_step_is_answered_and_consent_asked_again(wx: object,
                                                                                  services: Container) -> None:
    """At the consent step, '最近有啥健康讲座没' gets the events (not the phone-privacy note) and the consent notice
    again; the draft is kept and '同意' then submits it. A question about the data still gets the privacy note."""
    openid = "a_consent_aside"
    say(wx, openid, "提需求", "铝合金压铸件气孔多 想找专家看看", "襄阳市华远汽车配件有限公司", "汽车及零部件", "技术攻关",
        "樊城区", "预算二十万", "王经理 13971234567", "确认")
    reply = say(wx, openid, "最近有啥健康讲座没")
    assert "电话不会公开" not in reply and "讲座" in reply and "同意" in reply.split("——")[-1]
    assert "电话不会公开" in say(wx, openid, "我的电话会给别人看吗")
    say(wx, openid, "同意")
    assert demand_of(services, openid).company == "襄阳市华远汽车配件有限公司"


def test_subscription_named_in_the_request_is_added_and_thanks_mid_form_is_no_value(wx: object,
                                                                                      services: Container) -> None:
    """'我还想收到智能制造方面的需求提醒' names its topic: it is subscribed at once (no form asking for it again);
    '谢谢啦 辛苦' in the middle of a form gets a short reply and the pending question, not '没太明白'."""
    openid = "a_subscribe"
    say(wx, openid, "我不登成果 就是想有相关需求的时候提醒我")
    reply = say(wx, openid, "谢谢啦 辛苦")
    assert "不客气" in reply and "没太明白" not in reply and "哪些方向" in reply
    say(wx, openid, "铸造", "确认", "同意")
    assert "智能制造" in say(wx, openid, "我还想收到智能制造方面的需求提醒")
    assert "铸造" in (mine := say(wx, openid, "我的订阅")) and "智能制造" in mine


def test_own_achievement_shows_its_status_not_an_invitation_to_reply_interested(wx: object,
                                                                                 services: Container) -> None:
    """'我登记的成果审核了没' shows the researcher's own achievement with its status, without '感兴趣可回复…'
    (that invitation is for others); another user asking for it by id gets the invitation."""
    openid = "a_own_achievement"
    say(wx, openid, "我是襄阳职业技术学院的老师 有个专利想推广一下",
        "一种基于机器视觉的轴承表面缺陷检测方法 已经授权了 在两家厂试用过", "刘老师 13607101234", "确认", "同意")
    own = say(wx, openid, "我登记的成果审核了没")
    assert "状态：" in own and "感兴趣可回复" not in own
    ident = own.split("【", 1)[1].split("】", 1)[0]
    assert "感兴趣可回复" in say(wx, "a_other_user", f"{ident}是啥技术 能详细说说不")


def test_asking_about_what_happens_next_at_the_consent_step_says_it_is_not_submitted(wx: object,
                                                                                      services: Container) -> None:
    """'我刚提的那个 啥时候有人联系我' at the consent step: the demand is not submitted yet (no phone-privacy note),
    and '好的谢谢' then agrees and submits."""
    openid = "a_consent_next"
    say(wx, openid, "提需求", "刹车片高温下摩擦系数衰退厉害", "襄阳恒达摩擦材料有限公司", "汽车及零部件", "技术攻关",
        "谷城县", "二十万以内", "刘建国 13900001111", "确认")
    reply = say(wx, openid, "我刚提的那个 啥时候有人联系我")
    assert "还没有提交" in reply and "电话不会公开" not in reply and "同意" in reply
    assert "已提交" in say(wx, openid, "好的谢谢")
    assert demand_of(services, openid).company == "襄阳恒达摩擦材料有限公司"


def test_what_the_business_makes_stays_with_the_problem(wx: object, services: Container) -> None:
    """'我是谷城一家做汽车刹车片的 最近摩擦系数不稳定…' keeps the product in the description ('我是' there is no
    contact clause) and the title names the problem without '最近'."""
    openid = "a_product"
    say(wx, openid, "我是谷城一家做汽车刹车片的 最近摩擦系数不稳定 高温下衰退厉害 有没有专家能帮忙",
        "襄阳恒达摩擦材料有限公司", "汽车及零部件", "技术攻关", "谷城县", "二十万以内", "刘建国 13900001112", "确认", "同意")
    demand = demand_of(services, openid)
    assert "汽车刹车片" in demand.description and "摩擦系数不稳定" in demand.description
    assert demand.title.startswith("摩擦系数") and "最近" not in demand.title


def test_summary_keywords_are_terms_not_counts_or_split_words(wx: object) -> None:
    """The achievement summary's 关键词 keep a domain term whole ('深度学习', not '深度'+'学习') and leave out counts
    and words about its use ('两家', '试用')."""
    keywords.warm()
    summary = say(wx, "a_keywords", "您好 我是湖北文理学院机械学院的 我们团队有个技术想找企业转化",
                  "是一种基于深度学习的轴承故障诊断方法 已经在两家企业试用过", "有一项发明专利", "高端装备制造", "中试",
                  "联系人张伟 电话13307101234")
    line = next(row for row in summary.splitlines() if row.startswith("关键词："))
    terms = line.removeprefix("关键词：").split("、")
    assert "深度学习" in terms and "故障诊断" in terms
    assert not {"深度", "学习", "两家", "试用"} & set(terms)
