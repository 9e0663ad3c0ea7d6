"""From retrieved chunks to a chat answer: question analysis, confidence, extractive and LLM answers.

Confidence is not a fusion score: whether to answer is a calibrated logistic decision over evidence that the
best document really answers — how much of the question's key terms (IDF-weighted, after typo correction) the
document and its best sentence cover, whether the dense and lexical retrievers independently agree on that
document, and whether the sentence carries the kind of fact asked for.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from knowledge.asked import (
    acronym_gap,
    action_gap,
    alternatives_gap,
    attribute_gap,
    base_gap,
    clause_unbound,
    exists_gap,
    grant_gap,
    head_noun,
    list_gap,
    name_gap,
    other_fee,
    predicate_gap,
    requirement_gap,
    stacking_gap,
    stated_with,
    unbound,
)
from knowledge.cities import cities_in, districts_in, strip_places
from knowledge.compose import (
    MAX_ANSWER_CHARS,
    Section,
    answerable,
    is_intro,
    is_item,
    list_block,
    part_note,
    passage,
    render,
    sections_of,
    source_line,
    split_lines,
    strip_marker,
)
from knowledge.ingest import Chunk
from knowledge.lexical import alias_in, alias_match, alias_table, aliases_in, expand, key_words, shared_phrase
from knowledge.qtype import (
    BY_NAME,
    STRICT,
    Kind,
    asking_word,
    carries,
    classify,
    focus,
    list_items,
    situation_free,
    standard,
)
from knowledge.retrieval import Hit

log = logging.getLogger(__name__)

PHONE = re.compile(r"\d{3,4}-\d{7,8}|(?<!\d)1\d{10}(?!\d)")
TYPE_BONUS = 0.5
HEADING_BONUS = 0.3
NAMED_BONUS = 0.5  # the section heading names what is asked (一、基本条件 for 高企的条件有哪几条)
PRIOR_WEIGHT = 0.3
RUNNER_UP = 0.9
# Answer types: a question cue and the pattern of a sentence that carries such a fact.
_NUM = r"\d+(?:\.\d+)?"
ANSWER_TYPES: dict[str, tuple[str, str]] = {
    "deadline": (r"最晚|最迟|截止|截至|期限|多久内|之前", rf"{_NUM}月{_NUM}日(?:\s*{_NUM}:{_NUM})?(?:前|以前|之前)|截止|以前|之前|内"),
    "date": (r"什么时候|啥时候|何时|几月|几号|哪天|截止|截至|最晚|最迟|期限|什么时间|(?:申报|受理|报名|申请)时间|日期|开始|受理",
             rf"{_NUM}月(?:{_NUM}日)?|{_NUM}日|{_NUM}年{_NUM}月|季度|年底|月底"),
    "duration": (r"多久|多长时间|几天|几年|多少天|多少年|几个月|管几年|有效期|几个工作日|多少小时",
                 r"(?<!\d)\d{1,3}(?:\.\d+)?\s*(?:个)?(?:工作日|天|日(?!前)|年|个月|小时|周|分钟)"),
    "money": (r"多少钱|多少万|几万|[补奖给贷抵扣投助费]多少|额度|金额|要钱|收费|花钱|免费|有.{0,4}(?:补贴|奖励|津贴)|"
              r"(?<!申请)(?<!享受)(?:补贴|奖励|津贴).{0,4}[吗没不]",
              rf"{_NUM}\s*(?:万元|元|亿元|%)|最高|上限|免费|不收费|收取"),
    "count": (r"几个人|几人|多少人|人数|规模|几场|几次|几名|几家|几个|多少个|多少次|多少名",
              rf"{_NUM}\s*(?:人|名|次|场|个|家|件|项)"),
    "ratio": (r"占多少|比例|百分之|几成|多少比例|占比", rf"{_NUM}\s*%"),
    "age": (r"年龄|多大|岁|年的|出生|属于青年", rf"{_NUM}\s*周?岁|{_NUM}年{_NUM}月{_NUM}日|出生"),
    "size": (r"多大|面积|场地|平方", rf"{_NUM}\s*(?:平方米|平米|亩)"),
    "score": (r"多少分|几分|分数|(?:打|得|拿)多少分", rf"{_NUM}\s*分"),
    "place": (r"送到哪|送哪|地址|去哪|在哪[办交送取]|哪个部门|在什么地方", r"地址|\d+号|大厅|窗口|\d+楼|二楼|一楼"),
    "channel": (r"在哪|哪里|哪儿|入口|网站|怎么(?:注册|申请|报名|提交|申报)", r"小程序|公众号|网站|平台|系统|栏目|邮箱|菜单"),
    "phone": (r"电话|热线|联系|咨询|找谁", r"\d{3,4}-\d{7,8}|\d{11}"),
    "yesno": (r"能不能|可不可以|可以吗|能.{0,12}[吗不没]$|算不算|是不是|有没有|要不要|行不行|是否|适用",
              r"可以|不能|不予|不适用|不得|无需|不需要|须|需|同样适用|直接|免费|不给予|不在.{0,8}范围|不纳入|不支持|方可|才能|才可"),
    "consequence": (r"会被?怎么?样|会被?如何|怎么办|咋办|咋弄|怎么弄|后果|不合格|怎么处理|如何处理",
                    r"整改|撤销|取消|失效|暂停|移出|不再|候补|递补|摘牌|除名|追回|收回|处罚|通报"),
}
DECLINE_TEXT = ("抱歉，这个问题我在现有的政策资料里没有找到可靠的答案，不敢乱说。"
                "您可以换个说法再问，或者回复“转人工”，由科创联络员为您解答。")
NO_CITY_TEXT = ("抱歉，我这里暂时没有{city}的政策资料，不能回答{city}的问题。"
                "如需帮助，可以回复“转人工”，由科创联络员为您解答。")
LLM_NO_ANSWER = "无法回答"


@dataclass
class Source:
    """A cited document section."""

    doc: str
    title: str
    section: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"doc": self.doc, "title": self.title, "section": self.section, "score": round(self.score, 4)}


@dataclass
class Answer:
    """The reply to a policy question; ``cursor`` lets "详细一点/还有呢" continue in the same document."""

    answered: bool
    answer: str
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    cursor: tuple[str, int] | None = None
    generated: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The ``kc kb ask --json`` contract."""
        return {"answered": self.answered, "answer": self.answer, "sources": [s.as_dict() for s in self.sources]}


@dataclass(frozen=True)
class Question:
    """A question after typo correction, with its key terms and expected answer types."""

    text: str
    corrected: str
    key_terms: tuple[str, ...]
    answer_types: tuple[str, ...]
    kind: str | None = None  # the answer type asked for (knowledge.qtype): amount, date, list...
    focus: tuple[str, ...] = ()  # the nouns a detail question asks about (月工资 in 每个月工资发多少)
    asked: str = ""  # the corrected question in standard words, without the alias names appended for retrieval

    @property
    def words(self) -> str:
        """The question's own words (corrected, standard): what the detail checks read."""
        return self.asked or self.corrected


def analyze(text: str, corrected: str, known: Callable[[str], bool] = lambda _: False) -> Question:
    """Key terms (no place names or stopwords) and answer types of a typo-corrected question.

    ``Question.corrected`` carries the canonical names of aliases (高企 → 高新技术企业) for retrieval; a key term is
    the alias itself, kept whole (湖工大, not 湖/工大), and matches a text holding any of its forms. Words that
    only ask (哪些, 几档, 啥意思) are not key terms. Adjacent one-character words are joined when the corpus
    knows the pair (报/满 → 报满).
    """
    corrected = standard(corrected)
    expanded = expand(corrected)
    plain = _QUESTION_FRAME.sub(" ", strip_places(corrected))
    words = _keep_aliases(_join_singles(key_words(plain), known), plain)
    key_terms = tuple(dict.fromkeys(w for w in words if not w.isdigit() and not asking_word(w)))
    kinds = tuple(kind for kind, (cue, _) in ANSWER_TYPES.items() if re.search(cue, corrected))
    asked = classify(corrected)
    return Question(text, expanded, key_terms, kinds, asked.name if asked else None,
                    focus(asked, strip_places(corrected)), corrected)


# Words that frame the question, not its topic: an A-not-A verb ('能不能评', '够不够'), a potential complement
# ('评得上高企吗'). (Leaving out the asker's own figures, '营收才八百万', was tried: dev OOS declines fell.)
_QUESTION_FRAME = re.compile(r"([\u4e00-\u9fff])不\1|(?<=[评报拿申认])得(?:上|了)")


def _keep_aliases(tokens: list[str], text: str) -> list[str]:
    """The tokens with each alias of the text (湖工大, 高工) as one term instead of its pieces (湖, 工大)."""
    found = [short for short, _full in aliases_in(text)]
    pieces = [_outside(t, found, text) for t in tokens if not any(t in alias and t != alias for alias in found)]
    pieces = [t for t in pieces if t]
    return pieces + [alias for alias in found if alias not in pieces]


def _outside(token: str, aliases: list[str], text: str) -> str:
    """A token straddling an alias of the text without the alias's part (首台套奖 cut as 首台/套奖: 奖)."""
    for alias in aliases:
        for n in range(1, min(len(alias), len(token))):
            if alias.endswith(token[:n]) and alias + token[n:] in text:
                return token[n:]
            if alias.startswith(token[-n:]) and token[:-n] + alias in text:
                return token[:-n]
    return token


def _join_singles(tokens: list[str], known: Callable[[str], bool]) -> list[str]:
    """Join runs of one-character tokens into a string the corpus contains (报/满 → 报满, 襄/科/贷 → 襄科贷)."""
    out: list[str] = []
    joinable = False
    for token in tokens:
        if out and joinable and len(token) == 1 and known(out[-1] + token):
            out[-1] += token
        else:
            out.append(token)
            joinable = len(token) == 1
    return out


def term_weights(question: Question, idf: Callable[[str], float]) -> dict[str, float]:
    """Document-level IDF of each key term; single characters count a quarter."""
    return {t: idf(t) * (0.25 if len(t) == 1 else 1.0) for t in question.key_terms}


def coverage(question: Question, text: str, idf: Callable[[str], float]) -> tuple[float, float]:
    """(IDF-weighted share of key terms found in ``text``, absolute matched weight)."""
    weights = term_weights(question, idf)
    total = sum(weights.values())
    matched = sum(w * alias_match(t, text) for t, w in weights.items())
    return (matched / total if total else 0.0), matched


@dataclass(frozen=True)
class Evidence:
    """What supports answering from the best document (features of the decline decision)."""

    share: float  # IDF-weighted share of the question's key terms found in the document
    sentence: float  # the same share for the best sentence (title terms count as present)
    agree: bool  # dense and lexical retrievers independently rank this document first
    fits: bool  # the best sentence carries the kind of fact asked for (date, amount...), or none was asked
    dense_z: float = 0.0  # how far the document's best dense similarity stands above the other candidates (z)

    def vector(self) -> tuple[float, ...]:
        """Feature vector for :class:`DeclineModel`."""
        return (self.share, self.sentence, float(self.agree), float(self.fits), self.dense_z)


@dataclass(frozen=True)
class DeclineModel:
    """Logistic model P(answerable | evidence); coefficients come from ``bench/calibrate_decline.py``."""

    bias: float
    weights: tuple[float, ...]
    threshold: float = 0.5

    def probability(self, evidence: Evidence) -> float:
        """Calibrated probability that the document answers the question."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, evidence.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def accept(self, evidence: Evidence) -> bool:
        """Answer (True) or decline (False)."""
        return self.probability(evidence) >= self.threshold


# Fitted by `bench/eval_qa.py --calibrate` on dev data only: the original dev set, our bench/data/*_extra.jsonl and
# the second set's dev split (n=175, 120 answerable). Leave-one-out there: hybrid declines 5% of answerable and
# answers 22% of unanswerable (near-scope questions; typed declines catch more after this step); lexical 6% / 38%.
DECLINE_MODELS: dict[str, DeclineModel] = {
    "hybrid": DeclineModel(-8.95, (6.23, 3.49, 1.72, 1.93, 1.8)),
    "lexical": DeclineModel(-4.08, (6.71, 3.49, 0.0, 1.31, 0.0)),
}


def dense_z(similarities: list[float], doc_best: float | None) -> float:
    """z-score of the document's best dense similarity among all dense candidates (0 without dense search)."""
    if doc_best is None or len(similarities) < 3:
        return 0.0
    mean = sum(similarities) / len(similarities)
    std = math.sqrt(sum((s - mean) ** 2 for s in similarities) / len(similarities)) or 1.0
    return max(-3.0, min(3.0, (doc_best - mean) / std))


def retrievers_agree(hits: list[Hit], doc: str) -> bool:
    """Whether the best dense chunk and the best lexical chunk both come from ``doc``."""
    dense = min((h for h in hits if h.dense_rank is not None), key=lambda h: h.dense_rank or 0, default=None)
    lexical = min((h for h in hits if h.lexical_rank is not None), key=lambda h: h.lexical_rank or 0, default=None)
    return dense is not None and lexical is not None and dense.chunk.doc == lexical.chunk.doc == doc


def _sentence_score(sentence: str, chunk: Chunk, weights: dict[str, float], question: Question,
                    intro: str = "") -> float:
    """Share of key-term weight a sentence carries plus answer-type bonuses.

    Terms of the document title count as present in every sentence (so the topic doesn't decide which sentence
    answers); terms of the section heading, and of the sentence introducing a list item, count half.
    """
    total = sum(weights.values())
    section = chunk.section
    matched = sum(w * max(alias_match(t, sentence), alias_match(t, chunk.title),
                          0.5 * max(alias_match(t, section), alias_match(t, intro)))
                  for t, w in weights.items())
    named = sum(w * alias_match(t, section) for t, w in weights.items())  # the heading names what is asked
    kinds = question.answer_types
    if question.kind in STRICT:  # the asked type decides (a contact line must not pass for an address)
        fits = _typed_bonus(question, sentence, f"{chunk.title}\n{section}")
    else:
        fits = sum(bool(re.search(ANSWER_TYPES[kind][1], sentence)) for kind in kinds) \
            + _typed_bonus(question, sentence, f"{chunk.title}\n{section}")
    asked = BY_NAME.get(question.kind or "")
    heading = any(re.search(ANSWER_TYPES[kind][0], section) for kind in kinds) \
        or bool(asked and asked.heading and re.search(asked.heading, section))
    share = matched / total if total else 0.0
    if question.kind == "list" and question.focus and all(
            alias_in(n, section) or (is_intro(sentence) and alias_in(n, sentence)) for n in question.focus):
        share += TYPE_BONUS  # the list of what is asked (哪些材料: the 材料 section), not an item mentioning it
    if asked and asked.name in SECTION_KINDS and _names_section(asked.heading, question.words, section):
        share += 2 * TYPE_BONUS  # 要满足什么条件: the 申报条件 section, not a sentence naming the asker's 医院
    if question.kind and EXCLUSION_ASKED.search(question.words) and EXCLUSION.search(f"{section}\n{intro}\n{sentence}"):
        share += 2 * TYPE_BONUS  # 哪些费用不给补: the provisions that exclude (不予支持的情形, 这些不补), not the grants
    if question.kind in ("eligibility", "yesno") and threshold_of(question.words, sentence):
        share += 2 * TYPE_BONUS  # 开业才一年半，能报吗: the sentence setting the bar on years (满2年), not the award
    if question.kind in MONEY and in_bracket(question.words, sentence):
        share += 2 * TYPE_BONUS  # 研发投了三百来万，能拿多少: the table row of 200万元至500万元, not another row
    return share + TYPE_BONUS * fits + HEADING_BONUS * heading + NAMED_BONUS * (named / total if total else 0.0)


# A question about what is excluded (哪些情况不给补) and the wording of a provision that excludes (不予补助, 不在支持范围).
EXCLUSION_ASKED = re.compile(r"不给|不予|不补|不支持|(?<!能)不能(?:申请|享受|报|补|领)|不符合|不纳入|不包括|排除|除外|"
                             r"不在.{0,6}范围|哪些.{0,8}不(?![同一])")
EXCLUSION = re.compile(r"不予|不补|不给|不在.{0,8}范围|不纳入|不支持|不属于|除外|不列入|不计入|不得(?:申报|享受|申请|重复)")
_FIGURE = r"[\d一二两三四五六七八九十百半]+(?:\.\d+)?\s*(?:来|多|几|余)?\s*个?\s*"
_UNITS = {"年": "年(?![度底初])", "岁": "周?岁", "万元": "万元?", "亿元": "亿元?", "人": "人|名"}  # the asker's figure -> its unit
_AGE = r"今年\s*\d{2}\s*了"  # 我今年56了: an age stated without its unit
_BAR = r"(?:满|不足|未满|不满|超过|不超过|不低于|不少于|低于|高于|达到|放宽(?:到|至))\s*{f}{u}|{f}{u}\s*(?:及?以上|及?以下|以?内)|{f}[至到~～-]\s*\d+\s*{u}"


def threshold_of(question: str, sentence: str) -> bool:
    """Whether the sentence sets a bar (满2年, 55周岁以下, 不足50万元) on a quantity the asker states of
    themselves (开业一年半, 今年56了, 买了40来万)."""
    units = [u for u, pattern in _UNITS.items() if re.search(f"{_FIGURE}(?:{pattern})", question)]
    units += ["岁"] if re.search(_AGE, question) else []
    figure = r"(\d+(?:\.\d+)?)\s*"
    stated = set(re.findall(r"\d+(?:\.\d+)?", question))  # 单台都过了10万: the bar the asker says they meet
    bars = (m for u in units for m in re.finditer(_BAR.format(f=figure, u=f"(?:{_UNITS[u]})"), sentence)
            if u not in _SUMS or not _grant_cap(question, sentence, m.start()))
    return any(next(g for g in m.groups() if g) not in stated for m in bars) or share_bar(question, sentence)


_SUMS = frozenset({"万元", "亿元"})  # a sum is of something: an investment, a revenue, a payment, a grant
_GRANT_SUM = re.compile(r"补贴|补助|奖励|资助|贴息|奖金|经费")
_BAR_CLAUSE = re.compile(r"[，,。；;：:\n]")


def _grant_cap(question: str, sentence: str, at: int) -> bool:
    """Whether the bar at ``at`` caps the grant itself (每年累计补贴不超过100万元) while the asker states no grant of
    their own: a payment of 一百二十万 is not measured by it, a sales figure is by 首年销售额低于120万元."""
    clause = _BAR_CLAUSE.split(sentence[:at])[-1]
    told = [c for c in re.split(r"[\s，,。；;？?！!]+", question) if re.search(f"{_FIGURE}[万亿]", c)]
    return bool(_GRANT_SUM.search(clause)) and not any(_GRANT_SUM.search(c) for c in told)


_SHARE_STATED = re.compile(r"一半|[一二三四五六七八九]成|\d+(?:\.\d+)?\s*%|百分之[\d一二三四五六七八九十]+")  # 收回来一半, 才三成
_SHARE_BAR = re.compile(r"(?:不少于|不低于|不足|低于|超过|不超过|高于|达到)[^，,。；;]{0,12}?\d+(?:\.\d+)?\s*%")


def share_bar(question: str, sentence: str) -> bool:
    """Whether the sentence sets a bar on a share (不少于合同金额的60%) and the asker states a share of their own
    (货款才收回来一半, 自筹只有三成)."""
    return bool(_SHARE_STATED.search(question) and _SHARE_BAR.search(sentence))


_WAN_STATED = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:来|多|余|左右)?\s*万")
_WAN_RANGE = re.compile(r"(\d+(?:\.\d+)?)万元?(?:（含）|\(含\))?\s*(?:至|到|~|～|-)\s*(\d+(?:\.\d+)?)万元|"
                        r"(\d+(?:\.\d+)?)万元?(?:（含）|\(含\))?\s*及?以上")


@lru_cache(maxsize=256)
def _stated_wan(question: str) -> tuple[float, ...]:
    """The sums in 万 the asker states of themselves (研发投了三百来万 → 300), once per question, not per sentence."""
    found = [m.group(1) for m in _WAN_STATED.finditer(question)]
    if not found:
        return ()
    from knowledge.extract._text import to_number  # lazy: the extract package costs ~0.6 s to import

    return tuple(n for raw in found if (n := to_number(raw)) is not None)


def in_bracket(question: str, sentence: str) -> bool:
    """Whether the sentence is the bracket (50万元（含）至200万元, 500万元以上) holding the sum in 万 the asker
    states of themselves (研发投了三百来万)."""
    stated = _stated_wan(question)
    for m in _WAN_RANGE.finditer(sentence):
        low, high = float(m.group(1) or m.group(3)), float(m.group(2)) if m.group(2) else math.inf
        if any(low <= n < high for n in stated):
            return True
    return False


SECTION_KINDS = frozenset({"eligibility", "definition"})  # types a section heading answers as a whole


def _names_section(heading: str, question: str, section: str) -> bool:
    """Whether the question and the section heading use the same word of the asked type (条件 and 申报条件)."""
    return any(m.group(0) in section for m in re.finditer(heading, question)) if heading else False


def _typed_bonus(question: Question, sentence: str, context: str = "") -> float:
    """Bonus for a sentence that carries the question's answer type (a list question: a list line; a definition
    question: a 是指/是… sentence); none for types whose cues most sentences carry. A value not stated with the
    asked noun (证书 in 高企证书管几年) earns half."""
    kind = question.kind
    if kind not in STRICT and kind != "definition":  # conditions/steps/yes-no cues are too common to steer
        return 0.0
    if kind == "list":
        return float(is_item(sentence) or is_intro(sentence) or list_items(sentence) >= 3)
    carried = float(carries(BY_NAME[kind], sentence, question.words))
    if carried and kind in BOUND and not stated_with(head_noun(question.focus), sentence, context):
        return carried / 2
    return carried


def local_weights(weights: dict[str, float], sentences: list[str]) -> dict[str, float]:
    """Re-weight key terms by how rare they are among a document's sentences (its topic words discriminate little)."""
    n = len(sentences)
    return {t: w * math.log(1 + n / (1 + sum(alias_match(t, s) > 0 for s in sentences))) for t, w in weights.items()}


@dataclass(frozen=True)
class Extract:
    """The chosen passage: its section, the sentences shown, key-term share, whether it fits the asked fact type."""

    section: Section
    sentences: list[str]
    share: float
    fits: bool

    @property
    def chunk(self) -> Chunk:
        """The chunk the passage starts in (cited first; "详细一点" continues from here)."""
        return self.section.first

    @property
    def body(self) -> str:
        """The passage as chat text."""
        return render(self.sentences)


def best_sentences(question: Question, chunks: list[Chunk], idf: Callable[[str], float],
                   prior: dict[str, float]) -> Extract:
    """The section and the sentence(s) of it that best carry the asked fact.

    Adjacent sentences of the same section join the best one when almost as good; a list question, or a sentence
    that introduces a list, brings the whole list. The evidence for the decline model (share, fits) is measured
    as it was calibrated: over every sentence of the document, the preamble included, without answer typing.
    """
    everything = sections_of(chunks)
    units = [(sec, i, s) for sec in everything for i, s in enumerate(sec.sentences)]
    weights = local_weights(term_weights(question, idf), [s for _, _, s in units])
    untyped = replace(question, kind=None)

    def score(unit: tuple[Section, int, str], asked: Question, intro: str = "") -> float:
        sec, i, sentence = unit
        return _sentence_score(sentence, sec.origins[i], weights, asked, intro) \
            + PRIOR_WEIGHT * prior.get(sec.origins[i].id, 0)

    def typed(unit: tuple[Section, int, str]) -> float:  # an item is read with the sentence introducing its list
        return score(unit, question, intro_of(unit[0].sentences, unit[1]))

    evidence_sec, evidence_index, evidence_sentence = max(units, key=lambda u: score(u, untyped))
    allowed = named_sections(question, answerable(everything))
    section, index, _sentence = max((u for u in units if u[0] in allowed), key=typed)
    scores = [typed((section, j, s)) for j, s in enumerate(section.sentences)]
    chosen = passage(section, index, scores, kind=question.kind)
    bare = replace(question, answer_types=(), kind=None)
    share = _sentence_score(evidence_sentence, evidence_sec.origins[evidence_index], weights, bare)
    kinds = question.answer_types
    fits = not kinds or any(re.search(ANSWER_TYPES[kind][1], evidence_sentence) for kind in kinds)
    return Extract(section, [section.sentences[j] for j in chosen], share, fits)


def intro_of(sentences: list[str], index: int) -> str:
    """The sentence introducing the list that item ``index`` belongs to ('' for prose or an intro itself)."""
    block = list_block(sentences, index) if is_item(sentences[index]) else None
    return sentences[block[0]] if block and is_intro(sentences[block[0]]) else ""


def named_sections(question: Question, sections: list[Section]) -> list[Section]:
    """For a list question, the sections whose heading names what is listed (哪些材料: 四、需要提交的材料) when the
    document has such a section; else every section."""
    if question.kind != "list" or not question.focus:
        return sections
    title = sections[0].title if sections else ""
    listed = [n for n in question.focus if not alias_in(n, title)]  # 创新券要满足哪几条: the topic, not what is listed
    named = [s for s in sections if s.name and listed and all(alias_in(n, s.name) for n in listed)]
    return named or sections


def compose(extract: Extract) -> str:
    """The chat answer: the passage, then its source (and "以官方发布为准" when it states a figure)."""
    body = extract.body
    note = part_note(extract.section, extract.sentences)
    return f"{body}\n{note + chr(10) if note else ''}{source_line(extract.section.title, extract.section.name, body)}"


Part = tuple[Question, Extract, "str | None"]  # one question of a message, its passage, the detail it lacks
MAX_PARTS = 3


def answered_parts(parts: list[Part]) -> list[Part]:
    """The parts worth a reply: answered passages not already shown by an earlier part, and the distinct gaps of
    the others; [] when no part is answered (the message gets the typed decline)."""
    if parts[0][2]:  # a yes/no question is answered by too many passages to outweigh the message's missing detail
        parts = [parts[0], *(p for p in parts[1:] if p[0].kind != "yesno" or p[2])]
    if all(gap for _q, _e, gap in parts):
        return []
    gaps: list[Part] = []
    answered: list[Part] = []
    for question, extract, gap in parts:
        if gap and gap not in {g for _q, _e, g in gaps} and (question, extract, gap) is not parts[0]:
            gaps.append((question, extract, gap))
        elif not gap:
            same = next((k for k, p in enumerate(answered) if p[1].section == extract.section), None)
            if same is None:
                answered.append((question, extract, None))
            else:  # two questions answered by one section: its sentences once, in the section's order
                merged = [s for s in extract.section.sentences if s in answered[same][1].sentences + extract.sentences]
                answered[same] = (answered[same][0], replace(answered[same][1], sentences=merged), None)
    return gaps + answered[:MAX_PARTS]


def compose_parts(parts: list[Part]) -> str:
    """The reply to a message asking several questions: what the documents don't state, then each answer with its
    own source."""
    missing = "；".join(f"资料里没有写明{gap}" for _q, _e, gap in parts if gap)
    answers = "\n\n".join(compose(extract) for _q, extract, gap in parts if not gap)
    return f"{missing}。其余的，资料里是这样写的：\n{answers}" if missing else answers


def typed_gap(question: Question, extract: Extract, doc_text: str, titles: Titles = ((), ())) -> str | None:
    """What the asked detail is, when the document doesn't state it (None when the passage answers).

    The focus noun of a detail question (工资 in 工资发多少) must occur in the document (or one of its aliases),
    and the passage must contain the asked type (an amount, a date, a list...); for a place or a person the
    passage (with its title and heading) must also be about that noun. ``titles``: other cities' and the city's other titles.
    """
    kind = BY_NAME.get(question.kind or "")
    either = alternatives_gap(question.words, extract.body) or programme_gap(question, doc_text, titles) \
        or district_gap(question, kind, doc_text) or requirement_gap(question.words, doc_text)
    acronym = acronym_gap(question.words, doc_text)
    if acronym:
        return f"{acronym}的相关内容"  # 做一次EMC测试收费多少 where the document never names EMC
    if either:
        return either
    if kind is None:  # 路费住宿费是企业出还是科协出: a named fee; 是哪个医院的医生: a name
        return attribute_gap(question.words, None, extract.body) or name_gap(question.words, extract.body)
    asked_part = situation_free(question.words) or question.words  # 目前中级职称 tells, it doesn't ask about 中级
    ordinal = next((o for o in re.findall(_ORDINAL, asked_part) if o not in doc_text
                    and (kind.name in MONEY or not o.startswith("第") or not o.endswith("年"))), None)  # 第一年拨多少
    if ordinal:
        return f"{ordinal}的安排"  # 第二期 when the document describes the first
    level = next((lv for lv in re.findall(_LEVEL, asked_part) if not alias_in(lv, doc_text)), None)
    if level:
        return f"{level}的相关规定"  # 中级工程师 when the document sets the conditions of the other levels
    sought = _sought_level(asked_part, kind, extract)
    if sought:
        return f"{sought}的条件"  # 想升省级孵化器 要什么条件: the passage sets the conditions of another level
    asked = _asked_detail_gap(question, kind, extract, doc_text)
    if asked:
        return asked
    if kind.name not in STRICT:
        missing = [noun for noun in question.focus if alias_match(noun, doc_text) < 0.5]
        return f"{''.join(question.focus)}{kind.missing}" if missing else None  # 能养狗吗, 宅基地能卖吗
    gap = f"{''.join(question.focus)}{kind.missing}" if question.focus else kind.unnamed or f"您问的这一项{kind.missing}"
    if any(not alias_in(noun, doc_text) for noun in question.focus):
        return gap
    if not carries(kind, extract.body, question.words):
        return gap
    about = f"{extract.section.title}\n{extract.section.name}\n{extract.body}"
    if kind.name in ("place", "person") and any(not alias_in(noun, about) for noun in question.focus):
        return gap  # a window's address is not where the form is downloaded: the passage must be about the noun
    intros = "\n".join(s for s in extract.sentences if is_intro(s))  # 申请认定市级孵化器须…以下条件：
    context = f"{extract.section.title}\n{extract.section.name}\n{intros}"
    if kind.name in BOUND and unbound(question.focus, extract.sentences,
                                      lambda s: carries(kind, s, question.words), context):
        return gap  # the mentor's allowance: the amount must be stated with 导师, not only near it
    if kind.name == "person" and clause_unbound(head_noun(question.focus), extract.body,
                                                lambda c: carries(kind, c, question.words), context):
        return gap  # the county office's phone: the centre's number is not its own
    if kind.name in MONEY and other_fee(question.words, extract.body, lambda c: carries(kind, c, question.words)):
        return gap  # 盐雾试验多少钱: the passage only prices the express fee
    return None


MONEY = frozenset({"money", "amount"})


Titles = tuple[Sequence[str], Sequence[str]]  # the titles of other cities' documents, of the city's other documents


def programme_gap(question: Question, doc_text: str, titles: Titles = ((), ())) -> str | None:
    """A named programme (an alias: 首台套, 高企; or a word of three characters or more that another document's
    title names: 后补助) asked about in a named city whose document never mentions it: 随州的首台套奖励 is not
    answered by 随州's internship subsidies, nor 宜昌的研发费用后补助 by 宜昌's equipment grant (the programme is
    another city's; one that another document of the same city names is a matter of ranking, not a gap)."""
    cities = cities_in(question.text)
    if not cities:
        return None
    missing = [full for short, full in aliases_in(question.words, alias_table())
               if not _INSTITUTION.search(full) and alias_match(short, doc_text) < 0.5]
    foreign, home = titles
    missing += [p for p in (shared_phrase(strip_places(question.words), title) for title in foreign)
                if p and not _INSTITUTION.search(p) and not _BOILERPLATE.fullmatch(p) and not _named_in(p, doc_text)
                and not any(p in t for t in home)]
    return f"{cities[0]}{missing[0]}的相关规定" if missing else None


def _named_in(phrase: str, text: str) -> bool:
    """Whether ``text`` names ``phrase``: at least half its three-character runs occur in it (研发费用后补助)."""
    runs = [phrase[i:i + 3] for i in range(len(phrase) - 2)]
    return alias_in(phrase, text) or sum(r in text for r in runs) >= len(runs) / 2


_BOILERPLATE = re.compile(r"(?:办法|细则|指南|措施|通知|规定|实施|管理|申报|若干|意见|方案)+")  # any title's words
_INSTITUTION = re.compile(r"(?:大学|学院|学校|研究院|研究所|医院|银行|公司|中心)$")  # a named body, not a programme
_LOCAL = r"有没有|有没得|有冇得?|有无|是否有|有哪些|在哪|哪里"  # a question about something located in a place
_OWN = re.compile(r"(?:自己|另外|额外|单独)[还也再]?(?:有|给|发|奖|补|配套)|配套|另给|再[给奖补发]")  # a district's own
# grant on top of the city's (樊城区另外还奖励不, 枣阳自己另外还有配套没), not 另外问一下 or 自己可以申报


def district_gap(question: Question, kind: Kind | None, doc_text: str) -> str | None:
    """A district or county the document never names, asked for its own office, contact, site or extra grant
    (襄州区科技局电话, 某县有没有培训点, 樊城区另外还奖励不): a city-wide document's centre or grant is not the
    district's own (eligibility questions keep it)."""
    own = _OWN.search(question.text) and not (kind is not None and kind.name == "eligibility")
    local = kind is not None and kind.name in ("person", "place") or re.search(_LOCAL, question.text) or own
    missing = [d for d in districts_in(question.text) if d not in doc_text]
    return f"{missing[0]}{''.join(question.focus)}的相关信息" if local and missing else None


def _asked_detail_gap(question: Question, kind: Kind, extract: Extract, doc_text: str) -> str | None:
    """The asked detail the passage doesn't state beyond its type: a named attribute (津贴, 利率, 手续费, 到账),
    a name (哪家机构), a list's subject, a yes/no question's action (knowledge.asked)."""
    detail = attribute_gap(question.words, kind.name, extract.body) \
        or attribute_gap(standard(question.text), kind.name, extract.body)  # the corrector may respell 打到
    if detail:  # 津贴 where the passage gives a grant, 利率 where it gives a loan amount
        named = "".join(question.focus)
        return f"{named}{kind.missing}" if named and any(w in named for w in detail.split("或")) else detail
    stacking = stacking_gap(question.words, kind.name, doc_text)
    if stacking:
        return stacking  # 两项补贴能一起拿吗 where the document never rules on combining grants
    name = name_gap(question.words, extract.body)
    if name:
        return name  # 哪家中介机构 answered with 委托符合条件的中介机构
    unnamed = grant_gap(question.words, doc_text) or exists_gap(question.words, doc_text)
    if unnamed:
        return f"{unnamed}{kind.missing}"  # 农机购置补贴, 有没有近视防控的讲座: the document never names them
    about = f"{extract.section.title}\n{extract.section.name}\n{extract.body}"
    listed = list_gap(question.focus, about, question.words) if kind.name == "list" and question.focus else None
    if listed:
        return listed
    step = step_gap(question.words, kind.name, doc_text)
    if step:
        return f"{step}{kind.missing}"  # 公示几天 where the document never mentions a 公示
    predicate = predicate_gap(question.words, doc_text) or base_gap(question.words, doc_text)
    if predicate:
        return f"{predicate}{kind.missing}"  # 才算毕业, 按什么打分: the document never says it
    if threshold_of(question.words, extract.body) and not _EXISTS_ASKED.search(question.words):
        return None  # 投入一百二十万 是不是没戏了: the bar on the asker's own figure answers whether they qualify
    action = action_gap(question.words, kind.name, doc_text)
    return f"{action}{kind.missing}" if action else None  # 十堰创新券能转让吗: that document never says 转让


_EXISTS_ASKED = re.compile(r"有没有|有冇|有没得|有无")  # 有没有维持奖励 asks whether a thing exists, not whether one qualifies
_STEPS = ("公示", "评审", "审核", "审批", "受理", "答辩", "验收", "考核", "年审", "复核", "拨付", "公告")


def step_gap(question: str, kind: str, doc_text: str) -> str | None:
    """A time or duration asked of a procedure step (拟补助名单公示几天) the document never mentions."""
    if kind != "date":
        return None
    return next((s for s in _STEPS if s in question and alias_match(s, doc_text) < 0.5), None)


BOUND = frozenset({"money", "amount", "date"})  # detail types whose value must be stated with the asked noun


_LEVEL = r"初级|中级|正高级|(?<![正副])高级|国家级|省级|市级|县级|区级|[一二三四五六七八九十\d]星级?|[一二三四五六七八九\d]等奖"
_ORDINAL = r"第[一二三四五六七八九十\d]+(?:[期批届轮]|个?年(?!度))|\d{4}年(?!生|出生|毕业|成立|注册|入职|参加工作)"


_SEEK = re.compile(rf"(?:升|升为|升到|升级为?|申报|申请|评|评为|认定为?|报|当|成为)({_LEVEL})")


def _sought_level(question: str, kind: Kind, extract: Extract) -> str | None:
    """The level the asker seeks (升省级, 申报国家级) in a conditions question whose passage, heading and title don't
    name it, when they name another level (申请认定市级孵化器须…) or the asker seeks to move up to it (升省级)."""
    if kind.name != "eligibility":
        return None
    about = f"{extract.section.title}\n{extract.section.name}\n{extract.body}"
    shown = set(re.findall(_LEVEL, about))
    return next((m.group(1) for m in _SEEK.finditer(question) if not alias_in(m.group(1), about)
                 and (shown or m.group(0).startswith("升"))), None)  # 申报市级 where the passage names no level: the
    # document's own level; 升省级 (an upgrade) or a passage naming another level: not the level sought


def names_edition(question: Question) -> bool:
    """Whether the question names a period or a level (2026年, 第二期, 高级): an edition some document may lack."""
    return bool(re.search(_ORDINAL, question.words) or re.search(_LEVEL, question.words))


def typed_decline(gap: str, extract: Extract, contact: str | None) -> str:
    """A typed decline: the detail isn't written, what the document does say, whom to ask."""
    said = "".join(strip_marker(line) for line in extract.body.splitlines())
    said = said if len(said) <= 120 else said[:119] + "…"
    ask = f"具体可咨询：{contact}" if contact else "如需进一步了解，可回复“转人工”，由科创联络员为您解答"
    return (f"资料里没有写明{gap}。《{extract.section.title}》里相关的内容是：{said}\n{ask}。\n"
            f"{source_line(extract.section.title, extract.section.name, said)}")


def contact_of(chunks: list[Chunk]) -> str | None:
    """The document's contact sentence (a phone number, preferably in a 咨询/联系 section)."""
    lines = [(c.section, s) for c in chunks for s in split_lines(c.text) if PHONE.search(s)]
    lines.sort(key=lambda x: not re.search(r"咨询|联系", x[0]))
    return lines[0][1].rstrip("。；;") if lines else None


def llm_answer(question: str, title: str, section: str, passage: str, *, base_url: str, api_key: str | None,
               model: str, timeout: float) -> str | None:
    """Ask an OpenAI-compatible chat model to answer only from one section; None when it says it can't."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(base_url=base_url, api_key=SecretStr(api_key or "none"), model=model, timeout=timeout,
                      max_retries=0, temperature=0)
    prompt = grounded_user_prompt(question, title, section, passage)
    reply = chat.invoke([("system", grounded_system_prompt()), ("human", prompt)])
    text = str(reply.content).strip()
    return None if not text or LLM_NO_ANSWER in text else text[:MAX_ANSWER_CHARS * 2]


def grounded_system_prompt() -> str:
    """Instructions that keep the model inside the given passage."""
    return ("你是“科创中国”城市服务公众号的政策问答助手。只能依据用户消息里给出的一段资料回答，"
            "不要使用资料以外的知识，不要编造数字、日期、电话、人名；数字和日期照资料原样写。"
            "问的是名单或条件时，把资料里列出的各项全部写出。回答用简体中文，简洁口语化，不超过200字，不要写来源。"
            f"如果这段资料没有写明所问的内容（例如问金额而资料里没有金额），只回复“{LLM_NO_ANSWER}”。")


def grounded_user_prompt(question: str, title: str, section: str, passage: str) -> str:
    """The answer's section (title, heading, text) followed by the question."""
    return f"【资料】《{title}》{section}\n{passage}\n\n问题：{question}"


_FIGURES = re.compile(r"\d+(?:\.\d+)?")


def grounded(reply: str, passage: str) -> bool:
    """Whether every figure a generated reply states occurs in the passage it was given."""
    return all(figure in passage for figure in _FIGURES.findall(reply))
