"""The detail a question asks about, and whether a passage states it (answerability beyond the answer type).

The answer type says *what kind* of value is asked (an amount, a date); this module checks that the passage
states the *asked detail*: the attribute a money or date question names (a salary is not a grant, an interest
rate is not a loan amount, a fee is not a subsidy, paying out is not applying), a value bound to the noun asked
about (the mentor's allowance, not the fellow's grant), and for a yes/no question the action asked about
(转让, 寄回, 开门) somewhere in the document. Each check returns the name of the missing detail for the typed
decline ("资料里没有写明…"), or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from knowledge.compose import is_item
from knowledge.lexical import alias_in, alias_match, key_words
from knowledge.qtype import GENERIC_NOUNS, asking_word, nouns_and_verbs, nouns_of, tagged


@dataclass(frozen=True)
class Attribute:
    """A money/date attribute a question can name: its cue, the words that state it in a passage, its name."""

    name: str
    cue: str
    stated: str


# A grant is a grant whatever users call it (补贴/奖励/资助/经费 are interchangeable); these are not grants.
ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("津贴或工资", r"津贴|工资|薪|薪酬|月薪|年薪", r"津贴|工资|薪"),
    Attribute("利率", r"利率|年化|利息(?:是)?多少|利息(?:高|低)", r"利率|基点|LPR|年化"),
    Attribute("租金", r"房租|租金|租费", r"房租|租金|租费|免租|减租"),
    Attribute("是否需要交税", r"个税|交税|纳税|扣税|缴税|完税|税前|税后|扣.{0,2}所得税", r"税"),
    Attribute("每月的金额", r"每月|每个月|一个月|月薪|按月", r"每月|每个月|按月|/月|月薪"),
)
MONEY_KINDS = frozenset({"money", "amount"})
DATE_KINDS = frozenset({"date"})
_FEE = re.compile(r"[\u4e00-\u9fff]{2}费(?!用)")
_NOT_FEE = ("经费", "花费", "收费", "免费", "消费", "缴费", "交费", "付费", "话费", "学费", "自费", "会费")
# Asking whether something is charged (收费吗, 要多收钱不), not stating it (评估要花钱 政府补不补).
_CHARGED = re.compile(r"(?:收费|要钱|花钱|收钱|交钱|付费|要费用|掏.{0,3}钱|出.{0,3}钱)(?=吗|不|没|么|呢|[？?]|$)|费用多少")
_CHARGE_STATED = r"免费|收费|不收|[^经]费|自付|自行承担"
_PAYOUT = re.compile(r"(?:发|到账|拨付|兑现|发放|打款|到位|兑付|给)(?:钱|下来|到)?$|到账|拨付|兑现|发放|打款|兑付|打到|发到|到卡")
_PAYOUT_STATED = r"拨付|到账|发放|兑付|兑现|发给|下达"
_DATE_CUE = re.compile(r"什么时候|啥时候|何时|几月份?|几号|哪天|哪一天|什么时间|多久|几天|多少天|几个工作日")
_NAMED_THING = r"[\u4e00-\u9fff]{0,4}?(?:银行|机构|公司|医院|园区|学校|高校|网站|酒店|场馆)"
_NAMED = re.compile(rf"哪[一几]?(?:家|个|所)({_NAMED_THING})|({_NAMED_THING})(?:是|为|选|找|用|有)?哪[一几]?(?:家|个|所)")  # 核查机构是哪家
_NOT_NAME = "的该本各此类进在到方关"  # 第三方机构, 相关机构: no name
_BODY = re.compile(r"(?<=[\u4e00-\u9fff]{4})(?:有限公司|公司|中心|银行|支行|事务所|服务所|研究院|研究所|学院|大学|医院)")
_KIND_OF = frozenset({"中介", "合作", "相关", "专业", "金融", "分支", "审计", "评估", "核查", "服务", "检测", "咨询"})  # 中介机构:
# a kind of body, not a name
_MODAL = re.compile(r"能不能|可不可以|可以|能否|可否|会不会|要不要|用不用|需不需要|需要|允许|让不让|能|可")


def fee_words(question: str) -> list[str]:
    """Named fees a question asks about (手续费, 审计费, 交通费), not 经费/收费; a fee starts at a word boundary
    (保险保费: 保费, not 险保费)."""
    starts, at = set(), 0
    for word, _flag in tagged(question):
        starts.add(at)
        at += len(word)
    out = []
    for m in _FEE.finditer(question):
        fee = m.group(0) if m.start() in starts else m.group(0)[1:]
        if len(fee) >= 2 and not fee.endswith(_NOT_FEE):
            out.append(fee)
    return out


def attribute_gap(question: str, kind: str | None, passage: str) -> str | None:
    """The money/date attribute the question names but the passage doesn't state (None when stated)."""
    for fee in fee_words(question):  # 路费住宿费是谁出: whatever is asked about them, they must be written
        if fee not in passage and fee[:2] + "费用" not in passage:
            return fee
    if kind in MONEY_KINDS or (kind == "yesno" and re.search(r"税|费", question)):
        for attribute in ATTRIBUTES:
            if re.search(attribute.cue, question) and not re.search(attribute.stated, passage):
                return attribute.name
        if _CHARGED.search(question) and not re.search(_CHARGE_STATED, passage):
            return "是否收费"
    if kind in DATE_KINDS:
        cue = list(_DATE_CUE.finditer(question))
        tail = question[cue[-1].end():] if cue else ""
        if _PAYOUT.search(tail) and not re.search(_PAYOUT_STATED, passage):
            return "发放或到账的时间"
    return None


def action_words(question: str, kind: str | None) -> list[str]:
    """The words naming what a yes/no or date question asks about: after the last modal (能转让吗 → 转让) or
    after the date cue (什么时候到账 → 到账); words of two characters or more that only ask are left out."""
    if kind == "yesno":
        modals = list(_MODAL.finditer(question))
        stem = re.sub(r"[吗呢呀啊吧啵不没？?。！!，,\s]+$", "", question)
        tail = question[modals[-1].end():] if modals else stem[-4:]  # 登记处周六开门吗 → 周六开门
    elif kind in DATE_KINDS:
        cues = list(_DATE_CUE.finditer(question))
        tail = question[cues[-1].end():] if cues else ""
    else:
        return []
    tail = re.sub(r"[吗呢呀啊吧啵不没？?。！!，,\s]+$", "", tail)  # 能报不: 报
    tail = _ANAPHORA.sub("", tail)  # 走这个路子: what was said before, not a new thing asked about
    content = set(nouns_and_verbs(tail))
    found = [w for w in key_words(tail) if len(w) >= 2 and not asking_word(w) and w not in GENERIC_NOUNS
             and w in content]
    two = re.fullmatch(r"[\u4e00-\u9fff]{2}", tail) and any(len(w) == 1 for w in nouns_of(tail))
    return found or ([tail] if two else [])  # 养狗: two one-character words, one of them a noun (not 多扣)


def action_gap(question: str, kind: str | None, doc_text: str) -> str | None:
    """The asked action of a yes/no question (转让, 周六开门) when the document mentions none of its words."""
    if kind != "yesno":
        return None  # a date or place question's verb (报名 for 申报, 上课 for 授课) is too often a paraphrase
    sides = question.rsplit("还是", 1)  # 能不能自己报 还是要别人推荐: either way of doing it answers
    missing = [_missing_action(side, doc_text) for side in sides]
    return missing[-1] if all(missing) else None


def _missing_action(question: str, doc_text: str) -> str | None:
    """The action words of a yes/no question when the document mentions none of them (None when it does, or when
    the question names no action)."""
    asked = [w for w in action_words(question, "yesno") if not _COUNTING.search(w)]
    if not asked or any(alias_match(w, doc_text) >= 0.5 or _stem_in(w, doc_text) for w in asked):
        return None
    return "".join(asked)


_COMPLEMENT = re.compile(r"^([\u4e00-\u9fff])[到给去来完好上下出回进过]$")


def _stem_in(word: str, doc_text: str) -> bool:
    """Whether a verb with a directional or resultative complement (送到, 交给) is stated by its stem in a
    two-character verb of the document (报送, 递交)."""
    stem = _COMPLEMENT.match(word)
    if stem is None:
        return False
    return re.search(rf"[\u4e00-\u9fff]{stem.group(1)}|{stem.group(1)}[\u4e00-\u9fff]", doc_text) is not None


_ANAPHORA = re.compile(r"(?:这|那)(?:个|种|条|样|些|项)?[\u4e00-\u9fff]{1,2}$")


_NOT_HEADS = frozenset({"条件", "要求", "材料", "流程", "手续"})  # what another part of a double question asks
_COUNTING = re.compile(r"[\d一二两三四五六七八九十几]+[次个遍回]")


def head_noun(focus: Iterable[str]) -> str | None:
    """The head of the asked noun phrase: its last noun (知识产权质押贷款利率 → 利率, 托举导师 → 导师)."""
    nouns = [noun for noun in focus if noun not in _NOT_HEADS]
    return nouns[-1] if nouns else None


def stated_with(head: str | None, sentence: str, context: str) -> bool:
    """Whether a sentence (or the title/heading/list intro in ``context``) names the head noun."""
    return head is None or alias_in(head, sentence) or alias_in(head, context)


def unbound(focus: Iterable[str], sentences: list[str], carries: Callable[[str], bool], context: str) -> bool:
    """Whether the passage names the asked noun only in list items that state no value: the item 每人每年资助10万元
    above the item 配备1名托举导师 does not give the mentor's allowance (list items are separate provisions; in
    prose the value may sit in the next sentence). A noun the passage doesn't name is another check's job."""
    head = head_noun(focus)
    if head is None or alias_in(head, context) or not any(alias_in(head, s) for s in sentences):
        return False
    named = [s for s in sentences if alias_in(head, s)]
    if not all(is_item(s) for s in named):
        return False  # prose: the value may sit in the sentence before or after the one naming the noun
    return not any(carries(s) for s in named)


def name_gap(question: str, passage: str) -> str | None:
    """哪家银行 / 哪个园区 asks for a name: the passage must name one (…示例银行, not 合作银行 or 进园区)."""
    asked = _NAMED.search(question)
    if not asked:
        return None
    noun = asked.group(1) or asked.group(2)
    noun = noun if asked.group(1) else noun[-2:]  # 第三方核查机构是哪家: a 机构, whoever's
    named = any(m.start() > 1 and passage[m.start() - 1] not in _NOT_NAME and passage[m.start() - 2] not in _NOT_NAME
                and passage[m.start() - 2:m.start()] not in _KIND_OF for m in re.finditer(noun, passage))
    if noun.endswith("机构"):  # any kind of body: 汉江科技评估咨询有限公司 is an 评价机构
        named = named or any(passage[m.start() - 2:m.start()] not in _KIND_OF for m in _BODY.finditer(passage))
    which = re.search(r"哪[一几]?(家|个|所)", asked.group(0))
    return None if named else f"具体是哪{which.group(1) if which else '家'}{noun}"  # 哪家中介机构: not 符合条件的中介机构


def list_gap(focus: Iterable[str], passage: str, question: str = "") -> str | None:
    """A list question about a noun (辅导会要带什么材料: 材料) answered by a passage that never names it, unless the
    passage introduces its list with the question's own verb (要上传什么材料 and 需上传：)."""
    missing = [noun for noun in focus if alias_match(noun, passage) < 0.5]
    if missing and any(verb in question for verb in _INTRO_VERB.findall(passage)):
        return None
    return f"{''.join(focus)}具体有哪些" if missing else None


_INTRO_VERB = re.compile(r"([\u4e00-\u9fff]{2})[:：]\s*$", re.M)  # the word a list's introducing line ends with


_GRANT_NAMES = "补贴|补助|奖励|资助|贴息|奖金"  # the words that end a grant's name
_GRANT = re.compile(rf"(?:{_GRANT_NAMES})$")
_NAMING = ("n", "nz", "nt", "ng", "vn", "j")  # parts of speech of what a grant is named after (农机/购置)
_ASKING_VERB = re.compile(r"有没有|有没|有无|是否有?|能不能|可不可以|能否|可否|会不会")  # 用户方有没有奖励: asks, names nothing


def grant_gap(question: str, doc_text: str) -> str | None:
    """A grant named by what it is for (农机购置补贴) whose name the document never uses (None when it does); a
    grant asked of someone (用户方有没有奖励) must be stated with them in one sentence of the document."""
    tokens = tagged(question)
    for k, (word, _flag) in enumerate(tokens):
        grant = _GRANT.search(word)
        if not grant:
            continue
        name = ([word[:grant.start()]] if grant.start() else []) + _name_before(tokens, k - 1)
        if any(len(w) >= 2 and alias_match(w, doc_text) < 0.5 for w in name):
            return "".join(name) + grant.group(0)
        j = k - 1 - len(name) + (1 if grant.start() else 0)
        if j < 0 or not _ASKING_VERB.fullmatch(tokens[j][0]):
            continue  # only 有没有…补贴 asks whether that grant exists
        owner = [w for w in name or _name_before(tokens, j - 1) if len(w) >= 2]
        if owner and not _stated_together(owner, doc_text):
            return "".join(owner) + grant.group(0)  # 有没有导师补贴 where 导师 and the grants are separate provisions
    return None


def _stated_together(words: list[str], doc_text: str) -> bool:
    """Whether one sentence of the document names all the words and a grant (给予奖励 to 用户单位)."""
    return any(_GRANT_WORD.search(s) and all(alias_match(w, s) >= 0.5 for w in words)
               for s in re.split(r"[。；;\n]", doc_text))


_GRANT_WORD = re.compile(rf"{_GRANT_NAMES}|津贴")  # a grant stated in a sentence (津贴 too)


def _name_before(tokens: list[tuple[str, str]], j: int) -> list[str]:
    """The naming words that end at token ``j`` (农机/购置 before 补贴), stopping at a generic noun or an asking verb."""
    name: list[str] = []
    while j >= 0 and tokens[j][0] not in GENERIC_NOUNS and not _ASKING_VERB.fullmatch(tokens[j][0]) and (
            tokens[j][1] in _NAMING or (tokens[j][1] == "v" and j > 0 and tokens[j - 1][1] in _NAMING)):
        name.insert(0, tokens[j][0])  # 农机/购置 in 农机购置补贴, 成果/转化 in 成果转化补贴
        j -= 1
    return name


_EXISTS = re.compile(r"(?:有没有|有冇得|有没得|有无|有没)([^\s，,。；;？?！!]{2,24})")
_OWNER = re.compile(r"([^\s，,。；;？?！!]{2,12})(?:有没有|有冇得|有没得|有无)")


def exists_gap(question: str, doc_text: str) -> str | None:
    """有没有X: the nouns of X the document never mentions (近视防控的讲座), or None."""
    asked = _EXISTS.search(question)
    if not asked:
        return None
    nouns = [w for w, flag in tagged(asked.group(1)) if (flag[:1] == "n" or flag == "eng") and len(w) >= 2
             and w not in GENERIC_NOUNS and not asking_word(w)]  # CMA章: a Latin acronym names a thing too
    missing = [w for w in nouns if alias_match(w, doc_text) < 0.5]
    owner = _OWNER.search(question)  # 个人所得税有没有优惠: the thing that would have it must be written whole
    whole = [w for w, flag in tagged(owner.group(1)) if flag in ("l", "nz", "n") and len(w) >= 4
             and alias_match(w, doc_text) < 1.0] if owner else []
    return "".join(missing + whole) if missing or whole else None


_EITHER = re.compile(r"([\u4e00-\u9fff]{2,4})还是([\u4e00-\u9fff]{2,5}?)(?:呢|啊|吗)?(?=$|[\s，,。；;？?！!])")


def alternatives_gap(question: str, passage: str) -> str | None:
    """A还是B (开专票还是普票): the passage must speak of one of the alternatives, else both are named as missing."""
    asked = _EITHER.search(question)
    if not asked:
        return None
    sides = [asked.group(1).removeprefix("是"), asked.group(2)]
    words = [w for side in sides for w in ([k for k in key_words(side) if len(k) >= 2 and not asking_word(k)
                                            and k not in GENERIC_NOUNS] or [side])]
    words += [level for side in sides for level in re.findall(r"[县市省区镇乡村](?=里|$)", side)]  # 县（市、区）
    return None if any(alias_match(w, passage) >= 0.5 for w in words) else f"是{sides[0]}还是{sides[1]}"


_TARGET = re.compile(r"才(?:能算|算|能|可以|可|给|让)([\u4e00-\u9fff]{2,4})")
_WHAT_VERB = re.compile(r"(?:按|凭|根据|依据|靠)(?:什么|啥)([\u4e00-\u9fff]{2,4})")  # 按什么打分: by what it is done


def predicate_gap(question: str, doc_text: str) -> str | None:
    """What a condition or "by what" question is about when the document never says it: 才算毕业 (the standard for
    graduating), 按什么打分 (the scoring) — a nearby condition or procedure is not an answer to it."""
    target = _TARGET.search(question)
    asked = [w for w in nouns_and_verbs(target.group(1)) if len(w) >= 2 and not asking_word(w)] if target else []
    what = _WHAT_VERB.search(question)
    if what:
        first = tagged(what.group(1))[0]
        asked += [first[0]] if first[1] == "v" and len(first[0]) >= 2 else []
    missing = [w for w in asked if alias_match(w, doc_text) < 0.5]
    return "".join(missing) if missing else None


_CLAUSES = re.compile(r"[；;。\n]")


def clause_unbound(head: str | None, passage: str, carries: Callable[[str], bool], context: str) -> bool:
    """Whether the passage names the asked noun only in clauses that state no value (the county office in
    “中心电话0710-…；也可以联系各县科技局农村科技股” has no phone of its own); a noun the heading names is bound."""
    if head is None or alias_in(head, context):
        return False
    named = [c for c in _CLAUSES.split(passage) if alias_in(head, c)]
    return bool(named) and not any(carries(c) for c in named)


def other_fee(question: str, passage: str, carries: Callable[[str], bool]) -> str | None:
    """The named fee every amount of the passage belongs to, when the question asks about something else
    (盐雾试验多少钱 answered with 加收30%的加急费)."""
    valued = [c for c in re.split(r"[；;。，,\n]", passage) if carries(c)]
    fees = [fee_words(c) for c in valued]
    if not valued or not all(fees):
        return None
    foreign = [f for found in fees for f in found if f[:2] not in question]
    return foreign[0] if len(foreign) == sum(len(f) for f in fees) else None


_STACK_ASKED = re.compile(r"(?:一起|同时|一块|一并)(?:拿|领|享受|申请|申报)|叠加|兼得|重复(?:享受|领|拿)"  # two grants,
                          r"|[和跟与及].{1,15}都(?:能|可以|可)?(?:拿|领|享受)"  # not 都拿多少 (X和Y都能拿吗 names two)
                          r"|两(?:头|边|样|项|个)都(?:能|可以|可)?(?:拿|领|享受|要)")  # 同一个合同能两头都拿吗
# thing used again (这回还能再拿它用不)
_STACK_STATED = re.compile(r"重复|叠加|兼得|同时享受|同时申请|同时获得|就高|不得与|不与|可与|一并享受|不能同时|不可同时")


def stacking_gap(question: str, kind: str, doc_text: str) -> str | None:
    """Whether two grants may be combined (研发中心的15万跟建站经费能一起拿吗), a yes/no or eligibility question, when
    the document states no rule on combining grants (重复享受, 就高, 不得与…): another document's grant is not this
    one's to rule on."""
    if kind not in ("yesno", "eligibility") or not _STACK_ASKED.search(question) or _STACK_STATED.search(doc_text):
        return None
    return "能否与其他政策同时享受"


_REQUIRED = re.compile(r"对([^\s，,。；;？?！!]{2,10}?)(?:有没有|有什么|有啥|有哪些|有无|是否有|有)(?:具体)?(?:要求|限制|规定)"
                       r"|([^\s，,。；;？?！!对]{2,10}?)(?:有没有|有什么|有啥|有无|是否有|有)(?:具体)?(?:要求|限制)")
# How a document states a requirement on an attribute without naming it (不超过35周岁 is an age limit).
_ATTRIBUTE_VALUES = {"年龄": r"岁|出生", "学历": r"学历|学位|博士|硕士|本科|大专|专科|毕业", "职称": r"职称|工程师|正高|副高|高级|中级|初级",
                     "人数": r"\d+\s*[人名]", "户籍": r"户籍|户口|常住",
                     "规模": r"人数|职工|员工|营业收入|销售收入|资产|产值|万元|亿元|平方米"}


def requirement_gap(question: str, doc_text: str) -> str | None:
    """对职称学历有没有要求 / 年龄有限制吗: the attributes whose requirement is asked, when the document states
    none of them (by name, alias or a value: 35周岁 is an age), or None."""
    asked = _REQUIRED.search(question)
    if not asked:
        return None
    subject = asked.group(1) or asked.group(2)
    nouns = [w for w, flag in tagged(subject) if (flag[:1] == "n" or flag == "eng") and len(w) >= 2
             and w not in GENERIC_NOUNS and not asking_word(w)]
    stated = [w for w in nouns if alias_match(w, doc_text) >= 0.5
              or (w in _ATTRIBUTE_VALUES and re.search(_ATTRIBUTE_VALUES[w], doc_text))]
    return "".join(nouns) + "的要求" if nouns and not stated else None


_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z]{2,6}(?![A-Za-z])")


def acronym_gap(question: str, doc_text: str) -> str | None:
    """A Latin acronym the question names (EMC测试, CMA章) that the document never mentions: whatever is asked
    about it, a passage about something else doesn't answer it."""
    missing = [a for a in _ACRONYM.findall(question) if a.lower() not in doc_text.lower() and a != "OK"]
    return missing[0] if missing else None


_BASE = re.compile(r"(?:按|占)([\u4e00-\u9fff]{2,8}?)的(?:百分之几|几成|多少比例|比例)")


def base_gap(question: str, doc_text: str) -> str | None:
    """The base of an asked share (按评估值的百分之几收: 评估值) that the document never names: a share of another
    base (实际发生评估费的50%) is not the one asked about."""
    asked = _BASE.search(question)
    if not asked:
        return None
    base, at, pieces = asked.group(1), 0, []
    for word, _flag in tagged(base):  # a word, or a one-character word with its neighbour (评估值: 估值, not 值)
        pieces.append(word if len(word) > 1 else base[max(at - 1, 0):at + 1] if at else base[:2])
        at += len(word)
    if all(w in GENERIC_NOUNS for w, _flag in tagged(base)):
        return None
    return base if any(alias_match(p, doc_text) < 0.5 for p in pieces if p not in GENERIC_NOUNS) else None
