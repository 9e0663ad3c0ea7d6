"""Demand, achievement and alert conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices10.jsonl`` before changing anything — the help asked for with words inside its
phrase ('找第三方去测，出份正式报告') or a denial ('不是要研发'), a person who knows the trade ('缺个懂X的人'), a test
that misreads ('检测老是误判': a problem to solve, not a test to book), a request put as a question ('能不能共享…'),
what a sought person does taken for the company's product, a software copyright read as the result's sector, the IP
clause taken for the result's name, '已经在…推广' as a stage, the use said after the name, and a topic added after
the fact ('X那块也加上').
Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, demand_of = forms_chat.say, forms_chat.submit, forms_chat.demand_of
achievement_of, topics_of = voices5.achievement_of, classes.topics_of


def _demand(wx: object, openid: str, *problem: str, industry: str = "") -> None:
    """A demand told in ``problem`` messages, then the company, budget and contact (and the industry when asked)."""
    say(wx, openid, "我要登记个技术需求", *problem)
    reply = say(wx, openid, "襄阳楚材示例实业有限公司 樊城区", "预算五万", "联系人 祁文海 13800098801")
    if industry and "哪个行业" in reply:
        say(wx, openid, industry)


@pytest.mark.parametrize(("openid", "problem", "need"), [
    ("f10_report", ("我们做童装的，面料甲醛老是超标，客户投诉", "就想找第三方去测，出份正式报告，不是要研发"), "检验检测"),
    ("f10_knows", ("我们是做香菇的合作社，菌棒老是污染", "缺个懂制种的人"), "人才引进"),
    ("f10_misreads", ("我们做瓶盖的，视觉检测老是误判，好的判成次品，想找高校合作改算法",), "技术攻关"),
])
def test_the_help_asked_for_decides_the_need_type(wx: object, services: Container, openid: str,
                                                  problem: tuple[str, ...], need: str) -> None:
    """A bare problem first guesses 技术攻关; the help asked for then decides: a report from a third party (said with
    words inside the phrase, research denied) is a test, a person who knows the trade is talent; a test that itself
    misreads is a problem to solve."""
    _demand(wx, openid, *problem, industry="纺织服装")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == need


def test_a_request_put_as_a_question_is_the_need(wx: object, services: Container) -> None:
    """'想问下能不能共享高校的电镜' is what the user needs, not a question in passing: it stays in the description."""
    openid = "f10_may_we"
    _demand(wx, openid, "我们想做铸件断口分析，但厂里没有电镜，想问下能不能共享高校的电镜", industry="高端装备制造")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "共享" in row.description and row.need_type == "设备共享"


def test_what_a_sought_person_does_is_not_the_product(wx: object, services: Container) -> None:
    """'我们给航空发动机配套生产叶片，想引进一个做复合材料的博士': the company's industry is the aircraft', not the
    materials the doctor works on."""
    openid = "f10_sought"
    _demand(wx, openid, "我们给航空发动机配套生产涡轮叶片，现在想引进一个做复合材料的博士")
    submit(wx, openid)
    assert demand_of(services, openid).industry == "航空航天"


def test_a_software_copyright_is_not_the_field(wx: object, services: Container) -> None:
    """'有两项软件著作权' tells the IP, not that the result belongs to 电子信息: the field guessed at the end is the
    one the result's own words lean to."""
    openid = "f10_copyright"
    say(wx, openid, "登记成果", "楚北理工大学", "自动驾驶数据闭环工具链，用摄像头采集路况做场景库，在示范区试运行")
    say(wx, openid, "有两项软件著作权", "联系人 邝文博 13800098802")
    say(wx, openid, "确认")  # the field still open: a guess from all that was said
    submit(wx, openid)
    assert achievement_of(services, openid).field == "智能网联汽车"


def test_a_medicine_form_names_the_field_and_the_use_joins_the_title(wx: object, services: Container) -> None:
    """'黑木耳多糖口服液，用于调节免疫的': a dosage form and immunity are medicine, whatever the raw material; the
    use said right after the name goes into the title."""
    openid = "f10_remedy"
    say(wx, openid, "登记成果", "楚北医学院", "黑木耳多糖口服液，用于调节免疫的，小鼠实验效果明显，还在实验室阶段")
    say(wx, openid, "没有专利", "联系人 邝文博 13800098803", "确认")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.field == "医药健康" and "免疫" in row.title and "口服液" in row.title


def test_the_ip_clause_is_not_the_results_name(wx: object, services: Container) -> None:
    """'…抗病水稻新品种，…，获得了植物新品种权': the title names the variety, not the right; '已经在三个县推广' is
    a result in use (已产业化)."""
    openid = "f10_variety"
    say(wx, openid, "登记成果", "楚北农业科学院", "抗稻瘟病水稻新品种，已经在三个县推广，获得了植物新品种权")
    say(wx, openid, "联系人 邝文博 13800098804", "现代农业")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "水稻" in row.title and "权" not in row.title and row.maturity == "已产业化"


def test_a_topic_added_after_the_fact_at_the_summary(wx: object, services: Container) -> None:
    """At the summary of an alert subscription, '哦对了，环保那块也加上' adds the topic (not '没太明白')."""
    openid = "f10_also_add"
    say(wx, openid, "想订阅企业需求推送", "新能源新材料方向的都推给我")
    reply = say(wx, openid, "哦对了，环保那块也加上，我们也做固废资源化")
    assert "没太明白" not in reply
    submit(wx, openid)
    assert topics_of(services, openid) == ["新能源新材料", "节能环保"]
