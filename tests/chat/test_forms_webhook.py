"""Issue 12 behaviours through the real webhook: clean records from messy conversations.

Demand/achievement forms (corrections replace, one-field reset, partial phone fixes, guesses marked, junk and
long values), consent (questions answered, a declined draft kept a day), event parties (changes and
cancellations confirmed, companions shown and exported, questions during sign-up), researcher titles and
demand-alert topics changed by chat.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.container import Container
from bot.domain.events.export import registration_rows
from bot.domain.events.queries import my_registrations
from bot.store.models import Achievement, Demand, Event, Interest, Registration
from tests.support.env import SAMPLES, load_file, make_settings
from tests.support.wechat_client import wechat_client

CST = timezone(timedelta(hours=8))
BEFORE = datetime(2027, 3, 1, 10, 0, tzinfo=CST)  # before every sample deadline
ONE_SHOT = ("我们公司在高新区，做新能源车电机控制器的。控制器散热不行，夏天老降功率，想找个成熟的散热技术直接买过来，"
            "预算200w，公司叫襄阳驰冷电驱科技有限公司，我是李娜 13800005678")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """One database with the sample events, a clock before the deadlines, no knowledge base."""
    svc = Container.create(make_settings(Path(tmp_path_factory.mktemp("forms")) / "data"), knowledge=None,
                           clock=Clock(BEFORE))
    load_file(svc.db, "events", SAMPLES / "events.jsonl", svc.appid)
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def wx(services: Container) -> Iterator[object]:
    """A WeChat client talking to the real app."""
    with wechat_client(services) as client:
        yield client


def say(wx: object, openid: str, *texts: str) -> str:
    """Send messages in order; the last reply, joined."""
    reply = ""
    for text in texts:
        reply = "\n".join(wx.send_text(openid, text))  # type: ignore[attr-defined]
    return reply


def demand_of(services: Container, openid: str) -> Demand:
    """The single demand a user submitted."""
    with services.db.session() as session:
        rows = list(session.scalars(select(Demand).where(Demand.openid == openid)))
        session.expunge_all()
    assert len(rows) == 1
    return rows[0]


def submit(wx: object, openid: str) -> str:
    """Confirm the summary and consent."""
    return say(wx, openid, "确认", "同意")


def test_description_correction_replaces_and_leaves_other_fields(wx: object, services: Container) -> None:
    """'问题描述不对，应该是…' replaces the description; the title follows it; industry and company stay."""
    openid = "f_correct"
    say(wx, openid, "我要登记个问题", "我们是宜城的 做LED驱动电源 出厂检测的时候输出电压不稳 想找人解决")
    say(wx, openid, "问题描述不对，应该是电源做高温老化的时候电解电容鼓包 寿命不够 想找人帮忙优化电容选型")
    summary = say(wx, openid, "宜城明芯电子有限公司", "面议", "联系人邓丽 13800005132")
    assert "请核对" in summary and "电压不稳" not in summary
    submit(wx, openid)
    d = demand_of(services, openid)
    assert "鼓包" in d.description and "电压不稳" not in d.description and "不对" not in d.description
    assert "不对" not in d.title and d.industry == "电子信息" and d.company == "宜城明芯电子有限公司"


def test_company_given_as_description_fills_company_and_asks_again(wx: object, services: Container) -> None:
    """A company name answering "请简单说说遇到的问题" fills the company; the problem is asked again."""
    openid = "f_company"
    say(wx, openid, "提需求")
    reply = say(wx, openid, "襄州区丰收农机合作社")
    assert "单位名称" in reply and "遇到的问题" in reply
    say(wx, openid, "收割机割台老是堵，想找人改进喂入结构", "就在襄州区", "钱不是问题 只要能解决 三四十个吧",
        "王建国 13800002468", "行业是现代农业")
    submit(wx, openid)
    d = demand_of(services, openid)
    assert d.company == "襄州区丰收农机合作社" and d.budget == "30-40万元"
    for junk in ("合作社", "钱", "三四十", "技术攻关"):
        assert junk not in d.description and junk not in d.title


def test_company_named_without_legal_suffix_and_eligibility_question_mid_form(wx: object) -> None:
    """'公司叫襄阳金线电子 在襄州' names the company (confirmed once, no legal suffix needed); '我们营收两千万
    研发人员五个 够不够' asked at the budget question is a question, not a budget or a description."""
    openid = "f_named"
    say(wx, openid, "我们是做汽车线束的小厂 端子压接老是不良 拉力不够 想找个懂行的")
    assert "“襄阳金线电子”吗" in say(wx, openid, "公司叫襄阳金线电子 在襄州")
    assert "预算" in say(wx, openid, "是")
    aside = say(wx, openid, "我们营收两千万 研发人员五个 够不够")
    assert "已记下" not in aside and "预算大概多少" in aside.split("——")[-1]
    summary = say(wx, openid, "十万以内", "周建华 13800002468")
    assert "单位名称：襄阳金线电子" in summary and "预算：10万元" in summary and "营收" not in summary


def test_a_question_naming_a_place_mid_form_is_answered_not_filed(wx: object) -> None:
    """'博士来襄阳有啥补贴' while the company is asked is a question (the place is its context), not the region."""
    openid = "f_place_q"
    say(wx, openid, "我们村想请个养猪的专家")
    reply = say(wx, openid, "博士来襄阳有啥补贴")
    assert "已记下所在地区" not in reply and "政策问答" in reply and "我们接着填技术需求" in reply


def test_confirming_too_early_names_what_is_missing(wx: object) -> None:
    """'确认' while a question is still open says which item is missing, not '没太明白' or a format example."""
    openid = "f_early"
    say(wx, openid, "我们是做汽车线束的小厂 端子压接老是不良 拉力不够 想找个懂行的")
    reply = say(wx, openid, "确认")
    assert reply.startswith("还差一项没填：单位名称。") and "全称" in reply


def test_what_am_i_subscribed_to_lists_both_kinds_and_event_notices_can_be_stopped(wx: object) -> None:
    """'我订了哪些' (mid-form too) lists the demand-alert topics and the event subscriptions; '取消活动订阅' stops
    the event notices (there was no way to do that in chat)."""
    openid = "f_subs"
    say(wx, openid, "订阅一下谷城的活动", "以后有汽车零部件方面的需求推给我")
    aside = say(wx, openid, "我订了哪些")
    assert "活动通知：谷城" in aside and "我们接着填需求提醒订阅" in aside
    say(wx, openid, "确认", "同意")
    listed = say(wx, openid, "我都订了些什么")
    assert "需求提醒：汽车及零部件" in listed and "活动通知：谷城" in listed  # a sector word names its catalogue industry
    assert "已取消全部活动通知订阅" in say(wx, openid, "取消活动订阅")
    assert "活动通知" not in say(wx, openid, "我订了哪些")


def test_giving_up_and_asking_for_a_person_hands_off(wx: object) -> None:
    """'算了 找个人跟我说' mid-form reaches a liaison (the draft is kept) instead of a bare 'never mind'."""
    openid = "f_giveup"
    say(wx, openid, "我们是做汽车线束的小厂 端子压接老是不良 拉力不够 想找个懂行的")
    reply = say(wx, openid, "算了 找个人跟我说")
    assert "联络员" in reply and "继续填" in reply and "没关系" not in reply


def test_reset_one_field_and_partial_phone_fix(wx: object, services: Container) -> None:
    """'重新填描述' clears only the description; '电话最后四位是8860' fixes the tail of the phone."""
    openid = "f_reset"
    say(wx, openid, ONE_SHOT)
    asked = say(wx, openid, "重新填描述")
    assert "遇到的问题" in asked and "其他内容不变" in asked
    say(wx, openid, "电机控制器夏天散热不行，高温就降功率，想找成熟的散热方案")
    summary = say(wx, openid, "电话最后四位是8860")
    assert "13800008860" in summary and "襄阳驰冷电驱科技有限公司" in summary
    submit(wx, openid)
    d = demand_of(services, openid)
    assert d.contact_phone == "13800008860" and d.budget == "200万元" and "散热" in d.description


def test_guesses_are_marked_and_shown_fields_not_asked(wx: object) -> None:
    """Two industries about as likely (铝合金 vs 压铸件) are asked, not guessed; an inferred need type is marked
    as a guess; nothing the summary shows is asked again."""
    asked = say(wx, "f_guess", "我们在樊城，铝合金壳体压铸件气孔多，想找专家攻关，公司叫襄阳精压科技有限公司，"
                               "预算50万，联系人陈刚 13800001111")
    assert "属于哪个行业" in asked
    summary = say(wx, "f_guess", "高端装备制造")
    assert "请核对" in summary and "需求类型：技术攻关（根据描述推测" in summary
    assert "所属行业：高端装备制造\n" in summary  # said by the user: not a guess
    assert "所在地区：襄阳市樊城区" in summary and "哪个区县" not in summary


def test_a_very_long_first_message_is_read_up_to_the_limit_with_a_notice(wx: object, services: Container) -> None:
    """Found by a second reader: a long unpunctuated first message (no flow yet) took seconds per thousand characters
    in the routing rules; now every message is read up to 1000 characters, says so, and still starts the demand."""
    text = "我们厂叫宏达就是做汽车轴承的想找高校专家帮忙解决热处理变形的问题" * 150
    reply = say(wx, "f_long_first", text)
    assert "只保留了前1000字" in reply and "需求" in reply


def test_junk_values_are_reasked_and_long_descriptions_trimmed(wx: object, services: Container) -> None:
    """Emoji-only answers are re-asked; a description over 1000 characters is kept trimmed, with a notice."""
    openid = "f_junk"
    say(wx, openid, "提需求")
    assert "遇到的问题" in say(wx, openid, "😀😀😀")
    long_text = "我们做汽车座椅骨架，焊接以后变形大，想找高校帮忙解决。" + "装配老是对不上，" * 200
    reply = say(wx, openid, long_text)
    assert "只保留了前1000字" in reply
    assert "全称" in say(wx, openid, "🙂🙂")  # the company is still asked
    say(wx, openid, "襄阳测试座椅有限公司 在樊城", "面议", "周明 13800009999")
    submit(wx, openid)
    assert len(demand_of(services, openid).description) <= 1000


def test_a_common_word_at_the_contact_step_is_asked_again(wx: object, services: Container) -> None:
    """'单位' typed where the contact's name is asked (a surname-like first character) is not a name."""
    openid = "f_word_name"
    say(wx, openid, "提需求", "我们做汽车座椅骨架，焊接以后变形大，想找高校帮忙解决", "襄阳测试座椅有限公司 在樊城", "面议")
    assert "称呼" in say(wx, openid, "单位")
    say(wx, openid, "周明 13800009998")
    submit(wx, openid)
    assert demand_of(services, openid).contact_name == "周明"


def test_a_real_name_that_is_also_a_word_is_taken_when_said_again(wx: object) -> None:
    """A second reader's finding: '高原' (a word and a name) said twice is taken, marked as a guess — no loop."""
    openid = "f_word_name_twice"
    say(wx, openid, "提需求", "我们做汽车座椅骨架，焊接以后变形大，想找高校帮忙解决", "襄阳测试座椅有限公司 在樊城", "面议")
    say(wx, openid, "高原")
    assert "联系人“高原”" in say(wx, openid, "高原")

def test_an_opener_that_names_nothing_is_neither_description_nor_title(wx: object, services: Container) -> None:
    """'最近碰到点事想咨询下' before the problem is said: the title and description come from the problem."""
    openid = "f_opener"
    summary = say(wx, openid, "你好 我们是做电动车控制器的 最近碰到点事想咨询下", "控制器夏天老是过热保护 一停车就报故障",
                  "襄阳测试电控有限公司 在高新区", "面议", "周明 13800009997")
    assert "请核对" in summary and "咨询" not in summary
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert "咨询" not in demand.description and "过热" in demand.description and "过热" in demand.title

def test_a_cancelled_form_is_kept_a_day_and_taken_back_when_the_mind_changes(wx: object, services: Container) -> None:
    """'算了 先不提了' keeps what was filled for a day; '还是登记一下吧' goes on from the question it stopped at."""
    openid = "f_mind_back"
    say(wx, openid, "我们厂生产的轴承套圈热处理以后硬度不均匀 想找专家看看", "襄阳测试轴承有限公司 在襄州")
    assert "保留一天" in say(wx, openid, "算了 先不提了 我回去问问老板")
    assert "预算" in say(wx, openid, "还是登记一下吧")
    say(wx, openid, "面议", "周明 13800009996")
    submit(wx, openid)
    demand = demand_of(services, openid)
    assert demand.company == "襄阳测试轴承有限公司" and "硬度不均匀" in demand.description

def test_consent_question_answered_and_declined_draft_kept(wx: object, services: Container) -> None:
    """A question at consent is answered and consent asked again; '不同意' keeps the draft a day, '同意' submits it."""
    openid = "f_consent"
    say(wx, openid, ONE_SHOT, "确认")
    answer = say(wx, openid, "电话也要给别人看吗 那不同意")
    assert "联络员" in answer and "双方" in answer and "同意" in answer
    declined = say(wx, openid, "不同意")
    assert "保留一天" in declined
    with services.db.session() as session:
        assert not list(session.scalars(select(Demand).where(Demand.openid == openid)))
    assert "需求编号" in say(wx, openid, "同意")
    assert demand_of(services, openid).company == "襄阳驰冷电驱科技有限公司"


def test_a_researcher_is_reasked_for_an_institution_not_a_company(wx: object) -> None:
    """A junk answer to '所在单位' is re-asked with a research-institution example, not '襄阳××有限公司'."""
    openid = "f_inst_reask"
    asked = say(wx, openid, "我有项成果想登记到项目库")
    assert "高校或科研院所" in asked
    reask = say(wx, openid, "Q")
    assert "研究所" in reask and "有限公司" not in reask


def test_a_farmer_without_a_registered_unit_can_still_file_a_demand(wx: object, services: Container) -> None:
    """'还没注册 就几户人一起搞' answers the unit question: the demand is filed as an individual's, not re-asked forever."""
    openid = "f_no_unit"
    asked = say(wx, openid, "你好 我们村几户人种香菇，菌棒老是烂，技术员也说不清楚原因，能帮忙找个专家看看吗")
    assert "全称" in asked
    reply = say(wx, openid, "还没注册 就是保康县马桥镇的几户人一起搞")
    assert "全称" not in reply
    say(wx, openid, "面议", "刘大军 13800009871")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.company, row.region) == ("个人（未注册单位）", "襄阳市保康县")
    assert "菌棒" in row.description


def test_what_the_result_is_in_the_first_message_is_kept_and_ip_is_no_summary(wx: object, services: Container) -> None:
    """'…我们实验室的成果 是一种秸秆做的可降解地膜…' keeps the result as its summary (it is not asked again), and
    '有两个实用新型 发明还在审' fills the IP field, not the summary or the title."""
    openid = "f_first_result"
    say(wx, openid, "老师让我来登记一下我们实验室的成果 是一种秸秆做的可降解地膜 已经在宜城试了两百亩")
    asked = say(wx, openid, "湖北文理学院")
    assert "介绍这项成果" not in asked
    say(wx, openid, "有两个实用新型 发明还在审", "现代农业", "小试", "联系人张立新 13800004567")
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert "秸秆" in row.summary and "实用新型" not in row.summary and "实用新型" not in row.title


def test_a_surname_in_the_first_message_is_kept_for_the_name_question(wx: object, services: Container) -> None:
    """'…我姓周 电话138…' in a one-shot first message: the name question offers 周先生 / 周女士 and '先生' answers it."""
    openid = "f_first_surname"
    say(wx, openid, "我是谷城做汽车刹车片的 最近客户反映刹车片有异响 我们查不出来原因 想找个专家看看 "
                    "厂子叫谷城县恒通摩擦材料有限公司 我姓周 电话13800006655")
    asked = say(wx, openid, "十来万能接受")
    assert "周先生" in asked
    say(wx, openid, "先生")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert (row.contact_name, row.contact_phone) == ("周先生", "13800006655")


def test_my_matches_while_the_demand_waits_for_review_says_so(wx: object, services: Container) -> None:
    """'我的匹配' right after filing: the demand is still under review, said with its id — not '还没有匹配记录'."""
    openid = "f_mine_pending"
    say(wx, openid, ONE_SHOT)
    submit(wx, openid)
    demand = demand_of(services, openid)
    reply = say(wx, openid, "我的匹配")
    assert demand.status == "待审核" and demand.id in reply and "审核" in reply and "还没有匹配记录" not in reply


def test_researcher_title_kept_beside_the_name(wx: object, services: Container) -> None:
    """'李教授，李卫东 159…' stores the name 李卫东 with the title 教授 beside it."""
    openid = "f_title"
    say(wx, openid, "我们课题组有项成果想放到项目库", "楚北理工大学材料学院，是一种铝合金压铸件真空除气工艺，已经在两家厂里中试了",
        "授权发明专利2项", "李教授，李卫东 15927083321", "新能源新材料")  # the field is asked (two close guesses)
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert (row.contact_name, row.contact_title) == ("李卫东", "教授")
        assert "真空除气工艺" in row.title


def test_result_without_a_name_is_named_from_its_description(wx: object, services: Container) -> None:
    """Nobody names 'what we do': '我们做的是茶园病虫害的图像识别 准确率九成多' gives the title, so the form never
    asks for a name (it stored the next unrelated message as one); '谢谢 辛苦了' at the summary is no edit."""
    openid = "f_untitled"
    say(wx, openid, "老师您好 我是湖北文理学院的 想把我们的成果放上来",
        "我们做的是茶园病虫害的图像识别 准确率九成多 已经在两个茶场试用了", "有个软著 还有一个发明专利在审")
    summary = say(wx, openid, "我姓彭 彭晓东 13800005566")
    assert "成果名称：茶园病虫害的图像识别" in summary and "叫什么名字" not in summary
    polite = say(wx, openid, "谢谢 辛苦了")
    assert "不客气" in polite and "回复“确认”提交" in polite and "没太明白" not in polite
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert (row.title, row.contact_name) == ("茶园病虫害的图像识别", "彭晓东")


def test_a_pending_invention_is_the_ip_and_keywords_are_whole_words(wx: object, services: Container) -> None:
    """'报了一个发明 还在审' answers the IP question (not '没太明白'); keywords hold no cut-across-words fragments
    ('比酸法' of '提取率比酸法高', '一层')."""
    openid = "f_pending_ip"
    say(wx, openid, "王老师让我来登记一下课题组的成果", "湖北文理学院 化学与食品科学学院",
        "我们做的是用柑橘皮提取果胶的新工艺 提取率比酸法高一倍 表面再包上一层膜 现在在中试")
    assert "没太明白" not in say(wx, openid, "报了一个发明 还在审")
    say(wx, openid, "联系人刘畅 15871112233", "现代农业")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.ip == "发明专利申请1项"
    assert "果胶" in row.keywords and not {"比酸法", "一层", "包上"} & set(row.keywords)

def test_interests_parsed_and_changed_by_chat(wx: object, services: Container) -> None:
    """Subscribe without a result; topics come out clean; chat adds, drops and lists them."""
    openid = "f_topics"
    say(wx, openid, "我不登成果 就是想有相关需求的时候提醒我",
        "我是襄阳工业技术研究院的 提醒的话 铸造相关的需求都推给我，汽车零部件的也要", "联系人 欧阳晨 13800001374")
    assert "已订阅" in submit(wx, openid)

    def topics() -> list[str]:
        with services.db.session() as session:
            rows = session.scalars(select(Interest).where(Interest.openid == openid, Interest.kind == "match"))
            return sorted(k for r in rows for k in r.keywords)
    assert topics() == ["汽车零部件", "铸造"]
    assert "热处理" in say(wx, openid, "以后有热处理方面的需求也提醒我一下")
    assert "铸造" in say(wx, openid, "不用再推铸造的了")
    assert topics() == ["汽车零部件", "热处理"]
    mine = say(wx, openid, "我的订阅")
    assert "热处理" in mine and "铸造" not in mine


def registration(services: Container, openid: str, event_id: str | None = None) -> Registration:
    """The single registration of a user (for ``event_id`` when they signed up for several)."""
    query = select(Registration).where(Registration.openid == openid)
    if event_id is not None:
        query = query.where(Registration.event_id == event_id)
    with services.db.session() as session:
        row = session.scalars(query).one()
        session.expunge_all()
    return row


def achievement_of(services: Container, openid: str) -> Achievement:
    """The single achievement a user submitted."""
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        session.expunge_all()
    return row


def test_question_during_signup_is_answered_and_signup_resumes(wx: object, services: Container) -> None:
    """'几点开始' is not taken as a name: the time is answered, then the sign-up carries on."""
    openid = "f_when"
    say(wx, openid, "报名 E06")
    reply = say(wx, openid, "几点开始")
    assert "09:00" in reply and "我们接着报名" in reply
    assert "几点" not in say(wx, openid, "田桂兰 13800005821")
    say(wx, openid, "同意")
    assert registration(services, openid).name == "田桂兰"


def test_an_event_detail_the_record_lacks_is_said_to_be_missing(wx: object) -> None:
    """'在哪里啊 好不好停车' gets the place and says parking is not stated (never a guess); '谁讲' names the speaker."""
    openid = "f_parking"
    say(wx, openid, "高血压那个讲座是哪天")
    reply = say(wx, openid, "在哪里啊 好不好停车")
    assert "示例社区党群服务中心" in reply and "没有写明停车" in reply and "转人工" in reply
    assert "周明远" in say(wx, openid, "谁讲啊")


def test_signing_up_a_parent_and_going_along_counts_the_user(wx: object, services: Container) -> None:
    """'给我妈报 她叫黄秀英 电话用我的 … 我陪她去' (the user gives no name of their own) books 2 places, not 1."""
    openid = "f_escort"
    say(wx, openid, "报名 E01")
    shown = say(wx, openid, "给我妈报 她叫黄秀英 电话用我的 13800004321 我陪她去")
    assert "黄秀英" in shown and "2人" in shown
    say(wx, openid, "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, reg.companions) == ("黄秀英", 2, ["陪同家属"])


def test_party_changes_are_confirmed_and_companions_shown(wx: object, services: Container) -> None:
    """'带我同事小陈和小刘' = 3 people; '老伴不去了' is confirmed first; companions reach 我的报名 and the export."""
    openid = "f_party"
    say(wx, openid, "报名 E01", "刘敏 13800002222 带我同事小陈和小刘", "同意")
    reg = registration(services, openid)
    assert (reg.party_size, sorted(reg.companions)) == (3, ["小刘", "小陈"])
    mine = say(wx, openid, "我的报名")
    assert "小陈" in mine and "小刘" in mine
    with services.db.session() as session:
        views = my_registrations(session, appid=services.appid, openid=openid, now=BEFORE)
        assert "小陈" in "".join(str(c) for row in registration_rows(views) for c in row)
        taken = session.get(Event, "E01").seats_taken  # type: ignore[union-attr]
    ask = say(wx, openid, "小刘不去了")
    assert "改为2人" in ask and "确认" in ask
    assert registration(services, openid).party_size == 3  # nothing changes before the confirmation
    assert "已修改" in say(wx, openid, "确认")
    reg = registration(services, openid)
    assert (reg.party_size, reg.companions) == (2, ["小陈"])
    with services.db.session() as session:
        assert session.get(Event, "E01").seats_taken == taken - 1  # type: ignore[union-attr]


def test_thanks_at_a_change_question_decides_nothing(wx: object, services: Container) -> None:
    """'谢谢你啊' while asked to confirm a party change gets its short reply and the question again; the change
    waits for '确认' (it was taken as 'keep it as it is')."""
    openid = "f_polite"
    say(wx, openid, "高血压那个讲座 我和老伴去", "刘桂兰 13800001234 老伴叫张德福", "同意")
    assert registration(services, openid).party_size == 2
    assert "改为1人" in say(wx, openid, "老伴去不了了 就我一个人去")
    again = say(wx, openid, "谢谢你啊")
    assert "改为1人" in again and "保持不变" not in again.splitlines()[0]
    assert registration(services, openid).party_size == 2
    assert "已修改" in say(wx, openid, "确认")
    assert registration(services, openid).party_size == 1


def test_cancellation_confirms_which_event_and_whom(wx: object, services: Container) -> None:
    """'老头子腿疼 去不成了 帮我退了吧' names the event and the person, and cancels only after '确认'."""
    openid = "f_cancel"
    say(wx, openid, "给我家老头子报个名 那个教心肺复苏的", "他叫潘德胜 电话留我的 13800007264", "同意")
    assert registration(services, openid).name == "潘德胜"
    ask = say(wx, openid, "老头子腿疼 去不成了 帮我退了吧")
    assert "心肺复苏" in ask and "潘德胜" in ask and registration(services, openid).status == "confirmed"
    assert "已为您取消" in say(wx, openid, "确认")
    assert registration(services, openid).status == "cancelled"


def test_name_validator_refuses_non_names(wx: object) -> None:
    """Emoji or a question is never stored as the sign-up name."""
    openid = "f_name"
    say(wx, openid, "报名 E09")
    assert "姓名" in say(wx, openid, "😀😀") or "手机号" in say(wx, openid, "😀😀")
    reply = say(wx, openid, "在哪")
    assert "地点" in reply and "我们接着报名" in reply


def test_what_a_cooperative_grows_and_a_dialect_ask_stay_in_the_description(wx: object, services: Container) -> None:
    """'我们是做香菇的合作社' says what the business makes (合作社 is no wish to cooperate) and '有冇得专家来看看' is
    the ask (有冇得 = 有没有): both belong to the problem a researcher will read; no name is in them to hide."""
    openid = "f_mushroom"
    say(wx, openid, "我们是做香菇的合作社 今年菌棒烂了好多 有冇得专家来看看")
    say(wx, openid, "保康县林丰香菇专业合作社", "就在保康", "面议", "联系人柯小兵 13800007341", "现代农业")
    submit(wx, openid)
    d = demand_of(services, openid)
    assert "香菇" in d.description and "菌棒" in d.description and "专家" in d.description
    assert "林丰" not in d.description and "柯小兵" not in d.description


def test_thanks_and_small_talk_after_an_event_is_shown_start_nothing(wx: object) -> None:
    """'谢谢', '明天见' right after an event was shown are no sign-up under that 'name'; '你吃饭了吗' is no event
    question; '要带孩子去吗' is not called a missing packing list."""
    openid = "f_after_event"
    say(wx, openid, "高血压那个讲座在哪里")
    for text in ("谢谢", "明天见"):
        assert "手机号" not in say(wx, openid, text), text
    assert "没有写明" not in say(wx, openid, "你吃饭了吗")
    assert "需要携带" not in say(wx, openid, "高血压那个讲座要带孩子去吗")


def test_a_named_unit_or_a_garbled_answer_is_not_filed_as_an_individual(wx: object) -> None:
    """Only an answer that says there is no unit becomes '个人（未注册单位）': '名字太长 没办法打全' and
    '我个人觉得叫华新科技' are asked again."""
    openid = "f_not_individual"
    say(wx, openid, "我们厂的注塑件老是缩水 想找专家看看")
    for text in ("名字太长 没办法打全", "我个人觉得叫华新科技"):
        reply = say(wx, openid, text)
        assert "个人（未注册单位）" not in reply and "全称" in reply, text


def test_a_user_who_cannot_go_along_is_no_escort(wx: object, services: Container) -> None:
    """'我上班 我也去不了' after signing a parent up keeps the party at 1."""
    openid = "f_no_escort"
    say(wx, openid, "报名 E01")
    shown = say(wx, openid, "给我妈报 她叫黄秀英 电话13800001111 我上班 我也去不了")
    assert "1人" in shown and "陪同家属" not in shown
