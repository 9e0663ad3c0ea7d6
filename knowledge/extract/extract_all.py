"""Run every extractor on one message so a single message can fill several slots."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ._text import normalize
from .amounts import extract_amount
from .classify import extract_ip, extract_maturity, extract_need_type, industry_hit
from .dates import extract_date_range
from .edits import alert_topics, without_alerts
from .intents import detect_correction
from .names import extract_companions, extract_party_size, extract_person_name
from .orgs import extract_institution, is_academic, named_org, org_spans, said_spans
from .phones import extract_phone, extract_phones
from .regions import extract_region


def _orgs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    t = normalize(text)
    for _, _, name in said_spans(t):
        out.setdefault("institution" if is_academic(name) else "company", name)
    if "institution" in out:
        out["institution"] = extract_institution(text) or out["institution"]
    if not out and (named := named_org(t)) is not None:  # '公司叫襄阳金线电子': no legal suffix
        out["company"] = named
    return out


def _without_orgs(text: str) -> str:
    t = normalize(text)
    for start, end, _ in org_spans(t):
        t = t[:start] + " " * (end - start) + t[end:]
    return t


_PRODUCT = re.compile(r"(?:做|生产|造|搞)([^，,。；;\s]{2,14}?)的(?![\u4e00-\u9fff]{0,3}(?:问题|时候|技术|办法))")


_SEEKING = re.compile(r"(?:找|请|聘|招|引进|缺|需要|物色)[^，,。；;]{0,8}$")  # '想引进一个做复合材料的博士': the person
_PERSON = re.compile(r"[^，,。；;]{0,2}?(?:博士|硕士|研究生|人才|专家|工程师|高工|老师|教授|师傅|技术员|团队|人(?![工手力]))")  # sought


def _made(text: str) -> re.Match[str] | None:
    """'做汽车转向器的': what the business itself makes (not what a person or partner it seeks does)."""
    for made in _PRODUCT.finditer(text):
        if not (_SEEKING.search(text, 0, made.start()) or _PERSON.match(text, made.end())):
            return made
    return None


_DECIDED = re.compile(r"[?？]\s*(?P<last>(?:那|那么|算了)?(?:就|还是|先|干脆|直接)(?:放|写|填|选|算|归|按|定|用)[^?？]*)$|"
                      r"[\s,，。；;]\s*(?P<told>(?:你|您)?(?:那|那么|算了)?(?:就|还是|干脆|直接)(?:放|写|填|选|归|定)[^?？,，。；;\s]*)$")  # '…也可能算B 你就写A'


def _own_product(text: str) -> dict[str, Any]:
    """The industry of what the unit makes, which outranks the problem's words: said ('做汽车转向器的', one clue is
    enough: '做航空紧固件的') or in its own name ('…生物医药有限公司') when that weighs as much as the rest."""
    rest = _without_orgs(text)
    if (made := _made(rest)) and (product := industry_hit(made.group(1))) and (product.confident or not product.runner_up):
        return {"industry": product.value, "industry_source": "product"}
    hit, named = industry_hit(rest), industry_hit(" ".join(n for _, _, n in org_spans(normalize(text))))
    if hit and named and named.value != hit.value and named.score >= hit.score:
        return {"industry": named.value, "industry_source": "product"}
    return {}


def _industry(text: str) -> dict[str, Any]:
    """Industry from the message minus organisation names, else from the names ('industry_source'); a question the
    user answers at once ('算A还是B？那就写B吧') or settles last ('A吧 也可能算B 你就写A') is the answer's."""
    decided = _DECIDED.search(normalize(text))
    if decided and (chosen := industry_hit(decided.group("last") or decided.group("told"))):
        return {"industry": chosen.value, "industry_source": "explicit"}
    hit = industry_hit(_without_orgs(text))
    if hit and not hit.explicit and (made := _own_product(text)):
        return made
    if hit and not hit.confident:  # two industries about as likely: better asked than guessed
        return {"industry_unsure": hit.value}
    if hit:
        return {"industry": hit.value, "industry_source": "explicit" if hit.explicit else "text", "industry_score": hit.score}
    hint = industry_hit(text)
    return {"industry": hint.value, "industry_source": "org_name", "industry_score": hint.score} if hint else {}


def extract_all(text: str, now: datetime | None = None) -> dict[str, Any]:
    """All fields found in one message (absent keys mean 'not mentioned')."""
    asks_alerts = bool(alert_topics(text))  # '铸造相关的需求都推给我' names topics, not the sender's own sector
    own = without_alerts(text) if asks_alerts else text  # … the rest of the message may name it
    fields: dict[str, Any] = {**_orgs(text), **(_industry(own) if own.strip() else {})}
    values = {
        "need_type": None if asks_alerts else extract_need_type(_without_orgs(text)), "budget": extract_amount(text), "region": extract_region(text),
        "contact_name": extract_person_name(text), "contact_phone": extract_phone(text),
        "companions": extract_companions(text), "party_size": extract_party_size(text),
        "maturity": extract_maturity(text), "ip": extract_ip(text), "phones": extract_phones(text),
        "date_range": extract_date_range(text, now) if now else None, "corrections": detect_correction(text),
    }
    fields.update({k: v for k, v in values.items() if v})
    if "company" in fields.get("corrections", ()):  # the unit is a research institution in the achievement form
        fields["corrections"] = {*fields["corrections"], "institution"}
    return fields
