"""Researchers building and editing their demand-alert topics over several messages, through the real webhook:
failure classes found by replaying ``tests/support/data/dialogues_voices22.jsonl`` before changing anything — a
list said around fillers or after a lead ('主要是 嗯 A吧 还有那个B', '关注的就是 A B 还有C') kept only its last
topic; 'X不要了', 'X还是不要了' quit the form or switched it instead of editing the list; 'just these'
('就A和B两个', 'A就够了 哦不 再加个C', '就这俩 A和B'), '加一个X', '除了A 还关注B和C' and 'A 就是B' were not
read; the speaker's nickname ('老黄'), '订一个', '企业技术需求' became topics; a result form opened on a mere
introduction kept an alerts request that followed; a unit or a removal said after a direct subscription was lost;
a unit's name corrected in passing ('…所 哦不对 改名了 叫…院') switched away from the form.
Sentences are phrased unlike the data set's.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement, User
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit, topics_of = forms_chat.say, forms_chat.submit, classes.topics_of


def _company(services: Container, openid: str) -> str | None:
    """The unit stored with the user's contact."""
    with services.db.session() as session:
        return session.scalar(select(User.company).where(User.openid == openid))


def test_a_topic_list_drip_fed_and_edited_over_the_summary(wx: object, services: Container) -> None:
    """Topics among fillers ('主要是 嗯 A吧 还有那个B 偶尔也搞点C'), then 'C不要了 … 就A和B两个' (an edit, not a quit)
    and '哦对了再加一个 D': A, B, D."""
    openid = "r22_drip"
    say(wx, openid, "你们能不能 有厂家发需求了就通知我")
    say(wx, openid, "我在荆楚理工学院材料系 方向挺杂 主要是 嗯 涂层吧 还有那个激光熔覆 偶尔也搞点电镀")
    reply = say(wx, openid, "电镀不要了 别人做得多 就涂层和激光熔覆两个")
    assert "已取消" not in reply and "电镀" not in reply.split("提醒方向")[-1][:20]
    reply = say(wx, openid, "哦对了再加一个 表面改性")
    assert "表面改性" in reply
    say(wx, openid, "我姓邵 邵建平 手机13800022201")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["涂层", "激光熔覆", "表面改性"])
    assert _company(services, openid) == "荆楚理工学院"


def test_enough_then_one_more_and_a_drop_with_still(wx: object, services: Container) -> None:
    """'A还是不要了 加一个B' edits the summary (no switch); 'X就够了 哦不 再加个Y' keeps X and Y alone."""
    openid = "r22_still"
    say(wx, openid, "有氢燃料电池的企业需求 麻烦推给我", "还有储氢罐")
    reply = say(wx, openid, "储氢罐还是不要了 加一个电堆测试")
    assert "请核对" in reply and "电堆测试" in reply
    say(wx, openid, "邵振宇 13800022202")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["氢燃料电池", "电堆测试"])
    openid = "r22_enough"
    say(wx, openid, "订阅需求", "主要关注 注塑 吹塑 还有模流分析")
    say(wx, openid, "想了想 注塑就够了 哦不 再加个模具设计", "邵晓兰 13800022203")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["注塑", "模具设计"])


def test_just_these_besides_and_restated_topics(wx: object, services: Container) -> None:
    """'就这俩 A和B' keeps A and B; '除了A 还关注B和C' adds all three, 'C不要了' drops C; '加一个X' adds X,
    '把B换成Y' swaps; 'A 就是B' is B."""
    openid = "r22_just"
    say(wx, openid, "想订阅企业需求 我关注的就是 电机 变频 还有伺服 这三样", "就这俩 电机和伺服", "邵德胜 13800022204")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["电机", "伺服"])
    openid = "r22_besides"
    say(wx, openid, "订阅需求", "做纳米纤维", "除了纳米纤维 还关注静电纺丝和膜分离")
    reply = say(wx, openid, "膜分离不要了 组里不做了")
    assert "已取消" not in reply
    say(wx, openid, "加一个过滤材料", "把静电纺丝换成熔喷", "邵雨桐 13800022205")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["纳米纤维", "熔喷", "过滤材料"])
    openid = "r22_restated"
    say(wx, openid, "订阅需求", "关注智能材料 就是形状记忆合金 还有压电陶瓷", "邵佳怡 13800022206")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["形状记忆合金", "压电陶瓷"])


def test_the_speakers_nickname_and_the_request_are_no_topics(wx: object, services: Container) -> None:
    """'我是…所的 老邵 邵工', '帮我订一个吧 … 做X', '我想订阅企业技术需求' name no topic: the list is asked for."""
    openid = "r22_nick"
    reply = say(wx, openid, "订阅需求", "我是荆楚农业机械研究所的 老邵 邵工")
    assert "老邵" not in reply.split("提醒方向")[-1][:10]
    say(wx, openid, "想看采棉机 打捆机 这几块的企业需求", "邵国庆 13800022207")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["采棉机", "打捆机"])
    openid = "r22_tech"
    reply = say(wx, openid, "我想订阅企业技术需求")
    assert "提醒方向：技术" not in reply
    say(wx, openid, "工业互联网 边缘计算 这两个", "邵雅琴 13800022208")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["工业互联网", "边缘计算"])


def test_alerts_asked_in_a_result_form_opened_on_an_introduction(wx: object, services: Container) -> None:
    """'我是…学院的讲师' opens the result form; '我们组想订阅企业需求 方向是A 还有B' (no result told) is what they came
    for: the subscription form, with the unit carried over ('那先帮我订一个吧' too)."""
    openid = "r22_intro_alerts"
    say(wx, openid, "我是荆楚理工学院化工学院的讲师")
    reply = say(wx, openid, "我们组想订阅企业需求 方向是锂电回收 还有那个正极材料")
    assert "需求提醒订阅" in reply
    say(wx, openid, "联系人写我们主任 邵文彬 邵主任 电话13800022209", "哦 再加个电解液")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["锂电回收", "正极材料", "电解液"])
    assert _company(services, openid) == "荆楚理工学院"
    openid = "r22_one_first"
    say(wx, openid, "我是荆楚理工学院化工学院的老师")
    reply = say(wx, openid, "那先帮我订一个吧")
    assert "需求提醒" in reply and "项目库" not in reply
    say(wx, openid, "我关注的是催化剂和分子筛 还有中试放大", "中试放大那个去掉", "邵雅文老师 13800022250")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["催化剂", "分子筛"])


def test_a_unit_and_a_swap_after_a_direct_subscription(wx: object, services: Container) -> None:
    """After a direct subscription the unit said next is kept with the contact, and 'A不要 换成B' on that summary
    takes A out of the stored topics too."""
    openid = "r22_after"
    say(wx, openid, "订阅", "我关注的是 光纤传感 还有 激光雷达")
    reply = say(wx, openid, "单位是荆楚理工学院光电学院")
    assert "联系" in reply
    say(wx, openid, "邵博士 邵佳宁", "电话13800022210", "哦 激光雷达不要 换成红外成像")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["光纤传感", "红外成像"])
    assert _company(services, openid) == "荆楚理工学院"


def test_a_unit_renamed_in_passing_stays_in_the_form(wx: object, services: Container) -> None:
    """'我们是X所 哦不对 前年改名了 叫Y研究院' on the subscription form corrects the unit: no switch, no event."""
    openid = "r22_renamed"
    say(wx, openid, "我不登成果 就是想有企业要找无损检测的 通知我一声")
    reply = say(wx, openid, "我们是荆楚市计量测试所 哦不对 前年改名了 叫荆楚市计量科学研究院")
    assert "请核对" in reply and "荆楚市计量科学研究院" in reply
    say(wx, openid, "邵建华 13800022211")
    submit(wx, openid)
    assert _company(services, openid) == "荆楚市计量科学研究院"
    assert topics_of(services, openid) == ["无损检测"]


def test_alert_requests_inside_a_result_form(wx: object, services: Container) -> None:
    """In the result form '以后有企业要找X方面技术的 也通知我', '要是有企业要搞Y的需求 也给我推一下撒' and, on the
    summary, '顺便帮我订一下Z方面的企业需求' set alerts X, Y, Z."""
    openid = "r22_in_result"
    say(wx, openid, "荆楚农业科学院的 想登成果", "是个稻鸭共作的技术 一边种稻一边养鸭 省农药", "已经推广了上万亩",
        "以后有企业要找生态养殖方面技术的 也通知我", "要是有企业要搞有机肥的需求 也给我推一下撒", "没有专利",
        "联系人邵德旺 13800022212", "是")
    reply = say(wx, openid, "顺便帮我订一下稻米加工方面的企业需求")
    assert "稻米加工" in reply
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["生态养殖", "有机肥", "稻米加工"])


def _result(services: Container, openid: str) -> tuple[str, str]:
    """The title and contact name of the single result the user registered."""
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        return row.title, row.contact_name


def test_result_titles_keep_what_it_is_made_into_and_which_kind(wx: object, services: Container) -> None:
    """A title taken from the summary keeps what the result is made into ('用X 发酵一下做Y'), the clause saying which
    one a short name is ('做了个生物菌肥 X防Y的') and a whole '剂型'."""
    said = {"r22_made_into": ("用榨油厂剩的菜籽饼 发酵一下做鱼饲料 以前都是烧掉的", "现代农业", ("菜籽饼", "鱼饲料")),
            "r22_which": ("做了个生物菌肥 解淀粉芽孢杆菌防辣椒疫病的", "现代农业", ("芽孢杆菌", "疫病")),
            "r22_dosage": ("我们课题组做了一个黄芪多糖的新剂型就是喷雾的那种吸收好得多", "医药健康", ("黄芪多糖", "剂型"))}
    for i, (openid, (summary, field, words)) in enumerate(said.items()):
        say(wx, openid, "登记个成果", "荆楚理工学院生物工程学院", summary, field, "实验室阶段", "没有专利",
            f"邵晓燕 1380002222{i}")
        submit(wx, openid)
        title, _ = _result(services, openid)
        assert all(w in title for w in words), (openid, title)


def test_a_contact_respelled_after_oh_no(wx: object, services: Container) -> None:
    """'联系人A 哦不 写我们组的A′ 宜是适宜的宜' (same surname, another character): the contact is A′."""
    openid = "r22_respelled"
    say(wx, openid, "登记个成果", "荆楚理工学院物理学院", "做的是氮化镓外延片的缺陷检测", "电子信息", "小试做过两批", "一个发明专利",
        "联系人邵静怡 哦不 写我们组的邵静宜 宜是适宜的宜 13800022230")
    submit(wx, openid)
    assert _result(services, openid)[1] == "邵静宜"


def test_an_ip_count_is_no_answer_to_the_unit_question(wx: object, services: Container) -> None:
    """'软著三个' while the unit is asked fills the IP; the unit question stands."""
    openid = "r22_ip_not_unit"
    say(wx, openid, "荆楚机器人检测中心 视觉部", "我们有套焊缝图像识别软件 想登到项目库")
    reply = say(wx, openid, "软著五个")
    assert "单位" in reply
    say(wx, openid, "荆楚机器人检测中心", "已产业化", "联系人 邵思齐 13800022240")
    submit(wx, openid)
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        assert row.institution == "荆楚机器人检测中心"
