"""Partial edits and topic lists: '电话最后四位是8860', '不是8806是8860'; '铸造相关的需求都推给我，汽车零部件的也要'."""

from __future__ import annotations

import re

from knowledge.matching.thesaurus import load_thesaurus
from knowledge.vocab import INDUSTRIES

from ._text import normalize
from .classify import sector_industry
from .names import is_nickname, person_names, titled_person

_TAIL = r"(\d{2,4})"
_SWAP_NEW_FIRST = re.compile(rf"{_TAIL}\s*[,，]?\s*(?:而)?不是\s*{_TAIL}")  # '最后是8860 不是8806'
_SWAP_OLD_FIRST = re.compile(rf"不是\s*{_TAIL}\s*[,，]?\s*(?:而)?(?:是|应该是|改成)\s*{_TAIL}")  # '不是8806是8860'
_TAIL_CUE = re.compile(rf"(?:最后|后|尾号|末尾|末)\s*(?:[一二三四两几234]\s*位)?(?:数字|数|号码)?\s*(?:是|为|应该是|改成|改为|:)?\s*{_TAIL}(?!\d)")

_LAST_DIGIT = re.compile(r"(?:最后|末)\s*(?:一|1)\s*位(?:数字|数)?\s*(?:是|为|应该是|改成|改为)?\s*(\d)(?!\d)(?:\s*[,，]?\s*不是\s*(\d)(?!\d))?")

_SAID_DIGITS = re.compile(r"(?<=[是为成:\s])[零一二三四五六七八九]{2,4}(?![零一二三四五六七八九十百千万])")  # '最后四位是七二二九'


def patch_phone(old: str | None, text: str) -> str | None:
    """The phone after a partial correction of its last digits, or None when the text is not one."""
    if not old or len(re.sub(r"\D", "", old)) < 7:
        return None
    t = _SAID_DIGITS.sub(lambda m: "".join(str("零一二三四五六七八九".index(c)) for c in m.group()), normalize(text))
    if m := _SWAP_OLD_FIRST.search(t):
        wrong, right = m.group(1), m.group(2)
    elif m := _SWAP_NEW_FIRST.search(t):
        right, wrong = m.group(1), m.group(2)
    elif m := _TAIL_CUE.search(t):
        right, wrong = m.group(1), ""
    elif m := _LAST_DIGIT.search(t):  # '电话最后一位是8 不是7'
        right, wrong = m.group(1), m.group(2) or ""
    else:
        return None
    if wrong and not old.endswith(wrong):
        return None
    patched = old[: len(old) - len(right)] + right
    return patched if patched != old else None


_SWAP = re.compile(r"不是\s*(?P<old>[^\s,，。是]{2,12}?)\s*[,，]?\s*(?:而)?(?:是|应该是|叫)\s*(?P<new>[^\s,，。]{2,12})|"
                   r"(?:是|应该是)\s*(?P<new2>[^\s,，。]{2,12}?)\s*[,，]?\s*(?:而)?不是\s*(?P<old2>[^\s,，。]{2,12})")


def swap_pair(text: str) -> tuple[str, str] | None:
    """'不是喻建平 是喻建国', '是樊城区不是襄州区': (the wrong value, the right one), or None."""
    m = _SWAP.search(normalize(text))
    if not m:
        return None
    return (m.group("old"), m.group("new")) if m.group("old") else (m.group("old2"), m.group("new2"))


_ALERT_CUE = re.compile(r"(推给我|推送给我|推我|(?<=需求)(?:也|都)?推(?:送)?一下|发给我|发我(?:一份|一下)?|(?<=需求|项目|难题|方面|相关|之类|这类|的话)(?:也|都|就)?(?:麻烦|请)?(?:你们?)?"
                        r"(?:(?:跟|和|给)我说(?:一声|一下)?|告诉我|说一声)|通知一声|告诉(?:我|俺|咱)一声|"
                        r"(?<=需求)\s*(?:也|都)?(?:给我|跟我)推(?:送)?一下|(?<=需求)(?:比较|很|都|挺)?感兴趣|提醒我|通知我|提醒一下|(?:也要|也行|也可以|都要|都行)(?=$|[\s,，。.!！?？;；的了吧啊哈呢哦]|推|发|提醒|通知|订阅)|推过来|发过来|也提醒|都推|都可以推|"
                        r"(?:的)?(?:需求|项目)(?:提醒|推送|通知|消息))")  # '想收到智能制造方面的需求提醒'
_RECEIVE = r"(?:我们?)?(?:还|也)?(?:想|要|希望|愿意)?(?:能)?(?:收到|接收|接到|看到|订阅|获取)"
_SPLIT = re.compile(r"[\s、,，;；和及跟与/]+|还有|以及|或者")
_STRIP_HEAD = re.compile(rf"^(?:(?:企业|厂家|公司)(?:要|想|需要)?找|想看(?:看|下|一下)?|看看|看一下|瞧瞧|偶尔|(?:也|还)?(?:搞|做)(?:点|些)|诶|欸|哎|噢|哦|嗯|好的|就(?![业医诊读餐近地算])|么子|什么|啥子?|(?:有没有|有无|有冇得?|要是有|如果有|如有|有)(?:做|搞|关于|涉及)|有没有|有无|有冇得?|要是有|如果有|如有|(?:企业|厂家|公司)(?:提出?|发布|发了?|报)|那个|这个|顺便|对了|不过|但是|可是|其实|而且|我们?(?:是)?(?:想|希望)|(?:我们?|俺们?|咱们?|他们?|她们?|导师|老师)对|麻烦|涉及|有关|(?:帮我|给我|帮忙|麻烦你?|请)?(?:订阅|定阅|订|设置|设|加)(?:一下|个|上)|帮我|给我|{_RECEIVE}|提醒的话|(?:我|我们|他|她|老师|导师)?(?:主要|重点|比较|特别|尤其)?关注(?:的是)?|关键[词字](?:是|有)?|具体(?:一?点|来说|说|些|的话)?|(?:企业|厂家|公司)(?:那边|这边|那里)|(?:老师|导师|他|她)(?:还|也)?(?:说|讲)|感兴趣的是|以后|今后|往后|另外|还有|再|也|就是|主要是|比如|像|有(?![机色])|关于|凡是|只要是|是|算了|那就|那|"
                         r"企业|厂家|公司|要做|想做|要搞|想搞|需要|要|想)+")
_STRIP_TAIL = re.compile(r"(?:(?:企业|厂家|公司)(?:提出?|发布|报)?)?(?:[这那]?(?:相关|方面|方向|领域|行业)(?:的?技术)?|这一?类|之类|类|[这那]一?块|[这那][种样]|有关)?的?(?:企业)?(?:需求|项目|难题|问题|信息)?(?:[这那](?:个|项|一项))?$")  # '医药那个去掉'
_NOT_TOPIC = re.compile(r"^(?:对了|顺便|然后|那个|这个|嗯|哦|噢|哎|好吧|是的|对|一声|一下)$|^(?:你|您|大家|老师|你们)好|^(?:方向|方面|领域|行业)|^(?:喂|哈喽|在吗)|电话|手机|号码|联系|的企业|企业来|来找|对接|钱|收费|费用|^(?:么子|什么|啥子?|问|问下|问一下)$|太(?!阳|空|赫|极)|不够|还没|没有|^(?:谢谢|多谢|感谢|辛苦|麻烦|好的?|行|可以|没了|就这些|关闭|关掉|取消|停止|停掉|退订|开通|打开|开启|查看|看看)|^(?:我|我们|需求|提醒|推送|相关|方面|都|也|的|的话|一下|给我|需要|东西|这些|那些|其他|别的|所有|全部)$|"
                        r"^(?:我是|我们是|做|搞|在|我在)|^(?:改成|换成|改为)$|^[留剩]|[前后]面|前头|么事|么子|什么|啥|^[订定](?:一个|个|一下|下|上)|你们|听说|^(?:技术|研究|研发|科研)$|^(?:我|俺|咱)(?!国)|^(?:买|租|借|卖|找|请|引进|转让|授权)|研究院|研究所|大学|学院|公司|时候|想|[订定]阅|导师|不登|不要|不用|成果|如果|要是|需求|\d{3,}|^[A-Za-z]*\d+[A-Za-z]*$|\d\s*[万千百元块wW]|"
                        r"(?i:^(?:subscribe|subscription|alerts?|notify|notifications?|remind(?:er)?s?|push)$)|"  # the request, in English
                        r"面议|面谈|预算|年薪|月薪|工资|待遇|多少钱|有没有|办法|怎么|能不能|可以吗")


_POLITE = re.compile(r"(?:麻烦|请|记得|帮忙|帮我)+$")  # '生物农药的需求麻烦(提醒我)'
_STRIP_VERB = re.compile(r"(?:(?:都|也|就)(?:可以|能|要|行)?|可以|要|行)?(?:都|也)?(?:比较|很|非常|特别|挺)?$")  # not the 能 of 储能


_IF_NEEDS = re.compile(r"(?:如果|要是)?有(?:企业|厂家|公司)?(?:提出?|发布)?(?:的|这类|相关)?(?:需求|项目|难题)(?:的话)?$")


_QUALIFIER = re.compile(r"的[这那](?:种|样|类)的?$")  # '废旧的那种': qualifies the topic before it


def _topic(piece: str) -> str | None:
    """One clean topic from a fragment ('激光相关的' → '激光', '无损检测方向的需求可以' → '无损检测'), or None."""
    if _QUALIFIER.search(piece.strip()):
        return None
    word = _STRIP_TAIL.sub("", _STRIP_VERB.sub("", _POLITE.sub("", _STRIP_HEAD.sub("", piece.strip()).strip(":： "))))
    word = _IF_NEEDS.sub("", word)  # '矿山机械有企业需求的话
    word = _STRIP_TAIL.sub("", word)
    if not 2 <= len(word) <= 10 or _NOT_TOPIC.search(word) or not re.search(r"[\u4e00-\u9fffA-Za-z]", word) \
            or is_nickname(word) or titled_person(word):  # '老黄', '孙晓雯老师': the speaker, not a topic
        return None
    return word


_HEDGE = re.compile(r"(?:大概|大约|差不多|可能|应该|主要)?(?:就是|是)?(?:就)?这(?:两|三|几|些|俩)(?:个|种|样)?(?:块|方面|方向|类|领域|行业)?(?:吧|了|啊)?|"
                    r"之类(?:的)?|等等|什么的|(?:大概|大约|差不多|可能|主要)(?:就是|是)?|(?:吧|啊|呀|哈)(?=$|[\s,，。])")


_INDUSTRY = re.compile("|".join(re.escape(n) for n in sorted(INDUSTRIES, key=len, reverse=True)))
_GLUED_HEAD = re.compile(r"[^\s、,，;；/和及跟与]{0,10}")  # bounded: linear on a 60 KB message
_GLUED_TAIL = re.compile(r"[^\s、,，;；/和及跟与]{0,10}$")
_LIST_WORD = re.compile(r"还有(?!没有|冇)|以及|或者")


def _split_pieces(t: str) -> list[str]:
    """Pieces of a topic list: a catalogue industry stays whole ('汽车及零部件', '电子信息') and absorbs the
    fragment glued to it ('么子医药健康', '装备制造方向有'); the rest is split at separators."""
    out: list[str] = []
    at = 0
    t = _LIST_WORD.sub("、", t)  # '航空航天还有新材料': a list word is never glued to a name
    for m in _INDUSTRY.finditer(t):
        before = t[at:m.start()]
        head = before[:_GLUED_TAIL.search(before).start()]  # type: ignore[union-attr]  # always matches; without the word glued in front of the name
        out += _SPLIT.split(head) if head else []
        out.append(m.group())
        at = _GLUED_HEAD.match(t, m.end()).end()  # type: ignore[union-attr]  # always matches; ... and without the one glued behind it
    return out + (_SPLIT.split(t[at:]) if t[at:] else [])


_WHOSE_NEEDS = re.compile(r"(?<=[\u4e00-\u9fff])(?:企业|厂家|公司|厂子?)(?:那边|这边|那里)?(?:如果|要是)?有(?=[\u4e00-\u9fff]{2})")  # '企业那边有粉末冶金的需求'


_EMPHASIS = re.compile(r"(?:特别是|尤其是|尤其|重点是)(?P<what>[^，,。；;！!？?]*)")


_PART_OF = re.compile(rf"(?P<field>{_INDUSTRY.pattern})\s+[^\s、,，;；/和及跟与]{{2,10}}?(?:那|这)一?块(?:的)?")


def _within_field(text: str) -> str:
    """The text without the examples stressed inside a catalogue industry named before them ('现代农业的就行 特别是
    果树和茶叶方面的', '电子信息 医疗器械软件那块': the whole field is alerted already); elsewhere only the stress
    word goes ('铸造，尤其是压铸')."""
    text = _PART_OF.sub(lambda p: p.group("field"), text)
    m = _EMPHASIS.search(text)
    if m is None:
        return text
    inside = bool(_INDUSTRY.search(text[:m.start()]))
    return text[:m.start()] + ("" if inside else "、" + m.group("what")) + _within_field(text[m.end():])


_APPOSITIVE = re.compile(r"(?P<a>[^\s、,，;；和及跟与]{2,14}?)[\s，,]*就是(?:说)?[\s，,]*(?=(?P<b>[^\s、,，;；和及跟与]{2,12}))")


def _restated(text: str) -> str:
    """'纺织新材料 就是功能性纤维': the topic said the second time, in plainer or narrower words, stands for both."""
    return _APPOSITIVE.sub(lambda m: "" if _topic(m.group("a")) and _topic(m.group("b")) else m.group(), text)


def _parse_topics(text: str) -> list[str]:
    """Clean topics of an answer to 'which needs should we alert you about' (the whole text is the list);
    hedges ('大概是', '之类的吧', '这两块吧', '就这些'), examples stressed inside a named industry and a topic
    restated ('A 就是B': B) are not topics."""
    t = _WHOSE_NEEDS.sub("、", _HEDGE.sub(" ", _within_field(_restated(normalize(text)))))  # '汽车零部件企业有焊接方面的需求': both
    t = _ALERT_CUE.split(t)[0] if _ALERT_CUE.search(t) and not _ALERT_CUE.match(t) else t
    out: list[str] = []
    people = {name for _, name in person_names(text)}  # '我是…的 高建军，电话…' introduces a person
    for piece in _split_pieces(t):
        topic = piece if _INDUSTRY.fullmatch(piece) else _topic(_ALERT_CUE.sub("", piece))
        if topic and topic not in out and topic not in people:
            out.append(topic)
    return out


_LEAD_CUE = re.compile(r"^\s*(?:(?:我们?)?(?:主要|重点|比较|就|还|也)?(?:(?:关注|关心|感兴趣)的(?:领域|方向|方面|行业)(?:是|有|就是)?|(?:关注|关心)(?:的是|的有)?)|(?:我想|我要|想|帮我)?订阅(?:一下)?[:：]|提醒的话|订阅的话|提醒方向(?:是|就是)?|(?:需求)?提醒(?:就|只)?(?:推|发|要)?(?:给我)?(?=[\s:：])|推送的话|推送方向(?:是)?|需求提醒(?:的话)?)[:：\s]*")


_WHEN = re.compile(r"(?:的)?(?:时候|时)(?:就|麻烦|请)?\s*$")
_IF_ANY = re.compile(r"(?:如果|要是)?(?:有|有的话|有就|有了|有了就|有这类|有这种|有这样)(?:的话)?(?:就|麻烦|请)?|")
_MAKERS = re.compile(r"(?:做|搞|生产)(?P<what>[^，,。的]{2,12})的(?:企业|厂家|公司|厂)")  # '有做模具的企业来找技术时'
_ASKED_NEEDS = re.compile(r"(?P<what>[^，,。]{2,40}?)(?:相关|方面|方向|领域|行业|这块|这一块|这类|这些|之类)?的?(?:企业|技术|相关)?(?:需求|项目|难题)")


_FIELD_AFTER = re.compile(r"\s*(?:领域|方向|方面|行业)(?:嘛|么|呢|啊|的话)?(?:是|就是|就)?[\s:：]*(?P<what>\S.*)$")  # '…推给我 领域嘛 航空航天'
_WANT_NEEDS = re.compile(r"^\s*(?:顺便|对了|另外)?(?:我们?)?(?:还|也)?(?:(?:想|要|希望|愿意)(?:能)?(?:收到|接收|接到|看到|获取|订阅)|"
                         r"(?:帮我|给我|帮忙)(?:订阅|订)(?:一下|个|上)?)(?=.{2,30}(?:需求|项目|难题)(?:推送|提醒|信息)?$)")


def _asked_needs(clause: str) -> list[str]:
    """Topics of a clause asking whether there are needs ('有没有做中药提取、保健食品的企业需求'), for the
    '有的话推给我' that follows it."""
    m = _ASKED_NEEDS.search(clause) or _MAKERS.search(clause)
    return _parse_topics(m.group("what")) if m else []


_TOPIC_CLAUSES = re.compile(r"[,，。.;；!！?？]+|\s*(?:另外|此外|顺便(?:说一下|问一下)?|再一个|(?<=[\u4e00-\u9fff\d\s])(?:以后|今后))\s*")


def _alert_topics(text: str) -> list[str]:
    """Topics a message asks alerts for: before an alert cue ('焊接 激光相关的都推给我' → 焊接、激光), after a
    leading one ('提醒的话 铸造 以及 无损检测'), after a cue that opens the clause ('提醒我 水产养殖方面的'), or
    in the clause asking about such needs just before '有的话推给我'."""
    out: list[str] = []
    listed: list[str] = []  # a bare list just before the cued clause ('铸造、锻造，还有热处理方面的也可以推给我')
    opened = False  # … or just after it ('提醒：转向系统，故障诊断，还有电控')
    previous = ""
    for clause in _TOPIC_CLAUSES.split(normalize(text)):  # '有个实用新型 另外X方面的需求跟我说一声': X only
        lead = _LEAD_CUE.match(clause) or _WANT_NEEDS.match(clause)
        m = _ALERT_CUE.search(clause, lead.end() if lead else 0)
        if not (m or lead):
            bare = _bare_list(clause)
            out += [t for t in bare if t not in out] if bare and opened else []
            listed = listed + bare if bare and not opened else []
            opened = opened and bool(bare)
            previous = clause
            continue
        said = _WHEN.sub("", clause[lead.end() if lead else 0: m.start() if m else len(clause)])
        topics = (_parse_topics(said) or _asked_needs(said)) if said.strip() else _parse_topics(clause[m.end():] if m else "")
        topics = topics or (_asked_needs(previous) if _IF_ANY.fullmatch(said.strip()) else [])
        topics = topics or (_parse_topics(tail.group("what")) if m and (tail := _FIELD_AFTER.match(clause, m.end())) else [])
        topics = _fields_stressed(clause[m.end():], topics) if m else topics  # '…推给我 主要是航空航天领域'
        for topic in listed + topics:
            if topic not in out:
                out.append(topic)
        listed, opened, previous = [], bool(topics), clause
    return out


_CLAUSE_ENDS = re.compile(r"(?<=[，,。；;！!？?])|(?<=[\u4e00-\u9fff\d])(?=以后|今后)")  # '…电话是…以后有X的需求推给我'
_CONNECTOR = re.compile(r"^\s*(?:另外|此外|顺便(?:说一下)?|还有|对了|再一个)[\s，,。；;]*$")


def without_alerts(text: str) -> str:
    """The message without its clauses asking for demand alerts: a clause naming topics with its cue, a bare request
    with the clause before it that names them ('以后有X方面的企业需求，也请推送给我'), and a connector left alone
    before them ('另外，')."""
    clauses = _CLAUSE_ENDS.split(text)
    drop: set[int] = set()
    for i, clause in enumerate(clauses):
        if alert_topics(clause):
            drop.add(i)
        elif i and (_ALERT_CUE.search(clause) or _LEAD_CUE.match(clause)) and alert_topics(clauses[i - 1] + clause):
            drop |= {i - 1, i}
    drop |= {i - 1 for i in drop if i and _CONNECTOR.match(clauses[i - 1])}
    return "".join(c for i, c in enumerate(clauses) if i not in drop)


_MAINLY = re.compile(r"^(?:给我|发我)?\s*(?:(?:主要|重点|尤其|特别)(?:是|在|关注|集中在)?(?P<what>\S.{1,30}?)(?:领域|方向|方面|行业)(?:吧|的|啊)?\s*$|"
                     r"(?:还有|以及|另外)\s*(?P<more>[^\s，,。；;]{2,8})(?:$|\s))")  # '…都推给我 还有节能环保 我叫…'



def _fields_stressed(rest: str, topics: list[str]) -> list[str]:
    """``topics`` with the catalogue industries said after the alert cue: where the topics mainly lie ('CAE仿真这类
    需求推给我 主要是航空航天和高端装备领域': those fields, the examples are in them) or one more ('还有节能环保')."""
    m = _MAINLY.match(rest)
    fields = _parse_topics(m.group("what") or m.group("more")) if m else []
    if not fields or not all(_industry_of(t) for t in fields):
        return topics
    return fields if m and m.group("what") else topics + fields


def _bare_list(clause: str) -> list[str]:
    """The topics of a clause that is nothing but a list of topics ('主要关注种业', '铸造、锻造'), else []."""
    if re.search(r"[我你他她是做搞在吗呢]|有[一两二三四五几]?[个项件套]|专利|实用新型|软著|著作权", _HEDGE.sub(" ", clause)):
        return []  # '有一个实用新型' tells the IP, not a topic
    pieces = [p for p in _split_pieces(_HEDGE.sub(" ", clause)) if _STRIP_HEAD.sub("", p.strip())]  # not a bare lead ("主要关注")
    topics = [t for p in pieces if (t := p if _INDUSTRY.fullmatch(p) else _topic(p))]
    return topics if pieces and len(topics) == len(pieces) else []


_SECTOR_TAIL = re.compile(r"(?:技术|产业|行业|领域|企业|这块)$")


def _industry_of(topic: str) -> str | None:
    """The catalogue industry a sector word stands for: the name itself, an everyday word for the whole of it ('种植',
    '养殖'), or its head or tail with at most one character left out at a time ('医药', '环保', '汽车零部件', '新能源材料',
    '农业技术'); None when none or several."""
    core = _SECTOR_TAIL.sub("", topic)
    if sector := sector_industry(core):
        return sector
    if core in INDUSTRIES or len(core) < 2:
        return core if core in INDUSTRIES else None
    loose = ".?".join(re.escape(c) for c in core)
    hits = [n for n in INDUSTRIES if re.match(loose, n) or re.search(f"{loose}$", n)]
    return hits[0] if len(hits) == 1 else None


def as_industries(topics: list[str]) -> list[str]:
    """A topic list made only of sector words names those catalogue industries ('医药' → '医药健康', '汽车零部件'
    → '汽车及零部件'); a list with any specific technology ('铸造、汽车零部件') keeps the user's own words.
    Removals ('-X') are kept as they are."""
    added = [t for t in topics if not t.startswith("-")]
    named = {t: _industry_of(t) for t in added}
    if not added or None in named.values():
        return topics
    return list(dict.fromkeys(t if t.startswith("-") else named[t] or t for t in topics))


def parse_topics(text: str) -> list[str]:
    """Clean topics of an answer to 'which needs should we alert you about' (``as_industries`` applied)."""
    return as_industries(_parse_topics(text))


def alert_topics(text: str) -> list[str]:
    """Topics a message asks alerts for (``as_industries`` applied); see ``_alert_topics``."""
    return as_industries(_alert_topics(text))


_CLAUSES = re.compile(r"[\s，,。；;！!]+")
_FILLER = r"(?:诶|欸|哎|噢|哦|嗯|那|好的?|行|对了)*[\s,，]*"  # '诶再加个X', '那再加个X'
_ADD_MORE = re.compile(rf"^{_FILLER}(?:(?:订阅|提醒|推送)(?:的|里|方向)?(?:也|还)?)?(?:再加(?:个|一个|上)?|加上|加个|加一个|还有|再来(?:个)?|另外)\s*(?P<what>.+)$")
_NARROWED = re.compile(rf"^{_FILLER}(?:(?:特别|尤其|重点|另外|还|也)(?:要)?关注(?:一下)?|具体(?:一?点|来说|说|些|的话)?[:：,，\s]+)\s*(?P<what>.+)$")  # '特别关注X', '具体点 A 和 B'
_ASKED_TOO = re.compile(rf"^{_FILLER}(?P<what>[^，,。？?\s]{{2,14}}?)(?:这种|这类|这样的|这一?块|之类的?)的?(?:需求)?(?:也|还)?"
                        r"(?:行|可以|能订|能推|算)(?:吗|不|么|嘛)?[?？]?$")  # '农残检测这种也行吗': one more topic
_ADD_AFTER = re.compile(r"^(?:对了|哦|噢|嗯|还有|另外|那)*(?:把)?(?P<what>[^\s，,。]{2,14}?)(?:的)?(?:也|都|再)(?:给我)?"
                        r"(?:加上|加进去|加进来|添上|算上|带上|加一下|加下)(?:吧|啊|哈|呢)?$")  # '农业那块也加上'
_DROP_ONE = re.compile(r"(?P<what>[^\s，,。]{2,10}?)(?:那个|这个)?(?:就|也|还是)?(?:不要了|不要(?=$|[\s，,。])|不用了|去掉|删掉|不用推了|算了|退订|退掉|取消(?!订阅))|"
                       r"(?:退订|退掉|取消订阅)(?:掉)?(?P<what2>[^\s，,。]{2,10})")
_ONLY = re.compile(r"(?:只要(?![是有])|只留|只订|只保留|只关注)(?:下)?\s*(?P<what>[^，,。]{2,20})")  # '只要汽车零部件'
_JUST = re.compile(r"(?:^|[\s，,。])就(?:这|那)(?:两|俩|三|几)(?:个|样)?[\s:：]+(?P<what>[^，,。]{2,20}?)\s*$|"  # '就这俩 液压和密封'
                   r"(?:^|[\s，,。])就(?:只)?(?:留|要|剩)?(?![是这那看想要])(?P<what2>[^\s，,。][^，,。]{1,19}?)(?:这|那)?(?:两|俩|三|几)"
                   r"(?:个|样)(?:吧|了)?(?=$|[\s，,。])|"  # '就水处理和重金属吸附两个'
                   r"(?:^|[\s，,。])(?![这那一两三几俩])(?P<what3>[^\s，,。]{2,10}?)就(?:够了|行了|可以了|好了)")  # '焊接就够了'
_JUST_ONE = re.compile(r"(?:^|[\s，,。])就(?:只)?(?:留|要|剩)?(?![是这那看想要])(?P<what>[^\s，,。]{2,10})(?=$|[\s，,。])")  # '就无人机'
ONLY = "-*"  # a change that drops every topic the message does not name
_SWAP_IN = re.compile(r"(?:换成|改成|改为)\s*(?P<what>[^，,。]{2,20})")
_SWAPPED_OUT = re.compile(r"(?:^|[\s，,。])(?:把)?(?P<old>[^\s，,。把]{2,10}?)(?:那个|这个)?(?:换成|改成|改为)")  # '把A换成B': A goes


def topic_changes(text: str) -> list[str]:
    """Topic changes in a message: '焊接 激光相关的都推给我', '再加个粉末冶金' add; '表面处理不要了' drops
    (as '-表面处理'); '机器人不要了 加个数字孪生', '算了农机不要了 换成智慧农业' do both."""
    ops = [f"-{t}" for m in _DROP_ONE.finditer(text) for t in _parse_topics(m.group("what") or m.group("what2"))]
    if (only := _ONLY.search(text)) and (kept := _known_topics(only.group("what"))):  # '新能源的退订吧 只要汽车零部件'
        ops += [ONLY, *kept]
    elif (just := _JUST.search(text)) and (kept := _bare_list(next(w for w in just.groups() if w))):
        ops += [ONLY, *kept]  # '就水处理和重金属吸附两个', '焊接就够了': the list is these alone
    elif ops and (just := _JUST_ONE.search(text)) and (kept := _bare_list(just.group("what"))):
        ops += [ONLY, *kept]  # '植保不要了 就无人机': after a drop, '就X' keeps X alone
    adds = [m for c in (text, *_CLAUSES.split(text)) if (m := _ADD_MORE.search(c.strip()) or _ADD_AFTER.search(c.strip()))]
    ops += _listed_before(text, adds[0]) + _parse_topics(adds[0].group("what")) if adds else []
    ops += [t for p in (_NARROWED, _ASKED_TOO) if (m := p.match(text.strip())) for t in _parse_topics(m.group("what"))]
    ops += [t for c in _CLAUSES.split(text)[1:] if (m := _NARROWED.match(c)) for t in _parse_topics(m.group("what"))]
    ops += [t for m in _BESIDES.finditer(text) for t in _bare_list(m.group("what"))]  # '除了粉末冶金 还关注X': kept
    swap = _SWAP_IN.search(text)
    ops += _parse_topics(swap.group("what")) if swap else []
    out = _SWAPPED_OUT.search(text)
    ops += [f"-{t}" for t in _parse_topics(out.group("old")) if f"-{t}" not in ops] if swap and out else []
    ops += _alert_topics(text)
    return as_industries(list(dict.fromkeys(ops)))


def _known_topics(clause: str) -> list[str]:
    """The topics of a clause that is only a list of catalogue industries or thesaurus terms ('汽车零部件', '焊接'),
    else [] ('只要一个懂PLC的工程师', '只要能解决焊接变形就行' name no topic)."""
    topics = _bare_list(clause)
    terms = set(load_thesaurus().terms)
    return topics if all(_industry_of(t) or t in terms for t in topics) else []


def _canonical(topic: str) -> str:
    """The catalogue industry a sector word names ('汽车零部件' → '汽车及零部件'), else the topic itself."""
    return _industry_of(topic) or topic


_LIST_LEAD = re.compile(r"^(?:就(?![是业])|.{0,8}?(?:关注|关心|感兴趣|研究|主要)的?(?:方向|领域|方面)?(?:就|主要)?(?:是|有)|(?:研究|主要)?方向(?:是|有)?)"
                        r"(?=.)")  # '我关注的就是', '方向是', '研究方向'
_BESIDES = re.compile(r"除了\s*(?P<what>[^\s，,。]{2,12})(?=[\s，,。]*(?:还|也|另外))")


def _listed_before(text: str, added: re.Match[str]) -> list[str]:
    """The bare list said just before '还有X' ('汽车零部件 还有智能网联汽车', '关注的就是 轴承 润滑 还有热处理',
    '方向是自动驾驶感知 还有车路协同': those too): the clauses before it back to the first that is no list,
    fillers ('嗯', '主要是') passed over and a lead ('关注的就是') taken off it."""
    if added.re is not _ADD_MORE or added.string == text.strip():
        return []
    head = text[:text.find(added.string)].strip(" ，,。;；")
    out: list[str] = []
    for clause in reversed([c for c in _CLAUSES.split(head) if c]):
        if not _STRIP_HEAD.sub("", _HEDGE.sub("", clause)).strip():
            continue  # '嗯', '主要是'
        lead = _LIST_LEAD.match(clause)
        listed = _bare_list(clause[lead.end():] if lead else clause)
        out = listed + out
        if not listed or lead:
            break
    return out


def _dropped(topic: str, ops: list[str]) -> bool:
    """Whether a '-X' change names ``topic`` (also in part: '机器人不要了' drops '工业机器人')."""
    return any(d.startswith("-") and d != ONLY and (d[1:] in topic or topic in d[1:]) for d in ops)


def dropped_topics(old: list[str], ops: list[str]) -> list[str]:
    """The topics of ``old`` the changes remove (all but the named ones after '只要X')."""
    named = {_canonical(t) for t in ops}
    return [t for t in old if _dropped(t, ops) or (ONLY in ops and _canonical(t) not in named)]


def apply_topic_changes(old: list[str] | None, ops: list[str]) -> list[str]:
    """Apply topic changes: plain topics are added, '-X' removes X, '只要X' keeps X alone."""
    gone = dropped_topics(list(old or []), ops)
    out = [t for t in old or [] if t not in gone]
    kept = {_canonical(t) for t in out}
    return out + [t for t in ops if not t.startswith("-") and _canonical(t) not in kept and not _dropped(t, ops)]  # '…，X不要了'
