"""Entrepreneurs' messy demand conversations (the voices18 writer's classes) through the real webhook: a bare
'登记' asks which register is meant; greetings, thanks and '请问' stay out of the description; a need said after a
Latin word ('想买两台五轴CNC 缺钱周转') or a funding need ('流片要钱 想融一轮') reaches it."""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
services, wx = forms_chat.services, forms_chat.wx  # a WeChat client over the forms module's services


def test_a_bare_register_asks_which_register_is_meant(wx: object) -> None:
    reply = say(wx, "v18_bare", "登记")
    assert "技术需求" in reply and "科研成果" in reply and "成果简介" not in reply
    opened = say(wx, "v18_bare", "1")
    assert "问题" in opened and "单位" not in opened.split("问题")[0][-2:]  # the demand form asks for the problem


def test_greetings_thanks_and_please_stay_out_of_the_description(wx: object, services: Container) -> None:
    openid = "v18_polite"
    say(wx, openid, "各位老师好，打扰了，我们主要给航空领域配套生产救生伞，伞衣在高低温循环试验以后强度下降得厉害，"
                    "想找院校的材料专家合作攻关一下，谢谢啦")
    say(wx, openid, "襄阳天翼伞具科技有限公司 高新区", "面议", "联系人 蒲建军 13800097115", "航空航天", "技术攻关")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "伞衣" in demand.description and "强度" in demand.description
    for word in ("老师好", "打扰", "谢谢"):
        assert word not in demand.description and word not in demand.title


def test_a_need_after_a_latin_word_and_a_funding_need_reach_the_description(wx: object, services: Container) -> None:
    openid = "v18_cnc"
    say(wx, openid, "我想提个需求 我们做数控机床配套的液压夹具 在高新区 订单多了 想买两台五轴CNC 缺钱周转")
    say(wx, openid, "襄阳铁马精工机械有限公司", "两百万左右", "联系人 杨丽萍 13800097104", "高端装备制造", "科技金融")
    submit(wx, openid)
    assert "五轴" in demand_of(services, openid).description
    openid = "v18_chip"
    say(wx, openid, "我想提个需求 能不能帮忙对接投资机构", "我们做工业相机图像传感器芯片的 樊城区 襄阳鹰眼微电子有限公司")
    reply = say(wx, openid, "流片要钱 想融一轮")
    assert "预算" in reply  # the budget is asked again
    say(wx, openid, "大概一千万", "联系人 钟浩 13800097129", "电子信息", "科技金融")
    submit(wx, openid)
    assert "流片" in demand_of(services, openid).description


def test_please_does_not_open_the_description(wx: object, services: Container) -> None:
    openid = "v18_please"
    say(wx, openid, "请问你们那有没有共享的仪器设备 我们是做中药配方颗粒的 要做指纹图谱 需要用液相色谱质谱联用仪 买一台太贵了")
    say(wx, openid, "襄阳仁和堂药业有限公司 襄州区", "面议", "联系人 庞敏 13800097112", "医药健康", "设备共享")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "液相色谱" in demand.description and not demand.description.startswith("请问")


def test_a_company_taking_in_an_institutes_result_files_a_demand(wx: object, services: Container) -> None:
    openid = "v18_acquire"
    say(wx, openid, "我们是给飞机做复合材料舱门的 襄阳云翼航空复材有限公司 高新区")
    opened = say(wx, openid, "想引进一个研究院的热塑性复合材料自动铺放成果 买断或者许可都行")
    assert "项目库" not in opened and "高校或科研院所" not in opened
    say(wx, openid, "钱的话面议", "联系人 房磊 13800097139", "航空航天", "成果转化")
    submit(wx, openid)
    assert "铺放" in demand_of(services, openid).description


def test_the_unit_question_takes_the_formal_name_and_refuses_a_frequency(wx: object, services: Container) -> None:
    openid = "v18_unit"
    say(wx, openid, "登记需求", "十堰 污水处理站 出水总氮老超标 想找个有资质的第三方检测机构测一下")
    say(wx, openid, "你问公司名？我们是十堰清源水务运营有限公司", "费用一万左右", "联系人？就找我 陈刚 13800097110")
    submit(wx, openid)
    assert demand_of(services, openid).company == "十堰清源水务运营有限公司"
    openid = "v18_often"
    say(wx, openid, "有没有地方能租用扫描电镜", "我们做光伏银浆的 要看银粉形貌 送出去测太慢 想自己去人家那用设备")
    reply = say(wx, openid, "一个月用个三四次")
    assert "单位名称：一个月" not in reply
    say(wx, openid, "襄阳晶银新材料有限公司 樊城区", "预算 六万", "联系人 研发 曹雪 13800097120", "新能源新材料", "设备共享")
    submit(wx, openid)
    assert demand_of(services, openid).company == "襄阳晶银新材料有限公司"


def test_a_cleanroom_class_is_no_budget_and_stays_in_the_description(wx: object, services: Container) -> None:
    openid = "v18_cleanroom"
    say(wx, openid, "我们是做医用敷料的 襄城区 襄阳康护医疗器械有限公司", "要扩建一条十万级洁净车间 买设备缺钱周转")
    say(wx, openid, "要六百万", "联系人 闵佳 13800097138", "医药健康", "科技金融")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "洁净车间" in demand.description and demand.budget == "600万元"
