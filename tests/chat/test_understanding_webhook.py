"""Understanding real users (issue 11), end to end through the signed webhook: small talk, asking when unsure,
follow-ups in context, mid-form questions, switching forms, hand-off with working hours.

The phrasings here are not the corpus utterances. The knowledge base is a fake that records every use and
whose embedder may not be touched, so a test fails if small talk, help or a command reaches retrieval.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.container import Container
from bot.domain.demands import DemandInput, submit_demand
from bot.store.models import Achievement, Event, HandoffRequest
from tests.support.env import call, make_settings
from tests.support.handlers import FakeKnowledge
from tests.support.wechat_client import wechat_client

WEEKDAY_MORNING = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Xiangyang
SATURDAY_NIGHT = datetime(2027, 3, 6, 13, 0, tzinfo=UTC)  # Saturday 21:00 in Xiangyang
POLICY_DECLINE = "没有找到"


class Untouchable:
    """An embedder nobody may use in these conversations."""

    enabled = True
    name = "untouchable"

    def encode_query(self, text: str) -> Any:
        """Fail loudly: the message should never have been embedded."""
        raise AssertionError(f"embedded: {text}")


@dataclass
class GuardedKnowledge(FakeKnowledge):
    """The fake knowledge base plus a record of every embedder access."""

    touched: list[str] = field(default_factory=list)
    continued: list[tuple[str, int]] = field(default_factory=list)

    @property
    def embedder(self) -> Untouchable:
        """Record the access (the intent layer only looks when a message needs the vector stage)."""
        self.touched.append("embedder")
        return Untouchable()

    def more(self, doc: str, start: int) -> Any:
        """Record the continuation request."""
        self.continued.append((doc, start))
        return super().more(doc, start)


@pytest.fixture
def kb() -> GuardedKnowledge:
    """Answers to the policy questions the conversations ask."""
    return GuardedKnowledge({
        "等下，晨光计划到底是干嘛的": "晨光计划支持青年科技人才……来源：《晨光计划》",
        "人才公寓咋申请的": "人才公寓向引进人才开放申请……来源：《人才安居》",
    })


def silent_kb() -> GuardedKnowledge:
    """A knowledge base no conversation of a test module should ask (``kb = pytest.fixture(name="kb")(silent_kb)``)."""
    return GuardedKnowledge({})


def container(tmp_path: Path, kb: GuardedKnowledge, now: datetime = WEEKDAY_MORNING) -> Container:
    """A migrated container on SQLite with the fake knowledge base and a frozen clock."""
    return Container.create(make_settings(tmp_path / "data"), knowledge=kb, clock=Clock(now))  # type: ignore[arg-type]


@pytest.fixture
def svc(tmp_path: Path, kb: GuardedKnowledge) -> Iterator[Container]:
    """The service container of one test."""
    services = container(tmp_path, kb)
    yield services
    services.close()


def one(replies: list[str]) -> str:
    """The passive reply as one text."""
    assert replies, "no passive reply"
    return "\n".join(replies)


def add_event(svc: Container, event_id: str = "E31") -> None:
    """An open event next week."""
    start = svc.now() + timedelta(days=5)
    with svc.db.session() as s:
        s.add(Event(id=event_id, appid=svc.appid, title="老年人防跌倒健康讲座", category="健康科普进社区", start=start,
                    end=start + timedelta(hours=2), location="樊城区清河社区活动室二楼", region="襄阳市樊城区",
                    capacity=30, signup_deadline=start - timedelta(days=1), description="请带上老花镜和水杯。"))


# --- small talk ----------------------------------------------------------------------------------

SMALL_TALK = [
    ("你好啊小助手", ("科创助手", "技术需求", "科普活动")),
    ("在不在呀", ("您好",)),
    ("早啊", ("您好",)),
    ("多谢啦", ("不客气",)),
    ("好滴", ("好的",)),
    ("👍👍", ("好的",)),
    ("你是不是机器人", ("不是真人", "转人工", "周一至周五")),
    ("你都能干点啥", ("提需求", "登记成果", "问政策")),
    ("拜拜了", ("再见",)),
    ("你们这玩意儿真不好使", ("抱歉", "转人工")),
    ("哈哈哈笑死", ("😄",)),
    ("确认", ("好的",)),
]


def test_small_talk_gets_short_natural_replies_and_never_reaches_knowledge(svc: Container,
                                                                           kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        for text, expected in SMALL_TALK:
            reply = one(wx.send_text("o_chat", text))
            assert all(e in reply for e in expected), (text, reply)
            assert POLICY_DECLINE not in reply and "来源" not in reply, (text, reply)
    assert kb.asked == [] and kb.touched == []


def test_acknowledgement_after_a_finished_sign_up_is_not_a_question(svc: Container, kb: GuardedKnowledge) -> None:
    add_event(svc)
    with wechat_client(svc) as wx:
        wx.send_text("o_ack", "报名 E31")
        wx.send_text("o_ack", "周桂兰 13800002468")
        assert "报名成功" in one(wx.send_text("o_ack", "同意"))
        for text in ("好的", "谢谢你", "确认"):
            reply = one(wx.send_text("o_ack", text))
            assert POLICY_DECLINE not in reply and len(reply) < 40, (text, reply)
    assert kb.asked == [] and kb.touched == []


# --- the capabilities by intent -------------------------------------------------------------------

def test_colloquial_production_problem_opens_the_demand_form_not_a_policy_answer(svc: Container,
                                                                                 kb: GuardedKnowledge) -> None:
    problem = "俺们厂是做灰铁铸件的 水泵壳子一打压就渗水 车间查了半个月也没找着原因 这咋弄"
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_need", problem))
    assert "登记技术需求" in reply
    assert "已记下您的问题：" in reply and "渗水" in reply  # the problem is read back, not asked again
    assert "遇到的问题" not in reply
    assert kb.asked == []


def test_questions_about_the_platform_events_and_data_reach_the_right_capability(svc: Container,
                                                                                  kb: GuardedKnowledge) -> None:
    add_event(svc)
    with wechat_client(svc) as wx:
        assert "提需求" in one(wx.send_text("o_cap", "问题库跟项目库怎么对接的啊"))
        listing = one(wx.send_text("o_cap", "社区最近有没有科普讲座 我想带我爸去"))
        assert "老年人防跌倒健康讲座" in listing
        assert "目前没有保存" in one(wx.send_text("o_cap", "你们都存了我啥信息"))
        assert "确定要删除" in one(wx.send_text("o_cap", "把我资料全删了 不想留"))
        assert "匹配记录" in one(wx.send_text("o_cap2", "有企业需要我的技术吗"))  # a researcher asking for matches
    assert kb.asked == []


def test_help_and_a_complaint_in_english_are_understood_not_refused(svc: Container, kb: GuardedKnowledge) -> None:
    """English help requests and complaints get the help text and the apology, not "please ask in Chinese"."""
    with wechat_client(svc) as wx:
        assert "提需求" in one(wx.send_text("o_en", "how do I use this bot"))
        complaint = one(wx.send_text("o_en", "this bot is useless"))
        assert "抱歉" in complaint and "转人工" in complaint
    assert kb.asked == []


# --- voices the corpus lacks ----------------------------------------------------------------------

def test_messages_typed_in_pinyin_letters_reach_the_capability_they_sound_like(svc: Container,
                                                                                kb: GuardedKnowledge) -> None:
    """Older users and people without a Chinese keyboard type by sound: 'ni shi ji qi ren ma' is 你是机器人吗."""
    with wechat_client(svc) as wx:
        identity = one(wx.send_text("o_py", "ni shi ji qi ren ma"))
        assert "不是真人" in identity and not identity.startswith("您是想"), identity
        form = one(wx.send_text("o_py", "wo yao deng ji cheng guo"))
        assert "成果登记到项目库" in form, form
    assert kb.asked == []


# --- asking when unsure ---------------------------------------------------------------------------

def test_unsure_message_is_asked_about_and_the_choice_continues_with_the_original(svc: Container,
                                                                                    kb: GuardedKnowledge) -> None:
    vague = "我想问问技术的事"
    with wechat_client(svc) as wx:
        question = one(wx.send_text("o_vague", vague))
        assert question.startswith("您是想：") and "问政策" in question
        number = question.split("问政策")[0].split()[-1]
        wx.send_text("o_vague", number)
    assert kb.asked == [vague]  # the user never retyped it


def test_a_choice_in_words_also_answers_the_question(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        question = one(wx.send_text("o_words", "想问个事"))
        assert question.startswith("您是想：") and "登记技术需求" in question
        assert "登记技术需求" in one(wx.send_text("o_words", "需求"))


# --- follow-ups in context ------------------------------------------------------------------------

def test_where_and_when_after_a_sign_up_answer_from_that_event(svc: Container, kb: GuardedKnowledge) -> None:
    add_event(svc)
    with wechat_client(svc) as wx:
        wx.send_text("o_fu", "报名 E31")
        wx.send_text("o_fu", "李德全 13800001357")
        wx.send_text("o_fu", "同意")
        for text, fact in (("在哪儿啊", "清河社区活动室"), ("几点开始呀", "10:00"), ("讲座的地址发我下", "清河社区活动室")):
            reply = one(wx.send_text("o_fu", text))
            assert fact in reply and "E31" in reply, (text, reply)
        assert "老花镜" in one(wx.send_text("o_fu", "要带点啥不"))
        assert "E31" in one(wx.send_text("o_fu", "我报的那个"))
    assert kb.asked == []


def test_review_status_and_record_details_follow_up(svc: Container, kb: GuardedKnowledge) -> None:
    data = DemandInput(company="襄阳某铸造有限公司", industry="装备制造", need_type="技术攻关", title="球铁件缩松",
                       description="农机变速箱壳体铸件缩松，加工后有小孔", region="襄阳市樊城区", budget="面议",
                       contact_name="王工", contact_phone="13800001122")
    demand = call(svc.db, submit_demand, data=data, appid=svc.appid, openid="o_rec", now=svc.now(),
                  require_review=True)
    with svc.db.session() as s:
        s.add(Achievement(id="A71", appid=svc.appid, title="球墨铸铁凝固模拟与补缩工艺", summary="基于凝固模拟优化冒口，缩松缺陷降低八成。",
                          field="装备制造", institution="某大学材料学院", maturity="中试", keywords=["缩松"]))
    with wechat_client(svc) as wx:
        status = one(wx.send_text("o_rec", "我那个铸件的需求审核过了没"))
        assert demand.id in status and "待审核" in status
        record = one(wx.send_text("o_rec", "A71是个啥技术 能说说不"))
        assert "球墨铸铁凝固模拟" in record and "缩松缺陷" in record
        assert "A71" in one(wx.send_text("o_rec", "再详细说说"))
    assert kb.asked == []


def test_more_continues_the_last_policy_answer(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        assert "人才公寓" in one(wx.send_text("o_more", "人才公寓咋申请的"))
        assert "后续内容" in one(wx.send_text("o_more", "还有吗"))
    assert kb.continued == [("doc", 1)]


# --- inside a form --------------------------------------------------------------------------------

def test_a_question_mid_form_is_answered_and_the_form_resumes(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        opened = one(wx.send_text("o_mid", "我们做汽车线束的 端子压接老是拉脱 想找专家看看"))
        assert "登记技术需求" in opened
        aside = one(wx.send_text("o_mid", "等下，晨光计划到底是干嘛的"))
        assert "晨光计划支持青年科技人才" in aside and "我们接着填技术需求" in aside
        assert "已记下" in one(wx.send_text("o_mid", "襄阳恒通线束有限公司"))


def test_switching_from_demand_to_achievement_carries_contact_and_cancel_still_works(svc: Container,
                                                                                      kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        wx.send_text("o_sw", "提需求")
        wx.send_text("o_sw", "我们是湖北汽车工业学院的，联系人陈明 13800004321")
        switched = one(wx.send_text("o_sw", "不对不对，我不是来提需求的，是要登记我们的科研成果"))
        assert "项目库" in switched and "已沿用您刚才说的单位、联系人、电话" in switched
        assert "单位" not in switched.split("\n")[-1]  # the next question is not the institution again
        assert "已取消" in one(wx.send_text("o_sw", "算了 不弄了"))


# --- hand-off -------------------------------------------------------------------------------------

def test_handoff_in_working_hours_carries_the_recent_messages(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        wx.send_text("o_h", "报名的时候说名额满了 可是我朋友刚报上")
        reply = one(wx.send_text("o_h", "我要找人工"))
    assert "联络员" in reply and "现在是工作时间" in reply
    with svc.db.session() as s:
        (row,) = s.scalars(select(HandoffRequest).where(HandoffRequest.openid == "o_h")).all()
    assert "名额满了" in row.question


def test_handoff_outside_working_hours_says_when_a_person_answers(tmp_path: Path, kb: GuardedKnowledge) -> None:
    services = container(tmp_path, kb, SATURDAY_NIGHT)
    try:
        with wechat_client(services) as wx:
            reply = one(wx.send_text("o_night", "找个真人来"))
            assert "非工作时间" in reply and "周一 09:00" in reply, reply
            # the request is open: a complaint with content goes onto it, and the bot says a person is on it
            assert "联络员正在处理" in one(wx.send_text("o_night", "我要投诉 活动现场没有我的名字"))
        with services.db.session() as s:
            rows = s.scalars(select(HandoffRequest).where(HandoffRequest.openid == "o_night")).all()
        assert len(rows) == 1 and "活动现场没有我的名字" in str(rows[0].followups)
    finally:
        services.close()


# --- corrections of what was meant, hand-off in the middle of a form ---------------------------------

def test_a_correction_of_what_was_meant_mid_form_is_taken_not_answered(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        opened = one(wx.send_text("o_meant", "我们厂做球铁件的 农机变速箱壳子 最近老有缩松 加工一刀下去里面全是小眼 咋搞"))
        assert "登记技术需求" in opened
        reply = one(wx.send_text("o_meant", "？？我问的是铸件缩松 不是问农业"))
        assert "铸件缩松" in reply and "单位" in reply.split("\n")[-1], reply  # taken, then the pending question
        assert "已记下" in one(wx.send_text("o_meant", "襄阳重工铸造有限公司"))
    assert kb.asked == []  # no policy aside for the correction


def test_a_correction_that_names_a_question_mid_form_is_answered(svc: Container, kb: GuardedKnowledge) -> None:
    kb.answers["人才公寓咋申请的"] = "人才公寓向引进人才开放申请……来源：《人才安居》"
    with wechat_client(svc) as wx:
        wx.send_text("o_meant2", "提需求")
        reply = one(wx.send_text("o_meant2", "不是 我问的是人才公寓咋申请的"))
    assert "人才公寓向引进人才开放申请" in reply and "我们接着填技术需求" in reply


def test_a_correction_after_a_missed_answer_reads_the_question_again(svc: Container, kb: GuardedKnowledge) -> None:
    with wechat_client(svc) as wx:
        assert "人才公寓" in one(wx.send_text("o_reread", "人才公寓咋申请的"))
        wx.send_text("o_reread", "我问的是人才公寓的租金标准 不是问申请")  # not a complaint to apologise for:
        assert len(kb.asked) == 2 and "租金标准" in kb.asked[-1] and "人才公寓" in kb.asked[-1]  # asked again
        assert "提需求" in one(wx.send_text("o_reread2", "我想了解的是你们能干啥"))  # the meant words are help


@pytest.mark.parametrize("ask", ["转人工", "找个真人来吧"])
def test_handoff_mid_form_leaves_the_form_and_the_rating_is_a_rating(svc: Container, kb: GuardedKnowledge,
                                                                    ask: str) -> None:
    from bot.domain import handoff
    from bot.domain.scope import Scope

    with wechat_client(svc) as wx:
        wx.send_text("o_hf", "我们做汽车线束的 端子压接老是拉脱 想找专家看看")
        reply = one(wx.send_text("o_hf", ask))
        assert "联络员" in reply and "继续填" in reply and "您刚才问的是" not in reply, reply  # a form answer is no question
        assert "联络员正在处理" in one(wx.send_text("o_hf", "压接机是去年买的"))  # for the liaison, not the form
        with svc.db.session() as s:
            opened = handoff.active_request(s, appid=svc.appid, openid="o_hf")
            assert opened is not None
            handoff.close(s, appid=svc.appid, request_id=opened.id, staff="liu", scope=Scope(), now=svc.now())
        assert "感谢您的评价" in one(wx.send_text("o_hf", "满意"))
        resumed = one(wx.send_text("o_hf", "继续填"))
        assert "接着填" in resumed and "单位" in resumed, resumed
        assert "已记下" in one(wx.send_text("o_hf", "襄阳恒通线束有限公司"))



def test_handoff_during_a_sign_up_ends_it_and_what_follows_is_for_the_liaison(svc: Container,
                                                                             kb: GuardedKnowledge) -> None:
    add_event(svc)
    with wechat_client(svc) as wx:
        wx.send_text("o_hsu", "报名 E31")
        reply = one(wx.send_text("o_hsu", "转人工"))
        assert "联络员" in reply and "继续填" not in reply, reply
        assert "联络员正在处理" in one(wx.send_text("o_hsu", "李德全 13800001357"))
        assert "报名成功" not in one(wx.send_text("o_hsu", "同意"))



def test_question_judged_out_of_scope_is_answered_when_a_document_states_it(tmp_path: Path) -> None:
    """With the sentence-vector stage ready, '襄科贷的利率是多少' reads as out of scope (利率 sounds like a bank) with
    policy second: the knowledge base decides and answers from the document; '比特币现在还能买吗', judged the same
    way, is still declined as out of scope."""
    from unittest.mock import patch

    from bot.data.seed import seed_kb_if_empty
    from knowledge.intents.model import Prediction

    svc = Container.create(make_settings(tmp_path, reply_budget_seconds=30))
    seed_kb_if_empty(svc.kb)
    judged = Prediction("out_of_scope", 0.55, (("out_of_scope", 0.55), ("policy", 0.28)), stage="vector")
    try:
        with patch("handlers.kit.intents.classify", return_value=judged), wechat_client(svc) as wx:
            (answer,) = wx.send_text("oos_rate", "襄科贷的利率是多少")
            (decline,) = wx.send_text("oos_coin", "比特币现在还能买吗")
    finally:
        svc.close()
    assert "50个基点" in answer and "来源" in answer
    assert "不在我能帮忙的范围内" in decline


# --- short messages without context ---------------------------------------------------------------

SHORT_PROBLEMS = ("轴承老发热", "注塑件缩水", "电机有异响", "焊缝有气孔", "涂层起泡脱落", "刀具崩刃")


def test_a_short_production_problem_without_context_opens_the_demand_form(svc: Container,
                                                                         kb: GuardedKnowledge) -> None:
    """A part and its fault, nothing else ('注塑件缩水'), is a production problem: the demand form, with the problem
    read back — not 'outside what I can help with', not a question back."""
    with wechat_client(svc) as wx:
        for n, problem in enumerate(SHORT_PROBLEMS):
            reply = one(wx.send_text(f"o_short{n}", problem))
            assert "登记技术需求" in reply and "已记下您的问题" in reply, (problem, reply)
    assert kb.asked == []


def test_praise_in_evaluative_words_is_thanked_not_apologised_for(svc: Container, kb: GuardedKnowledge) -> None:
    """Praise put as an evaluation ("太及时了", "回得真快 满意") gets thanks, never the complaint's apology."""
    with wechat_client(svc) as wx:
        for text in ("太及时了", "回得真快 满意", "这个平台做得真不错"):
            reply = one(wx.send_text("o_praise", text))
            assert "抱歉" not in reply and not reply.startswith("您是想"), (text, reply)
    assert kb.asked == [] and kb.touched == []


def test_giving_up_while_asking_for_help_is_not_just_acknowledged(svc: Container, kb: GuardedKnowledge) -> None:
    """'算了 太复杂了 有没有人能帮我弄' with nothing open asks for something: it is not brushed off with
    '好的，没关系'; '算了，先不弄了' alone, with no sign-up to cancel, still is (not '您是想：1 取消报名…')."""
    with wechat_client(svc) as wx:
        assert "没关系" not in one(wx.send_text("o_giveup", "算了 太复杂了 有没有人能帮我弄"))
        assert "没关系" in one(wx.send_text("o_giveup2", "算了，先不弄了"))


def test_a_question_the_documents_cannot_answer_opens_no_form(svc: Container, kb: GuardedKnowledge) -> None:
    """'我想找个人问一下 我们公司的专利能不能卖给别人 找谁办' asks how something is done and tells no need: when the
    knowledge base declines, that honest reply is given, not a demand form whose problem is '我想找个人问一下'
    (found in kc chat)."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_ask_who", "我想找个人问一下 我们公司的专利能不能卖给别人 找谁办"))
    assert "登记技术需求" not in reply and POLICY_DECLINE in reply, reply
    assert kb.asked == ["我想找个人问一下 我们公司的专利能不能卖给别人 找谁办"]


@pytest.mark.parametrize("asked", ["有做无人机植保的团队吗", "谁能做智能温室控制系统？", "有人会修进口数控机床吗"])
def test_asking_who_can_do_something_is_still_a_need(svc: Container, kb: GuardedKnowledge, asked: str) -> None:
    """Looking for a provider is a need: the form opens as before (the rule above only takes questions that ask
    how a matter is handled)."""
    with wechat_client(svc) as wx:
        reply = one(wx.send_text("o_provider_" + asked.encode().hex()[:12], asked))
    assert POLICY_DECLINE not in reply, reply
