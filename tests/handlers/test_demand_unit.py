"""The demand flow called directly (router, in-memory database): a few messages give a stored demand with its
fields, the consent and an audit trail; without consent nothing is stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.store.models import AuditLog, Demand, User
from handlers.registry import build_router
from tests.support.handlers import NOW, Chat, memory_container

NEED = "我们在樊城做汽车座椅的，骨架焊接后变形大，想找高校帮忙解决"


def fill(chat: Chat) -> str:
    """The need, the company, the budget and the contact: the reply is the summary."""
    chat.send(NEED)
    chat.send("公司叫襄阳试验座椅有限公司")
    chat.send("预算八十万")
    (summary,) = chat.send("联系人张伟 13800001234") or []
    return summary


def test_a_few_messages_store_the_demand_with_its_fields_and_the_consent(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    chat = Chat(container, build_router())
    summary = fill(chat)
    assert "请核对您的技术需求" in summary and "单位名称：襄阳试验座椅有限公司" in summary
    (notice,) = chat.send("确认") or []
    assert "个人信息保护法" in notice
    (done,) = chat.send("同意") or []
    assert "需求编号 D1" in done and "审核" in done
    with container.db.session() as session:
        demand = session.scalars(select(Demand)).one()
        user = session.scalars(select(User).where(User.openid == "u1")).one()
        actions = {(a.action, a.actor, a.appid) for a in session.scalars(select(AuditLog))}
    assert (demand.id, demand.appid, demand.openid, demand.status) == ("D1", container.appid, "u1", "待审核")
    assert (demand.company, demand.industry, demand.region) == ("襄阳试验座椅有限公司", "汽车及零部件", "襄阳市樊城区")
    assert (demand.budget, demand.budget_low_wan, demand.contact_name, demand.contact_phone) == (
        "80万元", 80.0, "张伟", "13800001234")
    assert "焊接" in demand.description and demand.title
    assert user.consent_at is not None and user.consent_at.replace(tzinfo=NOW.tzinfo) == NOW
    assert {("privacy.consent", "u1", container.appid), ("demand.submit", "u1", container.appid)} <= actions
    assert chat.conv.flow is None


def test_without_consent_nothing_is_stored(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    chat = Chat(container, build_router())
    fill(chat)
    chat.send("确认")
    (reply,) = chat.send("不同意") or []
    assert "没有提交" in reply
    with container.db.session() as session:
        assert session.scalars(select(Demand)).all() == []
        user = session.scalars(select(User).where(User.openid == "u1")).one_or_none()
    assert user is None or user.consent_at is None


def test_without_review_the_demand_is_published_at_once(tmp_path: Path) -> None:
    container = memory_container(tmp_path, require_review=False)
    chat = Chat(container, build_router())
    fill(chat)
    chat.send("确认")
    (done,) = chat.send("同意") or []
    assert "已发布到问题库" in done
    with container.db.session() as session:
        demand = session.scalars(select(Demand)).one()
    assert demand.status == "已发布" and demand.published_at is not None
