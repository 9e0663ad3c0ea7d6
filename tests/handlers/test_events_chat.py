"""Events in chat: the dev sign-up dialogues (router, fixed clock), list/filter, 我的报名, 取消报名, waitlist, webhook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Event, Interest, Registration
from tests.support.dialogue_sim import DEV_DIALOGUES, DirectBot, load_dialogues
from tests.support.env import SAMPLES, load_file, make_settings
from tests.support.wechat_client import wechat_client

CST = timezone(timedelta(hours=8))
BEFORE = datetime(2027, 3, 1, 10, 0, tzinfo=CST)  # before every sample deadline
SIGNUPS = [pytest.param(d, id=d["id"]) for d in load_dialogues(DEV_DIALOGUES, ("event_signup",))]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One database with the sample events; no knowledge base."""
    svc = Container.create(make_settings(Path(tmp_path_factory.mktemp("evchat")) / "data"), knowledge=None)
    load_file(svc.db, "events", SAMPLES / "events.jsonl", svc.appid)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def bot(services: Container) -> DirectBot:
    """The real router with a clock fixed before the sample deadlines."""
    return DirectBot(services, now=lambda: BEFORE)


def answer(reply: str, expect: dict[str, Any]) -> str | None:
    """What a scripted user says to the bot's last question, from the expected facts."""
    if "同意" in reply:
        return "同意"
    if "确认" in reply and "回复“确认”" in reply:
        return "确认"
    if "手机号" in reply or "姓名" in reply or "称呼" in reply:
        return f"{expect['name']} {expect['phone']}"
    return None


def play(bot: DirectBot, turns: list[str], expect: dict[str, Any], openid: str) -> list[tuple[str, str]]:
    """Play the turns, then answer what the bot still asks until the flow ends."""
    transcript = [(t, bot.send(openid, t)) for t in turns]
    for _ in range(5):
        if bot.state(openid).flow is None or (said := answer(transcript[-1][1], expect)) is None:
            break
        transcript.append((said, bot.send(openid, said)))
    return transcript


def registrations(services: Container, openid: str) -> list[Registration]:
    """Active registrations of a user."""
    with services.db.session() as session:
        return list(session.scalars(select(Registration).where(
            Registration.openid == openid, Registration.status.in_(("confirmed", "waitlisted")))))


@pytest.mark.parametrize("dialogue", SIGNUPS)
def test_signup_dialogue(bot: DirectBot, services: Container, dialogue: dict) -> None:
    """Each dev sign-up dialogue ends with exactly the expected registration."""
    openid = f"ev_{dialogue['id']}"
    transcript = play(bot, dialogue["turns"], dialogue["expect"], openid)
    shown = "\n".join(f"U: {u}\nB: {b}" for u, b in transcript)
    regs = registrations(services, openid)
    assert len(regs) == 1, shown
    e, r = dialogue["expect"], regs[0]
    got = (r.event_id, r.name, r.phone, r.party_size, list(r.companions or []), r.company)
    want = (e["event_id"], e["name"], e["phone"], e["party_size"], e.get("companions", []), e.get("company"))
    assert got == want, shown
    assert "签到码" in transcript[-1][1] or "候补" in transcript[-1][1], shown


def test_sign_up_dialogues_are_the_six_dev_ones() -> None:
    """The dev file holds the event dialogues this module plays."""
    assert len(SIGNUPS) >= 6


def test_list_and_filters(bot: DirectBot) -> None:
    """"科普活动" lists upcoming events numbered; "谷城的" / "社区的" / "下周的" filter the list."""
    full = bot.send("ev_list", "科普活动")
    assert "1. 【E09】" in full and "2. 【E01】" in full and "【E11】" in full
    assert "【E10】" in bot.send("ev_list", "谷城的") and "【E01】" not in bot.send("ev_list", "谷城的")
    community = bot.send("ev_list", "社区的")
    assert "【E01】" in community and "【E06】" in community and "【E08】" not in community
    week = bot.send("ev_list", "下周的")  # BEFORE is Monday 1 March: next week is 8–14 March
    assert "【E01】" in week and "【E02】" not in week
    assert "时间：" in bot.send("ev_list", "1") and bot.state("ev_list").step == "contact"


def test_reuses_contact_with_consent_and_lists_mine_with_code(bot: DirectBot, services: Container) -> None:
    """A second sign-up offers the stored contact; 我的报名 shows both with check-in codes."""
    openid = "ev_mine"
    play(bot, ["报名 E09"], {"name": "陈立", "phone": "13900001234"}, openid)
    offer = bot.send(openid, "报名E11")
    assert "陈立 13900001234" in offer and "确认" in offer
    assert "报名成功" in bot.send(openid, "确认")
    mine = bot.send(openid, "我的报名")
    codes = [r.checkin_code for r in registrations(services, openid)]
    assert len(codes) == 2 and all(code in mine for code in codes)


def test_cancel_asks_which_then_cancels(bot: DirectBot, services: Container) -> None:
    """"取消报名" with two registrations asks which one; a number cancels exactly that one."""
    openid = "ev_cancel"
    for event_id in ("E02", "E12"):
        play(bot, [f"报名{event_id}"], {"name": "孙立", "phone": "13900005678"}, openid)
    question = bot.send(openid, "取消报名")
    assert "要取消哪一个" in question and "1. 【E02】" in question
    assert "已为您取消" in bot.send(openid, "1")
    assert [r.event_id for r in registrations(services, openid)] == ["E12"]
    assert "报名人：孙立" in bot.send(openid, "取消报名")  # the last one: which event and whom, then "确认"
    assert "已为您取消" in bot.send(openid, "确认")
    assert registrations(services, openid) == []
    assert "没有报名" in bot.send(openid, "取消报名")


def test_waitlist_position_on_a_full_event(services: Container) -> None:
    """A full event puts the next person on the waitlist and says their position."""
    now = BEFORE
    with services.db.session() as session:
        session.add(Event(id="TFULL", appid=services.appid, title="小班急救体验课", category="健康科普进社区",
                          start=now + timedelta(days=20), end=now + timedelta(days=20, hours=1),
                          location="测试社区", region="襄阳市樊城区", capacity=1,
                          signup_deadline=now + timedelta(days=19), description="测试。"))
    bot = DirectBot(services, now=lambda: now)
    for i, openid in enumerate(("ev_w1", "ev_w2", "ev_w3")):
        transcript = play(bot, ["报名 TFULL"], {"name": ("李明", "王强", "赵丽")[i], "phone": f"1390000900{i}"}, openid)
    assert "排第2位" in transcript[-1][1]
    assert registrations(services, "ev_w3")[0].status == "waitlisted"


def test_subscribe_by_category_and_region(bot: DirectBot, services: Container) -> None:
    """"订阅社区活动" and "订阅谷城的活动" store event interests."""
    assert "已订阅" in bot.send("ev_sub", "订阅社区活动")
    assert "已订阅" in bot.send("ev_sub", "订阅谷城的活动")
    assert "已经订阅" in bot.send("ev_sub", "订阅社区活动")
    with services.db.session() as session:
        rows = session.scalars(select(Interest).where(Interest.openid == "ev_sub", Interest.kind == "event"))
        assert sorted((r.region or "", r.category or "") for r in rows) == [("", "社区"), ("谷城", "")]


def test_correction_cancel_and_refusal(bot: DirectBot, services: Container) -> None:
    """"不报了" leaves without a registration; a closed sign-up gets a clear message."""
    assert "姓名" in bot.send("ev_quit", "报名E07")
    assert "没有报名" in bot.send("ev_quit", "不报了")
    assert registrations(services, "ev_quit") == [] and bot.state("ev_quit").flow is None
    late = DirectBot(services, now=lambda: datetime(2027, 3, 12, 12, 0, tzinfo=CST))
    assert "报名已截止" in late.send("ev_late", "报名 E01")


def test_signup_through_webhook_with_real_clock(tmp_path: Path) -> None:
    """The real pipeline (real clock): list via the menu click, sign up for an event dated in the future."""
    svc = Container.create(make_settings(tmp_path / "data"), knowledge=None)
    start = datetime.now(UTC) + timedelta(days=30)
    row = {"id": "W01", "title": "家庭急救包使用讲座", "category": "健康科普进社区", "start": start.isoformat(),
           "end": (start + timedelta(hours=2)).isoformat(), "location": "测试社区活动室", "region": "襄阳市樊城区",
           "capacity": 10, "signup_deadline": (start - timedelta(days=1)).isoformat(), "description": "测试。"}
    (tmp_path / "ev.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    load_file(svc.db, "events", tmp_path / "ev.jsonl", svc.appid)
    with wechat_client(svc) as wx:
        assert "【W01】" in "\n".join(wx.click("o_ev", "KC_EVENTS"))
        assert "姓名" in "\n".join(wx.send_text("o_ev", "1"))
        wx.send_text("o_ev", "赵敏 13900007777，带我老伴一起")
        done = "\n".join(wx.send_text("o_ev", "同意"))
    regs = registrations(svc, "o_ev")
    svc.close()
    assert "报名成功" in done
    assert [(r.event_id, r.name, r.party_size) for r in regs] == [("W01", "赵敏", 2)]


def test_policy_question_is_not_taken_for_an_event(bot: DirectBot) -> None:
    """Words without any event cue leave the list flow; "第二个" during the contact step is not a name."""
    bot.send("ev_policy", "下周有什么活动")
    assert bot.state("ev_policy").step == "pick"
    reply = bot.send("ev_policy", "研发费用加计扣除怎么算")  # handed on to policy Q&A
    assert "【E08】" not in reply and bot.state("ev_policy").flow is None
    bot.send("ev_name", "报名 E08")
    assert "姓名" in bot.send("ev_name", "第二个") and bot.state("ev_name").draft.get("name") is None


@pytest.mark.parametrize("dialogue", SIGNUPS)
def test_signup_dialogue_through_webhook(services: Container, dialogue: dict) -> None:
    """The same dev dialogues through the signed webhook, with the pipeline's clock fixed before the deadlines."""
    from tests.support.wechat_client import wechat_client

    openid = f"wx_{dialogue['id']}"
    services.clock.freeze(BEFORE)
    try:
        with wechat_client(services) as wx:
            last = ""
            for turn in dialogue["turns"]:
                last = "\n".join(wx.send_text(openid, turn))
            for _ in range(5):
                said = answer(last, dialogue["expect"])
                if said is None:
                    break
                last = "\n".join(wx.send_text(openid, said))
    finally:
        services.clock.freeze(None)
    (reg,) = registrations(services, openid)
    e = dialogue["expect"]
    assert (reg.event_id, reg.name, reg.phone, reg.party_size, list(reg.companions or []), reg.company) == (
        e["event_id"], e["name"], e["phone"], e["party_size"], e.get("companions", []), e.get("company"))


def test_a_topic_outside_the_period_asked_is_shown_at_its_own_time(bot: DirectBot) -> None:
    """'下周有没有讲近视的讲座' when the myopia lecture is in April: that lecture, saying next week has none —
    not next week's hypertension lecture as if it were the answer."""
    reply = bot.send("ev_other_time", "下周有没有讲近视的讲座")
    assert "下周没有" in reply and "【E03】" in reply and "【E01】" not in reply


def test_a_period_without_any_event_shows_the_next_ones(bot: DirectBot) -> None:
    reply = bot.send("ev_next_ones", "明天有没有活动")
    assert "明天没有活动" in reply and "【E09】" in reply and bot.state("ev_next_ones").step == "pick"


@pytest.mark.parametrize(("openid", "text", "topic"), [
    ("ev_no_topic1", "下周有没有讲痛风的", "痛风"),
    ("ev_no_topic2", "下个月有没有讲防诈骗的讲座", "防诈骗"),
])
def test_a_topic_no_event_is_about_is_said_before_the_others(bot: DirectBot, openid: str, text: str,
                                                             topic: str) -> None:
    """'下周有没有讲痛风的': no event is on gout, so the bot says so before offering the period's events
    (not next week's hypertension lecture as if it answered the question)."""
    reply = bot.send(openid, text)
    assert reply.startswith(f"暂时没有讲“{topic}”的活动") and "【E" in reply


def test_a_topic_some_event_is_about_is_not_said_missing(bot: DirectBot) -> None:
    reply = bot.send("ev_topic_there", "有没有讲颈椎的讲座")
    assert "暂时没有" not in reply and "【E04】" in reply


def test_a_named_event_outside_the_period_asked_is_not_shown_as_if_in_it(bot: DirectBot) -> None:
    """'这个月有没有关于糖尿病的活动' (the diabetes lecture is in May): the bot says this month has none and shows
    it at its own time, rather than the May lecture's details as the answer."""
    reply = bot.send("ev_named_other_month", "这个月有没有关于糖尿病的活动")
    assert "本月没有" in reply and "【E06】" in reply


def test_a_month_with_events_lists_them_without_saying_it_has_none(bot: DirectBot) -> None:
    """'四月份的讲座' names April's events by their date: they are listed as April's, never under '4月没有…'."""
    reply = bot.send("ev_april", "四月份有哪些讲座")
    assert "【E03】" in reply and "【E04】" in reply and "没有" not in reply
