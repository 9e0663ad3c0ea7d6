"""Demand and achievement forms through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices4.jsonl`` before changing anything (a vague opener left as the description,
an industrial-park address taken for the industry, a university's school cut at '大学生', a generic word in an
event title taken for an event).
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit = forms_chat.say, forms_chat.demand_of, forms_chat.submit


def test_a_vague_opener_gives_way_to_the_problem_said_later(wx: object, services: Container) -> None:
    """'我们厂想找专家帮忙解决个问题' first, the real problem later while the industry is being checked: the
    description holds the problem, not the opener."""
    openid = "f4_vague"
    say(wx, openid, "你好 我们厂想找专家帮忙解决个问题", "襄阳金瑞铸造有限公司 在襄州区双沟", "我们做灰铁铸件的 加工完表面老有砂眼",
        "是", "预算 大概三十万吧", "联系人 我 陈国富 13800420001")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "砂眼" in row.description and "找专家" not in row.description


def test_an_opener_question_gives_way_to_the_problem_said_next(wx: object, services: Container) -> None:
    """'想问一下 你们能帮找检测机构不' then the problem while the company is asked: the problem is kept."""
    openid = "f4_ask"
    say(wx, openid, "想问一下 你们能帮找检测机构不", "我们是做校服面料的 要做甲醛和色牢度检测 出报告 学校要",
        "公司名 襄阳锦华纺织有限公司 樊城区的", "两万以内", "联系人 杨晓丽 电话 13800420002")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "色牢度" in row.description and row.description != "想问一下"


def test_an_industrial_park_address_is_no_industry(wx: object, services: Container) -> None:
    """'…高新区汽车产业园里' says where the company is; the industry comes from what it makes (无人配送车)."""
    openid = "f4_park"
    summary = say(wx, openid, "想发个技术难题 我们做无人配送车的 低速场景下激光雷达误识别 下雨天尤其多",
                  "公司 襄阳驰行智能科技有限公司 高新区汽车产业园里", "预算 一百万", "联系人 汪磊 13800420011")
    assert "所属行业：智能网联汽车" in summary


def test_a_school_of_a_university_is_filed_under_the_university(wx: object, services: Container) -> None:
    """'汉水大学生命科学学院 我们实验室有个成果' starts an achievement (the word 实验室 names no event) and the
    institution is the university."""
    openid = "f4_school"
    first = say(wx, openid, "汉水大学生命科学学院 我们实验室有个成果")
    assert "项目库" in first and "【E11】" not in first
    say(wx, openid, "一种葛根黄酮的低温提取工艺", "还在实验室阶段 只做了克级的", "发明专利一项 已授权",
        "联系我 实验员 秦婉 13800430002", "医药健康")
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert row.institution == "汉水大学"
