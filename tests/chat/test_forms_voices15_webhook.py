"""Demand and achievement conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices15.jsonl`` before changing anything — a contact replaced at the summary while the
phone is said to stay ('电话就用我这个', '电话不变'), a contact change opened by '改一下' with the name after 写/填, a
question about what happens after submitting ('要好久才有人联系'), the kind of help said later or as a person with a
skill, an annual salary as the budget, a product name with a number ('叫楚糯7号') taken for a person, a sector word as
an alert topic, a count said with 十几 taken for a question, a next stage that is only planned, and counts of several
kinds of IP.
Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
achievement_of, topics_of = voices5.achievement_of, classes.topics_of

_DEMAND = ("我们是襄阳恒达轴承有限公司 在襄州区 轴承套圈磨削烧伤 想找专家攻关 行业算高端装备制造", "技术攻关", "预算二十万")


def _at_summary(wx: object, openid: str, *answers: str) -> str:
    """Fill a demand up to its summary (the contact given last); the summary's text."""
    return say(wx, openid, *_DEMAND, *answers)


def test_a_contact_replaced_at_the_summary_keeps_the_phone_said_to_stay(wx: object, services: Container) -> None:
    """'还是填我们车间主任吧 叫贺松 电话就用我这个号': the new person is the contact; the phone is said to stay
    (it is no correction of the phone), so the speaker's number is kept."""
    openid = "forms15_keep_phone"
    _at_summary(wx, openid, "联系人 庞立新 13800093150")
    reply = say(wx, openid, "还是填我们车间主任吧 叫贺松 电话就用我这个号")
    assert "没太明白" not in reply and "贺松" in reply
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("贺松", "13800093150")


def test_a_contact_change_opened_by_gai_yixia_takes_the_name_after_tian(wx: object, services: Container) -> None:
    """'联系人换一下 填冉秀英主任 她管对接 电话不用改': the name after 填 (with a title after it) is the new contact."""
    openid = "forms15_change_then_fill"
    _at_summary(wx, openid, "联系人 庞立新 13800093151")
    reply = say(wx, openid, "联系人换一下 填冉秀英主任 她管对接 电话不用改")
    assert "没太明白" not in reply and "冉秀英" in reply
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("冉秀英", "13800093151")


def test_asking_when_someone_will_call_at_the_summary_is_answered(wx: object, services: Container) -> None:
    """'交上去以后要好久才有人联系我' (好久 is the dialect 多久) at the summary: what happens after submitting is
    told, the summary is asked to be confirmed again, and nothing is changed."""
    openid = "forms15_next_steps"
    _at_summary(wx, openid, "联系人 庞立新 13800093152")
    reply = say(wx, openid, "交上去以后要好久才有人联系我")
    assert "没太明白" not in reply and "工作日" in reply and "确认" in reply
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == "庞立新"


def test_a_need_type_stated_later_replaces_the_guess(wx: object, services: Container) -> None:
    """A test was inferred from the first words ('出口要做电磁兼容检测 想找机构帮忙'); '想引进一个搞功率电子的人才' later says
    the help wanted, and the guess gives way (not only a guessed 技术攻关 does)."""
    openid = "forms15_late_type"
    say(wx, openid, "我们做电动三轮车控制器的 出口要做电磁兼容检测 想找机构帮忙", "襄阳驰骋电控有限公司 在高新区")
    say(wx, openid, "想引进一个搞功率电子的人才", "面议", "联系人 康文杰 13800093153", "电子信息")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "人才引进"


def test_a_person_sought_with_a_skill_is_talent_not_testing(wx: object, services: Container) -> None:
    """'缺个搞无损探伤的人 懂超声检测这一块的': the test words describe the person sought (人才引进)."""
    openid = "forms15_skill"
    say(wx, openid, "我们是襄阳精锻机械有限公司 在樊城区 现在缺个搞无损探伤的人 懂超声检测这一块的")
    say(wx, openid, "面议", "联系人 苗晓燕 13800093154", "高端装备制造")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "人才引进"


def test_an_annual_salary_is_the_budget_in_wan(wx: object, services: Container) -> None:
    """'年薪可以开到三十五万' for the person sought: the budget is written '35万元' like any other."""
    openid = "forms15_salary"
    say(wx, openid, "我们是襄阳康泰医疗器械有限公司 在高新区 想招一个做注册申报的人才", "年薪可以开到三十五万",
        "联系人 卓慧 13800093155", "医药健康")
    submit(wx, openid)
    assert demand_of(services, openid).budget == "35万元"


def test_a_product_name_with_a_number_is_no_contact(wx: object, services: Container) -> None:
    """'选育了一个油菜新品种 叫华油12号': a variety's name with its number is no person; the contact named later is."""
    openid = "forms15_variety"
    say(wx, openid, "湖北农业科学研究院油料所 我们选育了一个油菜新品种 叫华油12号 含油量高 已经在襄州推广了三万亩",
        "有植物新品种权")
    reply = say(wx, openid, "联系人填我 祁红梅 电话13800093156")
    assert "华油" not in reply.split("联系人：")[-1][:4]
    submit(wx, openid)
    assert achievement_of(services, openid).contact_name == "祁红梅"


def test_a_sector_word_as_an_alert_topic_names_the_industry(wx: object, services: Container) -> None:
    """'以后有养殖方面的企业需求也发给我': 养殖 names the whole of 现代农业, which is the topic alerted."""
    openid = "forms15_sector_alert"
    say(wx, openid, "登记成果", "华中农牧研究院", "一种生猪非洲猪瘟环境消杀的复合制剂 已经在十几个猪场用了", "现代农业", "已产业化", "无",
        "联系人 樊立 13800093157")
    reply = say(wx, openid, "以后有养殖方面的企业需求也发给我")
    assert "现代农业" in reply.split("需求提醒：")[-1]
    submit(wx, openid)
    assert topics_of(services, openid) == ["现代农业"]


def test_a_count_with_shiji_is_no_question(wx: object, services: Container) -> None:
    """'已经在十几个猪场用了' answers the summary question: '十几个' counts, it asks nothing (not answered as a
    question in passing)."""
    openid = "forms15_shiji"
    say(wx, openid, "登记成果", "华中农牧研究院")
    reply = say(wx, openid, "一种猪舍环境消杀的复合制剂 已经在十几个猪场用了")
    assert "问题我先记下了" not in reply and "已记下成果简介" in reply


def test_a_next_stage_only_planned_is_no_stage_reached(wx: object, services: Container) -> None:
    """'小样做完了 下一步打算找厂家一起搞中试': the pilot is planned; the stage reached is 小试."""
    openid = "forms15_planned"
    say(wx, openid, "登记成果", "汉江材料研究院", "一种钢渣微粉做混凝土掺合料的活化工艺 强度提高15%")
    say(wx, openid, "节能环保", "小样做完了 下一步打算找厂家一起搞中试", "无", "联系人 卢海峰 13800093158")
    submit(wx, openid)
    assert achievement_of(services, openid).maturity == "小试"


def test_each_ip_kind_keeps_its_own_count(wx: object, services: Container) -> None:
    """'实用新型专利3项 软著5项': a count after one kind does not count the next one ('软件著作权5项', not 3)."""
    openid = "forms15_ip_counts"
    say(wx, openid, "登记成果", "襄阳智能装备研究院", "一种AGV小车激光导航定位系统 定位精度正负5毫米 已经在三家工厂用上了")
    say(wx, openid, "有实用新型专利3项 软著5项", "联系人 严峻 13800093159")
    submit(wx, openid)
    assert achievement_of(services, openid).ip == "实用新型专利3项、软件著作权5项"
