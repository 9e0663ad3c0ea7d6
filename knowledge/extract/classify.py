"""Lexicon classifiers: industry, need type, achievement maturity and IP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._text import NUM_RE, find_terms, load_json, mandarin, normalize, to_number

_EXPLICIT_CUE = re.compile(r"(算是?|属于|归|是|搞|做|干|从事|主营|所属|行业)\s*(?:个|一个)?")
_EXPLICIT_TAIL = re.compile(r"^(?:及零部件)?\s*(?:行业|方面|领域|产业|这块|这一块|这行|类|板块|那块)")


CONFIDENT_RATIO = 1.5  # below it the industry is asked instead of guessed
CONFIDENT_MIN = 3.0  # one two-character clue ('电控') is not enough to guess from


@dataclass(frozen=True)
class IndustryHit:
    """An industry guess: `explicit` is True when the user named the sector ('算环保方面的')."""

    value: str
    explicit: bool
    score: float
    runner_up: float = 0.0  # the next industry's score: close scores make a weak guess

    @property
    def confident(self) -> bool:
        """Named by the user, or clearly ahead of any other industry."""
        return self.explicit or (self.score >= CONFIDENT_MIN and self.score > CONFIDENT_RATIO * self.runner_up)


@lru_cache(maxsize=1)
def _industry_terms() -> tuple[dict[str, str], dict[str, str]]:
    data = load_json("extract_industry.json")
    terms = {t.lower(): ind for ind, words in data["terms"].items() for t in words}
    explicit = {t.lower(): ind for ind, words in data["explicit"].items() for t in words}
    return terms, explicit


@lru_cache(maxsize=1)
def _sector_words() -> dict[str, str]:
    """Everyday sector words (种植, 养殖) and the industry each one names."""
    data = load_json("extract_industry.json")
    return {w: ind for ind, words in data.get("sectors", {}).items() for w in words}


def sector_industry(word: str) -> str | None:
    """The catalogue industry an everyday word for the whole of it names ('种植', '养殖' → 现代农业), else None."""
    return _sector_words().get(word)


def _explicit_industry(text: str) -> str | None:
    """A sector the user names: '算环保方面的', '属于汽车零部件', '新材料行业'; the last statement wins."""
    _, explicit = _industry_terms()
    found = None
    for pos, word in find_terms(text, tuple(explicit)):
        end = pos + len(word)
        cue = _EXPLICIT_CUE.search(text[max(0, pos - 4):pos])
        tail = _EXPLICIT_TAIL.match(text[end:])
        if (cue and cue.group(1) in ("算", "算是", "属于", "归", "所属", "行业")) or tail:
            found = explicit[word.lower()]
    return found


_END_PRODUCTS = ("汽车及零部件", "智能网联汽车", "航空航天")  # a part named after them belongs to them ('飞机座椅铝合金骨架')
_PARTS = (*_END_PRODUCTS, "高端装备制造", "新能源新材料")  # mechanical parts, other vehicles' parts and materials; not electronics


_IN_NOUN = re.compile(r"[^\s的和与及、，,。；;！!？?]{0,3}")  # what may stand between two words of one noun phrase
_PLACES = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:产业园区?|工业园区?|科技园区?|产业基地|工业区|开发区|经济区)")


_IP_NAMES = re.compile(r"(?:计算机)?软件著作权|软件版权")


_ACTION = (r"(?:处理|治理|净化|处置|回收|监测|检测|修复|防治|消毒|杀菌|灭菌|过滤|降解|除尘|除臭|清洗|烘干|干燥|粉碎|分选|"
           r"分拣|收获|播种|施肥|灌溉|采摘|修剪|诊断|养护)(?:设备|装置|系统|装备|机组|一体机|机|器|仪|站|工艺|技术|方法)$")
_ACTED_ON = re.compile(r"^[^\s的和与及、，,。；;！!？?]*?" + _ACTION)  # '…污水…一体化处理设备': what it acts on, the action, the device


_WASTE = re.compile(r"[\u4e00-\u9fff]{0,2}(?:污水|废水|尾水|废气|尾气|烟气|粪污|粪便|污泥|废渣|废液|渗滤液|垃圾|粉尘)")
_ADJECTIVE = re.compile(r"[化式型性]")  # a suffix that makes the term describe the head noun, not be it


def _object_of_action(t: str, hits: list[tuple[int, str]]) -> int | None:
    """The index of the term a compound noun acts on ('农村生活污水太阳能微动力一体化处理设备' → 污水): its first
    term, when the noun ends in an action and a device; the others only say how it works (太阳能)."""
    if not hits:
        return None
    last = hits[-1][0] + len(hits[-1][1])
    end = last + re.search(r"[\s的和与及、，,。；;！!？?]|$", t[last:]).start()  # type: ignore[union-attr]
    if re.match(_ACTION, t[hits[-1][0]:end]):  # the action is itself a term ('…净化装置')
        hits = hits[:-1]
    elif not _ACTED_ON.match(t[last:end]):
        return None
    if not hits:
        return None
    first = len(hits) - 1
    while first and _IN_NOUN.fullmatch(t[hits[first - 1][0] + len(hits[first - 1][1]):hits[first][0]]):
        first -= 1
    waste = next((i for i in range(first, len(hits)) if _WASTE.fullmatch(hits[i][1])), None)
    if waste is not None:  # '医院污水处理设备': the waste is what is treated; the site before it is a customer
        return waste
    return first if first < len(hits) - 1 else None


def industry_hit(text: str) -> IndustryHit | None:
    """Classify a message into one of the 10 industries; explicit statements beat product hints."""
    t = _PLACES.sub(" ", normalize(text))  # '高新区汽车产业园里' is where, not what they make
    t = _IP_NAMES.sub(" ", t)  # '两项软件著作权' is how the result is protected, not its sector
    explicit = _explicit_industry(t)
    if explicit:
        return IndustryHit(explicit, True, 100.0)
    terms, _ = _industry_terms()
    scores: dict[str, float] = {}
    hits = find_terms(t, tuple(terms))
    seen: set[str] = set()
    acted_on = _object_of_action(t, hits)
    owner = ""  # the industry of the compound noun being read ('商用车驱动桥齿轮' is a vehicle part)
    for i, (pos, word) in enumerate(hits):
        prev_end = hits[i - 1][0] + len(hits[i - 1][1]) if i else -1
        prev_adjacent = prev_end == pos
        own = terms[word.lower()]
        same_noun = i > 0 and bool(_IN_NOUN.fullmatch(t[prev_end:pos]))  # '飞机舱门铝合金铰链': one noun phrase
        owner = owner if same_noun and owner in _END_PRODUCTS and own in _PARTS else own  # an aircraft's seat frame
        head = i + 1 == len(hits) or hits[i + 1][0] > pos + len(word)  # last term of a compound noun
        head = head and not _ADJECTIVE.match(t, pos + len(word))  # '油菜机械化直播': 机械化 says how, it is no head
        bonus = 3 if (head and prev_adjacent and acted_on is None) or i == acted_on else 0
        if word.lower() in seen and not bonus:
            continue  # a word said twice is still one clue
        seen.add(word.lower())
        scores[owner] = scores.get(owner, 0.0) + len(word) + bonus
    if not scores:
        return None
    best = max(scores, key=lambda k: scores[k])
    runner_up = max((v for k, v in scores.items() if k != best), default=0.0)
    return IndustryHit(best, False, scores[best], runner_up)


def extract_industry(text: str) -> str | None:
    """One of the 10 industries from everyday words ('做刹车片的' → 汽车及零部件), or None."""
    hit = industry_hit(text)
    return hit.value if hit else None


@lru_cache(maxsize=1)
def _need_terms() -> tuple[dict[str, tuple[str, int]], tuple[str, ...]]:
    data = load_json("extract_need_type.json")
    table: dict[str, tuple[str, int]] = {}
    for need, groups in data["types"].items():
        for word in groups["weak"]:
            table.setdefault(word.lower(), (need, 1))
        for word in groups["strong"]:
            table[word.lower()] = (need, 3)
    return table, tuple(data["order"])


@lru_cache(maxsize=1)
def _product_shadows() -> tuple[str, ...]:
    """Industry product words that contain a strong need-type word ('保险杠' holds 保险, '检测试剂' 检测): matched
    first, they hide it."""
    table, _ = _need_terms()
    terms, _ = _industry_terms()
    strong = [w for w, (_need, weight) in table.items() if weight >= 3]
    return tuple(t for t in terms if t not in table and any(w in t and w != t for w in strong))


_FAILED_AFTER = re.compile(r"^.{0,4}?(?:不合格|不达标|不过关|通不过|过不了|合格率(?:低|不高|上不去)|不稳定|老出问题|总出问题|"
                           r"误报|误判|误检|漏检|漏报|不准|精度(?:不够|低|差|上不去))")  # a test that fails, or misreads
_NEG_BEFORE = re.compile(r"(不需要|不用|不要|不缺|没想|不想|不打算|不是)(?:要|想|去)?\s*$")  # '不是要研发'
_PHRASES = (  # a need said with words inside it ('出正规报告' is 出报告, '找第三方测' is 第三方检测)
    (re.compile(r"出(?:具)?(?:一份|一个|个|份|张)?(?:正规|正式|权威|官方|第三方|专业|合格|检测|检验)*的?报告"), "出报告"),
    (re.compile(r"第三方(?:机构|单位)?(?:来|去|帮忙|帮我们)?(?:测|检)(?![试验测])"), "第三方检测"),
    (re.compile(r"(?:买|购买|买断|引进)[^，,。；;！!？?\s]{0,14}?(?:现成|成熟)的?[^，,。；;！!？?\s]{0,6}?(?:技术|工艺|方案|配方|成果)"),
     "买现成"),  # '想买一个葛根提取物的现成工艺', '想买碳纤维预浸料的成熟生产技术': a result to take over
)
_KNOWS_HOW = re.compile(r"(?:缺|没有|没|冇得?|找|请|招|引进|要|需要)[^，,。；;！!？?\s]{0,4}?(?:懂|会|搞|做|干|熟悉|精通)"
                        r"(?P<skill>[^，,。；;！!？?\s]{1,12}?)的(?:人(?![员工])|人才|技术员|师傅|行家|内行|工程师)")  # '缺个懂加工技术的人', '缺一个搞适航取证的人'
_SKILL = re.compile(r"(?:^|(?<=[\s，,。；;]))(?:懂|会|熟悉|精通|擅长)(?P<skill>[^，,。；;！!？?\s]{1,14}?)"
                    r"(?:那一套|这一套|那套|这套|那一块|这一块|这块|方面)?的?(?=$|[\s，,。；;！!？?])")  # '…的人 懂X那一套的'
_BY_OTHERS = re.compile(r"(?:机构|单位|公司|中心|别人|人家|第三方)(?:来)?帮(?:我们|我|忙)?[^，,。；;\s]{0,8}$")
_BY_SELF = re.compile(r"自己(?![^，,。；;\s]{0,4}(?:不了|不会|不能|不行|没法|没办法|搞不|做不|弄不))[^，,。；;\s]{0,8}$")  # not '自己测不了'


def _without_skills(t: str) -> str:
    """The text with the skills of a person sought blanked out ('缺个搞无损探伤的人 懂超声检测这一块的'): what the
    person knows says whom to find, not which other help is wanted."""
    if not _KNOWS_HOW.search(t):
        return t
    for m in [*_KNOWS_HOW.finditer(t), *_SKILL.finditer(t)]:
        t = t[:m.start("skill")] + " " * len(m.group("skill")) + t[m.end("skill"):]
    return t


_SEPARATED_VERB = re.compile(r"(贷|融)一?[点些笔个](款|资)")  # '贷笔款' is 贷款: a measure word inside the compound


def need_scores(text: str) -> dict[str, int]:
    """Need-type scores of a message (strong term 3, weak term 1; negated terms ignored)."""
    t = _SEPARATED_VERB.sub(r"\1\2", normalize(text))
    for pattern, word in _PHRASES:
        t = pattern.sub(word, t)
    sought = bool(_KNOWS_HOW.search(t))
    t = _without_skills(t)
    table, _ = _need_terms()
    products = _product_shadows()
    scores: dict[str, int] = {}
    for pos, word in find_terms(t, tuple(table) + products):
        if word.lower() not in table or _NEG_BEFORE.search(t[max(0, pos - 4):pos]):
            continue  # a product word holding a need word ('保险杠' is no 保险) says nothing of the need
        need, weight = table[word.lower()]
        need = _who_does_it(t, pos, word, need)
        scores[need] = scores.get(need, 0) + weight
    if sought:
        scores["人才引进"] = scores.get("人才引进", 0) + 3
    return scores


def _who_does_it(t: str, pos: int, word: str, need: str) -> str:
    """A need term read by who does the work: a test that fails ('探伤老不合格') is a problem to solve (技术攻关),
    a test the user's own people run ('我们自己工程师去做试验'; not '我们自己测不了') needs equipment (设备共享), and equipment an agency
    uses for them ('找个检测机构帮我们做三坐标精密测量') is a test to book (检验检测)."""
    before = t[max(0, pos - 12):pos]
    if need == "检验检测" and _FAILED_AFTER.match(t[pos + len(word):pos + len(word) + 8]):
        return "技术攻关"
    if need == "检验检测" and _BY_SELF.search(before):
        return "设备共享"
    if need == "设备共享" and _BY_OTHERS.search(before):
        return "检验检测"
    return need


def extract_need_type(text: str) -> str | None:
    """One of the 6 need types ('要贷款' → 科技金融, '缺人' → 人才引进), or None."""
    scores = need_scores(text)
    if not scores:
        return None
    _, order = _need_terms()
    best = max(scores.values())
    if best < 2:
        long_enough = len(normalize(text)) >= 12
        return "技术攻关" if long_enough and scores.get("技术攻关") else None
    return next(n for n in order if scores.get(n) == best)


_STAGES = (
    ("已产业化", r"已产业化|推广了|推广到|(?:已经|已)在[^,.;，。；]{1,12}推广|在.{0,10}(?:药厂|工厂|厂家|厂|企业|公司)(?:里)?(?:生产|量产|投产)|产业化了|实现产业化|已经产业化|量产|批量生产|批量供货|规模化生产|规模化应用|投产|推广应用|已应用|已经应用|已经在.{0,8}(?:企业|厂|公司|单位|场|站|矿|医院|基地).{0,6}(?<!试)(?:用|应用|使用)|(?:企业|厂|公司|单位)(?:已经|都)?(?:在)?用上了|用上了|在用|商业化|卖出去|销售了|卖了|装机|落地了|已转化|已经转化|在卖|有销售|出货|上市了|已经上市|投入使用|投用|在使用|用着|有订单|接到订单|签了订单|年销售|销售额|供货给|卖给|(?:企业|厂家|厂里)(?:已经)?在(?:批量)?生产"),
    ("中试", r"中试|中间试验|试生产|试运行|试运营|放大到|放大试验|吨级|中试线|小批量生产|工程化|样机|示范线|示范工程|试点应用|现场试验|田间试验|示范推广|做示范|示范|试点|试用|"
             r"(?:企业|厂|公司|合作社|基地|医院|农户|用户|车企|现场|工地|生产线).{0,6}(?:试过|试了|测试过|验证过|跑过)"),
    ("小试", r"小试|小样|原型|打样|台架试验|公斤级|实验室放大|小批量试制|样品|试制|初步验证|小规模试验|盆栽试验"),
    ("实验室阶段", r"实验室阶段|实验室里|还在实验室|在实验室|实验室研究|实验室做|基础研究|理论研究|原理验证|概念验证|论文|还在研究|研发阶段|刚起步|仿真|模拟阶段|实验阶段|没出实验室|图纸阶段|刚立项|摸索阶段|探索阶段|预研|研究阶段|起步阶段"),
)
_NOT_YET = re.compile(r"(准备|计划|打算|下一步|还没|没有|尚未|即将|正在找|想做|要做|希望|待|未|还没有|没|想找)[^,.;，。]{0,5}$")


_STILL = re.compile(r"(?<!以前)(?<!之前)(?<!当时)(?<!原来)(?<!过去)(?:还|仍|仍然|依然|目前|现在)(?:只|还)?(?:是|在|处在|处于|停留在|停在)"
                    r"[^,.;，。]{0,2}$")
_NOT_BEGUN = re.compile(r"(?:线|阶段|这一步|这块)?(?:的话)?(?:也|都|还|仍|尚|暂时|目前)?(?:(?:没有|没|未|尚未|不曾)(?:有)?(?:开始|开展|做|搞|上|进行|启动|到|去做|建|弄|跑|投)|"
                        r"(?:准备|计划|打算|预计|争取|下一步|(?:明年|今年|年底|以后|将来)(?![^,.;，。]{0,4}(?:完成|做完|搞完|结束|已经|了))))")  # '中试还没开始', '中试准备明年'
_DENIED = re.compile(r"(不是|不算|并非|没到|还没到|达不到|谈不上|说不上)[^,.;，。]{0,3}$")
_AIMED = re.compile(r"(?:^|[\s,.;，。；])(?:我们|我|咱们|俺们)?(?:还|也|下一步|接下来|后面|然后|再)?(?:想|打算|准备|计划|希望|争取|正在找|在找)"
                    r"[^\s,.;，。；已]{0,16}?(?:做|搞|上|进行|开展|开始|进入|推进)$")  # '想找养殖场合作做中试': a stage aimed at


def _stage_mentions(t: str) -> list[tuple[int, str]]:
    """(position, stage) of every stage the text says was reached (not planned, not denied, not '还没开始'); a phrase inside a
    longer one ('批量生产' in '小批量生产') does not count on its own."""
    spans = [(m.start(), m.end(), stage) for stage, pattern in _STAGES for m in re.finditer(pattern, t)]
    out = []
    for start, end, stage in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        before = t[max(0, start - 6):start]
        aimed = _AIMED.search(t[max(0, start - 24):start])
        if not inside and not aimed and not _NOT_YET.search(before) and not _DENIED.search(before) \
                and not _NOT_BEGUN.match(t, end):
            out.append((start, stage))
    return sorted(out)


_FILL_WITH = re.compile(r"(?:就|还是|那就)?(?:写|填|记|写成|填成|填写|改成|改为|写上|填上)\s*$")


def extract_maturity(text: str) -> str | None:
    """Achievement maturity: 实验室阶段 / 小试 / 中试 / 已产业化 (the most advanced stage reached; after a
    correction after a stage was said, the stage said last: '中试 说错了 是小试'; dialect negations count:
    '冇上中试')."""
    from .intents import correction_position

    t = mandarin(normalize(text))
    found = _stage_mentions(t)
    if not found:
        return None
    cue = correction_position(t)
    if cue is not None and cue > found[0][0]:  # a '不对' before any stage corrects no stage
        return found[-1][1]
    told = [f for f in found if _FILL_WITH.search(t[max(0, f[0] - 4):f[0]])]
    if told:  # '算小试吧……哦其实还没出实验室，写实验室阶段吧': the stage the user says to write down
        return told[-1][1]
    order = [stage for stage, _ in _STAGES]
    still = [f for f in found if _STILL.search(t[max(0, f[0] - 6):f[0] + 2])]  # '还在实验室里做样品': where it is now
    return min(still or found, key=lambda f: order.index(f[1]))[1]


_IP_KINDS = (("授权发明专利", r"(?:已)?授权(?:的)?发明专利|发明专利(?:已)?授权|授权发明"),
             ("发明专利", r"发明专利"), ("实用新型专利", r"实用新型(?:专利)?"),
             ("外观设计专利", r"外观(?:设计)?专利"), ("软件著作权", r"软件著作权|软著|著作权"),
             ("国际专利", r"PCT专利|国际专利"), ("植物新品种权", r"植物新品种(?:权)?"),
             ("地方标准", r"地方标准"), ("团体标准", r"团体标准"), ("行业标准", r"行业标准"),
             ("国家标准", r"国家标准"), ("技术秘密", r"技术秘密|专有技术|技术诀窍"),
             ("专利", r"(?<=[项个件])专利|专利(?=\s*\d)"))
_PENDING_INVENTION = re.compile(rf"(?:申请|报|提交|递交)了?\s*(?:({NUM_RE})?\s*(?:个|项|件))?\s*发明(?!专利|人|者|了|出|奖|大赛|比赛|创造|展|家)")
_COUNT_BEFORE = re.compile(rf"({NUM_RE})\s*(?:项|个|件|篇|份)\s*(?:已)?(?:的)?\s*$")
_COUNT_AFTER = re.compile(rf"^\s*(?:有|共|已有)?\s*({NUM_RE})\s*(?:项|个|件)")


def _ip_count(text: str, start: int, end: int, taken_at: set[int]) -> tuple[int | None, int | None]:
    """The count said with one kind of IP and where it stands: before the kind unless the kind before took that
    number already ('发明专利2项 软著3项': the 2 is the patents', the 3 the copyrights'), else after it."""
    window = max(0, start - 6)
    before = _COUNT_BEFORE.search(text[window:start])
    after = _COUNT_AFTER.match(text[end:])
    if before and window + before.start(1) not in taken_at:
        m, at = before, window + before.start(1)
    elif after:
        m, at = after, end + after.start(1)
    else:
        return None, None
    value = to_number(m.group(1))
    return (int(value), at) if value else (None, None)


def _ip_spans(t: str) -> tuple[list[tuple[int, int, str]], list[bool]]:
    """(start, end, kind) of every kind of IP named and not denied ('没有专利'), in order; and the characters taken."""
    taken = [False] * len(t)
    spans = []
    for label, pattern in _IP_KINDS:
        for m in re.finditer(pattern, t):
            if any(taken[m.start():m.end()]) or re.search(r"(没有|没|无|不)\S{0,2}$", t[max(0, m.start() - 4):m.start()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            spans.append((m.start(), m.end(), label))
    return sorted(spans), taken


def extract_ip(text: str) -> str | None:
    """IP in record form ('两项授权发明专利' → '授权发明专利2项'; several joined with '、')."""
    t = normalize(text)
    spans, taken = _ip_spans(t)
    parts: list[tuple[int, str]] = []
    counted: set[int] = set()
    for start, end, label in spans:
        count, at = _ip_count(t, start, end, counted)
        if at is not None:
            counted.add(at)
        parts.append((start, f"{label}{count}项" if count else label))
    parts += _pending_inventions(t, taken)
    parts += _bare_inventions(t, taken) if spans or parts or _PATENT_TALK.search(t) else []
    if any(p.startswith(_PATENT_KINDS) for _, p in parts):  # '两个专利 一个发明一个实用新型': the total is broken down
        parts = [(at, p) for at, p in parts if not re.match(r"专利(?:\d+项)?$", p)]
    return "、".join(p for _, p in sorted(parts)) or None


_PATENT_KINDS = ("发明专利", "实用新型专利", "外观设计专利")
_PATENT_TALK = re.compile(r"专利|知识产权|实审|授权")
_BARE_INVENTION = re.compile(rf"(?:({NUM_RE})\s*(?:个|项|件)|(?:的)?是)\s*发明(?!专利|人|者|了|出|奖|大赛|比赛|创造|展|家|过|的)")


def _bare_inventions(t: str, taken: list[bool]) -> list[tuple[int, str]]:
    """'有两个专利 一个发明一个实用新型', '申请的是发明': with patents talked about, a bare '发明' is an invention
    patent ('发明专利1项')."""
    out = []
    applied = {i for p in _PENDING_INVENTION.finditer(t) for i in range(p.start(), p.end())}  # counted as applied for
    for m in _BARE_INVENTION.finditer(t):
        if any(taken[m.start():m.end()]) or m.end() - 1 in applied or re.search(r"(没有|没|无|不)\S{0,2}$", t[max(0, m.start() - 4):m.start()]):
            continue
        value = to_number(m.group(1)) if m.group(1) else None
        out.append((m.start(), f"发明专利{int(value)}项" if value else "发明专利"))
    return out


def _pending_inventions(t: str, taken: list[bool]) -> list[tuple[int, str]]:
    """'申请了一个发明 还没批下来', '报了两个发明': invention patents applied for, said without '专利'."""
    out = []
    for m in _PENDING_INVENTION.finditer(t):
        if any(taken[m.start():m.end()]) or re.search(r"(没有|没|无|不)\S{0,2}$", t[max(0, m.start() - 4):m.start()]):
            continue
        value = to_number(m.group(1)) if m.group(1) else None
        out.append((m.start(), f"发明专利申请{int(value)}项" if value else "发明专利申请"))
    return out

