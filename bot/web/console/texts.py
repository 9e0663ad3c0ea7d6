"""Wording of the console pages that chat and CLI do not share (field labels, refusals of edits and moves)."""

from __future__ import annotations

from bot.domain.errors import DomainError
from bot.texts.matches import STATE_LABELS

MATCH_STATES = STATE_LABELS
FIELD_LABELS = {
    "id": "编号", "title": "标题", "description": "需求描述", "summary": "成果简介", "company": "企业",
    "industry": "行业", "need_type": "需求类型", "region": "地区", "budget": "预算", "contact_name": "联系人",
    "contact_phone": "联系电话", "status": "状态", "created_at": "提交时间", "field": "领域", "institution": "单位",
    "maturity": "成熟度", "ip": "知识产权", "keywords": "关键词", "openid": "提交人",
}


def edit_refusal(error: DomainError) -> str:
    """Why an edit was refused, naming the field."""
    facts = error.facts
    label = FIELD_LABELS.get(str(facts.get("field")), str(facts.get("field")))
    if "allowed" in facts:
        return f"{label}只能是：{'、'.join(map(str, facts['allowed']))}"  # type: ignore[call-overload]
    if "region" in facts:
        return f"地区必须在您负责的 {facts['region']} 范围内"
    if str(error.detail) == "required":
        return f"{label}不能为空"
    return f"{label}无法修改"


def move_refusal(error: DomainError) -> str:
    """Why a match could not be moved."""
    if error.code == "closed":
        return f"匹配 {error.facts.get('id')} 已是最终状态（{STATE_LABELS.get(str(error.facts.get('state')), '')}），不能再改"
    if error.facts.get("field") == "reason":
        return "请填写原因"
    if error.facts.get("field") == "state":
        return "只能改为：洽谈中、已签约、已婉拒、已过期"
    return "没有这条匹配，或者它不在您负责的地区"
