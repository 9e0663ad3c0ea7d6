"""Failure classes found with conversations written in other voices (``tests/support/data/dialogues_voices.jsonl``),
through the real webhook: companions named in many ways, titled contacts and phones in other formats, colloquial
maturity, hedged interest lists, colloquial confirmations, and flows that must reach their record when a question
goes unanswered.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement
from tests.chat import test_forms_webhook as forms_chat
from tests.chat.test_forms_classes_webhook import topics_of

services, wx = forms_chat.services, forms_chat.wx  # the same module fixtures: a database with the sample events
say, demand_of, registration = forms_chat.say, forms_chat.demand_of, forms_chat.registration


def achievement_of(services: Container, openid: str) -> Achievement:
    """The single achievement of a user."""
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        session.expunge_all()
    return row


@pytest.mark.parametrize(("first", "contact", "size", "companions"), [
    ("糖尿病饮食那个讲座 我 加上邻居王姐 共两个人", "柏松 138-0001-5003", 2, ["王姐"]),
    ("心肺复苏培训我报个名 还有两个同事小张小李", "我叫霍东 手机13800015004", 3, ["小张", "小李"]),
    ("防溺水讲座 俺带俩孙子去 大的叫童浩 小的叫童杰", "俺叫童国强 138 0001 5005", 3, ["童浩", "童杰"]),
    ("加计扣除的培训 我们公司去三个人 我 还有同事方圆和汤敏", "易兵 电话+86 13800015009", 3, ["方圆", "汤敏"]),
    ("颈椎那个 我们科室三个 我、小谢、小欧", "饶斌 13800018103", 3, ["小谢", "小欧"]),
])
def test_companions_named_in_other_ways(wx: object, services: Container, first: str, contact: str, size: int,
                                        companions: list[str]) -> None:
    """Nicknames with a kin word ('王姐'), '俩', '大的叫…', a head count with names after it, '我、小谢、小欧'."""
    openid = f"v_party_{contact[:2]}"
    say(wx, openid, first)
    summary = say(wx, openid, contact)
    assert f"{size}人" in summary and all(c in summary for c in companions)
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert reg.party_size == size and sorted(reg.companions or []) == sorted(companions)


def test_rare_surnames_and_a_spouse_word(wx: object, services: Container) -> None:
    """'钮丽' (a surname outside the common list) is the name; '我家那口子' is a companion named next ('他叫邓志')."""
    say(wx, "v_rare", "近视讲座 我和闺女俩去")
    summary = say(wx, "v_rare", "我叫钮丽 13800015002，闺女叫钮可可")
    assert "钮丽" in summary and "2人" in summary
    say(wx, "v_rare", "同意")
    assert registration(services, "v_rare").companions == ["钮可可"]
    say(wx, "v_spouse", "糖尿病讲座 我跟我家那口子一起去", "我姓简 简爱华 电话是 13800015006", "他叫邓志", "同意")
    reg = registration(services, "v_spouse")
    assert reg.name == "简爱华" and reg.party_size == 2 and reg.companions == ["邓志"]


def test_also_coming_adds_a_companion_after_signing_up(wx: object, services: Container) -> None:
    """'我家孩子也要去 叫伍一鸣' after the sign-up asks to add one person, and '是的' does it."""
    say(wx, "v_also", "报名近视防控讲座", "伍佳 13800018107", "同意")
    asked = say(wx, "v_also", "我家孩子也要去 叫伍一鸣")
    assert "2人" in asked and "伍一鸣" in asked
    say(wx, "v_also", "是的")
    reg = registration(services, "v_also")
    assert reg.party_size == 2 and reg.companions == ["伍一鸣"]


def test_unanswered_choice_takes_a_marked_guess(wx: object, services: Container) -> None:
    """'行吧' to the industry question (as if all was said) fills the best guess, marked, and shows the summary:
    the form does not ask again forever."""
    openid = "v_choice"
    say(wx, openid, "想发个需求", "我们是襄阳博远电子有限公司 在高新区 做汽车传感器 线束端子压接不良率高 想找自动化检测的方案",
        "预算二十万")
    asked = say(wx, openid, "找我就行 我姓牛 牛志刚 手机 138-0001-6001")
    assert "哪个行业" in asked
    summary = say(wx, openid, "行吧")
    assert "请核对" in summary and "所属行业：" in summary and "根据描述推测" in summary
    say(wx, openid, "可以的 发吧", "同意")
    d = demand_of(services, openid)
    assert d.contact_name == "牛志刚" and d.contact_phone == "13800016001" and d.industry


def test_name_with_a_common_character_and_a_name_never_understood(wx: object, services: Container) -> None:
    """'我姓阮 阮家豪' is the name (家 is a given-name character there); a name the bot cannot read is taken as a
    guess after the second try instead of asking forever."""
    say(wx, "v_name", "提需求", "南漳县鼎盛建材有限公司 南漳 混凝土外加剂和水泥适应性差 坍落度损失快", "二十万以内")
    assert "联系人：阮家豪" in say(wx, "v_name", "联系电话18607102004 我姓阮 阮家豪", "确定")
    openid = "v_name_loop"
    say(wx, openid, "提需求", "谷城县华宇汽配有限公司 谷城 刹车片噪音大 想找降噪配方 行业是汽车及零部件", "预算二十万")
    first = say(wx, openid, "电话13800016006")
    assert "称呼" in first
    again = say(wx, openid, "买买提")
    assert "称呼" in again or "姓名" in again
    summary = say(wx, openid, "买买提")
    assert "请核对" in summary and "联系人：买买提（根据描述推测" in summary and "推测填上" in summary


def test_hedged_interest_lists(wx: object, services: Container) -> None:
    """'大概是 电池回收、储能 这两块吧' → 电池回收、储能; '主要关注 模具；另外 冲压也行' → 模具、冲压."""
    summary = say(wx, "v_hedge", "订阅需求提醒", "大概是 电池回收、储能 这两块吧")
    assert "提醒方向：电池回收、储能\n" in summary
    say(wx, "v_hedge", "嗯嗯", "同意")
    assert topics_of(services, "v_hedge") == ["储能", "电池回收"]
    summary = say(wx, "v_also_ok", "不登成果 有相关需求的话推给我就行", "主要关注 模具；另外 冲压也行")
    assert "提醒方向：模具、冲压\n" in summary


def test_colloquial_maturity_and_alerts_kept_out_of_the_summary(wx: object, services: Container) -> None:
    """'正在两个合作社做示范' is 中试; '提醒我 X和Y方面的 大概就这些' sets the alerts and never lands in the
    result's description or title."""
    openid = "v_maturity"
    say(wx, openid, "把我们研究院的一个成果放到平台", "襄阳农业科学研究院",
        "成果是 一种稻虾共作病害防控技术 正在两个合作社做示范", "无", "程研究员 程雪 13800017005")
    summary = say(wx, openid, "提醒我 水产养殖和稻田综合种养方面的 大概就这些")
    assert "成熟度：中试" in summary and "需求提醒：水产养殖、稻田综合种养" in summary
    say(wx, openid, "行", "同意")
    row = achievement_of(services, openid)
    assert row.maturity == "中试" and row.contact_name == "程雪"
    assert "提醒" not in row.summary and "水产养殖" not in (row.title or "")
    assert topics_of(services, openid) == ["水产养殖", "稻田综合种养"]
