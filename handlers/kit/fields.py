"""Reusable form fields (company, choices, region, budget, contact) with their parsers and validators.

Parsers are pure functions of the user's reply; extractors read ``knowledge.extract.extract_all`` facts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from handlers.kit import triage
from handlers.kit.forms import Field
from knowledge.extract import (
    completes_title_form,
    contact_title,
    extract_amount,
    extract_person_name,
    extract_phone,
    extract_phones,
    extract_region,
    is_affirmative,
    is_negative,
    is_person_name,
    is_skip,
    mandarin,
    patch_phone,
)
from knowledge.extract.amounts import Amount
from knowledge.extract.extract_all import extract_all
from knowledge.extract.orgs import org_spans
from knowledge.vocab import INDUSTRIES, MATURITIES, NEED_TYPES

NEGOTIABLE_WORDS = re.compile(r"^(面议|面谈|不确定|没想好|还没想好|看情况|待定|还没定|都行|可以谈|再说|商量)")
_ORG_PREFIX = re.compile(r"^(就叫|就是|我们是|我们公司叫|我们单位是|我们叫|公司叫|公司名称是?|公司名字是?|单位名称是?|名称是?|全称是?|"
                         r"单位是?|公司是|叫|是)[：:\s]*")
_NAME_PREFIX = re.compile(r"^(联系人是?|联系人就?是|我叫|我是|就叫我|叫我|称呼我|喊我|叫|姓名是?|名字是?)[：:\s]*")
_NOT_NAMES = {"好的", "没有", "不知道", "就我", "是我", "我自己", "本人", "你好", "您好", "可以", "谢谢"}
_LEGAL_FORM = re.compile(r"(有限公司|有限责任公司|合作社|集团)$")  # a registered name: never a phrase
FORMAL_ORG = re.compile(r"(公司|合作社|集团|研究院|研究所|科学院|大学|学院|中心|医院|实验室|农场)$")
_NOT_ORG = re.compile(r"(…|\.\.\.|我们|我|了|吧|吗|呢|不对|说错|[一二三四五六七八九十两几\d]+\s*(?:次|回|趟|遍|天|个月|年))")  # '一个月用个三四次'
_TRAILING = re.compile(r"(?:就行|就好|就可以|即可|[。.!！~～的吧啊呀哈\s])+$")
_ORG_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（）·&\s-]+")
# 'no unit' answers to the unit question: a farmer, a household, an individual inventor, a firm not yet registered.
# The whole answer says so ('个人', '我是个人发明人'), or a clause does ('还没注册 就几户人一起搞'); never when a name
# is being given ('还没注册 打算叫华新科技', '我个人觉得叫…') or the words mean something else ('没办法打全').
_NO_ORG_ALONE = re.compile(r"^(?:我|我们|俺|俺们)?(?:就|只)?(?:是|算)?(?:个人|个体户?|散户|农户|自由职业者?)"
                           r"(?:发明人|名义|身份)?(?:的|吧|啊|呀|哈)?$")
_NO_ORG_SAID = re.compile(r"没有?(?:注册|成立)(?:什么|啥|么|个)?(?:公司|单位)?|没有(?:单位|公司|营业执照|执照)|不是(?:公司|单位)|几户人")
_UNREGISTERED = re.compile(r"没有?(?:注册|成立)(?:什么|啥|么|个)?(?:公司|单位)|没有营业执照")
NO_ORG = "个人（未注册单位）"
_MAKES = re.compile(r"^(?:主要|专门)?(?:做|搞|干|生产|加工|制造|造|卖|种|养|开)")  # '做汽车轮毂的' says what they make


def budget_value(amount: Amount) -> dict[str, Any]:
    """JSON form of an amount: normalised text, the user's words and the 万元 range."""
    return {"text": amount.normalized, "raw": amount.raw, "low": amount.low_wan, "high": amount.high_wan}


NEGOTIABLE = {"text": "面议", "raw": "面议", "low": None, "high": None}


def parse_budget(text: str) -> dict[str, Any] | None:
    """A budget reply: an amount ('八十万左右', '200w', '50-80万') or '面议'-like words."""
    amount = extract_amount(text) or extract_amount(f"预算{text}")  # asked for the budget: money is implied
    if amount is not None:
        return budget_value(amount)
    return {**NEGOTIABLE, "raw": text.strip()} if NEGOTIABLE_WORDS.match(text.strip()) else None


def parse_org(text: str) -> str | None:
    """An organisation name typed as a reply ('恒锐汽车', '公司叫襄阳XX有限公司'); a formal name anywhere in the reply
    wins over the words around it ('你问公司名？我们是十堰清源水务运营有限公司')."""
    formal = [found for _, _, found in org_spans(text) if _LEGAL_FORM.search(found)]
    if formal:
        return formal[0]
    name = _TRAILING.sub("", _ORG_PREFIX.sub("", text.strip()))
    if not 2 <= len(name) <= 50 or triage.CONTACT_CUE.search(name) or extract_phones(name):
        return None
    if not _ORG_CHARS.fullmatch(name) or not triage.meaningful(name) or triage.is_question(name):
        return None
    if not FORMAL_ORG.search(name) and not org_spans(name) and (re.search(r"\s|有|是|在|想|要|专利|问题", name) or len(name) > 12):
        return None  # '缸体水套的砂芯清不干净 残砂多', '有一个发明专利在申请' are not names of units
    if extract_amount(name) or triage.SEEK.search(name) or triage.PROBLEM.search(name) or _NOT_ORG.search(name) \
            or (_MAKES.match(name) and not FORMAL_ORG.search(name)):
        return None
    return None if _place_only(name) or name in _CHOICES else name  # '现代农业' answers the field question


_CHOICES = frozenset((*INDUSTRIES, *NEED_TYPES, *MATURITIES))


def said_no_org(text: str) -> bool:
    """The user says there is no registered unit ('还没注册 就几户人一起搞', '我是个人发明人', '冇注册么公司')."""
    plain = mandarin(text.strip(" 。，,！!~"))
    return not re.search(r"叫|名字|名称", plain) and bool(_NO_ORG_ALONE.match(plain) or _NO_ORG_SAID.search(plain))


def parse_org_or_none(text: str) -> str | None:
    """A unit name, or NO_ORG when the user says there is none ('还没注册 就几户人一起搞', '我是个人发明人')."""
    if len(text.strip()) <= 40 and said_no_org(text):
        return NO_ORG
    return parse_org(text)


def _place_only(text: str) -> bool:
    """'谷城县', '樊城那边' name a place, not a unit (the region field takes it; the name is asked again)."""
    region = extract_region(text)
    return region is not None and not re.sub(r"[市县区镇乡的这那边里儿]", "", text.replace(region.raw, ""))


def parse_name(text: str) -> str | None:
    """A contact name typed as a reply ('张伟', '联系人王建国', '陈工')."""
    found = extract_person_name(text)
    if found:
        return found
    name = _TRAILING.sub("", _NAME_PREFIX.sub("", text.strip()))
    first = name.split()[0] if name.split() else ""  # '杨凡 平凡的凡'
    for candidate in (name, first):
        if is_person_name(candidate) and candidate not in _NOT_NAMES:
            return candidate
    return None


def parse_phone(text: str) -> str | None:
    """A phone number reply (mobile or landline)."""
    return extract_phone(text)


def parse_region(text: str) -> str | None:
    """A place in 襄十随神, canonical ('高新区' → '襄阳市高新区')."""
    region = extract_region(text)
    return region.name if region else None


def choice_parser(options: tuple[str, ...], extract: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Parse '3', an option's name, or words the extractor classifies."""
    def parse(text: str) -> str | None:
        """The option the reply names or numbers, else what the extractor finds."""
        t = text.strip().rstrip("。.")
        if t.isdigit() and 1 <= int(t) <= len(options):
            return options[int(t) - 1]
        named = [o for o in options if o in t]
        return named[0] if named else extract(t)
    return parse


def choices_prompt(question: str, options: tuple[str, ...]) -> str:
    """A question followed by numbered options, one per line."""
    return question + "回复序号或名称：\n" + "\n".join(f"{i} {o}" for i, o in enumerate(options, 1))


def _fact(key: str) -> Callable[[str, dict[str, Any]], Any]:
    """An extractor reading one key of the extract_all facts."""
    return lambda _text, facts: facts.get(key)


def org_field(name: str, label: str, prompt: str, aliases: tuple[str, ...], keys: tuple[str, ...] = ("company",),
              example: str = "襄阳××有限公司") -> Field:
    """An organisation name: found in any message or typed as the answer (``example`` shown on a re-ask)."""
    def extract(text: str, facts: dict[str, Any]) -> str | None:
        """The first organisation name the facts carry under ``keys`` (NO_ORG when the message says none is
        registered: '冇注册么公司', not '本地没有单位能做')."""
        named = next((facts[k] for k in keys if facts.get(k)), None)
        return named or (NO_ORG if _UNREGISTERED.search(mandarin(text)) else None)
    return Field(name, label, prompt, extractor=extract, parser=parse_org_or_none, aliases=aliases,
                 invalid=f"请告诉我单位的名称，例如：{example}；没有单位请回复“个人”。",
                 soft_when=lambda facts: _generic_org(facts, keys),
                 ask_if_soft=True, gap_only=lambda text: _department(extract(text, extract_all(text)) or ""))


_DISCIPLINE = ("智能制造|机械|电气|电子|信息|计算机|软件|通信|自动化|控制|材料|化学|化工|环境|资源|能源|动力|土木|建筑|"
               "交通|汽车|车辆|航空|测绘|数学|物理|生物|生命|农学|园艺|植物|动物|食品|药学|护理|经济|管理|商学|法学|"
               "文学|外国语|教育|体育|艺术|美术|音乐|新闻|历史|马克思主义|政治|公共卫生|口腔|临床")
_DEPARTMENT = re.compile(rf"(?=.*(?:{_DISCIPLINE}))(?:{_DISCIPLINE}|工程|科学|技术|与|和|及|、)+"
                         r"(?:学院|系|研究所|所|研究室|实验室|课题组|中心|分院)")


def _department(name: str) -> bool:
    """'智能制造学院', '环境系': a school's sub-unit named by its discipline alone, so it does not rename the unit
    already given; a whole institution ('湖北文理学院', '汉江师范学院', '××会计师事务所') is no sub-unit."""
    return bool(_DEPARTMENT.fullmatch(name))


def _generic_org(facts: dict[str, Any], keys: tuple[str, ...]) -> bool:
    """'中药饮片厂' names a kind of organisation, not one: a later formal name replaces it."""
    name = next((facts[k] for k in keys if facts.get(k)), "")
    if not name:  # none named: '冇注册么公司' says there is no unit (NO_ORG), which is no kind of one either
        return False
    placed = bool(re.search(r"(厂|站|店|场|社)$", name)) and extract_region(name) is not None  # '谷城县鑫源机械厂'
    return not FORMAL_ORG.search(name) and not placed


def choice_field(name: str, label: str, question: str, options: tuple[str, ...], aliases: tuple[str, ...], *,
                 fact_key: str = "industry", extract: Callable[[str], str | None] = triage.industry_named) -> Field:
    """One of a fixed list (industry, need type, maturity): inferred from words or picked by number."""
    industry = fact_key == "industry"

    def guessed(text: str, facts: dict[str, Any]) -> bool:
        """Inferred from the description rather than named ('算环保方面的', '技术攻关'): the value found is not
        itself said in the message."""
        named = bool(facts.get(fact_key)) and str(facts[fact_key]) in text  # no fact: a fallback inferred it
        return not named and not (industry and facts.get("industry_source") == "explicit")
    return Field(
        name, label, choices_prompt(question, options), extractor=_fact(fact_key),
        parser=choice_parser(options, extract), aliases=aliases, invalid="请回复序号或名称。",
        override=(lambda _o, _n, facts: facts.get("industry_source") in ("explicit", "product")) if industry else None,
        soft_when=(lambda facts: facts.get("industry_source") == "org_name") if industry else None,
        guess_when=guessed, ask_if_soft=industry,  # an industry read only from the unit's name is asked
        weight=(lambda facts: float(facts.get("industry_score") or 0.0)) if industry else None,
        fallback=lambda text, facts: facts.get(fact_key) or facts.get(f"{fact_key}_unsure") or extract(text),
    )


def _region_extract(_text: str, facts: dict[str, Any]) -> str | None:
    """The region found in a message."""
    region = facts.get("region")
    return region.name if region else None


def _more_specific(old: Any, new: Any, facts: dict[str, Any]) -> bool:
    """A finer place for the same city ('襄阳市' → '襄阳市高新区') replaces the coarse one."""
    region = facts.get("region")
    return bool(region and not region.in_org_name and str(new).startswith(str(old)) and new != old)


def region_field(label: str, prompt: str) -> Field:
    """The region of 襄十随神 (canonical name)."""
    return Field(
        "region", label, prompt, extractor=_region_extract, parser=parse_region, aliases=("地区", "区域", "地址", "所在地"),
        invalid="没认出这个地方，请说区县名，例如 高新区、樊城区、枣阳市、十堰市、随州市。",
        override=_more_specific, soft_when=lambda facts: bool(facts.get("region") and facts["region"].in_org_name),
        ask_if_soft=True,
    )


def budget_field(label: str, prompt: str) -> Field:
    """A budget normalised to 万元 (or 面议), keeping the user's words."""
    return Field(
        "budget", label, prompt, required=False, extractor=lambda _t, f: budget_value(f["budget"]) if f.get("budget") else None,
        parser=parse_budget, formatter=lambda v: v["text"], aliases=("预算", "金额", "费用", "经费", "待遇"),
        invalid="请说个大概金额，例如 50万、50-80万，或回复“面议”。", skip_value=NEGOTIABLE,
    )


def loose_name(text: str, _facts: dict[str, Any] | None = None) -> str | None:
    """The name question went unanswered twice: the first word left once phones and cue words are gone, when it
    is 2–4 Chinese characters and not a question or a yes/no (taken — '高原' twice is a name the summary shows as a guess, as a guess, so the form can go on)."""
    words = _NAME_PREFIX.sub("", re.sub(r"[\d+()（）:：,，.。;；!！-]+", " ", text).strip()).split()
    word = words[0] if len(words) <= 2 else ""  # one short answer, not a whole conversation
    plain = re.fullmatch(r"[\u4e00-\u9fff]{2,4}", word) and not triage.is_question(word)
    reply = is_affirmative(word) or is_negative(word) or is_skip(word)  # '确认', '不知道' are not names
    other = parse_budget(word) is not None or triage.BUDGET_CUE.search(word)  # '冇得预算' answers the budget
    return word if plain and not reply and word not in _NOT_NAMES and not other else None


def contact_name_field() -> Field:
    """The contact person's name."""
    return Field("contact_name", "联系人", "请问联系人怎么称呼？（可以连同手机号一起发我）", extractor=_fact("contact_name"),
                 parser=parse_name, aliases=("联系人", "姓名", "名字"), invalid="请告诉我联系人的姓名，例如：张伟。",
                 fallback=loose_name, override=lambda old, new, _facts: completes_title_form(str(old), str(new)))


def contact_title_field() -> Field:
    """The title said with the name ('李教授，李卫东' → 教授), kept beside the name; never asked."""
    def extract(text: str, facts: dict[str, Any]) -> str | None:
        """The title of the contact named in this message ('张工' alone: the name already carries it)."""
        name = str(facts.get("contact_name") or "")
        title = contact_title(text, name) if name else None
        return None if title and name.endswith(title) else title
    return Field("contact_title", "称谓", "", required=False, asked=False, extractor=extract, aliases=("称谓", "职称"))


def phone_field() -> Field:
    """The contact phone (mobile or landline)."""
    return Field("contact_phone", "联系电话", "联系电话是多少？手机或座机都可以。", extractor=_fact("contact_phone"),
                 parser=parse_phone, aliases=("电话", "手机", "手机号", "号码", "联系方式"), patch=patch_phone,
                 invalid="手机号好像不对，请再发一次，例如 13800001234。")
