"""Account/privacy and menu handlers called directly (in-memory database, no server)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from bot.chat.context import make_context
from bot.store.models import AuditLog, SubscribeGrant, User
from handlers import account, menu
from handlers.kit.base import ConversationState, Incoming
from handlers.registry import build_router
from tests.support.handlers import NOW, Chat, memory_container


def test_my_info_lists_what_is_stored_and_delete_asks_first(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    with container.db.session() as s:
        s.add(User(appid=container.appid, openid="u1", name="周芳", phone="13800003333", consent_at=NOW))
    chat = Chat(container, build_router())
    (info,) = chat.send("我的信息") or []
    assert "周芳" in info and "13800003333" in info and "删除我的信息" in info
    (ask,) = chat.send("删除我的信息") or []
    assert "确认删除" in ask and chat.conv.flow == account.DELETE_FLOW
    (kept,) = chat.send("算了") or []
    assert "没有删除" in kept
    with container.db.session() as s:
        assert s.scalar(select(User.name).where(User.openid == "u1")) == "周芳"
    chat.send("删除我的信息")
    (done,) = chat.send("确认删除") or []
    assert "已删除" in done
    assert chat.send("我的信息") == ["目前没有保存您的个人信息。"]


def test_account_handler_passes_on_other_words(tmp_path: Path) -> None:
    chat = Chat(memory_container(tmp_path), account.route)
    assert chat.send("高新技术企业怎么认定") is None
    assert chat.send("隐私") == [account.PRIVACY_TEXT]


def _event(container: object, event: str, **fields: object) -> Incoming:
    return Incoming(appid=container.appid, openid="u2", kind="event", event=event,  # type: ignore[attr-defined]
                    created_at=NOW, **fields)  # type: ignore[arg-type]


def _run(container: object, msg: Incoming) -> list[str]:
    with container.db.session() as session:  # type: ignore[attr-defined]
        ctx = make_context(container, session, appid=msg.appid)  # type: ignore[arg-type]
        replies = menu.handle(ctx, msg, ConversationState()) or []
    return [r.text for r in replies]


def test_subscribe_welcomes_and_grants_and_events_are_recorded(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    assert _run(container, _event(container, "subscribe"))[0].startswith("感谢关注")
    grant = _event(container, "subscribe_msg_popup_event", grants=(("TPL1", "accept"), ("TPL2", "reject"), ("", "x")))
    assert _run(container, grant) == []
    assert _run(container, _event(container, "unsubscribe")) == []
    with container.db.session() as s:
        assert s.scalar(select(User.subscribed).where(User.openid == "u2")) is False
        grants = {g.template_id: g.status for g in s.scalars(select(SubscribeGrant))}
        actions = set(s.scalars(select(AuditLog.action)))
    assert grants == {"TPL1": "accept", "TPL2": "reject"}
    assert "wechat.event.subscribe_msg_popup_event" in actions


def test_menu_click_is_answered_by_the_capability_it_stands_for(tmp_path: Path) -> None:
    container = memory_container(tmp_path)
    click = _event(container, "click", event_key="KC_MINE")
    with container.db.session() as session:
        ctx = replace(make_context(container, session, appid=click.appid), router=build_router())
        (reply,) = menu.handle(ctx, click, ConversationState()) or []
    assert "我的信息" in reply.text
    image = Incoming(appid=container.appid, openid="u2", kind="image", created_at=NOW)
    assert "看不懂图片" in _run(container, image)[0]
