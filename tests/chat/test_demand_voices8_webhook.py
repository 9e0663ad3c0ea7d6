"""Demand forms through the real webhook (forms11): failure classes found by replaying
``tests/support/data/dialogues_voices8.jsonl`` before changing anything (a loan wish not taken as a need, a company
looking for a university's results taken for a researcher, a place named as someone's hometown taken as the region,
more of the problem told while the company name is asked).
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit = forms_chat.say, forms_chat.demand_of, forms_chat.submit


def test_a_loan_wish_is_a_need(wx: object, services: Container) -> None:
    """'…拿商标和专利去贷笔款买设备' opens the demand form (科技金融), not a greeting or a policy answer."""
    openid = "f8_loan"
    reply = say(wx, openid, "我们是枣阳一家做汽车轴承的，打算拿手上的专利去贷笔款买新设备")
    assert "技术需求" in reply
    say(wx, openid, "枣阳恒远轴承有限公司", "两百万", "联系人 鲁海 13800098501")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.need_type == "科技金融" and row.company == "枣阳恒远轴承有限公司"


def test_a_company_looking_for_university_results_files_a_demand(wx: object, services: Container) -> None:
    """A company that wants a university's existing technology ('想请研究所把现成的工艺拿来用') files a demand,
    not an achievement."""
    openid = "f8_seeks_institute"
    reply = say(wx, openid, "襄阳鑫达铸造有限公司 在樊城 铸件气孔太多 想请研究所把现成的工艺转化过来用")
    assert "技术需求" in reply and "成熟度" not in reply
    say(wx, openid, "高端装备制造", "五十万", "联系人 卢刚 13800098502")
    submit(wx, openid)
    assert demand_of(services, openid).company == "襄阳鑫达铸造有限公司"


def test_a_hometown_is_not_the_region(wx: object, services: Container) -> None:
    """'说错了 我们在枣阳 宜城是我老家' moves the region to 枣阳."""
    openid = "f8_hometown"
    say(wx, openid, "我们是宜城做粉丝的 烘干的时候粉丝老是断条 想找专家攻关")
    say(wx, openid, "说错了 我们在枣阳 宜城是我老家")
    say(wx, openid, "枣阳丰禾食品有限公司", "现代农业", "十万", "联系人 丁梅 13800098503")
    submit(wx, openid)
    assert demand_of(services, openid).region == "襄阳市枣阳市"


def test_more_of_the_problem_told_while_the_company_is_asked_is_kept(wx: object, services: Container) -> None:
    """Asked for the company, '鸡苗的出栏率不高 去年亏了不少' adds to the problem (the company is asked again)."""
    openid = "f8_aside_problem"
    say(wx, openid, "我们是南漳养鸡的 想请畜牧专家来长期指导")
    say(wx, openid, "我们有三万只鸡 鸡苗的出栏率不高 去年亏了不少")
    say(wx, openid, "南漳康源养殖专业合作社", "面议", "联系人 柴军 13800098504")
    submit(wx, openid)
    assert "出栏率" in demand_of(services, openid).description


def test_the_contact_changed_at_the_summary_with_the_phone_kept(wx: object, services: Container) -> None:
    """At the summary '麻烦把联系人换成生产部经理葛文 电话不变' changes the name (the title before the name, no pause),
    the phone stays."""
    openid = "f8_contact_phone_kept"
    say(wx, openid, "襄阳东升齿轮有限公司 在高新区 齿轮热处理变形太大 想找高校攻关", "三十万", "高端装备制造")
    say(wx, openid, "联系人 翁丽 13800098505")
    reply = say(wx, openid, "麻烦把联系人换成生产部经理葛文 电话不变")
    assert "葛文" in reply
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("葛文", "13800098505")


def test_a_short_name_said_without_pauses_stays_out_of_the_description(wx: object, services: Container) -> None:
    """'…我们厂叫新宇就是襄阳新宇塑业有限公司嘛最近…' (dictated without pauses): neither the short name nor the naming
    words are left in the description."""
    openid = "f8_named_no_pause"
    say(wx, openid, "喂你好我是那个襄州的做塑料管的我们厂叫新宇就是襄阳新宇塑业有限公司嘛最近管材冬天老是脆裂想问下有冇得高校帮忙")
    say(wx, openid, "新能源新材料", "二十万", "联系人 蔡红 13800098506")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "新宇" not in row.description and "脆裂" in row.description


def test_a_mobile_told_in_two_messages_is_joined(wx: object, services: Container) -> None:
    """'联系人 谭军 电话1390009' then '8507': the rest is asked for and the two parts make the phone."""
    openid = "f8_phone_parts"
    say(wx, openid, "襄阳华泰纸业有限公司 在襄州 纸张白度不够 想找高校攻关", "十五万", "节能环保")
    reply = say(wx, openid, "联系人 谭军 电话1390009")
    assert "1390009" in reply and "没发全" in reply
    say(wx, openid, "8507")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("谭军", "13900098507")
