"""Researcher conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices8.jsonl`` (achievements and alert subscriptions) before changing anything — a
catalogue industry named as an alert topic (kept whole, with a dialect word or '方向' glued to it), a greeting taken
for a topic, a correction cue before any stage, a dialect negation of a stage, and a title form followed later by
the full name. Sentences are phrased unlike the data set's (the classes, not its lines, are tested).
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit = forms_chat.say, forms_chat.submit
achievement_of, topics_of = voices5.achievement_of, classes.topics_of


@pytest.mark.parametrize(("openid", "opening", "topics"), [
    ("f8_whole", "您好，不登记成果，汽车及零部件、纺织服装的需求推给我", ["汽车及零部件", "纺织服装"]),
    ("f8_glued", "哈喽 不登成果哈，啥子电子信息方向的需求都推给我", ["电子信息"]),
])
def test_a_catalogue_industry_is_one_alert_topic(wx: object, services: Container, openid: str, opening: str,
                                                 topics: list[str]) -> None:
    """An industry of the catalogue stays whole ('汽车及零部件' is not split at 及, '电子信息' keeps 信息), a word
    glued to it ('啥子', '方向') is no topic, and a greeting is no topic."""
    say(wx, openid, opening)
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(topics)


@pytest.mark.parametrize(("openid", "stage_said", "maturity"), [
    ("f8_cue", "哎不对不对，刚才发错群了。这个目前还在实验室里调配方，做了几批样品", "实验室阶段"),
    ("f8_dialect", "实验室小试搞完了，中试还冇开始", "小试"),
    ("f8_planned", "小试已经过了，中试计划明年上", "小试"),
])
def test_the_stage_with_an_unrelated_cue_or_a_dialect_negation(wx: object, services: Container, openid: str,
                                                              stage_said: str, maturity: str) -> None:
    """A '不对' before any stage corrects no stage (where the result still is wins); a stage followed by a denial
    or a plan ('中试还冇开始', '中试计划明年上') is not reached."""
    say(wx, openid, "我想登记个成果", "楚北理工大学", "一种低温固化的水性防腐涂料")
    say(wx, openid, stage_said, "没有专利", "联系人 邝文博 13800098401", "新能源新材料")
    submit(wx, openid)
    assert achievement_of(services, openid).maturity == maturity


def test_a_full_name_given_after_a_title_form_replaces_it(wx: object, services: Container) -> None:
    """'联系人写陶老师就可以' then, a few turns later, '全名是陶以宁 电话…': the full name of the same surname is
    stored; '联系人就填邝主任吧' is understood as a contact (the cue '就填')."""
    openid = "f8_title_later"
    say(wx, openid, "我想登记个成果", "楚北理工大学", "一种低温固化的水性防腐涂料，已经在中试线上试生产")
    say(wx, openid, "联系人写陶老师就可以", "没有专利")
    say(wx, openid, "哦 全名是陶以宁 电话13800098402", "新能源新材料")
    submit(wx, openid)
    assert achievement_of(services, openid).contact_name == "陶以宁"
    say(wx, "f8_cue_fill", "我想登记个成果", "楚北理工大学", "一种低温固化的水性防腐涂料，已经在中试线上试生产")
    assert "已记下联系人" in say(wx, "f8_cue_fill", "联系人就填邝主任吧")


def test_the_result_said_with_the_unit_and_a_labelled_stage_is_no_description(wx: object,
                                                                            services: Container) -> None:
    """At the unit question, '…大学 …中心 我们做的是X' gives the unit and the result X; '成熟度算小试吧' at the
    description question sets the stage and is not taken for the description."""
    openid = "f8_unit_and_what"
    say(wx, openid, "想登记一项成果", "楚北理工大学 农业工程中心 我们做的是丘陵果园无人化采摘路径规划")
    say(wx, openid, "成熟度算小试吧", "没有专利", "联系人 邝文博 13800098403", "现代农业")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert (row.institution, row.maturity) == ("楚北理工大学", "小试")
    assert "采摘路径规划" in row.title and "成熟度" not in (row.summary or "")


def test_a_contact_clause_is_no_summary_and_the_ip_is_no_alert_topic(wx: object, services: Container) -> None:
    """Found by the lead in ``kc chat``: '…联系我们组长，孟老师，孟庆华…' kept the contact clauses in the summary,
    '有一个实用新型 另外X方面的需求也跟我说一声' stored '一个实用新型' as an alert topic beside X, and '…农科院' was no
    institution (an industry named next was then stored as the unit)."""
    openid = "f8_lead_contact"
    say(wx, openid, "您好 我是汉江农科院植保所的 团队做了个柑橘黄龙病快速检测试剂盒 在两个果园试用了一季 "
                    "联系我们课题组长 闵老师 闵德全 电话13800097391",
        "是的", "有一项发明专利 另外以后有柑橘种植方面的企业需求也跟我说一声", "现代农业")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "闵" not in row.summary and "组长" not in row.summary and "试剂盒" in row.summary
    assert topics_of(services, openid) == ["柑橘种植"] and row.institution == "汉江农科院"
