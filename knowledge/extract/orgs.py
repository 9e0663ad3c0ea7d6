"""Organisation names: companies ('襄阳XX有限公司', '…合作社', '…厂') and research institutions (parent level)."""

from __future__ import annotations

import re

from ._text import normalize

_ACADEMIC = ("附属医院", "研究院", "研究所", "科学院", "大学", "学院", "实验室", "研究中心", "创新中心", "工程中心", "技术中心", "高专",
             "科院")  # '…农科院', '…林科院'
_BUSINESS = ("集团股份有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "公司",
             "专业合作社", "合作社", "集团", "加工厂", "厂", "工作室", "商行", "经营部", "门市部", "家庭农场", "农场",
             "养殖场", "医院", "卫生院", "诊所", "事务所", "药店", "药房")
_SUFFIX = re.compile("|".join(sorted(_ACADEMIC + _BUSINESS, key=len, reverse=True)))
_NOT_AFTER = {"大学": r"生(?!命|物|态|化|理|殖)|[城路]|附属", "学院": "[路派]", "厂": "[里家房长区子商方内外]", "公司": "[里的]",
              "集团": "军", "科院": "校"}  # '大学生' is a student, '大学生命科学学院' a university's school
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()&·]")
_CUT = re.compile(
    r".*(我们是|我们|咱们|我是|我在|本人系|是|叫做|叫|名称|名字|全称|单位|来自|这边|这里|就|的|跟|给|请|写|(?:(?<![\u4e00-\u9fff]{2})|(?<=们)|(?<=[我咱]))[和与]|填写|填|有个|有家|一个|一家|"
    r"这家|那家|这个|那个|某|了|想|找|同|去|到|在(?!线)|从|向|对|替|帮|为了|通过|联系|听说|据说)"
)
_BAD_BODY = re.compile(
    r"^(本|我|贵|你们?|他们?|咱|这|那|哪|某|一|有个|有家|个|家|小|大|老|新|主机|分|总|子|母|外|合资|上市|国有|民营|私营|"
    r"汽车|整车|车|配件|加工|工|药|化工|钢|电|服装|纺织|食品|高校|名牌|重点|本地|外地|当地|附近|科研|研究|"
    r"(?:处理|治理|管理|经营|承包|清理|建设?|开办?)[\u4e00-\u9fff]{0,2}|(?:你|您|我|他|她|咱)们?[问说讲要找的]?)$"
)
_TAILS = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_MIN_BODY = {"厂": 4, "加工厂": 3, "合作社": 3, "集团": 2, "公司": 2}


def _body_start(text: str, end: int, floor: int) -> int:
    start = end
    while start > floor and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    return start


_LABEL = re.compile(r"^(?:(?:公司|单位)(?:名称|名字|全称|名)?|企业(?:名称|名字|全称|名))(?=[\u4e00-\u9fff]{2})")  # '公司名老河口…'
# no name begins with 公司 or 单位, but many with 企业 ('企业邦信息技术有限公司'): 企业 is a label only with 名称/名/全称


_PARTNER = re.compile(r"^(?:.*?(?:省|市|县|区|公司|企业|厂|集团))?[与和](?=.{2})")  # '公司与湖北工业大学': the partner
_SCHOLARLY = ("大学", "学院", "研究院", "研究所", "科学院")  # a partner named before them is cut off


def _trim(body: str, suffix: str = "") -> str:
    m = _CUT.match(body)
    body = body[m.end():] if m else body
    body = _PARTNER.sub("", body) if suffix in _SCHOLARLY else body
    return re.sub(r"^[\d()]+", "", _LABEL.sub("", body))


_COUNTED = re.compile(r"(?:^|[^\u4e00-\u9fff]|.{2,3}?)(?:[一二两三四五六七八九十几多数好]+|\d+)[家个所座](?!.*(?:公司|集团))")


_UNREGISTERED = re.compile(r"^还?(?:没有?|冇得?|莫得|未)(?:注册|成立|办|开)")  # '冇注册么公司' says there is none


def _valid(body: str, suffix: str) -> bool:
    """Whether ``body + suffix`` names one organisation ('两家铸造厂', '襄阳三家汽配厂' count kinds, name none)."""
    if len(body) < _MIN_BODY.get(suffix, 2) or _BAD_BODY.match(body) or _COUNTED.match(body) or _UNREGISTERED.match(body):
        return False
    return not re.fullmatch(r"[A-Za-z0-9]+", body) or len(body) >= 2


def org_spans(text: str) -> list[tuple[int, int, str]]:
    """Organisation names in a normalised text as (start, end, name), in order."""
    spans: list[tuple[int, int, str]] = []
    floor = 0
    for m in _SUFFIX.finditer(text):
        suffix = m.group()
        if suffix in _NOT_AFTER and re.match(_NOT_AFTER[suffix], text[m.end():]):
            continue
        body = _trim(text[_body_start(text, m.start(), floor):m.start()], suffix)
        tail = next((t for t in _TAILS if text.startswith(t, m.end())), "")
        if _valid(body, suffix) and m.start() >= floor:
            end = m.end() + len(tail)
            spans.append(_school_of(text, (m.start() - len(body), end, body + suffix + tail)))
            floor = end
    return spans


_SHORT_UNI = re.compile(r"(?P<uni>[\u4e00-\u9fff]{2,4}?理工)(?=[\u4e00-\u9fff]{2,8}(?:学院|系)$)")  # '鄂北理工汽车学院'
_SHORT_BEFORE = re.compile(r"(?P<uni>[\u4e00-\u9fff]{2,4}理工)(?:大学)?的?\s*$")  # '鄂北理工 机械学院'


def _school_of(text: str, span: tuple[int, int, str]) -> tuple[int, int, str]:
    """A school named with its university's short name ('鄂北理工汽车学院', '鄂北理工 机械学院'): the university
    ('鄂北理工大学'; '…理工' said alone is a 理工大学, a 理工学院 is always said in full)."""
    start, end, name = span
    if not name.endswith(("学院", "系")):
        return span
    if m := _SHORT_UNI.match(name):
        return start, end, m.group("uni") + "大学"
    if (m := _SHORT_BEFORE.search(text[max(0, start - 12):start])) and not name.startswith("理工"):
        return start - (len(text[max(0, start - 12):start]) - m.start()), end, m.group("uni") + "大学"
    return span


def is_academic(name: str) -> bool:
    """True for universities, institutes and labs (researcher affiliations)."""
    return any(name.endswith(s) for s in _ACADEMIC)


_NAMED = re.compile(
    r"(?:公司|单位|企业|厂子?|店)(?:的)?(?:名字|名称|全称|名)?(?:叫做|名叫|叫|是)\s*"
    r"(?P<name>[\u4e00-\u9fffA-Za-z0-9()&·]{3,20}?)(?=$|[\s，,。；;！!？?、]|在|位于|做|主要|专门|搞|生产)"
)
_NOT_A_NAME = re.compile(r"^(?:做|搞|干|生产|加工|专门|主要|一家|一个|个|这|那|我|在|开|小|本地|外地|民营|私营|国有)|的|了|吧|啊$|啥|什么|哪|谁|多少")


def named_org(text: str) -> str | None:
    """A name given after '公司叫' / '单位名称是' without a legal suffix ('公司叫襄阳金线电子 在襄州')."""
    m = _NAMED.search(text)
    name = m.group("name") if m else None
    return name if name and not _NOT_A_NAME.search(name) and not _BAD_BODY.match(name) else None


def extract_company(text: str) -> str | None:
    """The first organisation name of a message ('我们是襄阳XX有限公司' → '襄阳XX有限公司', '公司叫金线电子')."""
    t = normalize(text)
    spans = said_spans(t)
    return spans[0][2] if spans else named_org(t)


def extract_institution(text: str) -> str | None:
    """The first research institution, at parent level ('楚北农业科学研究院茶叶所' → '楚北农业科学研究院'); after a
    correction the one named after it ('…理工大学的……哦不对，调到汉水大学了' → '汉水大学')."""
    names = [name for _, _, name in said_spans(normalize(text)) if is_academic(name)]
    return names[0] if names else None


_NEGATED = re.compile(r"(?:不是|并非|而非|不在)\s*$")
_DEALT_WITH = re.compile(r"(?:合作|找|用|请|委托|签约?)(?:过|了)?的(?:那个|那家|这家|一家|那)?\s*$")  # '原来合作的那个…公司': a partner


def said_spans(text: str) -> list[tuple[int, int, str]]:
    """``org_spans`` in the order the speaker means them: not a negated one ('不是鄂北理工大学'), and after a
    correction cue the ones named after it first."""
    from .intents import correction_position

    spans = [s for s in org_spans(text) if not _NEGATED.search(text[max(0, s[0] - 4):s[0]])
             and not _DEALT_WITH.search(text[max(0, s[0] - 8):s[0]])]
    cut = correction_position(text)
    later = [s for s in spans if cut is not None and s[0] > cut]
    named = any(_CALLED.search(text[max(0, s[0] - 4):s[0]]) for s in spans)
    kinds = [s for s in spans if named and _A_KIND.search(text[max(0, s[0] - 2):s[0]])]
    return later + [s for s in spans if s not in later and s not in kinds] + [s for s in kinds if s not in later]


def org_renamed(text: str) -> bool:
    """A unit named, then named again after a correction cue ('我们是…检验所 哦不对 去年改名了 叫…研究院'): the
    correction is of the unit's name."""
    from .intents import correction_position

    t = normalize(text)
    cut = correction_position(t)
    if cut is None or not any(s[0] > cut for s in org_spans(t)):
        return False
    return any(s[0] < cut for s in org_spans(t)) or bool(_UNIT_SAID.search(t[:cut]))  # '…测试所' is no full name


_UNIT_SAID = re.compile(r"(?:我们?|俺们?|单位|学校|机构)(?:是|在)[^\s，,。]{2,}")


_A_KIND = re.compile(r"[一]?[个家]$")  # '一个中药饮片厂，叫…有限公司': the kind comes first, the name after it
_CALLED = re.compile(r"(?:叫|叫做|名叫|名为|全称是|名称是|名字是)\s*$")


_GENERIC_TAIL = re.compile(r"(科技|技术|实业|发展|专业|股份|有限|责任)+$")


def brand_of(full: str) -> str:
    """What people call a company in speech: its full name minus the leading places and the legal suffix
    ('襄阳华锦纺织印染有限公司' → '华锦纺织印染'; the spoken short name is a prefix of it, '华锦')."""
    from .regions import region_mentions

    body = normalize(full).strip()
    while True:
        head = [r for pos, r in region_mentions(body) if pos == 0]
        if not head:
            break
        rest = re.sub(r"^[市区县镇]", "", body[len(head[0].raw):])
        if len(rest) < 2:
            break
        body = rest
    body = re.sub(f"(?:{_SUFFIX.pattern})$", "", body)
    return _GENERIC_TAIL.sub("", body) or body


def own_name_span(text: str, full: str) -> tuple[int, int] | None:
    """Where ``text`` calls the company ``full`` by its name or short name (the longest prefix of its brand, two
    characters at least), or None."""
    brand = brand_of(full)
    t = text  # positions index the caller's own text (normalising would shift them)
    if full in t:
        return t.index(full), t.index(full) + len(full)
    for size in range(len(brand), 1, -1):
        pos = t.find(brand[:size])
        if pos >= 0:
            return pos, pos + size
    return None
