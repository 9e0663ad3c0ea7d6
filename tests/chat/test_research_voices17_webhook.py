"""Researcher conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices17.jsonl`` (achievements and alert subscriptions) before changing anything — the
result named in the opening words ('我们做的那个X 想放到项目库里', '…研究所有个X', or in a message answered as an
introduction just before the unit) lost to a later clause ('这套方法', a clause telling the stage); '成果是一种X的Y';
everyday sector words as alert topics ('服装方面、装备制造方面', '主要是X和Y领域' after the cue, a catalogue name said
outright with an example in it); '导师叫X'; a university's short name with a school ('楚北理工材料学院'); '单位就写X';
a bare '一个发明' among patents; '铸钢换成锻铝' or a late '其实' inside a description taken as a form switch.
Sentences are phrased unlike the data set's.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import User
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit = forms_chat.say, forms_chat.submit
achievement_of, topics_of = voices5.achievement_of, classes.topics_of


def _user(services: Container, openid: str) -> User | None:
    """The user's stored profile (name, phone, unit)."""
    with services.db.session() as session:
        row = session.scalar(select(User).where(User.openid == openid))
        if row is not None:
            session.expunge(row)
        return row


def test_everyday_sector_words_in_an_alert_request_name_catalogue_industries(wx: object, services: Container) -> None:
    """'以后有服装方面、装备制造方面的需求推给我' subscribes to 纺织服装 and 高端装备制造 (and '发挥下余热' before it is
    no topic); '电池方面的企业需求' is 新能源新材料."""
    openid = "r17_sectors"
    say(wx, openid, "我以前在服装厂当技术科长 没什么成果 就是想发挥下余热 以后有服装方面、装备制造方面的需求推给我",
        "我叫雷振华 手机13800017101")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["纺织服装", "高端装备制造"])
    openid = "r17_battery"
    say(wx, openid, "我不登成果", "电池方面的企业需求发给我就行", "雷振华 13800017102")
    submit(wx, openid)
    assert topics_of(services, openid) == ["新能源新材料"]


def test_fields_said_with_specific_topics_are_the_alerts(wx: object, services: Container) -> None:
    """'以后有疲劳分析、拓扑优化这类需求推给我 主要是智能网联汽车和电子信息领域': the fields named are the alerts; a
    catalogue name said outright with an example ('医药健康 和 节能环保 污水处理那块') alerts on the fields."""
    openid = "r17_mainly"
    say(wx, openid, "以后有疲劳分析、拓扑优化这类需求推给我 主要是智能网联汽车和电子信息领域", "雷振华 13800017103",
        "成果不登 只订阅")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["智能网联汽车", "电子信息"])
    openid = "r17_example"
    say(wx, openid, "我想订阅需求推送", "医药健康 和 节能环保 污水处理那块", "雷振华 13800017104")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["医药健康", "节能环保"])


def test_subscribing_for_ones_supervisor(wx: object, services: Container) -> None:
    """'她对新材料和电子信息方向的需求感兴趣' subscribes (not '她对新材料'); '导师叫X 电话…' is the contact."""
    openid = "r17_supervisor"
    say(wx, openid, "帮我们导师订阅一下 她对新材料和电子信息方向的需求感兴趣", "导师叫祁晓蓉 电话 13800017105")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["新能源新材料", "电子信息"])
    user = _user(services, openid)
    assert user is not None and user.name == "祁晓蓉" and user.phone == "13800017105"


def test_a_one_message_subscription_with_a_typo_keeps_topics_and_contact(wx: object, services: Container) -> None:
    """'我想定阅一下企业需求 有关汽车和航空的都推给我 还有节能环保 我叫X 电话Y': all three fields, and the contact."""
    openid = "r17_typo"
    say(wx, openid, "我想定阅一下企业需求 有关汽车和航空的都推给我 还有节能环保 我叫祁建国 电话13800017106 以前在研究所搞动力的")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["汽车及零部件", "航空航天", "节能环保"])
    user = _user(services, openid)
    assert user is not None and user.name == "祁建国" and user.phone == "13800017106"


def test_a_university_short_name_with_a_school_is_the_university(wx: object, services: Container) -> None:
    """'我是楚北理工材料学院的讲师' and '楚北理工 机电学院' register 楚北理工大学 (not the school); '单位就写X吧'
    registers X; a bare '一个发明' among patents is an invention patent, not counted twice."""
    openid = "r17_short_uni"
    say(wx, openid, "我是楚北理工材料学院的讲师 姓祁 登记个成果", "一种低温烧结的银浆材料 已经小试", "新能源新材料",
        "有三个专利 两个发明一个实用新型", "联系人 祁文 13800017107")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.institution == "楚北理工大学"
    assert row.ip is not None and "发明专利2项" in row.ip and "实用新型" in row.ip and "专利3项" not in row.ip
    openid = "r17_spaced_uni"
    say(wx, openid, "楚北理工 机电学院", "一种盾构机刀盘磨损在线监测装置 做了样机在工地试用", "高端装备制造", "专利在审 报的是发明",
        "联系人 祁文 13800017108")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.institution == "楚北理工大学" and row.ip is not None and "发明专利" in row.ip
    openid = "r17_write_unit"
    say(wx, openid, "楚北农业大学和附属医院合作的项目《猕猴桃溃疡病快速检测试纸》", "单位就写楚北农业大学吧", "小试做完了",
        "现代农业", "没有", "联系人 祁文 13800017109")
    submit(wx, openid)
    assert achievement_of(services, openid).institution == "楚北农业大学"


def test_the_thing_named_in_the_opening_words_names_the_result(wx: object, services: Container) -> None:
    """'我们做的那个冷库远程温控网关 想放到项目库里' and '…研究所有个丙烷脱氢的铂锡催化剂': the thing named is the
    title and in the description, not a later clause ('用户的冷库出了问题…', '催化性能都测过了')."""
    openid = "r17_gateway"
    say(wx, openid, "你好 我们做的那个冷库远程温控网关 想放到项目库里", "楚北职业技术学院 电气系",
        "就是用户的冷库出了问题不用派人跑现场 远程就能调参数 已经在五家企业用上了", "有一个软著", "电子信息",
        "联系人 祁海 13800017110")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "温控网关" in row.title and "温控网关" in row.summary
    openid = "r17_catalyst"
    say(wx, openid, "我们楚北化工研究所有个丙烷脱氢的铂锡催化剂 选择性提高一成", "做了公斤级的小试样品 催化性能都测过了",
        "发明专利一项", "联系人：祁工，祁海，13800017111", "新能源新材料")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "催化剂" in row.title and "测过" not in row.title and "铂锡" in row.summary


def test_a_result_answered_as_an_introduction_is_kept_when_the_unit_follows(wx: object, services: Container) -> None:
    """'我们做的那个锅炉烟气余热回收装置 …' (answered as an introduction) then '楚北理工大学 能源学院的': the form
    opens on both, the result named by the first."""
    openid = "r17_intro_first"
    say(wx, openid, "我们做的那个锅炉烟气余热回收装置 能给车间冬天供暖", "楚北理工大学 能源学院的",
        "已经在好几家工厂装了 三十多台在用", "有两个实用新型专利", "联系人 祁海 13800017112", "节能环保")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "余热回收" in row.title and "三十多台" not in row.title


def test_a_clause_telling_the_stage_or_a_demonstrative_never_names_it(wx: object, services: Container) -> None:
    """'反应器在实验室跑了半年了' tells the stage ('微藻…废水' names the result); '这套方法在…用了一年' points back
    to the opening words ('课题组做风电叶片模具的热仿真优化'); '成果是一种可降解的…' names it, 的 and all."""
    openid = "r17_stage_clause"
    say(wx, openid, "老师让我帮他登记个成果 我是楚北理工大学环境学院的研究生",
        "就是用微藻处理屠宰场那种高浓度废水 氮磷去除率比活性污泥高", "还在做实验 反应器在实验室跑了半年了",
        "联系人写我老师 祁立新教授 电话13800017113", "节能环保", "没有")
    submit(wx, openid)
    title = achievement_of(services, openid).title
    assert "微藻" in title and "反应器" not in title
    openid = "r17_this_method"
    say(wx, openid, "hi 我们课题组做风电叶片模具的热仿真优化 主要解决固化不均和翘曲", "楚北理工大学 机械专业",
        "这套方法在一家叶片厂用了一年了 固化周期缩短10% 已经产业化了", "联系人 祁海 13800017114", "没有", "新能源新材料")
    submit(wx, openid)
    title = achievement_of(services, openid).title
    assert "风电叶片" in title and "这套" not in title
    openid = "r17_result_is"
    say(wx, openid, "老师们好，楚北医学院的。我们课题组这些年一直做伤口敷料，最早是给烧伤科用的。",
        "成果是一种可降解的海藻酸钠复合敷料，换药次数少一半左右。", "已经拿到注册证了，跟一家公司合作在卖。", "授权了一个发明专利。",
        "联系人写我们课题组的祁老师，祁静，13800017115", "医药健康")
    submit(wx, openid)
    assert "海藻酸钠复合敷料" in achievement_of(services, openid).title


def test_a_description_with_a_substitution_or_a_late_aside_stays_in_the_form(wx: object, services: Container) -> None:
    """'铸钢换成锻铝' inside a description is neither a switch to the demand form nor an alert topic; a description
    ending '…这个其实挺难的' stays in the achievement form; '…研究院 我们有套焊缝打磨的末端执行器' offers a result."""
    openid = "r17_swap_in_text"
    say(wx, openid, "楚北汽车研究院 底盘所", "我们有个重卡转向节的轻量化设计 铸钢换成锻铝 单件减重3公斤",
        "台架试验做完了 样件在一家车桥厂试装", "有一个发明 还在实审", "联系人 祁工 祁立成 13800017116", "汽车及零部件")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "转向节" in row.title and row.field == "汽车及零部件" and "锻铝" not in topics_of(services, openid)
    openid = "r17_late_aside"
    say(wx, openid, "您好，我是楚北理工大学食品学院的老师，我叫祁晓梅。我们本地的腊肉大家都知道吧，传统做法盐放得太多了",
        "我们团队这几年就搞了一个低盐腌制的工艺，接种了自己筛的菌种，盐能降一半，口感不变，这个其实挺难的",
        "现在跟一家肉食厂合作在小批量试产", "现代农业", "中试", "没有", "电话13800017117")
    submit(wx, openid)
    assert "低盐腌制" in achievement_of(services, openid).title
    openid = "r17_end_effector"
    reply = say(wx, openid, "楚北智能装备研究院 我们有套焊缝打磨的末端执行器")
    assert "成果" in reply and "技术难题" not in reply
