"""Chinese texts of two-way matching: state labels, match alerts, contact release, answers, 我的匹配, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.texts import demands as demand_texts

if TYPE_CHECKING:
    from bot.domain.errors import DomainError
    from bot.domain.matches.lifecycle import MatchAnswer, MatchView
    from bot.store.models import Achievement, Demand

STATE_LABELS = {
    "recommended": "已推荐",
    "interested": "一方有意向",
    "agreed": "双方有意向",
    "contact_released": "已交换联系方式",
    "negotiating": "洽谈中",
    "signed": "已签约",
    "declined": "已婉拒",
    "expired": "已过期",
}
ANSWERS = {
    "waiting": "已记录您的意向。对方确认后，我们会把双方联系方式发给您。",
    "released": "对方也有意向！双方联系方式已发给您，请留意消息。",
}
MY_MATCHES_SHOWN = 10


def state_label(state: str) -> str:
    """The Chinese label of a match state (the state itself when unknown)."""
    return STATE_LABELS.get(state, state)


def _reasons(reasons: Sequence[str]) -> str:
    """The first three reasons of a match, joined."""
    return "；".join(list(reasons)[:3])


def achievement_owner_alert(*, demand: Demand, achievement: Achievement, reasons: Sequence[str]) -> str:
    """Tells a researcher that a new demand may fit their achievement."""
    return (f"有一条新需求与您的成果「{achievement.title}」可能匹配：\n{demand_texts.demand_line(demand)}\n"
            f"理由：{_reasons(reasons)}\n回复“感兴趣 {demand.id}”或“不合适 {demand.id} 原因”。")


def demand_owner_alert(*, demand: Demand, achievement: Achievement, reasons: Sequence[str]) -> str:
    """Tells an enterprise that an achievement may solve their demand."""
    return (f"有一项科技成果可能解决您的需求 {demand.id}「{demand.title}」：\n"
            f"{achievement.id}「{achievement.title}」（{achievement.institution}，{achievement.maturity}）\n"
            f"理由：{_reasons(reasons)}\n回复“感兴趣 {achievement.id}”或“不合适 {achievement.id} 原因”。")


def follower_alert(demand: Demand) -> str:
    """Tells a researcher that a new demand fits the topics they follow."""
    return f"您关注的领域有新需求：{demand_texts.demand_line(demand)}。回复“感兴趣 {demand.id}”表示有意向。"


def contact_for_demand_owner(achievement: Achievement) -> str:
    """The achievement's contact, released to the enterprise once both sides agreed."""
    return (f"「{achievement.title}」的联系人：{achievement.contact_name or '未留姓名'}，"
            f"{achievement.contact_phone or '未留电话'}（{achievement.institution}）。祝洽谈顺利！")


def contact_for_achievement_owner(demand: Demand) -> str:
    """The demand's contact, released to the researcher once both sides agreed."""
    return (f"需求「{demand.title}」的联系人：{demand.contact_name or '未留姓名'}，"
            f"{demand.contact_phone or '未留电话'}（{demand.company}）。祝洽谈顺利！")


def answer_text(answer: MatchAnswer) -> str:
    """The reply to 感兴趣 / 不合适: recorded, contacts released, or declined with its reason code."""
    if answer.outcome == "declined":
        return f"好的，已标记为不合适（{answer.reason_code}）。我们会继续为您推荐更合适的对象。"
    return ANSWERS[answer.outcome]


def decline_reason_prompt(other_id: str, reasons: Sequence[str]) -> str:
    """Asks for the reason of a 不合适 that came without one."""
    return f"请说一下原因，例如：不合适 {other_id} 阶段不符\n可选：{'、'.join(reasons)}"


def match_line(index: int, view: MatchView) -> str:
    """One numbered line of 我的匹配: the other record, its title and the match state."""
    return f"{index}. {view.other_id}「{view.title}」：{state_label(view.state)}"


def my_matches_text(views: Sequence[MatchView]) -> str:
    """The user's matches, best first, with how to answer."""
    if not views:
        return "您暂时还没有匹配记录。发布需求或登记成果后，我们会为您推荐合适的对象。"
    lines = [match_line(i, v) for i, v in enumerate(views[:MY_MATCHES_SHOWN], start=1)]
    return "您的匹配：\n" + "\n".join(lines) + "\n回复“感兴趣 编号”或“不合适 编号 原因”。"


def pending_review_text(demands: Sequence[str]) -> str:
    """No match yet because the user's demands still wait for review ('D26「…」')."""
    return (f"您的需求 {'、'.join(demands)} 还在等科创联络员审核，审核通过后会为您匹配科技成果，"
            "有合适的会第一时间推送给您。可回复“我的需求”查看进度。")


def state_changed_text(match_id: int, state: str) -> str:
    """For the liaison officer: the match's new state."""
    return f"匹配 {match_id} 已更新为：{state_label(state)}"


def refusal_text(error: DomainError) -> str:
    """Why an answer or a liaison update of a match was refused, for people."""
    facts = error.facts
    if error.code == "no_user_match":
        return f"没有找到您与 {facts.get('other_id')} 的匹配记录，回复“我的匹配”查看全部。"
    if error.code == "closed" and facts.get("entity") == "match":
        return f"这条匹配已{state_label(str(facts.get('state')))}，无需再操作。"
    if error.code == "invalid" and facts.get("field") == "state":
        allowed = facts.get("allowed")
        return f"状态只能是：{'、'.join(map(str, allowed if isinstance(allowed, tuple | list) else ()))}"
    return demand_texts.refusal_text(error)
