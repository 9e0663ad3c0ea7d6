"""A person named with a title after the name ('孙晓雯老师', '游德明教授'), said as a piece of its own beside a unit,
is the contact (name kept, title beside it) and never an alert topic — found replaying a researchers' set written
by a fresh hand (before: the whole '孙晓雯老师' became an alert topic and no contact was read). From the same set:
a topic list led by 就 ('关键词就A 还有B') kept 就 in the first topic, and a piece qualifying the one before it
('锂电池回收 废旧的那种') became a topic of its own."""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import User
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx
say, submit, topics_of = forms_chat.say, forms_chat.submit, classes.topics_of


def _contact(services: Container, openid: str) -> tuple[str | None, str | None]:
    """The contact name and the title stored beside it."""
    with services.db.session() as session:
        user = session.scalar(select(User).where(User.openid == openid))
        return (user.name, user.contact_title) if user else (None, None)


def test_name_then_title_beside_the_unit_is_the_contact_not_a_topic(wx: object, services: Container) -> None:
    """Asked for topics, '荆楚理工学院机械系 邵文华老师' gives the unit and the contact; the topics come next."""
    openid = "titled_after"
    say(wx, openid, "不登成果 就想订阅企业需求 有相关的推给我")
    reply = say(wx, openid, "荆楚理工学院机械系 邵文华老师")
    assert "邵文华老师" not in reply.split("提醒方向")[-1].split("\n")[0]
    say(wx, openid, "齿轮传动 还有减速器", "13800022301")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["齿轮传动", "减速器"])
    assert _contact(services, openid) == ("邵文华", "老师")


def test_topics_lose_a_leading_jiu_and_a_qualifying_piece(wx: object, services: Container) -> None:
    """'关键词就A 还有B 进口的那种' stores A (not '就A') and B (the qualifier is no topic)."""
    openid = "topic_pieces"
    say(wx, openid, "我想订阅企业需求 成果先不登")
    say(wx, openid, "关键词就轴承寿命预测 还有齿轮箱 进口的那种")
    say(wx, openid, "邵文军 13800022302")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["轴承寿命预测", "齿轮箱"])
