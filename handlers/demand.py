"""The demand flow (问题库): an entrepreneur describes a problem in their own words; a structured demand results.

Start: the menu (``start``), "提需求"/"登记需求"/"有个技术难题", or a message that clearly describes a need.
A self-introduction ("我们是随州的，做专用汽车的") is remembered for a day and used when the need follows.
Diagram: ``handlers/demand_flow.md``.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

from bot.domain.demands import DemandInput, submit_demand, user_demands
from bot.domain.privacy import get_user, remember_contact
from handlers.account import give_consent, has_consented
from handlers.kit import forms, interject, memo, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.fields import (
    budget_field,
    choice_field,
    contact_name_field,
    contact_title_field,
    org_field,
    phone_field,
    region_field,
)
from knowledge.extract import extract_need_type
from knowledge.extract.classify import need_scores
from knowledge.extract.intents import is_affirmative
from knowledge.keywords import specific_words
from knowledge.vocab import INDUSTRIES, NEED_TYPES

FLOW = "demand"
INTRO_TTL = timedelta(days=1)
ACHIEVEMENT_COMMAND = "登记科技成果"
OFFER_FRESH = timedelta(minutes=30)  # '好' takes a demand offered this recently
TAKE_OFFER = re.compile(r"(?:那就|那|就|帮我|麻烦)?(?:登记|登记一下|登一下|帮我登记|帮我找找?|登记吧|好吧|行吧|要得|中)[吧啊呀哈。!！]*")
NOT_TAKEN = re.compile(r"谢|算了|不用|不要|不了|再说")  # '好的谢谢' closes the chat, it takes no offer
ACK_CHARS = 40  # how much of a told problem the opening words read back
_FILLERS = re.compile(r"^(我们的|我们|咱们|俺们|主要是|主要|就是|现在|目前|最近|近来|近期|这段时间|这阵子|一直|老是|总是|经常|"
                      r"想要|想|希望|找个|寻找|个|"
                      r"(?:村|厂|公司|合作社|车间|场|场子|店|单位|基地|医院)里?的)+")  # '我们村的香菇…': 香菇…


def _description(text: str, facts: dict[str, Any]) -> str | None:
    """The need/problem part of any message (only when it carries a need or problem cue)."""
    return triage.need_text(text)


def _description_answer(text: str) -> str | None:
    """A direct answer to "请描述您的问题": the problem in the user's words, without the company, budget,
    contact, need-type word or a question in passing (None when nothing of the problem is left)."""
    return triage.need_text(text, strict=False)


def _need_type_guess(text: str, facts: dict[str, Any]) -> str:
    """The need type when the user leaves the question open: what the text implies, else the commonest (技术攻关)."""
    return _need_type(text, facts) or extract_need_type(text) or "技术攻关"


def _need_type(text: str, facts: dict[str, Any]) -> str | None:
    """The need type said or implied; a problem with no other cue ('齿轮箱跑一阵就漏油') asks for a fix (技术攻关)."""
    if facts.get("need_type"):
        return str(facts["need_type"])
    problem = triage.need_text(text) is not None and triage.PROBLEM.search(text)
    return "技术攻关" if problem and not triage.is_question(text) else None


def _title_score(clause: str) -> int:
    """How well a clause names the problem: problems beat searches, generic help-seeking and what the unit makes
    ('做数控折弯机的') score low."""
    score = 2 * bool(triage.PROBLEM.search(clause)) + bool(triage.SEEK.search(clause))
    makes = triage.intro_only(clause) and not (triage.PROBLEM.search(clause) or triage.SEEK.search(clause))
    filler = 5 * triage.is_filler(clause)  # '有个问题想请教一下' names nothing
    specific = min(2, specific_words(clause))  # '伞衣…强度下降' names the thing; '遇到个难题' names nothing
    return score + specific - 2 * bool(re.search(r"(高校|专家|帮忙|帮助|招不到|解决$)", clause)) - 3 * bool(makes) - filler


def derive_title(values: dict[str, Any]) -> dict[str, Any]:
    """A short title from the description: its most problem-like clause, trimmed."""
    clauses = [c for c in triage.PIECES.split(values.get("description") or "") if c.strip()]
    if not clauses:
        return {}
    best = max(clauses, key=_title_score)
    title = _FILLERS.sub("", best.strip()) or best.strip()
    return {"title": title[:24]}


def tidy(values: dict[str, Any]) -> dict[str, Any]:
    """The description without the company's own short name ('我们是樊城的华锦，…') or a clause that only names the
    contact ('…的王总，王志勇，给商用车做制动鼓的'), once they are known."""
    return triage.tidied(values, "description", company=True)


FIELDS = (
    forms.Field("title", "需求标题", "请用一句话概括您的需求（作为标题）：", asked=False, aliases=("标题", "题目")),
    forms.Field(
        "description", "问题描述", "请简单说说遇到的问题或需求：做什么产品、卡在哪里、想找什么样的帮助？",
        extractor=_description, parser=_description_answer, append=True, aliases=("描述", "需求描述", "问题"),
    ),
    org_field("company", "单位名称", "请问贵单位的全称是？（例如：襄阳××有限公司）", ("公司", "公司名", "单位", "企业名称")),
    choice_field("industry", "所属行业", "属于哪个行业？", INDUSTRIES, ("行业", "领域")),
    dataclasses.replace(choice_field("need_type", "需求类型", "属于哪类需求？", NEED_TYPES, ("类型", "需求类别"),
                                     fact_key="need_type", extract=extract_need_type), extractor=_need_type,
                        fallback=_need_type_guess),
    region_field("所在地区", "贵单位在哪个区县？例如 高新区、樊城、枣阳、十堰、随州"),
    budget_field("预算", "预算大概多少？例如 50万、50-80万；还没定可以回复“面议”。"),
    contact_name_field(),
    contact_title_field(),
    phone_field(),
)


def _submit(ctx: Context, msg: Incoming, values: dict[str, Any]) -> list[Reply]:
    """Store the demand and tell the user what happens next."""
    budget = values.get("budget") or {"text": "面议"}
    settings = ctx.settings
    data = DemandInput(
        company=values["company"], industry=values["industry"], need_type=values["need_type"],
        title=values["title"], description=values["description"], region=values["region"],
        budget=budget["text"], budget_raw=budget.get("raw"), budget_low_wan=budget.get("low"),
        budget_high_wan=budget.get("high"), contact_name=values["contact_name"], contact_phone=values["contact_phone"],
        contact_title=values.get("contact_title"),
    )
    demand = submit_demand(ctx.session, data=data, appid=ctx.appid, openid=msg.openid, now=ctx.now,
                           require_review=settings.require_review)
    remember_contact(ctx.session, appid=ctx.appid, openid=msg.openid, name=data.contact_name, phone=data.contact_phone,
                     company=data.company, role="enterprise", title=data.contact_title)
    return [Reply(submitted_text(demand.id, settings.require_review))]


REVIEWED = "科创联络员会在 1–3 个工作日内审核，通过后发布到问题库并为您匹配科技成果。"
PUBLISHED = "有匹配的科技成果会第一时间通知您。"


def submitted_text(demand_id: str, reviewed: bool) -> str:
    """What the user is told after submitting."""
    if reviewed:
        return f"已提交，需求编号 {demand_id}。\n{REVIEWED}\n可回复“我的需求”查看进度。"
    return f"已发布到问题库，需求编号 {demand_id}。\n{PUBLISHED}\n可回复“我的需求”查看。"


def next_steps(ctx: Context) -> str:
    """What happens once the demand is submitted (asked before submitting: '登记了以后好久有专家联系')."""
    steps = REVIEWED if ctx.settings.require_review else f"需求直接发布到问题库，{PUBLISHED}"
    return f"提交后，{steps}对接双方都同意后才交换联系方式，专家或成果方会通过您留的电话联系您。"


FORM = forms.Form(
    name=FLOW, noun="技术需求", fields=FIELDS, submit=_submit, derive=derive_title, tidy=tidy,
    opener="好的，我来帮您登记技术需求（问题库）。随时可说“取消”或“重新填”。", edit_example="预算改成100万",
    consent=has_consented, record_consent=give_consent, after=next_steps,
)


def start(ctx: Context, conv: ConversationState, *texts: str, openid: str | None = None) -> list[Reply]:
    """Open the demand flow (menu entry point); ``texts`` are earlier words that already describe the need; the
    unit and contact of ``openid``'s earlier records are offered for a yes."""
    seed = "，".join(filter(None, (triage.need_text(t, strict=False) for t in texts)))
    replies = forms.start(FORM, ctx, conv, texts, hints=_profile(ctx, openid))
    if seed and seed not in (forms.values_of(conv).get("description") or ""):
        forms.values_of(conv)["description"] = seed
        replies = forms.next_step(FORM, conv, FORM.opener)
    conv.data.pop("intro", None)
    return _read_back(conv, replies)


def _profile(ctx: Context, openid: str | None) -> dict[str, Any]:
    """The unit and contact a returning user consented to keep (a second demand offers them instead of asking)."""
    user = get_user(ctx.session, appid=ctx.appid, openid=openid) if openid else None
    if user is None or not user.consent_at:
        return {}
    contact = {"contact_name": user.name, "contact_phone": user.phone} if user.name and user.phone else {}
    last = next((d for d in user_demands(ctx.session, appid=ctx.appid, openid=user.openid)
                 if d.company == user.company and d.region), None)  # the unit's place, as its last demand said
    unit = {"company": user.company, **({"region": last.region} if last else {})} if user.company else {}
    return {**unit, **contact}


def start_after_intro(ctx: Context, msg: Incoming, conv: ConversationState, text: str) -> list[Reply]:
    """Open the demand flow with ``text``, after the self-introduction sent just before it (its unit and place)."""
    return start(ctx, conv, *(t for t in (recent_intro(ctx, conv), text) if t), openid=msg.openid)


def _read_back(conv: ConversationState, replies: list[Reply]) -> list[Reply]:
    """Read back a problem already told under the opening words, so the user knows it was understood.

    Not when the next message is the summary (it shows the problem) or the problem itself is asked."""
    problem = forms.values_of(conv).get("description")
    if not problem or conv.step in (forms.STAGE_CONFIRM, "description") or not replies:
        return replies
    first = replies[0]
    if not first.text.startswith(FORM.opener):
        return replies
    shown = problem if len(problem) <= ACK_CHARS else problem[:ACK_CHARS] + "…"
    text = first.text.replace(FORM.opener, f"{FORM.opener}\n已记下您的问题：{shown}", 1)
    return [dataclasses.replace(first, text=text), *replies[1:]]


def recent_intro(ctx: Context, conv: ConversationState) -> str | None:
    """The self-introduction the user sent recently, if any (an achievement form opened next reads it too)."""
    intro = conv.data.get("intro") or {}
    if not memo.fresh(ctx, intro, INTRO_TTL):
        return None
    return str(intro.get("text") or "") or None


def awaits_need(ctx: Context, conv: ConversationState, text: str) -> bool:
    """After a self-introduction the bot asked for the problem: a message that reads as one is the demand's."""
    intro = recent_intro(ctx, conv)
    return intro is not None and triage.looks_like_need(text, after_intro=True)


def _intro_reply(ctx: Context, conv: ConversationState, text: str) -> list[Reply]:
    """Remember an organisation's self-introduction and invite the need."""
    conv.data["intro"] = {"text": text, "at": ctx.now.isoformat()}
    return [Reply("您好！请问遇到了什么技术难题，或需要什么帮助（技术、人才、检测、资金等）？\n"
                  "直接描述就行，我帮您登记到问题库；想咨询政策也可以直接问。")]


def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Start the flow on an explicit request or a need description; remember self-introductions."""
    text = (msg.text or "").strip()
    if not text or conv.flow or FLOW in triage.declined_forms(text):  # '成果就不登记了': never that form
        return None
    intro = recent_intro(ctx, conv)
    if triage.wants_demand(text) or triage.looks_like_need(text, after_intro=bool(intro)):
        return start(ctx, conv, *(t for t in (intro, text) if t), openid=msg.openid)
    if triage.is_intro(text) and not triage.looks_like_achievement(text):
        return _intro_reply(ctx, conv, text)
    return None


def continue_flow(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Continue an open demand draft, or switch to the achievement flow ('不对 我是来登记成果的 点错了')."""
    text = (msg.text or "").strip()
    if triage.wants_achievement(text) and not triage.need_text(text):
        return interject.switch(ctx, msg, conv)  # the institution and the contact come along
    if (named := interject.switch_if_named(ctx, msg, conv, "achievement", ACHIEVEMENT_COMMAND, ("description",))) is not None:
        return named  # '登记' opened this form, '成果' says which one was meant
    made, need = _what_they_make(conv, text), _need_said(conv, text)
    replies = forms.handle(FORM, ctx, msg, conv)
    values = forms.values_of(conv) if conv.flow == FLOW else {}
    if made and values.get("description") and made not in values["description"]:
        values["description"] = f"{values['description']}；{made}"
    if need and "need_type" in conv.draft.get("guess", []):
        values["need_type"] = need  # still a guess: the summary marks it
    return replies


STRONG_NEED = 3  # the score of one strong need-type word ('引进', '贷款', '检测报告')


def _need_said(conv: ConversationState, text: str) -> str | None:
    """A need type told by the words about the need ('不用帮我们解决 就想找个地方检测一下') other than the one guessed
    so far: any other type replaces the 技术攻关 guessed from a bare problem, and one said with a strong word ('想引进
    这样的人才') replaces any guess; not from a contact's title ('王博士 138…') or a budget line."""
    values = forms.values_of(conv)
    guessed = values.get("need_type")
    if conv.draft.get("stage") != forms.STAGE_FILL or not guessed or "need_type" not in conv.draft.get("guess", []):
        return None
    said = triage.need_text(text, strict=False)
    need = extract_need_type(said) if said else None
    if need in (None, guessed, "技术攻关"):
        return None
    return need if guessed == "技术攻关" or need_scores(str(said)).get(need, 0) >= STRONG_NEED else None


def _what_they_make(conv: ConversationState, text: str) -> str | None:
    """What the business makes, told while another question is pending once the problem is known ('我们做工业物联网
    网关的，在襄城区'): kept with the problem, so matching reads it (None otherwise)."""
    problem = forms.values_of(conv).get("description")
    if conv.draft.get("stage") != forms.STAGE_FILL or conv.step == "description" or not problem \
            or triage.is_generic(problem) or triage.need_text(text) or not triage.intro_only(text):
        return None
    made = triage.content_text(text, triage.MAKES)
    return made if made and not triage.is_generic(made) else None


def offer_taken(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """'好' / '登记', or the need explained further, right after a declined question offered to file it as a demand
    ('哪里能测…'): the demand form opens with that question as the problem (None for anything else)."""
    text = (msg.text or "").strip()
    offer = conv.data.get("offered_need") or {}
    if conv.flow or not memo.fresh(ctx, offer, OFFER_FRESH):  # an offer kept from before it was stamped: stale
        return None
    said = triage.wants_demand(text) or triage.looks_like_need(text, after_intro=True)  # or goes on explaining the need
    if NOT_TAKEN.search(text) or not (said or is_affirmative(text) or TAKE_OFFER.fullmatch(text)):
        return None
    conv.data.pop("offered_need", None)
    texts = (recent_intro(ctx, conv), str(offer.get("text") or ""), text if said else None)
    return start(ctx, conv, *(t for t in texts if t), openid=msg.openid)


def _offer_ages(ctx: Context, msg: Incoming, conv: ConversationState) -> None:
    """An offered demand is good for the one message after it: any later one forgets it."""
    offer = conv.data.get("offered_need")
    if not isinstance(offer, dict) or offer.get("turns", 0) >= 1:
        conv.data.pop("offered_need", None)
    else:
        offer["turns"] = offer.get("turns", 0) + 1


def register_offer(router: Router) -> None:
    """Register the taker of a demand offered after a declined question (before the intent layer reads '好')."""
    router.watch(_offer_ages)
    router.add("demand-offer", offer_taken)


def register(router: Router) -> None:
    """Register the demand route and its flow handler."""
    router.add("demand", route)
    router.add_flow(FLOW, continue_flow)
