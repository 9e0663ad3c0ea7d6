"""The form engine's behaviours: corrections, skip, cancel, restart, digression, consent, expiry, short ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.container import Container
from bot.store.models import Demand, Interest, Outbox, User
from jobs.drafts import expire_drafts
from tests.support.dialogue_sim import DirectBot, records_of
from tests.support.env import SAMPLES, load_file, make_settings

NEED = "我们在樊城做汽车座椅的，骨架焊接后变形大，想找高校帮忙解决"
COMPANY = "襄阳试验座椅有限公司"


class Clock:
    """A settable clock for the direct bot."""

    def __init__(self) -> None:
        self.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A fixed, movable 'now'."""
    return Clock()


@pytest.fixture
def bot(services: Container, clock: Clock) -> DirectBot:
    """The router on a fresh SQLite database without a knowledge base."""
    return DirectBot(Container(services.settings, services.db, knowledge=None), now=clock)


def to_summary(bot: DirectBot, openid: str = "u1") -> str:
    """Fill a demand up to the confirmation summary."""
    bot.send(openid, "提需求")
    bot.send(openid, NEED)
    bot.send(openid, f"公司叫{COMPANY}")
    bot.send(openid, "预算八十万")
    return bot.send(openid, "联系人张伟 13800001234")


def submit(bot: DirectBot, openid: str = "u1") -> str:
    """Confirm the summary and consent when asked."""
    reply = bot.send(openid, "确认")
    return bot.send(openid, "同意") if "个人信息保护法" in reply else reply


def test_summary_then_submit_with_consent(bot: DirectBot, services: Container) -> None:
    """The summary lists every field; confirming asks consent once, then stores a 待审核 demand."""
    summary = to_summary(bot)
    for label in ("单位名称：襄阳试验座椅有限公司", "所在地区：襄阳市樊城区", "预算：80万元", "联系电话：13800001234"):
        assert label in summary
    assert "个人信息保护法" in bot.send("u1", "确认")
    done = bot.send("u1", "同意")
    assert "需求编号 D1" in done and "1–3 个工作日" in done and "我的需求" in done
    demands, _ = records_of(services, "u1")
    assert [(d.status, d.budget, d.budget_raw, d.contact_name) for d in demands] == [("待审核", "80万元", "八十万", "张伟")]
    with services.db.session() as session:
        user = session.scalar(select(User).where(User.openid == "u1"))
        assert user is not None and user.consent_at is not None and user.phone == "13800001234"


def test_consent_is_asked_only_once(bot: DirectBot, services: Container) -> None:
    """A second form by the same user is submitted right after 确认."""
    to_summary(bot)
    submit(bot)
    to_summary(bot)
    assert "需求编号 D2" in bot.send("u1", "确认")


def test_declining_consent_saves_nothing(bot: DirectBot, services: Container) -> None:
    """不同意 submits nothing and stores no consent; the draft is only kept (a day) in case of a change of mind."""
    to_summary(bot)
    bot.send("u1", "确认")
    assert "没有提交" in bot.send("u1", "不同意")
    assert records_of(services, "u1") == ([], [])
    assert bot.state("u1").flow is None


@pytest.mark.parametrize(("edit", "field", "value"), [
    ("预算改成300万", "budget", "300万元"),
    ("改一下预算，150万", "budget", "150万元"),
    ("不是樊城，是高新区", "region", "襄阳市高新区"),
    ("电话说错了，是13800001111", "contact_phone", "13800001111"),
    ("联系人改成孙强，电话不变", "contact_name", "孙强"),
    ("标题改成座椅骨架焊接变形", "title", "座椅骨架焊接变形"),
    ("需求类型改成成果转化", "need_type", "成果转化"),
    ("13900001111", "contact_phone", "13900001111"),
])
def test_edit_from_summary(bot: DirectBot, services: Container, edit: str, field: str, value: str) -> None:
    """Corrections at the summary change exactly that field and show the summary again."""
    to_summary(bot)
    assert "请核对" in bot.send("u1", edit)
    submit(bot)
    demand = records_of(services, "u1")[0][0]
    assert getattr(demand, field) == value
    if field != "contact_phone":
        assert demand.contact_phone == "13800001234"


def test_correction_mid_form(bot: DirectBot, services: Container) -> None:
    """'电话说错了' before the summary replaces the phone; the form goes on."""
    bot.send("u1", NEED)
    bot.send("u1", f"{COMPANY}，联系人李娜 13800005678")
    bot.send("u1", "电话说错了，是13800005679")
    bot.send("u1", "预算面议")
    submit(bot)
    demand = records_of(services, "u1")[0][0]
    assert (demand.contact_phone, demand.budget) == ("13800005679", "面议")


def test_skip_optional_but_not_required(bot: DirectBot, services: Container) -> None:
    """跳过 the budget → 面议; 跳过 a required field re-asks it."""
    bot.send("u1", "提需求")
    bot.send("u1", NEED)
    assert "全称" in bot.send("u1", "跳过")
    bot.send("u1", COMPANY)
    assert "这项先跳过" in bot.send("u1", "跳过")
    bot.send("u1", "联系人张伟 13800001234")
    submit(bot)
    assert records_of(services, "u1")[0][0].budget == "面议"


@pytest.mark.parametrize("words", ["取消", "算了，不弄了", "算了算了，我先问问老板，这个先不登了", "不填了，下次再说"])
def test_cancel_saves_nothing(bot: DirectBot, services: Container, words: str) -> None:
    """Cancelling at any point leaves no record and no active flow."""
    bot.send("u1", "提需求")
    bot.send("u1", NEED)
    bot.send("u1", "联系人张伟 13800001234")
    assert "已取消" in bot.send("u1", words)
    assert bot.state("u1").flow is None and records_of(services, "u1") == ([], [])


def test_restart_clears_the_draft(bot: DirectBot) -> None:
    """重新填 empties the draft and asks the first question again."""
    bot.send("u1", NEED)
    reply = bot.send("u1", "重新填")
    assert "重新来" in reply and "遇到的问题" in reply
    assert bot.state("u1").draft["values"] == {}


@pytest.mark.parametrize(("answer", "region"), [("襄城", "襄阳市襄城区"), ("不知道", "襄阳市"), ("是", "襄阳市")])
def test_city_from_company_name_is_only_a_hint(bot: DirectBot, services: Container, answer: str, region: str) -> None:
    """'襄阳XX有限公司' suggests 襄阳市: offered for a yes (the district can be given instead); skipping keeps it."""
    bot.send("u1", "提需求")
    bot.send("u1", "齿轮热处理后硬度不均匀，想找专家攻关")
    assert "所在地区是“襄阳市”吗" in bot.send("u1", "襄阳恒齿传动有限公司")
    bot.send("u1", answer)
    bot.send("u1", "面议")
    bot.send("u1", "联系人张伟 13800001234")
    submit(bot)
    assert records_of(services, "u1")[0][0].region == region


def test_invalid_phone_is_explained(bot: DirectBot) -> None:
    """A malformed number gets a helpful example; the question stays."""
    bot.send("u1", NEED)
    bot.send("u1", COMPANY)
    bot.send("u1", "面议")
    bot.send("u1", "联系人张伟")
    reply = bot.send("u1", "1380000")
    assert "手机号好像不对" in reply and "13800001234" in reply
    assert bot.state("u1").step == "contact_phone"


def test_digression_without_knowledge_base(bot: DirectBot) -> None:
    """A policy question mid-form gets a polite note when no knowledge base is usable; the form resumes."""
    bot.send("u1", NEED)
    reply = bot.send("u1", "对了，高新技术企业认定需要什么条件？")
    assert "转人工" in reply and "全称" in reply
    assert bot.state("u1").flow == "demand"


def test_other_commands_mid_form(bot: DirectBot) -> None:
    """'我的信息' mid-form is answered by the account module; the draft stays."""
    bot.send("u1", NEED)
    assert "没有保存您的个人信息" in bot.send("u1", "我的信息")
    assert bot.state("u1").flow == "demand"


def test_a_cancelled_draft_is_gone_after_its_day(bot: DirectBot, services: Container, clock: Clock) -> None:
    """'算了 不弄了' keeps the draft (name, phone) a day, as the reply says; after that the job forgets it."""
    bot.send("u_park", NEED)
    assert "保留一天" in bot.send("u_park", "算了 不弄了")
    assert "parked_flow" in bot.state("u_park").data
    clock.now += timedelta(days=1, hours=1)
    expire_drafts(container=services, now=clock.now)
    assert "parked_flow" not in bot.state("u_park").data and "继续填" not in bot.send("u_park", "继续填")


def test_expired_draft_notice_after_job(bot: DirectBot, services: Container, clock: Clock) -> None:
    """The expiry job drops an old draft; the returning user is told, and their message is still handled."""
    bot.send("u1", NEED)
    clock.now += timedelta(days=services.settings.draft_ttl_days + 1)
    assert expire_drafts(container=services, now=clock.now) == 1
    reply = bot.send("u1", "提需求")
    assert reply.startswith("您之前没填完的技术需求草稿已超过有效期") and "遇到的问题" in reply


def test_expired_draft_notice_without_job(bot: DirectBot, services: Container, clock: Clock) -> None:
    """Even before the job runs, a draft older than the TTL is not continued."""
    bot.send("u1", NEED)
    clock.now += timedelta(days=services.settings.draft_ttl_days, hours=1)
    reply = bot.send("u1", COMPANY)
    assert "已超过有效期" in reply and bot.state("u1").flow != "demand"


def test_draft_within_ttl_continues(bot: DirectBot, services: Container, clock: Clock) -> None:
    """A draft a few days old continues normally."""
    bot.send("u1", NEED)
    clock.now += timedelta(days=services.settings.draft_ttl_days - 1)
    assert "预算" in bot.send("u1", COMPANY)


def test_intro_then_policy_question_is_not_a_demand(bot: DirectBot) -> None:
    """A self-introduction is remembered; a following policy question does not start the demand flow."""
    assert "技术难题" in bot.send("u1", "我们是十堰的，做汽车零部件的")
    bot.send("u1", "高新技术企业认定需要什么条件？")
    assert bot.state("u1").flow is None


def test_intro_is_used_when_the_need_follows(bot: DirectBot) -> None:
    """Region and industry from the introduction fill the draft when the need comes next."""
    bot.send("u1", "我们是十堰的，做汽车零部件的")
    bot.send("u1", "齿轮热处理后硬度不均匀，想找专家攻关")
    values = bot.state("u1").draft["values"]
    assert (values["region"], values["industry"], values["need_type"]) == ("十堰市", "汽车及零部件", "技术攻关")


def test_short_ids_follow_imported_demands(bot: DirectBot, services: Container) -> None:
    """After importing D01–D25 the first chat demand is D26, then D27."""
    load_file(services.db, "demands", SAMPLES / "matching" / "demands.jsonl", services.appid)
    to_summary(bot)
    assert "D26" in submit(bot)
    to_summary(bot, "u2")
    assert "D27" in submit(bot, "u2")


def test_require_review_off_publishes(tmp_path: Path) -> None:
    """With KC_REQUIRE_REVIEW=false the demand is 已发布 at once."""
    svc = Container.create(make_settings(tmp_path / "d", require_review=False), knowledge=None)
    bot = DirectBot(svc)
    to_summary(bot)
    assert "已发布到问题库" in submit(bot)
    assert records_of(svc, "u1")[0][0].status == "已发布"
    svc.close()


def test_my_demands_and_my_info(bot: DirectBot) -> None:
    """我的需求 lists id, title and status; 我的信息 shows the stored contact."""
    assert "还没有登记过需求" in bot.send("u1", "我的需求")
    to_summary(bot)
    submit(bot)
    assert "D1" in bot.send("u1", "我的需求") and "待审核" in bot.send("u1", "我的需求")
    info = bot.send("u1", "我的信息")
    assert "13800001234" in info and "张伟" in info and "D1" in info


def test_delete_my_data_after_confirmation(bot: DirectBot, services: Container) -> None:
    """删除我的信息 asks first; 取消 keeps everything, 确认删除 removes the profile and anonymises records."""
    to_summary(bot)
    submit(bot)
    assert "确认删除" in bot.send("u1", "删除我的信息")
    assert "没有删除" in bot.send("u1", "取消")
    assert "13800001234" in bot.send("u1", "我的信息")
    with services.db.session() as session:
        session.add(Outbox(appid="wx_dev", openid="u1", kind="match_alert", idempotency_key="held-u1",
                           payload={"text": "联系人 13800001234"}, status="inbox"))
    bot.send("u1", "删除我的信息")
    assert "已删除" in bot.send("u1", "确认删除")
    with services.db.session() as session:
        assert session.scalar(select(Outbox).where(Outbox.openid == "u1")) is None
        assert session.scalar(select(User).where(User.openid == "u1")) is None
        demand = session.scalar(select(Demand))
        assert demand is not None and (demand.contact_phone, demand.contact_name, demand.openid) == (None, None, None)
    assert "没有保存" in bot.send("u1", "我的信息")


def achievement_to_summary(bot: DirectBot, openid: str = "r1") -> str:
    """Fill an achievement up to its summary."""
    bot.send(openid, "登记成果")
    bot.send(openid, "汉江大学机械学院，我们研发了一种齿轮修形优化设计方法，已经在三家企业应用")
    reply = bot.send(openid, "联系人王磊 13800009876")
    answers = {"属于哪个领域": "高端装备制造", "知识产权吗": "无"}  # one short clue ('齿轮') does not settle the field
    while (said := next((a for cue, a in answers.items() if cue in reply), None)) is not None:
        reply = bot.send(openid, said)
    return reply


def test_achievement_alerts_default_to_its_field(bot: DirectBot, services: Container) -> None:
    """The summary names the alerts; submitting stores an Interest on the achievement's field."""
    summary = achievement_to_summary(bot)
    assert "需求提醒" in summary and "成果名称：齿轮修形优化设计方法" in summary
    assert "成果编号 A1" in submit(bot, "r1")
    _, achievements = records_of(services, "r1")
    with services.db.session() as session:
        interests = list(session.scalars(select(Interest).where(Interest.openid == "r1")))
    assert [(i.kind, i.industry) for i in interests] == [("match", achievements[0].field)]
    assert achievements[0].maturity == "已产业化" and achievements[0].ip is None


def test_achievement_alerts_can_be_changed_or_off(bot: DirectBot, services: Container) -> None:
    """'提醒改成…' sets topics; '不要提醒' stores none."""
    achievement_to_summary(bot, "r1")
    assert "数控机床" in bot.send("r1", "提醒改成 高端装备制造 数控机床")
    submit(bot, "r1")
    achievement_to_summary(bot, "r2")
    bot.send("r2", "不要提醒")
    submit(bot, "r2")
    with services.db.session() as session:
        rows = [(i.openid, i.industry, i.keywords) for i in session.scalars(select(Interest).order_by(Interest.id))]
    assert rows == [("r1", "高端装备制造", ["高端装备制造"]), ("r1", None, ["数控机床"])]  # one row per topic


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real knowledge base over the sample policy documents (lexical only, no embedding model)."""
    kb_module = pytest.importorskip("knowledge.kb")
    kb = kb_module.KnowledgeBase(Path(tmp_path_factory.mktemp("kb")), embedding="none")
    kb.ingest(sorted((SAMPLES / "kb").glob("*.md")))
    yield kb


def test_policy_digression_is_answered_then_form_resumes(services: Container, knowledge: object) -> None:
    """A policy question mid-form is answered from the knowledge base, then the pending question returns."""
    bot = DirectBot(Container(services.settings, services.db, knowledge=knowledge))  # type: ignore[arg-type]
    bot.send("u1", NEED)
    reply = bot.send("u1", "对了，研发费用加计扣除是怎么算的？")
    assert "加计扣除" in reply and "来源" in reply
    assert reply.rstrip().endswith(("（例如：襄阳××有限公司）",)) and bot.state("u1").step == "company"
    assert bot.state("u1").draft["values"]["region"] == "襄阳市樊城区"
