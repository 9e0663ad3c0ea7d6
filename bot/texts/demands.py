"""Chinese texts of the 问题库: a demand in one line, review notices and outcomes, refusals of the review."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.demands import ReviewResult
    from bot.domain.errors import DomainError
    from bot.store.models import Demand

RECORD_NOUNS = {"demand": "需求", "achievement": "成果", "match": "匹配"}


def demand_line(demand: Demand) -> str:
    """One demand in a line: ``D02「题目」（行业，地区，预算80万元）``."""
    return f"{demand.id}「{demand.title}」（{demand.industry}，{demand.region}，预算{demand.budget}）"


def published_notice(demand: Demand) -> str:
    """Tells the owner their demand passed review."""
    return f"您提交的需求 {demand.id}「{demand.title}」已审核发布，我们会为您匹配相关成果和专家。"


def rejected_notice(demand: Demand, reason: str) -> str:
    """Tells the owner their demand was sent back, and why."""
    return (f"您提交的需求 {demand.id}「{demand.title}」暂未通过审核：{reason}。"
            "如有疑问可回复“转人工”联系科创联络员。")


def approved_text(result: ReviewResult) -> str:
    """For the reviewer: the demand is published, with how many matches and alerts followed."""
    return f"需求 {result.demand_id} 已发布：匹配 {result.matches} 项，排队提醒 {result.alerts} 条。"


def rejected_text(demand_id: str, reason: str) -> str:
    """For the reviewer: the demand was sent back."""
    return f"需求 {demand_id} 已退回：{reason}"


def refusal_text(error: DomainError) -> str:
    """Why a review or a lookup of a demand or achievement was refused, for people."""
    facts = error.facts
    noun = RECORD_NOUNS.get(str(facts.get("entity")), "记录")
    if error.code == "not_pending":
        return f"需求 {facts.get('id')} 当前状态为“{facts.get('status')}”，不是待审核"
    if error.code == "not_published":
        return f"需求 {facts.get('id')} 尚未发布"
    if error.code == "not_found":
        return f"没有编号为 {facts.get('id')} 的{noun}"
    if error.code == "invalid" and facts.get("field") == "reason":
        return "请填写退回原因"
    return "抱歉，这个操作现在无法完成。"
