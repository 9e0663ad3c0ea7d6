"""The achievement flow (项目库): a researcher registers a result and says which needs they want alerts for.

Start: the menu (``start``), "登记成果"/"放到项目库", or a research result being offered ("…研究院，有个…工艺，
中试做完了"). Diagram: ``handlers/achievement_flow.md``.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from bot.domain.achievements import AchievementInput, AlertTopic, submit_achievement
from bot.domain.privacy import remember_contact
from handlers import demand, subscriptions
from handlers.account import give_consent, has_consented
from handlers.kit import forms, interject, triage
from handlers.kit.base import Context, ConversationState, Incoming, Reply, Router
from handlers.kit.fields import choice_field, contact_name_field, contact_title_field, org_field, phone_field
from knowledge import keywords
from knowledge.extract import (
    alert_topics,
    apply_topic_changes,
    extract_ip,
    extract_maturity,
    labelled_parts,
    parse_topics,
    topic_changes,
    without_alerts,
)
from knowledge.vocab import INDUSTRIES, MATURITIES

FLOW = "achievement"
_OBJECT = re.compile(
    r"(?:是|有个|有一个|有一项|有项|做了个|研发了|开发了|一种|一项|一套)?(?P<body>[^，,。；;]{1,29}[^，,。；;的])的?"
    r"(?P<noun>技术|工艺|方法|系统|装置|设备|材料|平台|模型|算法|产品|疫苗|品种|配方|试剂|设计|方案|软件|装备|涂料|"
    r"有机肥|菌剂)"
)
_THING = re.compile(_OBJECT.pattern.replace("(?P<noun>", "(?P<noun>机器人|修剪机|收割机|[\u4e00-\u9fff]机(?!器)|仪|剂型|剂|器|", 1))
_KIND = re.compile(r"(?:一种|一项|一套|一个)(?P<t>[^，,。；;\s]{3,24})")
_LEAD = re.compile(r"^((?:我们|我|团队|课题组)?(?:研发|开发|研制|研究|做|搞|发明)的(?:是|就是)?|我们的|我们|我|这个|这项|那个|[这那该此][套种项款]|就是|主要是|是|课题组|团队|实验室|院里|有个|有一个|有项|有一项|"
                   r"有|(?:这些年|这几年|近几年|一直|就|也)*(?:做了|研发了|开发了|研制了|发明了|搞了)|(?:这些年|这几年|近几年|一直|主要|专门)*(?:做|搞)(?![了的过])(?=[\u4e00-\u9fffA-Za-z]{4})|(?:所|院|厂|组|室)(?=做了|研发了|开发了|研制了|搞了)|"
                   r"一个|一种|一项|一套|个|种|项)+")
_GENERIC = {"基于", "方法", "技术", "一种", "工艺", "系统", "装置", "实现", "进行", "研究", "应用", "提高", "绿色", "用于",
            "利用", "采用", "目前", "已经", "阶段", "企业", "我们", "有个", "中试", "小试", "产业化", "做完",
            "试用", "使用", "推广", "合作", "试验", "验证", "成功", "效果", "可以", "能够", "相关", "通过", "实际"}
_FIGURE = re.compile(r"[\d%]|^[一二两三四五六七八九十百千万几多]+[个家项种台套次年月天人倍批成]?$"
                     r"|^[一二两三四五六七八九十几][个家项种台套次批成]")  # '3000小时', '两家', '九成'
_READY = ("institution", "summary", "field", "maturity", "contact_name", "contact_phone")
_NONE = re.compile(r"^(没有|无|暂无|还没有|目前没有|没)")
_TOPIC_EDIT = re.compile(r"(不要了|不用了|去掉|删掉|不用推了|再加|加上|加个|换成)")
_NO_ALERTS = re.compile(r"(不要|不用|不需要|别|不想)(再)?(收到|接收)?(提醒|通知|推送)")
_NO_IP = re.compile(r"(没有?|无|暂无|还没有?)(申请)?(专利|知识产权|软著)")
_IP_WORDS = re.compile(r"(专利|软著|软件著作权|著作权|商标|标准|品种权|技术秘密)")


def _without_alerts(text: str) -> str:
    """The message without the clauses that ask for demand alerts ('电池材料、氢能 还有涂层方面的也可以推给我')."""
    return "".join(c for c in re.split(r"(?<=[，,。；;！!])", without_alerts(text)) if not _NO_ALERTS.search(c))


_SAYS_WHAT = re.compile(r"(?:我们|课题组|团队)?(?:主要)?(?:做|搞|研究|研发|开发)的(?:是|就是)|(?<![^，,。；;\s])成果(?:是|为|就是)|成果[：:]")  # '…中心 做的是X', '…学院，成果是X'


_META = re.compile(r"(?:有|登记|登)(?:一)?[个项]?(?:新的?)?(?:科研|科技|研究)?成果(?:(?:想|要|需要|准备|打算)(?:挂|登记?|放|发布|上传|录入|推广)"
                   r"(?:到|在|上)?(?:你们|咱们|这|这个)?(?:的)?(?:平台|项目库|系统|这里|上面|网上)?(?:上|里)?(?:去)?)?(?:吧|一下)?$")
_HAS_RESULT = re.compile(r"有(?:一)?[个项](?:新的?)?(?:科研|科技|研究)?成果$")  # '我们学院有个成果 X…': X is the result
_DESCRIBES = re.compile(r"^(?:它|这个|这项|那个)?(?:就)?是(?:一)?(?:种|套|款|项)")  # '…的成果 是一种秸秆做的地膜': what it is
_STAGE_ONLY = re.compile(r"(?=.*(?:实验室|小试|中试|产业化))(?:[哦嗯噢啊那就其实现在目前还仍是在算写填改为没出到了吧呢…\s]|正在|已经|"
                         r"实验室(?:阶段)?|小试|中试|已?产业化|(?<!实验室)阶段)+")  # one way to match each word: no backtracking blow-up
_CLAUSE_END = re.compile(r"(?<=[，,。；;！!])")


def _drop_meta(text: str) -> tuple[str, bool]:
    """The text without the clauses that only say there is a result to register ('我们课题组有一个成果想挂到你们
    平台上'), and whether there was one: they describe nothing."""
    clauses = _CLAUSE_END.split(text)
    kept = [c for c in clauses if not _META.search(c.strip(" ，,。；;！!"))]
    meta = len(kept) < len(clauses)
    kept = [c for c in kept if not _STAGE_ONLY.fullmatch(c.strip(" ，,。；;！!…."))]  # '写实验室阶段吧': the stage only
    return "".join(kept).strip(" ，,。；;！!"), meta


def _summary(text: str, facts: dict[str, Any]) -> str | None:
    """The technical part of any message (only when it carries a technical cue, or what follows '做的是' after the
    unit: '…研究院 …中心 做的是X', or what follows '有个成果': '有个成果 再生涤纶仿棉纤维'), not an alert request;
    in a labelled list ('Title: X, field Y'), the value labelled as the description, else as the name."""
    parts = labelled_parts(text)
    if said := parts.get("summary") or parts.get("title"):
        return _drop_meta(triage.offer_text(_without_alerts(said), strict=False) or "")[0] or None  # '…，另外X也推给我'
    rest = _unlabelled(_without_alerts(text))
    if not rest:
        return None
    said, meta = _drop_meta(triage.offer_text(rest) or "")
    if meta and not triage.TECH.search(said):
        said = ""
    loose = _drop_meta(triage.offer_text(rest, strict=False) or "")[0]
    named = any(_HAS_RESULT.search(c.strip()) or _DESCRIBES.match(c.strip()) for c in triage.PIECES.split(rest))
    if not said and named and loose:  # '我们学院有个成果 X …': the clauses after it are the result
        return loose
    m = _SAYS_WHAT.search(rest) if not said else None
    if m is None:
        return said or None
    return triage.offer_text(rest[m.end() if m.group().startswith("成果") else m.start():], strict=False)


def _unlabelled(text: str) -> str:
    """The text without the clauses opening with another field's label ('成熟度算中试吧', '领域填…'): those
    answer that field, they do not describe the result."""
    labels = tuple(a for f in FIELDS if f.name not in ("summary", "title", "institution") for a in f.aliases)
    return "".join(c for c in re.split(r"(?<=[，,。；;！!])", text) if not c.strip().startswith(labels))


def _summary_answer(text: str) -> str | None:
    """A direct answer to "请介绍这项成果" (not a message that labels another field)."""
    rest = _unlabelled(_without_alerts(text))
    return _drop_meta(triage.offer_text(rest, strict=False) or "")[0] or None if rest else None


_HEAD_PHRASE = re.compile(r"(?!.*[已在用了是有和与及把被将做搞卖等想要能可])[\u4e00-\u9fffA-Za-z]{1,5}的[\u4e00-\u9fffA-Za-z]{2,8}")  # '…材料机翼的结构健康监测': the thing made of it is named
_OF_HEAD = re.compile(r"(?!.*[已在用了是有和与及把被将做搞卖等想要能可])的[\u4e00-\u9fffA-Za-z]{2,8}")  # '…制动器的轻量化卡钳': the part is named
_HEAD_NOUN = re.compile(r"(?!.*[已在用了的是有和与及把被将做搞卖等想要能可])[\u4e00-\u9fffA-Za-z]{1,4}")  # a noun, no verb


_MEANS = re.compile(r"^(?:然后|是)?(?:用|采用|利用|使用|通过|靠)[^，,。；;]{2,20}的$")  # '用光纤光栅传感器的': how, not what
_SAID_WHAT = re.compile(r"(?:做|搞|研究|研发|开发)的(?:是|就是)(?P<what>.+)$")
_FILLER = re.compile(r"那个|这个|那种|这种|就是|嗯|呃")


def title_from(text: str) -> str | None:
    """A title from the description: '是机床主轴…补偿的技术' → '机床主轴…补偿技术' (the fullest such phrase)."""
    found: list[tuple[str, int]] = []
    pieces = triage.PIECES.split(text or "")
    for i, clause in enumerate(pieces):
        piece = triage.strip_orgs(clause)
        m = None if _MEANS.match(piece.strip()) else _OBJECT.search(piece) or _THING.search(piece)
        if m:
            body = _LEAD.sub("", m.group("body")).strip()
            more = re.match(r"的?(技术|工艺|方法|系统|装置|设备)", piece[m.end():])  # '…优化设计方法'
            rest = piece[m.end():].strip()
            head = _HEAD_NOUN.fullmatch(rest) or _HEAD_PHRASE.fullmatch(rest) or _OF_HEAD.fullmatch(rest)
            title = body + m.group("noun") + (more.group(1) if more else head.group() if head else "")  # '…风机叶轮' 
            whole = _KIND.search(piece)  # '一种柑橘采摘机器人末端执行器': the whole name after 一种, not its first noun
            whole = whole if whole and len(whole.group("t")) < 24 else None  # … unless cut off in a run-on sentence
            if len(body) >= 2 and not extract_ip(title):  # '拿了植物新品种权' is the IP, not the result's name
                found.append(((whole.group("t") if whole and title in whole.group("t") else title)[:60], i))
    if not found:  # '做的是一种可降解地膜': the thing after 一种/一项
        found = [(m.group("t"), i) for i, c in enumerate(pieces) if (m := _KIND.search(triage.strip_orgs(c)))]
    if not found:
        return _first_named_clause(text)
    plain = [f for f in found if not _NOT_A_TITLE.search(f[0])]  # '建了一套日处理10吨的中试装置' reports a stage
    told = [f for f in plain if not _reports_stage(pieces[f[1]])]
    if plain and not told and (named := _first_named_clause(text)):  # '反应器在实验室跑了大半年了' says where it stands
        return named
    title, at = max(told or plain or found, key=lambda f: len(f[0]))
    title = _used_for(pieces[at + 1] if at + 1 < len(pieces) else "") + title
    return (_what_for(pieces[at - 1]) + title)[:60] if at else title[:60]


_STAGE_WORDS = re.compile(r"(?:在|还在|出)实验室|实验室(?:阶段|里)|在做实验|小试|中试|试用|试产|路试|装车|样件|样品|样机|在用|用上了|"
                          r"跑了|测过|做完|产业化")


def _reports_stage(clause: str) -> bool:
    """A clause telling how far the result has got ('反应器在实验室跑了大半年了'), which does not name it."""
    return bool(_STAGE_WORDS.search(clause))


_USED_FOR = re.compile(r"^(?:主要|可以|能|可)?(?:用于|用来|适用于|应用于)(?P<what>[^，,。；;\s]{2,12}?)(?:的|方面|领域)?$")


def _used_for(clause: str) -> str:
    """'香菇多糖口服液，用于免疫调节的': the use said right after the name goes into the title ('用于免疫调节的…')."""
    m = _USED_FOR.match(clause.strip())
    return f"用于{m.group('what')}的" if m and not _NOT_A_TITLE.search(m.group("what")) else ""


def _what_for(clause: str) -> str:
    """'做的是汽车转向节的那个轻量化' just before a bare method ('铝合金精密锻造工艺'): what the method is for, which
    the title keeps ('汽车转向节的轻量化…'); '' for any other clause."""
    m = _SAID_WHAT.search(triage.strip_orgs(clause))
    what = _FILLER.sub("", m.group("what")).strip() if m else ""
    return what if 2 <= len(what) <= 16 and not _NOT_A_TITLE.search(what) and not _OBJECT.search(what) else ""


_SAID_LEAD = re.compile(r"^(?:我们|我|课题组|团队)?(?:主要)?(?:做|搞|研究|研发|开发)的(?:是|就是)?|^(?:成果|项目)(?:是|叫)")
_NOT_A_TITLE = re.compile(r"[\d%％]|率|[一二两三四五六七八九十百千万]成|已经|试用|用了|推广|合作|申请|专利|软著|著作权|品种权|中试|小试")


def _first_named_clause(text: str | None) -> str | None:
    """'我们做的是茶园病虫害的图像识别 准确率九成多' → '茶园病虫害的图像识别': with no noun-headed phrase, the first
    clause that says what the result is (not a figure, a stage or its use) names it."""
    pieces = triage.PIECES.split(text or "")
    for i, clause in enumerate(pieces):
        piece = _LEAD.sub("", _SAID_LEAD.sub("", triage.strip_orgs(clause).strip())).strip()
        piece = _FILLER.sub("", piece)  # '处理养猪场那种高氨氮废水'
        if 4 <= len(piece) <= 24 and not _NOT_A_TITLE.search(piece) and not _USED_FOR.match(piece) \
                and not _reports_stage(clause):
            after = pieces[i + 1] if i + 1 < len(pieces) else ""
            return _used_for(after) + _kind_of(after, piece) + piece + _made_into(after)
    return None


_MADE_INTO = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}(?:一下|之后|以后|后))?(?:再)?(?P<v>做成|做|制成|制备|加工成)(?P<what>[\u4e00-\u9fff]{2,8})$")
_WHICH = re.compile(r"^[\u4e00-\u9fffA-Za-z]{4,16}的$")
SHORT_NAME = 4  # characters: '生物农药' names a kind; the clause saying which one belongs in the title


def _made_into(clause: str) -> str:
    """'用白酒厂剩的高粱酒糟，发酵一下做猪饲料': what the result is made into, said right after it ('做猪饲料')."""
    m = _MADE_INTO.match(clause.strip())
    return f"{m.group('v')}{m.group('what')}" if m and not _NOT_A_TITLE.search(m.group("what")) else ""


def _kind_of(clause: str, name: str) -> str:
    """'做了个生物农药，枯草芽孢杆菌防小麦赤霉病的': a short name followed by the clause saying which one it is goes
    after that clause ('枯草芽孢杆菌防小麦赤霉病的生物农药')."""
    said = clause.strip()
    ok = len(name) <= SHORT_NAME and _WHICH.match(said) and not _NOT_A_TITLE.search(said) and not _reports_stage(said)
    return said if ok and not _USED_FOR.match(said) and not _MEANS.match(said) else ""


def warm_keywords() -> None:
    """Load jieba's tables in the background (seconds on a cold process) before the summary needs them."""
    threading.Thread(target=keywords.warm, name="kc-jieba-warm", daemon=True).start()


def keywords_of(text: str, top: int = 6) -> list[str]:
    """Key terms of the title and summary (``keywords.key_terms``), without generic words, figures and counts."""
    return [t for t in keywords.key_terms(text, top * 2) if not _FIGURE.search(t) and t not in _GENERIC][:top]


def derive(values: dict[str, Any]) -> dict[str, Any]:
    """Title from the summary when not given; keywords from title and summary."""
    out: dict[str, Any] = {}
    title = values.get("title") or title_from(values.get("summary") or "")
    if title:
        out["title"] = title
    text = f"{title or ''} {values.get('summary') or ''}".strip()
    if text and all(values.get(k) for k in _READY):  # only for the summary: jieba may still be warming up
        out["keywords"] = keywords_of(text)
    out["alerts"] = {"default": True}
    return out


def parse_title(text: str) -> str | None:
    """A name typed for the result: its own words, not a contact, a unit or a question (at most 60 characters)."""
    said = triage.offer_text(text, strict=False)
    return said[:60] if said and said == triage.strip_orgs(said) else None


_TITLE_SAID = re.compile(r"[《“\"](?P<quoted>[^》”\"]{4,60})[》”\"]|(?:^|(?<=[\s，,。；;]))(?:(?:成果|项目)(?:名称|名字|名)|名称|题目)(?:就)?(?:是|叫|为)?[：:\s]*"
                         r"(?P<named>[^，,。；;\s]{4,60})|(?:成果|项目)(?:就)?叫(?:做)?[：:\s]*(?P<called>[^，,。；;\s]{4,60})|"
                         r"(?:^|(?<=[\s，,。；;]))(?:成果|项目)[：:]\s*(?P<labelled>[^，,。；;\s]{4,60})|"
                         r"(?:^|(?<=[\s，,。；;]))(?:成果|项目)\s+(?P<spaced>[^，,。；;\s]{4,60})(?=$|[，,。；;\s])|"  # '成果 X': a label
                         r"(?:^|(?<=[\s，,。；;]))名字(?:就)?叫(?:做)?[：:\s]*(?P<titled>[^，,。；;\s]{4,60}?(?:技术|工艺|方法|系统|装置|"
                         r"设备|材料|涂料|配方|终端|软件|平台|试剂|品种|装备|菌剂|肥|剂|机|仪|器))(?:$|[，,。；;\s])")


_A_KIND = re.compile(r"(?:一种|一项|一套|一款)(?P<t>.{4,28})$")
_RESULT_IS = re.compile(r"(?:^|(?<=[\s，,。；;]))成果(?:就)?是(?P<what>[^，,。；;\s]{4,30})(?:$|[，,。；;\s])")
_NOUNS_ONLY = re.compile(r"(?:一种|一项|一套)?[^已在用了的是有和与及把被将做搞卖等想要能可]+")  # no verb, no particle
_NOT_A_NAME = re.compile(r"[今去明前]年|刚|最近|目前|现在|方面|领域|方向|行业|阶段|团队|课题组|教授|老师|博士")  # when, where, who


def _result_is(text: str) -> str | None:
    """The noun phrase after '成果是' when it can name the result: not a time ('今年刚出来'), a field ('农业方面'), a
    stage ('实验室阶段'), a unit or a team ('湖北工业大学', '张教授团队')."""
    m = _RESULT_IS.search(text)
    what = m.group("what") if m else ""
    if (kind := _A_KIND.match(what)) and not _NOT_A_TITLE.search(what) and "了" not in what:
        return kind.group("t")  # '成果是一种可吸收的胶原蛋白复合止血海绵': what follows 一种 names it
    return what if what and _names_only(what) else None


def _names_only(what: str) -> bool:
    """A noun phrase that can name the result: no verb or particle, no figure, stage, time, field, unit or team."""
    return bool(_NOUNS_ONLY.fullmatch(what)) and not _NOT_A_TITLE.search(what) and not _NOT_A_NAME.search(what) \
        and not extract_maturity(what) and triage.strip_orgs(what) == what


def _only_result_is(text: str) -> bool:
    """The message names no result outright ('成果叫…', '名称：…'): a '成果是X' in it only fills a missing name."""
    return _TITLE_SAID.search(text) is None


def title_said(text: str, _facts: dict[str, Any] | None = None) -> str | None:
    """A name the user gives outright, whatever was asked: '成果叫…', '名称：…', 'Title: …, field …' (up to the
    next label, commas and all), '《…》', or a bare noun phrase
    after '成果是' ('成果是航空发动机涡轮叶片热障涂层') (leading 一种 dropped)."""
    m = _TITLE_SAID.search(text)
    m = None if m and m.group("spaced") and not _names_only(m.group("spaced")) else m  # not '成果 想登记一下'
    said = labelled_parts(text).get("title") or (next((g for g in m.groups() if g), None) if m else None)
    said = said or _result_is(text)
    return re.sub(r"^(?:一种|一项|一套)", "", said.strip("“”\"《》")) if said else None


def parse_ip(text: str) -> str | None:
    """An IP answer ('两项授权发明专利', '有软著'); '没有专利' → '无'."""
    if _NONE.match(text.strip()):
        return "无"
    return extract_ip(text) or (text.strip()[:100] if _IP_WORDS.search(text) else None)


_ALERT_WORDS = re.compile(r"提醒|推送|推给|订阅|通知|关注|方向")


def _edits_topics(text: str) -> bool:
    """Whether the message edits alert topics: a drop or an addition, or a '换成' said of the alerts (not
    '球墨铸铁换成高强铝合金' in a description)."""
    cues = {m.group() for m in _TOPIC_EDIT.finditer(text)}
    return bool(cues - {"换成"}) or bool(cues and _ALERT_WORDS.search(text))


def parse_alerts(text: str) -> dict[str, Any] | None:
    """Which demands to be alerted about: clean topics ('铸造、汽车零部件'), or none ('不用提醒')."""
    if _NO_ALERTS.search(text):
        return {"none": True}
    topics = parse_topics(text)
    return {"topics": topics} if topics else None


def _alerts_said(text: str, facts: dict[str, Any]) -> dict[str, Any] | None:
    """'不要提醒' anywhere; '铸造相关的需求都推给我，汽车零部件的也要' sets the alert topics."""
    if _NO_ALERTS.search(text):
        return {"none": True}
    changes = topic_changes(text) if _edits_topics(text) else alert_topics(text)  # '…，X不要了 换成Y' too
    return {"topics": changes} if changes else None


def merge_alerts(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Topics said over several messages add up, '表面处理不要了' drops one; '不要提醒' (or the default) replaces them."""
    if new.get("topics") is None:
        return new
    topics = apply_topic_changes((old or {}).get("topics"), new["topics"])
    return {"topics": topics} if topics else (old or {"default": True})


def format_alerts(value: dict[str, Any]) -> str:
    """Human form of the alert choice."""
    if value.get("none"):
        return "不接收（需要时可说“提醒改成…”）"
    if value.get("default"):
        return "所属领域的新需求（可说“提醒改成…”或“不要提醒”）"
    return "、".join(value.get("topics", []))


FIELDS = (
    org_field("institution", "所在单位", "请问您所在的单位（高校或科研院所）全称是？",
              ("单位", "学校", "机构", "研究院"), keys=("institution", "company"), example="湖北文理学院、××研究所"),
    forms.Field("summary", "成果简介", "请简单介绍这项成果：解决什么问题、关键指标、应用情况。",
                extractor=_summary, parser=_summary_answer, append=True, aliases=("简介", "介绍", "描述")),
    forms.Field("title", "成果名称", "这项成果叫什么名字？（一句话即可）", parser=parse_title, extractor=title_said,
                aliases=("名称", "标题", "题目"), free=True, gap_only=_only_result_is),
    choice_field("field", "所属领域", "属于哪个领域？", INDUSTRIES, ("领域", "行业")),
    choice_field("maturity", "成熟度", "目前到了哪个阶段？", MATURITIES, ("成熟度", "阶段"),
                 fact_key="maturity", extract=extract_maturity),
    forms.Field("ip", "知识产权", "有专利等知识产权吗？例如“授权发明专利2项”；没有请回复“无”。", required=False,
                extractor=lambda t, f: f.get("ip") or ("无" if _NO_IP.search(t) else None), parser=parse_ip, skip_value="无", aliases=("知识产权", "专利", "软著", "著作权")),
    forms.Field("keywords", "关键词", "请给几个关键词，用顿号隔开：", asked=False, aliases=("关键词",),
                parser=lambda t: [w for w in re.split(r"[\s,，、；;]+", t) if w], formatter="、".join),
    contact_name_field(),
    contact_title_field(),
    phone_field(),
    forms.Field("alerts", "需求提醒", "想收到哪些方向的企业需求提醒？可以说领域或关键词。", required=False, asked=False,
                extractor=_alerts_said, parser=parse_alerts, formatter=format_alerts, aliases=("提醒", "需求提醒"),
                merge=merge_alerts),
)


def _alerts(values: dict[str, Any]) -> tuple[AlertTopic, ...]:
    """The alert topics of the researcher's choice: none, the achievement's field, or what they named."""
    choice = values.get("alerts") or {"default": True}
    if choice.get("none"):
        return ()
    if choice.get("default"):
        return (AlertTopic(values["field"], tuple(values.get("keywords") or [])[:5]),)
    return tuple(AlertTopic(t if t in INDUSTRIES else None, (t,)) for t in choice.get("topics", []))


MATCHED = "有匹配的企业需求时会通知您，对接双方都同意后才交换联系方式。"


def next_steps(_ctx: Context) -> str:
    """What happens once the result is submitted (asked before submitting: '登了以后多久有企业联系')."""
    return f"提交后成果收录到项目库，{MATCHED}"


def _submit(ctx: Context, msg: Incoming, values: dict[str, Any]) -> list[Reply]:
    """Store the achievement and its alert interests; tell the researcher what happens next."""
    ip = values.get("ip")
    data = AchievementInput(
        title=values["title"], summary=values["summary"], field=values["field"], institution=values["institution"],
        maturity=values["maturity"], ip=None if ip in (None, "无") else ip, keywords=list(values.get("keywords") or []),
        contact_name=values["contact_name"], contact_phone=values["contact_phone"], alerts=_alerts(values),
        contact_title=values.get("contact_title"),
    )
    row = submit_achievement(ctx.session, data=data, appid=ctx.appid, openid=msg.openid, now=ctx.now)
    remember_contact(ctx.session, appid=ctx.appid, openid=msg.openid, name=data.contact_name, phone=data.contact_phone,
                     company=data.institution, role="researcher", title=data.contact_title)
    return [Reply(f"已收录到项目库，成果编号 {row.id}。\n{MATCHED}\n"
                  "可回复“我的信息”查看已登记的内容。")]


def tidy(values: dict[str, Any]) -> dict[str, Any]:
    """The summary without clauses that only name the contact ('联系我们组长，孟老师，孟庆华'), once it is known."""
    return triage.tidied(values, "summary")


FORM = forms.Form(
    name=FLOW, noun="科技成果", fields=FIELDS, submit=_submit, derive=derive, tidy=tidy,
    opener="好的，我来帮您把成果登记到项目库。随时可说“取消”或“重新填”。", edit_example="成熟度改成中试",
    consent=has_consented, record_consent=give_consent, after=next_steps,
)


_MADE = re.compile(r"(?:做|搞|研发|开发|研制|有)(?:的|了)?(?:那个|这个|个|一个|套|一套|项|一项|种|一种|款|一款)(?=[\u4e00-\u9fffA-Za-z]{4})|"
                   r"(?:我们|课题组|团队|实验室)(?:这些年|这几年|一直|主要)*(?:做|搞)(?=[\u4e00-\u9fffA-Za-z]{4})")


def _describes_result(seed: str) -> bool:
    """Whether the opening words describe the result: a technical cue, or a thing the team made or has ('我们做的
    那个PLC远程运维网关', '有个…低铂催化剂', '课题组做汽车保险杠注塑模具的CAE仿真优化')."""
    return bool(triage.TECH.search(seed) or _MADE.search(seed))


def _earlier(ctx: Context, conv: ConversationState, texts: tuple[str, ...]) -> tuple[str, ...]:
    """``texts`` after the result told just before them and answered as a self-introduction ('我们做的那个空压机余热
    回收装置…' then '湖北文理学院 能源与动力工程的'): the form opens on both."""
    intro = demand.recent_intro(ctx, conv)
    conv.data.pop("intro", None)
    told = _drop_meta(triage.offer_text(_without_alerts(intro), strict=False) or "")[0] if intro else ""
    return (intro, *texts) if intro and told and _describes_result(told) and intro not in texts else texts


def start(ctx: Context, conv: ConversationState, *texts: str) -> list[Reply]:
    """Open the achievement flow (menu entry point); ``texts`` already describe the result."""
    warm_keywords()
    texts = _earlier(ctx, conv, texts)
    replies = forms.start(FORM, ctx, conv, texts)
    seed = "，".join(filter(None, (_drop_meta(triage.offer_text(_without_alerts(t), strict=False) or "")[0] for t in texts)))
    values = forms.values_of(conv)
    if seed and seed not in (values.get("summary") or "") and _describes_result(seed):
        values["summary"] = seed
        replies = forms.next_step(FORM, conv, FORM.opener)
    return replies


def route(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Start the flow on an explicit request or a result being offered."""
    text = (msg.text or "").strip()
    if not text or conv.flow or FLOW in triage.declined_forms(text):  # '成果就不登记了': never that form
        return None
    if triage.wants_achievement(text) or triage.looks_like_achievement(text):
        return start(ctx, conv, text)
    return None


def continue_flow(ctx: Context, msg: Incoming, conv: ConversationState) -> list[Reply] | None:
    """Continue an open achievement draft (or switch to a demand when that is what the user meant)."""
    text = (msg.text or "").strip()
    if triage.wants_demand(text) and not triage.wants_achievement(text) and triage.has_correction_cue(text):
        return interject.switch(ctx, msg, conv)  # the organisation and the contact come along
    if (named := interject.switch_if_named(ctx, msg, conv, "demand", DEMAND_COMMAND, ("title", "summary"))) is not None:
        return named  # '登记' opened this form, '需求' says which one was meant
    if (declined := interject.declined(FLOW, FORM.noun, ctx, msg, conv, text)) is not None:
        return declined  # '成果就不登记了' (with '以后有X的需求推给我' or not)
    if subscriptions.NOT_REGISTERING.search(text) and alert_topics(text) and not triage.stop_opens(text):
        return interject.switch(ctx, msg, conv)  # '成果还没做完，先不登记了，有X方面的需求通知我' (an opening stop cancels)
    return forms.handle(FORM, ctx, msg, conv)


DEMAND_COMMAND = "登记技术需求"


def register(router: Router) -> None:
    """Register the achievement route and its flow handler."""
    router.add("achievement", route)
    router.add_flow(FLOW, continue_flow)
