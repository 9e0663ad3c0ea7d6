"""Demand, achievement and alert conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices11.jsonl`` before changing anything — the kind of business said before its name
('一个X厂，叫…有限公司') and a name behind its label ('公司名…'), '最后几位是…' for the phone, '还有' joining alert
topics, an English 'subscribe' or an alternative ('买断专利也行') read as a topic, a bare '需求' after '登记' opened
the other form, a result declined with alerts asked, patents held by a business that wants a loan, '想了解有没有质押
融资' dropped as a policy question, and the noun phrase after '成果是' as the result's name.
Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_voices7_webhook as voices7
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
achievement_of, topics_of, achievement_count = voices5.achievement_of, classes.topics_of, voices7.achievement_count


def _finish_demand(wx: object, openid: str) -> None:
    """Answer whatever the demand form still asks (industry, region, budget, contact), then submit."""
    say(wx, openid, "高端装备制造", "樊城区", "预算十万", "联系人 祁文海 13800098901")
    submit(wx, openid)


def test_the_name_said_after_the_kind_of_business_is_the_company(wx: object, services: Container) -> None:
    """'我们是枣阳的一个精密铸造厂，叫枣阳恒通精工有限公司': the first words say what kind of business, the name
    after '叫' is the company (not asked back as '单位名称是“精密铸造厂”吗')."""
    openid = "f11_kind_then_name"
    reply = say(wx, openid, "我们是枣阳的一个精密铸造厂，叫枣阳恒通精工有限公司，壳体铸件老有气孔，想找专家攻关")
    assert "精密铸造厂”吗" not in reply
    _finish_demand(wx, openid)
    assert demand_of(services, openid).company == "枣阳恒通精工有限公司"


@pytest.mark.parametrize(("openid", "label"), [("f11_label_name", "公司名"), ("f11_label_bare", "公司")])
def test_a_label_before_the_company_name_is_not_part_of_it(wx: object, services: Container, openid: str,
                                                          label: str) -> None:
    """'公司名襄阳鼎盛精工有限公司' (or '公司襄阳…') answers the company question with the name after the label."""
    say(wx, openid, "我要登记个技术需求", "我们的数控车床主轴发热严重，精度保持不住，想找高校合作解决")
    say(wx, openid, f"{label}襄阳鼎盛精工有限公司，联系人 祁文海 13800098902")
    _finish_demand(wx, openid)
    assert demand_of(services, openid).company == "襄阳鼎盛精工有限公司"


def test_the_last_few_digits_fix_the_phone(wx: object, services: Container) -> None:
    """'手机最后几位是558，刚才输错了' patches the end of the phone given before."""
    openid = "f11_last_few"
    say(wx, openid, "我要登记个技术需求", "我们的数控车床主轴发热严重，精度保持不住，想找高校合作解决")
    say(wx, openid, "襄阳鼎盛精工有限公司 樊城区", "联系人 祁文海 13800098985", "手机最后几位是958，刚才输错了")
    _finish_demand(wx, openid)
    assert demand_of(services, openid).contact_phone == "13800098958"


def test_alert_topics_joined_by_haiyou(wx: object, services: Container) -> None:
    """'新能源材料 还有节能环保' names two topics (not only the one after '还有')."""
    openid = "f11_haiyou"
    say(wx, openid, "我不登记成果，只想订阅需求提醒", "新能源材料 还有节能环保", "联系人 祁文海 13800098903")
    submit(wx, openid)
    assert topics_of(services, openid) == ["新能源新材料", "节能环保"]


def test_an_english_subscribe_is_not_a_topic(wx: object, services: Container) -> None:
    """'subscribe 需求推送' asks for alerts; the topics are then asked (never 'subscribe')."""
    openid = "f11_subscribe"
    reply = say(wx, openid, "subscribe 需求推送")
    assert "subscribe" not in reply and "哪些方向" in reply
    say(wx, openid, "航空航天、电子信息", "联系人 祁文海 13800098904")
    submit(wx, openid)
    assert topics_of(services, openid) == ["电子信息", "航空航天"]


def test_topics_joined_by_haiyou_at_the_results_summary(wx: object, services: Container) -> None:
    """At the achievement summary, '以后电子信息还有新材料方面的需求也推给我' sets both topics (新材料 is not glued
    to the name before it)."""
    openid = "f11_result_haiyou"
    say(wx, openid, "登记成果", "楚北理工大学", "车载毫米波雷达目标识别算法，在测试场做过实车验证，还在中试")
    say(wx, openid, "没有专利", "联系人 邝文博 13800098905", "智能网联汽车")
    reply = say(wx, openid, "以后电子信息还有新材料方面的需求也推给我")
    assert "需求提醒：电子信息、新能源新材料" in reply


def test_an_alternative_said_with_yexing_is_no_alert(wx: object, services: Container) -> None:
    """'买断专利也行' says buying the patent would also do: a technology to acquire (成果转化), not an alert topic."""
    openid = "f11_buyout"
    say(wx, openid, "我要登记个技术需求",
        "我们做锂电池回收的，正极材料回收率低，想直接买一套成熟的回收技术，买断专利也行")
    say(wx, openid, "襄阳楚材示例实业有限公司 樊城区", "预算八十万", "联系人 祁文海 13800098906")
    say(wx, openid, "新能源新材料")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "成果转化"


def test_a_bare_xuqiu_after_dengji_opens_the_demand_form(wx: object) -> None:
    """'登记' opens the result form; '需求' right after says the user meant a need (not the unit's name)."""
    openid = "f11_bare_need"
    say(wx, openid, "登记")
    reply = say(wx, openid, "需求")
    assert "技术需求" in reply and "已记下所在单位" not in reply


def test_a_bare_chengguo_in_the_demand_form_opens_the_result_form(wx: object) -> None:
    """The same the other way: '成果' alone as the first answer of the demand form means the result form."""
    openid = "f11_bare_result"
    say(wx, openid, "提需求")
    reply = say(wx, openid, "成果")
    assert "项目库" in reply and "已记下" not in reply


def test_declining_the_result_and_asking_alerts_subscribes(wx: object, services: Container) -> None:
    """In the result form, '成果还没做完，这次先不登记了，能不能有X方面的需求时提醒我' leaves it for the
    alert subscription: no result stage is asked, and the topic is stored."""
    openid = "f11_decline_result"
    say(wx, openid, "我要登记成果")
    reply = say(wx, openid, "成果还没做完，这次先不登记了，能不能有高端装备制造方面的企业需求时提醒我一下")
    assert "阶段" not in reply
    say(wx, openid, "联系人 祁文海 13800098907")
    submit(wx, openid)
    assert topics_of(services, openid) == ["高端装备制造"] and not achievement_count(services, openid)


def test_patents_held_by_a_business_wanting_a_loan_make_a_need(wx: object, services: Container) -> None:
    """'手上有两项发明专利，想拿专利去银行质押贷款' from a business: a financing need, not a result to register."""
    openid = "f11_patent_loan"
    reply = say(wx, openid, "我们谷城做香菇种植的，手上有两项发明专利，想拿专利去银行做质押贷款，扩建冷库")
    assert "技术需求" in reply
    say(wx, openid, "谷城县香源菌业专业合作社", "联系人 祁文海 13800098908", "现代农业", "面议")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "科技金融"


def test_asking_whether_a_financing_exists_is_the_need(wx: object, services: Container) -> None:
    """'想了解有没有知识产权质押融资' asks for the help itself: it stays in the description (a subsidy question
    would not)."""
    openid = "f11_any_financing"
    say(wx, openid, "我们做汽车线束的，要上一条自动化产线，资金缺口大，想了解有没有知识产权质押融资，帮忙对接下银行")
    say(wx, openid, "襄阳楚材示例实业有限公司 樊城区", "预算面议", "联系人 祁文海 13800098909", "汽车及零部件")
    submit(wx, openid)
    assert "质押融资" in demand_of(services, openid).description


def test_the_noun_phrase_after_chengguo_shi_names_the_result(wx: object, services: Container) -> None:
    """'成果是风力发电机齿轮箱轴承润滑监测' names the whole thing, not its first noun ending in 机."""
    openid = "f11_result_is"
    say(wx, openid, "登记成果", "楚北理工大学，成果是风力发电机齿轮箱轴承润滑监测，小试做完了")
    say(wx, openid, "没有专利", "联系人 邝文博 13800098910", "高端装备制造")
    submit(wx, openid)
    assert "轴承" in achievement_of(services, openid).title


@pytest.mark.parametrize(("openid", "said"), [
    ("f11m_when", "成果是今年刚出来"), ("f11m_stage", "成果是实验室阶段"), ("f11m_field", "成果是农业方面，想找企业合作"),
    ("f11m_unit", "成果是湖北工业大学"), ("f11m_team", "成果是张教授团队"), ("f11m_noun", "成果是十年积累"),
])
def test_words_after_chengguo_shi_do_not_rename_a_named_result(wx: object, services: Container, openid: str,
                                                              said: str) -> None:
    """Once the result has a name, '成果是…' tells about it (when, what stage, which field, whose): the name stays."""
    say(wx, openid, "登记成果", "楚北理工大学，成果名称：秸秆快速腐熟菌剂，小试做完了", said)
    say(wx, openid, "没有专利", f"联系人 邝文博 138000989{20 + len(openid)}", "现代农业")
    submit(wx, openid)
    assert achievement_of(services, openid).title == "秸秆快速腐熟菌剂"


@pytest.mark.parametrize(("openid", "said"), [
    ("f11m_first_field", "成果是农业方面，想找企业合作"), ("f11m_first_stage", "成果是实验室阶段"),
    ("f11m_first_team", "成果是张教授团队"), ("f11m_first_unit", "成果是湖北工业大学"),
])
def test_chengguo_shi_a_field_stage_or_team_is_no_name(wx: object, openid: str, said: str) -> None:
    """With no name yet, '成果是农业方面' (a field, a stage, a team, a unit) is not taken as the result's name."""
    reply = say(wx, openid, "登记成果", f"楚北理工大学，{said}")
    assert "成果名称" not in reply.splitlines()[0]


def test_chengguo_answering_the_need_type_keeps_the_demand(wx: object, services: Container) -> None:
    """At '属于哪类需求？' (成果转化 among the options) a bare '成果' answers within the demand: it does not open the
    result form and lose the description, industry and budget already told."""
    openid = "f11m_need_type_result"
    say(wx, openid, "提需求", "我们厂做汽车转向节", "襄阳鼎盛精工有限公司 樊城区", "汽车及零部件", "预算十万")
    reply = say(wx, openid, "联系人 祁文海 13800098963", "成果")
    assert "项目库" not in reply
    say(wx, openid, "成果转化")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert (demand.need_type, demand.budget, demand.industry) == ("成果转化", "10万元", "汽车及零部件")
    assert "转向节" in demand.description


def test_xuqiu_in_a_named_result_keeps_the_result(wx: object, services: Container) -> None:
    """The other way: once the result has a name, a bare '需求' does not drop it for an empty demand form."""
    openid = "f11m_named_result_xuqiu"
    say(wx, openid, "登记成果", "楚北理工大学，成果名称：秸秆快速腐熟菌剂")
    reply = say(wx, openid, "需求")
    assert "问题库" not in reply
    say(wx, openid, "能让秸秆两周内腐熟还田", "小试", "没有专利", "联系人 邝文博 13800098964", "现代农业")
    submit(wx, openid)
    assert achievement_of(services, openid).title == "秸秆快速腐熟菌剂"


@pytest.mark.parametrize(("openid", "said", "company"), [
    ("f11m_org_women", "我们是企业邦信息技术有限公司", "企业邦信息技术有限公司"),
    ("f11m_org_label", "单位名称 企业云服务有限公司", "企业云服务有限公司"),
    ("f11m_org_de", "我是企业管理咨询有限公司的", "企业管理咨询有限公司"),
])
def test_a_company_name_beginning_with_qiye_is_kept_whole(wx: object, services: Container, openid: str, said: str,
                                                          company: str) -> None:
    """'企业邦信息技术有限公司' begins with 企业 as part of its name: only '企业名称…' is a label to cut."""
    say(wx, openid, "我要登记个技术需求", "我们的数控车床主轴发热严重，精度保持不住，想找高校合作解决")
    say(wx, openid, f"{said}，联系人 祁文海 138000989{70 + len(openid)}")
    _finish_demand(wx, openid)
    assert demand_of(services, openid).company == company
