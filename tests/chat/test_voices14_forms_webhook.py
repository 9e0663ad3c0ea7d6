"""Demand and achievement conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices14.jsonl`` before changing anything — a 'write it as' budget followed by another
field's 'write it as', a dialect 'no company registered', an institution whose name holds 与, a contact named after a
role or department word ('我的博士后X', '生产部X') and 'don't put me', recycling businesses (节能环保, not the
industry of what they recycle), 'interested fields' during the result form, a description answered to the field's
yes/no question, a run-on dictated result with the speaker's job title, a stage clause taken for the result's name,
and a company that wants to take over a technology it heard a university made.
Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

from bot.container import Container
from handlers.kit.fields import NO_ORG
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
achievement_of, topics_of = voices5.achievement_of, classes.topics_of


def _finish(wx: object, openid: str, *answers: str) -> None:
    """Answer what the form may still ask (given answers first, then a generic contact), then submit."""
    say(wx, openid, *answers)
    submit(wx, openid)


def test_the_budget_to_write_wins_even_when_another_field_is_written_later(wx: object, services: Container) -> None:
    """'费用十到十五万 就按十二万写吧 … 行业你就填…': the amount after '就按' is the budget; the later '就填' names
    the industry, not a budget, and must not bring back the range."""
    openid = "forms14_write_as"
    say(wx, openid, "我们是襄阳华宇机电有限公司 在樊城区 电机外壳铸件砂眼多 想找专家攻关 费用大概十到十五万 就按十二万写吧 "
                    "联系人丁志远 13800098801 行业你就填高端装备制造")
    _finish(wx, openid, "技术攻关")
    assert demand_of(services, openid).budget == "12万元"


def test_a_dialect_no_company_is_an_individual(wx: object, services: Container) -> None:
    """'冇注册啥子公司' (none registered, said in dialect) is no unit called '…公司': the demand is an individual's."""
    openid = "forms14_no_company"
    reply = say(wx, openid, "我在南漳山里种木耳 冇注册啥子公司 就自己搞 木耳菌包老是污染 想找专家指导一下")
    assert "公司”吗" not in reply
    _finish(wx, openid, "南漳县", "面议", "联系人 邱长福 13800098802", "现代农业")
    assert demand_of(services, openid).company == NO_ORG


def test_an_institution_name_holding_yu_is_kept_whole(wx: object, services: Container) -> None:
    """'襄阳信息与控制技术研究院': 与 inside a name joins two disciplines, it does not start the name."""
    openid = "forms14_yu_name"
    say(wx, openid, "我是襄阳信息与控制技术研究院的 想登记一项成果 变电站巡检机器人视觉识别算法 已经在两个变电站试用")
    _finish(wx, openid, "电子信息", "中试", "无", "联系人 岑立军 13800098803")
    assert achievement_of(services, openid).institution == "襄阳信息与控制技术研究院"


def test_a_contact_named_after_a_role_word_replaces_the_speaker(wx: object, services: Container) -> None:
    """'联系人别填我 写我们课题组的助理范雨桐 手机…': the assistant is the contact, not the professor who speaks."""
    openid = "forms14_assistant"
    say(wx, openid, "我是汉江师范学院的宁教授 有个成果要登记 是一种茶叶揉捻机的智能控制系统 还在小试")
    say(wx, openid, "联系人别填我 写我们课题组的助理范雨桐 手机13800098804 她负责对接")
    _finish(wx, openid, "现代农业", "无")
    assert achievement_of(services, openid).contact_name == "范雨桐"


def test_a_contact_after_a_department_word_is_the_name(wx: object, services: Container) -> None:
    """'对接人：技术科汤国栋，138…': the department before the name is not part of it, and the name is taken."""
    openid = "forms14_department"
    say(wx, openid, "我们是谷城县鑫源机械有限公司 齿轮热处理后变形大 想找专家解决 预算二十万", "对接人：技术科汤国栋，13800098805")
    _finish(wx, openid, "是", "高端装备制造")
    assert demand_of(services, openid).contact_name == "汤国栋"


def test_a_recycling_business_is_energy_saving_and_environmental(wx: object, services: Container) -> None:
    """'主要搞报废锂电池拆解回收的': recycling is 节能环保, whatever the recycled goods belong to."""
    openid = "forms14_recycling"
    say(wx, openid, "我们厂主要搞报废锂电池拆解回收的 想找个机构检测一下车间地面的废液有没有渗漏")
    _finish(wx, openid, "襄阳市循环新材再生资源有限公司", "老河口市", "面议", "联系人 庞建业 13800098806")
    assert demand_of(services, openid).industry == "节能环保"


def test_interested_fields_in_the_result_form_are_its_alert_topics(wx: object, services: Container) -> None:
    """'感兴趣的方向是 电子信息 还有智能网联汽车' while the result form asks something else: the alert topics (not a
    policy question, not the '感兴趣 D12' match reply)."""
    openid = "forms14_interested"
    say(wx, openid, "登记成果", "湖北汽车工业学院", "一种车载毫米波雷达抗干扰算法 误报率降低了30%", "中试", "无")
    reply = say(wx, openid, "感兴趣的方向是 电子信息 还有智能网联汽车")
    assert "需求提醒" in reply and "政策问答" not in reply
    _finish(wx, openid, "联系人 柏文斌 13800098807", "智能网联汽车")
    assert topics_of(services, openid) == ["智能网联汽车", "电子信息"]


def test_a_description_answered_to_the_field_question_is_kept(wx: object, services: Container) -> None:
    """Asked '所属领域是“X”吗', the researcher describes the result with a measured gain ('用种量能减少15%以上'): the words
    go to the summary, and the field is not re-read from them."""
    openid = "forms14_field_describe"
    say(wx, openid, "襄阳农业机械研究所的，登记一个成果：小麦气吸式精量播种技术。")
    say(wx, openid, "改用负压吸附排种 每亩用种量能减少15%以上 出苗更齐")
    _finish(wx, openid, "是", "小试", "无", "联系人 符海涛 13800098808")
    row = achievement_of(services, openid)
    assert "负压吸附" in row.summary


def test_a_dictated_result_is_named_by_what_was_made_not_the_job_title(wx: object, services: Container) -> None:
    """One breath with no pause: '…研究院的副研究员我叫…我们院研发了一种耐旱小麦新品种…': the name is the thing made,
    not '副研究员'."""
    openid = "forms14_dictated"
    say(wx, openid, "您好我是襄阳农业科学研究院的副研究员我叫潘立群我们院研发了一种耐旱抗倒伏的小麦新品种比对照增产百分之十二"
                    "已经在枣阳示范推广了电话13800098809")
    _finish(wx, openid, "现代农业", "无")
    row = achievement_of(services, openid)
    assert "小麦" in row.title and "研究员" not in row.title


def test_a_stage_clause_does_not_name_the_result(wx: object, services: Container) -> None:
    """'在宜城建了一套日处理5吨的示范装置' tells where it stands; the technology named first is the result's name."""
    openid = "forms14_stage_clause"
    say(wx, openid, "登记成果", "湖北文理学院", "秸秆厌氧干发酵制备生物燃气的技术 甲烷含量提高20% 在宜城建了一套日处理5吨的示范装置")
    _finish(wx, openid, "节能环保", "中试", "无", "联系人 阎振东 13800098810")
    row = achievement_of(services, openid)
    assert "秸秆" in row.title and "装置" not in row.title


def test_a_company_taking_over_a_universitys_technology_states_a_need(wx: object, services: Container) -> None:
    """'我们是…有限公司 想转化一项…技术 听说有大学已经在做了': a company wanting a technology (a demand), not a result
    it offers; the technology stays in the description."""
    openid = "forms14_take_over"
    reply = say(wx, openid, "我们是襄阳锦程纺织有限公司 想转化一项废旧纺织品化学法再生的技术 听说有大学已经在做了")
    assert "技术需求" in reply and "项目库" not in reply
    _finish(wx, openid, "襄城区", "纺织服装", "预算三十万", "联系人 郜文华 13800098811")
    assert "纺织品" in demand_of(services, openid).description


def test_a_self_introduction_before_a_need_asked_as_a_question_keeps_its_unit(wx: object, services: Container) -> None:
    """'你好，老河口的，我们是…有限公司，做…的。' then the need asked as a question ('想打听下周边有没有单位的…可以
    共享'): the unit and the place said first are kept, not asked again."""
    openid = "forms14_intro_then_ask"
    say(wx, openid, "你好，老河口的，我们是老河口市宏达钣金有限公司，做钣金机箱的。")
    reply = say(wx, openid, "想打听下周边有没有单位的大功率激光切割机可以共享，我们接了批不锈钢钣金的活，自家的机子切不了厚板。")
    assert "单位的全称" not in reply
    _finish(wx, openid, "面议", "联系人 甘志鹏 13800098812")
    assert demand_of(services, openid).company == "老河口市宏达钣金有限公司"
