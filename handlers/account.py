"""Account and privacy (个人信息保护法): consent, "我的信息", "删除我的信息", "我的需求", expired-draft notices.

Diagram: ``handlers/account_flow.md``.
"""

from __future__ import annotations

import re
from functools import partial

from bot.domain.privacy import delete_user_data, demand_rows, has_consent, record_consent, stored_data
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.forms import restore_declined
from knowledge.extract import is_affirmative, is_negative

DELETE_FLOW = "account_delete"
FLOW_NOUNS = {"demand": "技术需求", "achievement": "科技成果"}
MY_INFO = re.compile(r"^(查看)?(我的(个人)?(信息|资料|数据)|个人信息)(查询|查看)?[吗呢？?。!！]*$")
MY_DEMANDS = re.compile(r"^(查看|查询|查下|看看)?我的需求(进度|状态|列表)?[吗呢？?。!！]*$")
DELETE_ME = re.compile(r"(删除|删掉|清除|注销|抹掉)(我的)?(个人)?(信息|资料|数据|账号|账户)")
PRIVACY = re.compile(r"^(隐私|隐私政策|个人信息保护|隐私说明)[？?。]*$")
MINE = re.compile(r"^(我的|个人中心|我的账号)[。！!]*$")
MINE_TEXT = ("您可以回复：\n“我的信息”查看我们保存的您的信息\n“我的需求”查看需求审核进度\n“我的报名”查看活动报名\n"
             "“删除我的信息”删除个人信息\n“隐私”查看个人信息说明")
PRIVACY_TEXT = (
    "个人信息说明：\n我们只在您同意后保存您主动填写的单位、联系人和电话，用于科技需求与成果对接、活动报名。\n"
    "联络员审核时可见；对接双方都同意后才交换联系方式。\n回复“我的信息”查看，“删除我的信息”删除。"
)


def has_consented(ctx: Context, msg: Incoming) -> bool:
    """Whether this user already agreed to the privacy notice."""
    return has_consent(ctx.session, appid=msg.appid, openid=msg.openid)


def give_consent(ctx: Context, msg: Incoming) -> None:
    """Record this user's consent (once)."""
    record_consent(ctx.session, appid=msg.appid, openid=msg.openid, now=ctx.now)


def my_info(ctx: Context, msg: Incoming) -> list[Reply]:
    """Show what is stored about the user."""
    data = stored_data(ctx.session, appid=msg.appid, openid=msg.openid)
    user = data.user
    personal = any(user.get(key) for key in ("name", "phone", "company", "consent_at"))  # a bare row is nothing
    if not personal and not data.demands and not data.achievements and not data.registrations and not data.interests:
        return [Reply("目前没有保存您的个人信息。")]
    lines = ["我们保存的您的信息："]
    for label, key in (("姓名", "name"), ("电话", "phone"), ("单位", "company")):
        if user.get(key):
            title = f"（{user['contact_title']}）" if key == "name" and user.get("contact_title") else ""
            lines.append(f"{label}：{user[key]}{title}")
    if user.get("consent_at"):
        lines.append(f"同意授权时间：{user['consent_at'].astimezone(ctx.now.tzinfo):%Y-%m-%d}")
    lines += [f"需求：{d['id']}「{d['title']}」{d['status']}" for d in data.demands]
    lines += [f"成果：{a['id']}「{a['title']}」{a['status']}" for a in data.achievements]
    if data.interests:
        lines.append(f"需求提醒订阅：{data.interests} 项")
    if data.registrations:
        lines.append(f"活动报名：{data.registrations} 项")
    lines.append("如需删除，请回复“删除我的信息”。")
    return [Reply("\n".join(lines))]


def my_demands(ctx: Context, msg: Incoming) -> list[Reply]:
    """List the user's demands with their review status."""
    rows = demand_rows(ctx.session, appid=msg.appid, openid=msg.openid)
    if not rows:
        return [Reply("您还没有登记过需求。回复“提需求”即可登记。")]
    lines = ["您登记的需求："] + [f"{i}「{title}」：{status}" for i, title, status in rows]
    return [Reply("\n".join(lines))]


def ask_delete(conv: ConversationState) -> list[Reply]:
    """Ask for confirmation before deleting."""
    conv.flow, conv.step, conv.draft = DELETE_FLOW, "confirm", {}
    return [Reply("确定要删除您的个人信息吗？\n将删除您的姓名、电话、单位和提醒订阅，取消您的活动报名，"
                  "并把已登记需求、成果里的联系方式抹去（记录只作匿名统计保留）。此操作无法撤销。\n"
                  "确认请回复“确认删除”，否则回复“取消”。")]


def confirm_delete(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Delete after an explicit yes; anything else keeps the data."""
    text = (msg.text or "").strip()
    conv.clear_flow()
    if text.startswith("确认删除") or (is_affirmative(text) and not is_negative(text)):
        delete_user_data(ctx.session, appid=msg.appid, openid=msg.openid, now=ctx.now,
                         key=ctx.settings.pseudonym_key)
        conv.data.clear()
        return [Reply("已删除您的个人信息。之后如需登记或报名，我们会重新征求您的同意。")]
    return [Reply("好的，没有删除，您的信息保持不变。")]


def resume_declined(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """'同意' within a day of declining consent: the kept draft is put back and submitted by its own flow."""
    text = (msg.text or "").strip()
    if "declined" not in conv.data or not (is_affirmative(text) and not is_negative(text)):
        return None
    if not restore_declined(ctx, conv) or ctx.router is None:
        return None
    return ctx.router.dispatch(ctx, msg, conv)


def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Answer the account and privacy commands (and a change of mind about consent)."""
    text = (msg.text or "").strip()
    if not conv.flow and (resumed := resume_declined(ctx, msg, conv)) is not None:
        return resumed
    if MY_INFO.match(text):
        return my_info(ctx, msg)
    if MY_DEMANDS.match(text):
        return my_demands(ctx, msg)
    if DELETE_ME.search(text) and len(text) <= 20:
        return ask_delete(conv)
    if PRIVACY.match(text):
        return [Reply(PRIVACY_TEXT)]
    if MINE.match(text):
        return [Reply(MINE_TEXT)]
    return None


def expired_notice(router: Router, ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Tell a returning user their draft expired, then handle the message as usual."""
    flow = conv.data.pop("expired_flow", None)
    if not flow:
        return None
    noun = FLOW_NOUNS.get(str(flow), "表单")
    notice = Reply(f"您之前没填完的{noun}草稿已超过有效期，已自动清除。如需继续，请重新开始。")
    return [notice, *router.dispatch(ctx, msg, conv)]


def register_draft_notice(router: Router) -> None:
    """Register the expired-draft notice (first of all: it wraps whatever answers the message)."""
    router.add("drafts.expired", partial(expired_notice, router))


def register(router: Router) -> None:
    """Register the account commands and the delete flow."""
    router.add("account", route)
    router.add_flow(DELETE_FLOW, confirm_delete)
