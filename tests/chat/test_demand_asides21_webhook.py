"""Entrepreneurs who wander off while filing a demand (the voices21 writer's classes) through the real webhook:
weather talk, outbursts and stories about former suppliers stay out of the stored description; a supplier named
in such a story is not the user's unit; a price remark with a vague amount is no part of the problem."""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
services, wx = forms_chat.services, forms_chat.wx  # a WeChat client over the forms module's services


def test_weather_talk_and_an_outburst_stay_out_of_the_description(wx: object, services: Container) -> None:
    openid = "v21_weather"
    say(wx, openid, "我们是枣阳做挂面的 想找机构检测挂面的菌落总数 最近连着下雨 面都晾不干 急死人了")
    say(wx, openid, "枣阳麦香食品有限公司", "前阵子天气太冷 工人都不想上班 哎呀")
    say(wx, openid, "费用三万 联系人 覃丽 13800097651", "现代农业", "检验检测")
    submit(wx, openid)
    description = demand_of(services, openid).description
    assert "菌落" in description
    for word in ("下雨", "晾不干", "急死", "太冷", "上班"):
        assert word not in description


def test_a_story_about_a_former_supplier_is_no_need_and_names_no_unit(wx: object, services: Container) -> None:
    openid = "v21_story"
    say(wx, openid, "我们高新区做电机控制器的 襄阳驰远电控有限公司", "控制器在低温下启动失败 想找高校一起攻关")
    say(wx, openid, "以前请的那家武汉软件公司 做到一半就跑了 钱也打了水漂")
    say(wx, openid, "我们老板去年去上海参观 说别人家的控制器零下四十度都能启动")
    say(wx, openid, "预算八十万 联系人 钱进 13800097652", "智能网联汽车", "技术攻关")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "低温" in demand.description and demand.company == "襄阳驰远电控有限公司"
    for word in ("武汉", "跑了", "水漂", "上海", "参观"):
        assert word not in demand.description


def test_a_vague_price_remark_is_no_part_of_the_problem(wx: object, services: Container) -> None:
    openid = "v21_price"
    say(wx, openid, "我们宜城做陶瓷的 想借用一台高温热膨胀仪 测釉面的膨胀系数 买一台要上百万不划算")
    say(wx, openid, "宜城瓷韵陶瓷有限公司", "两万", "联系人 龚平 13800097653", "新能源新材料", "设备共享")
    submit(wx, openid)
    description = demand_of(services, openid).description
    assert "膨胀" in description and "百万" not in description


def test_a_correction_keeps_only_the_corrected_fact(wx: object, services: Container) -> None:
    openid = "v21_fix_clause"
    say(wx, openid, "我要提个技术需求", "我们做电动叉车的 电池包外壳焊缝渗水 一到夏天就报警")
    say(wx, openid, "哦 刚才讲得不准确 是电池包的密封条老化漏水 焊缝倒还好")
    say(wx, openid, "襄阳力驰叉车有限公司 樊城区", "预算三十万 联系人 阎涛 13800097654", "汽车及零部件", "技术攻关")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "密封条" in demand.description and demand.contact_name == "阎涛"
    for word in ("焊缝", "不准确", "渗水"):
        assert word not in demand.description and word not in demand.title


def test_a_corrected_word_is_replaced_in_place(wx: object, services: Container) -> None:
    openid = "v21_fix_word"
    say(wx, openid, "我们樊城做兽药的 襄阳康牧动保有限公司", "我们的口服液 放三个月就沉淀分层 抽检老是不合格")
    say(wx, openid, "不对不对 应该是注射液 口服液那个车间去年就关了")
    say(wx, openid, "想找高校专家攻关 预算二十万 联系人 耿燕 13800097655", "医药健康", "技术攻关")
    submit(wx, openid)
    description = demand_of(services, openid).description
    assert "注射液" in description and "沉淀" in description
    for word in ("口服液", "不对", "应该是"):
        assert word not in description


def test_a_slip_repaired_in_passing_leaves_only_the_repair(wx: object, services: Container) -> None:
    openid = "v21_slip"
    say(wx, openid, "我们是谷城做汽配的 想买一套成熟的刹车片 哦不对 是离合器片的配方技术 现在的片子磨得太快")
    say(wx, openid, "谷城鑫盛汽配有限公司", "预算一百万 联系人 苗青 13800097656", "汽车及零部件", "成果转化")
    submit(wx, openid)
    description = demand_of(services, openid).description
    assert "离合器片" in description and "刹车片" not in description and "不对" not in description


def test_buying_a_ready_made_process_is_taking_over_a_result(wx: object, services: Container) -> None:
    openid = "v21_buy"
    say(wx, openid, "我们老河口做饲料的 想买个发酵豆粕的成熟生产工艺 现在自己做的发酵老是不稳定")
    summary = say(wx, openid, "老河口丰牧饲料有限公司", "预算六十万 联系人 卫红 13800097657")
    assert "需求类型：成果转化" in summary
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "成果转化"


def test_a_full_name_said_alone_completes_the_title_form(wx: object, services: Container) -> None:
    openid = "v21_fullname"
    say(wx, openid, "襄阳瑞丰纸品有限公司想招一个懂造纸湿部化学的技术员 樊城区的 感兴趣的打13800097658找柯经理")
    say(wx, openid, "柯文静", "待遇面议")
    say(wx, openid, "现代农业", "人才引进")
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == "柯文静"


def test_a_call_me_line_is_no_question_and_the_surname_said_finds_the_name(wx: object, services: Container) -> None:
    openid = "v21_callme"
    opened = say(wx, openid, "我们宜城做芝麻油的 小磨香油要做苯并芘检测 超市进货要报告 有什么事联系我13800097659 我姓祁")
    assert "技术需求" in opened and "政策问答" not in opened
    summary = say(wx, openid, "祁红艳", "宜城香源油脂有限公司", "两万块")  # the surname said before: the contact
    assert "请核对" in summary
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "苯并芘" in demand.description and "13800097659" not in demand.description
    assert demand.contact_name == "祁红艳" and demand.company == "宜城香源油脂有限公司"
