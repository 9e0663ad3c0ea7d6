"""Offline, rule-first Chinese extraction for the dialogue engine (pure functions, lexicons in knowledge/data).

Every function takes the raw user message; full-width digits/punctuation are normalised internally.

Slots
- ``extract_phones(text) -> list[str]`` / ``extract_phone(text) -> str | None``: mobiles as 11 digits
  ('+86 138-0000-1234' → '13800001234'), landlines as '0710-5550101'; 7–8 digit local numbers only after a
  phone cue. After a correction ('哦不对，是…') ``extract_phone`` returns the last number.
- ``extract_amount(text) -> Amount | None`` / ``extract_amounts``: ``Amount(raw, low_wan, high_wan, negotiable,
  period, qualifier)`` with ``.normalized`` → '80万元', '50-80万元', '0.3万元/月', '面议'.
- ``extract_region(text) -> Region | None``: ``Region(name, detail, raw, level)``; ``name`` is the record
  value ('襄阳市高新区', '襄阳市枣阳市', '十堰市', '随州市', '神农架林区'), ``detail`` keeps the county/district
  of 十堰/随州 ('十堰市丹江口市'). Negated places ('不是东津') are dropped; after a correction the new one wins.
- ``extract_industry(text) -> str | None`` (10 industries) and ``industry_hit(text) -> IndustryHit`` whose
  ``explicit`` flag tells that the user named the sector ('算环保方面的'), which should override product hints.
- ``extract_need_type(text) -> str | None`` (技术攻关、成果转化、人才引进、设备共享、检验检测、科技金融).
- ``extract_company(text)`` / ``extract_institution(text)`` (parent level: '…研究院茶叶所' → '…研究院').
- ``extract_person_name(text)``, ``extract_companions(text) -> list[str]``, ``extract_party_size(text)``.
- ``extract_maturity(text)`` (实验室阶段/小试/中试/已产业化), ``extract_ip(text)`` ('授权发明专利2项').
- ``extract_date_range(text, now) -> (start, end) | None`` tz-aware Asia/Shanghai, end exclusive.

Edits and topics: ``patch_phone(old, text)`` applies '最后四位是8860' / '不是8806是8860'; ``alert_topics(text)``
reads '铸造相关的需求都推给我，汽车零部件的也要' → ['铸造', '汽车零部件']; ``parse_topics`` reads a bare list.
``mandarin(text)`` writes dialect function words of stored text in standard Mandarin ('冇得' → '没有', '俺们' → '我们').
``contact_title(text, name)`` keeps '教授' of '李教授，李卫东'; ``is_person_name`` refuses questions, emoji, digits.

Intents: ``is_affirmative``, ``is_negative``, ``is_cancel``, ``is_skip``, ``is_restart``, ``has_correction_cue``
and ``detect_correction(text) -> set[str]`` naming corrected fields with the keys of ``extract_all``.

``extract_all(text, now=None) -> dict`` (relative dates only when ``now`` is given) returns only the fields found, keys: company, institution, industry,
need_type, budget (Amount), region (Region), contact_name, contact_phone, phones, companions, party_size,
maturity, ip, date_range, corrections, industry_source ('explicit' | 'product' | 'text' | 'org_name'), and industry_unsure
(the best industry when it is not clearly ahead of another or rests on one short clue: ask, do not guess).

Suggested merge policy for the engine: fill empty slots; replace a filled slot only when ``detect_correction``
names it, or (region) when the new Region is more specific (``level``) and not ``in_org_name``, or (industry)
when ``industry_source == 'explicit'``.
"""

from __future__ import annotations

from . import party
from ._text import mandarin
from .amounts import Amount, extract_amount, extract_amounts
from .classify import (
    IndustryHit,
    extract_industry,
    extract_ip,
    extract_maturity,
    extract_need_type,
    industry_hit,
)
from .dates import extract_date_range
from .edits import (
    alert_topics,
    apply_topic_changes,
    parse_topics,
    patch_phone,
    swap_pair,
    topic_changes,
    without_alerts,
)
from .extract_all import extract_all
from .intents import (
    detect_correction,
    has_correction_cue,
    is_affirmative,
    is_cancel,
    is_field_skip,
    is_negative,
    is_restart,
    is_skip,
)
from .labels import labelled_parts
from .names import (
    addressed,
    common_word,
    completes_title_form,
    contact_title,
    extract_companions,
    extract_party_size,
    extract_person_name,
    is_person_name,
    said_surname,
    stated_party_size,
)
from .orgs import extract_company, extract_institution, org_renamed
from .phones import extract_phone, extract_phones, mobile_completed, mobile_head
from .regions import Region, extract_region

__all__ = [
    "addressed", "said_surname", "alert_topics", "apply_topic_changes", "topic_changes", "completes_title_form", "contact_title", "is_person_name", "common_word", "parse_topics", "patch_phone", "swap_pair", "without_alerts",
    "Amount", "IndustryHit", "Region", "detect_correction", "extract_all", "extract_amount", "extract_amounts",
    "extract_companions", "extract_company", "extract_date_range", "extract_industry", "extract_institution", "org_renamed",
    "labelled_parts",
    "extract_ip", "extract_maturity", "extract_need_type", "extract_party_size", "extract_person_name",
    "extract_phone", "extract_phones", "mobile_completed", "mobile_head", "extract_region", "has_correction_cue", "industry_hit", "is_affirmative",
    "is_cancel", "is_field_skip", "is_negative", "is_restart", "is_skip", "mandarin", "party", "stated_party_size",
]
