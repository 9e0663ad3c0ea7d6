"""Person names: contact names ('联系人张伟', '我叫王秀兰', '陈工'), companions and party size."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.keywords import dictionary_entry

from ._text import normalize, to_number

_GIVEN = r"[\u4e00-\u9fff]"
_BOUNDARY = re.compile(r"^(?:$|[\s\d,.;:!?、()+]|[俩仨](?![\u4e00-\u9fff]?[个人])|听说|知道|看到|听到|陪|电话|手机|号码|联系|微信|先生|女士|同志|师傅|老师|经理|工程师|研究员|教授|博士|主任|总|是|的|也|跟|和|带|去|报|我|他|她|今年|身份|就|吧|啊|呀|呢|不是|一起|一块|一同|叫|[一两二三四五俩仨]\s*(?:个人|个|位|人)|[a-zA-Z])")
_NOT_GIVEN = set("的了是在有和跟与我你他她们这那个把就都也还要想去来说电话手机号码联系公司厂区县市镇村省街路人家里上下吗呢吧啊呀哦嗯不没很太最更好对错改换叫姓名字十百千亿年月日号点元块")
_CONTACT_CUE = re.compile(
    r"(联系人|联络人|对接人|负责人|[我俺咱]叫|(?:[我俺咱]们?的?)?导师(?:名字)?叫|(?:^|(?<=[\s,，]))(?:[他她](?:名字)?)?叫(?=[\u4e00-\u9fff]{2,4}(?:$|[\s,，。\d]))|[我俺咱](?:在|是)[^\s，,。]{1,16}\s+叫(?=\s*[\u4e00-\u9fff]{2,4}(?:$|[\s,，。\d]))|[我俺咱]是|本人|姓名|名字|称呼|[我俺咱]姓|签名|落款|报名人|登记人|(?:错了|不对|口误|不是)\s*,?\s*(?:是|叫)|(?:[哦噢呃]不|不对|说错了|口误)[\s,，]+(?=[\u4e00-\u9fff]{2,4}(?:$|[\s,，。\d]))|应该是|其实是)"
    r"(?:(?:改|换|变|更正)一?下[\s,:，]*)?"  # '联系人改一下 写鲍婷婷老师'
    r"(?:就|先)?(?:是|为|写|填|改成|改为|换成|换为|更正为|应该是|叫|的话)?(?:我(?![叫是姓])|本人)?[\s,:，]*"
)
_TITLE = re.compile(r"(工程师|经理|总监|主任|老师|教授|研究员|讲师|博士后|博士|高工|师傅|先生|女士|老板|厂长|部长|主管|会计|总工|医生|大夫|院长|所长|"
                    r"科长|处长|站长|书记|社长|队长|组长|律师|工|总)")


def _party_terms(roles: bool) -> tuple[str, ...]:
    """Words for people who come along (kin, household, work, neighbours) from ``knowledge/data/party_terms.txt``;
    ``roles``: the work roles (lines starting '@role'), which name a companion only in a sign-up."""
    from ._text import load_lines

    lines = [ln for ln in load_lines("party_terms.txt") if ln.startswith("@role") == roles]
    words = {w for line in lines for w in line.removeprefix("@role").split()}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


PARTY_TERMS = _party_terms(roles=False)
ROLE_TERMS = _party_terms(roles=True)
_TERM_SET = frozenset(PARTY_TERMS + ROLE_TERMS)  # '和儿子' is no name: its given part is a relation word
_ROLE = "(?:" + "|".join(map(re.escape, ROLE_TERMS)) + ")"
_COMPOUND = tuple(w for w in PARTY_TERMS if "的" in w)  # '孩子的爸爸' is one word
_RELATIVE = "(?:" + "|".join(map(re.escape, PARTY_TERMS)) + ")"  # longest first: '外孙女' wins over '外孙'
_HEADCOUNT = r"(?:[两三2-3]\s*(?:个人|个|位|人)|[俩仨])"  # '和我儿子柯小军两个': a name, then the head count
_COMPANION_CUE = re.compile(rf"(?:{_RELATIVE}|他|她|他们|她们|大宝|二宝|小宝|宝宝|老大|老二|大的|小的|另一个|还有一个|(?<=\s)一个|另外|其他|其余)们?儿?(?:一个|一位|[一两二三俩仨1-3](?:个人|个|人|位|名))?(?:[也都][^\s,，。叫]{{0,4}}?(?:去|来))?\s*"
                            rf"(?:的)?(?:(?:是|在)[^\s,，。叫我俺]{{1,6}}[\s,，]*(?:叫|名字叫)|姓[\u4e00-\u9fff][\s,，]*|叫|是|名字叫|名字是|姓名|:|(?:名字|大名|学名|全名|姓名)(?:叫|是|写)?)\s*|"  # '学生是博士生 叫骆一鸣', '屋里的姓龚 龚春梅'
                            rf"(?:带|还有|加上|和|跟)(?:着|上)?(?:我|我的|我家|我们家|咱家|俺家|俺)?\s?(?:的)?(?:{_RELATIVE}|会计|财务|出纳)\s*(?:叫|是)?\s*(?![和跟与及、])"
                            rf"(?=[\u4e00-\u9fff]{{2,3}}(?:一起|一块|一同|{_HEADCOUNT})|[\u4e00-\u9fff]{{2,4}}(?:$|[\s,，。和跟与及、陪]))")
_LOOSE_CUE = re.compile(rf"(?:{_RELATIVE}|大的|小的|老大|老二)(?:一起|一块|一同)?\s+(?=[\u4e00-\u9fff]{{2,4}}(?:$|[\s,，。和跟与及、陪]))|"  # '儿子 邹小飞'
                        rf"(?<![\u4e00-\u9fff])(?:我的|我家|俺家|我|俺|咱)?(?:大|小|二)?{_RELATIVE}(?=[\u4e00-\u9fff]{{2,4}}(?:$|[\s,，。和跟与及、陪])|"
                        rf"[\u4e00-\u9fff]{{2,3}}(?:一起|一块|一同)|"
                        rf"[\u4e00-\u9fff]{{2,3}}(?:也|都)(?:要|想|说要)?(?:去|来|克|参加))")  # '同事欧阳明'
_GOING = re.compile(r"[都也](?:要|想|会|说要)?(?:去|来|克|参加|到)")  # '我和我老伴都去': who goes, not a name
_NAME_SEP = re.compile(r"^\s*(?:、|,|和|跟|与|及|还有|\s)\s*")


@lru_cache(maxsize=1)
def _surnames() -> tuple[str, ...]:
    from ._text import load_lines

    return tuple(sorted(load_lines("extract_surnames.txt"), key=len, reverse=True))


def _surname_at(text: str, pos: int) -> str | None:
    return next((s for s in _surnames() if text.startswith(s, pos)), None)


_WORDS = frozenset({"公司", "高校", "高新", "高级", "单位", "车间", "司机", "时间", "万元"})  # words that read like a name
_ORG_TAIL = frozenset({"学院", "大学", "医院", "学校", "中学", "小学", "中心", "集团", "银行", "协会", "学会", "农场"})  # '农学院'
_NOT_GIVEN_CUED = set("的了是在和跟与我你他她们电话手机号码区县市省叫")  # no place: "樊城区"  # after '我叫', '有福' is a given name
_MODEL_NUMBER = re.compile(r"[\dA-Za-z]{1,4}\s*(?:号(?!那|的|上午|下午|晚上|早上|去|来|开始|报|参加|这|当天)|型|代|系|版|款)")  # '叫楚糯7号', '华油12号': a product's name and number


def name_at(text: str, pos: int, *, cued: bool = False) -> str | None:
    """A full name (surname + 1–2 given chars) starting at `pos` and followed by a boundary; right after a cue
    ('我叫钱有福') fewer characters are ruled out."""
    surname = _surname_at(text, pos)
    if surname is None:
        return None
    start = pos + len(surname)
    stop = _NOT_GIVEN_CUED if cued else _NOT_GIVEN
    for size in (2, 1):
        given = text[start:start + size]
        ok = len(given) == size and re.fullmatch(f"{_GIVEN}+", given) and not set(given) & stop and given not in _TERM_SET \
            and surname + given not in _WORDS and not _TITLE.fullmatch(given) and given not in _ORG_TAIL  # '张博士' is a title form
        if ok and _BOUNDARY.match(text[start + size:]) and not _MODEL_NUMBER.match(text, start + size):
            return surname + given
    return None


def _title_at(text: str, pos: int) -> str | None:
    """A surname + title form ('陈工', '王经理') starting at `pos`."""
    surname = _surname_at(text, pos)
    m = _TITLE.match(text, pos + len(surname)) if surname else None
    if m and surname and (m.group() not in ("工", "总") or _BOUNDARY.match(text[m.end():])):
        return surname + m.group()
    return None


def _surname_then_name(text: str, pos: int) -> str | None:
    """'姓王，王建国' → '王建国' (compound surnames too: '姓欧阳，欧阳明辉')."""
    surname = _surname_at(text, pos + 1) if text.startswith("姓", pos) else None
    if surname is None:
        return None
    full = name_at(text, _spelled_gap(text, pos + 1 + len(surname), surname), cued=True)  # '姓张，弓长张，张伟'
    return full if full and full.startswith(surname) else None


_TITLE_SEP = re.compile(r"(?:[吧嘛呀啊呢哈]|就行|就好|就可以)?[\s,，:：()（、]*(?:(?:全名|大名|名字)?(?:叫|是)(?:做)?[\s:：]*)?")


def _spelled_gap(text: str, pos: int, surname: str) -> int:
    """The end of the pause after a surname or title ('钱老师吧，', '王研究员（', '张总（'), past a spelled-out surname
    ('，立早章，', ' 弓长张 ', '，文章的章，'), so the full name that follows is found."""
    end = _TITLE_SEP.match(text, pos).end()  # type: ignore[union-attr]
    spelled = re.compile(rf"[\u4e00-\u9fff]{{1,4}}?{re.escape(surname)}(?=[\s,，:：])")
    m = spelled.match(text, end)
    after = _TITLE_SEP.match(text, m.end()).end() if m else end  # type: ignore[union-attr]
    full = name_at(text, after, cued=True) if m else None
    return after if full and full.startswith(surname) else end


def _title_then_name(text: str, pos: int) -> str | None:
    """'胡工胡斌' (a title form glued to the full name with the same surname) → '胡斌'; '章工，立早章，章国栋' too."""
    surname = _surname_at(text, pos)
    m = _TITLE.match(text, pos + len(surname)) if surname else None
    full = name_at(text, _spelled_gap(text, m.end(), surname), cued=True) if m and surname else None
    return full if full and surname and full.startswith(surname) else None


def _after_cue(text: str, pos: int) -> str | None:
    return (_surname_then_name(text, pos) or _title_then_name(text, pos) or name_at(text, pos) or _title_at(text, pos)
            or name_at(text, pos, cued=True))


_KIN_BEFORE = re.compile(rf"(?:{_RELATIVE}|{_ROLE})$")  # '我是他们爸爸龚建' (voice input: no pause before the name)


def _after_role(text: str, pos: int, *, self_said: bool = False) -> str | None:
    """'联系人不是我 是我们主任 孔令辉': a name a few words after the cue, right after a space, colon or 的."""
    for at in range(pos + 1, min(len(text), pos + 14)):
        name = name_at(text, at)
        if name:  # the first name after the cue, and only when it stands apart ('是我们主任 孔令辉')
            return name if text[at - 1] in " ,，:：的" or (self_said and _KIN_BEFORE.search(text, 0, at)) else None
        if text[at - 1] in "。.!！?？\n" or text[at - 1].isdigit():
            return None
    return None


def _cued_names(text: str) -> list[tuple[int, str]]:
    out = []
    for m in _CONTACT_CUE.finditer(text):
        name = _surname_then_name(text, m.start(1) + 1) if m.group(1) == "我姓" else _after_cue(text, m.end())
        name = name or _after_role(text, m.end(), self_said=m.group(1) in ("我是", "俺是", "咱是"))
        if name and m.group(1) in _BARE_CORRECTION and not _ends_phrase(text, m.end() + len(name)):
            continue  # '应该是蒙皮和泡沫芯之间脱粘' corrects a statement, it names nobody
        if name:
            out.append((m.start(), name))
    return out


_BARE_CORRECTION = frozenset({"应该是", "其实是"})  # cues that name no field: a name after them must stand alone


def _ends_phrase(text: str, end: int) -> bool:
    """Whether a name read at ``text[:end]`` stands alone: the message ends, or a pause, a digit or a title follows."""
    rest = text[end:]
    return not rest or bool(re.match(rf"[\s,，。.;；:：!！\d]|{_TITLE.pattern}", rest))


def _names_before_phone(text: str) -> list[tuple[int, str]]:
    out = []
    for m in re.finditer(r"(?:^|(?<=[\s,.;:、，()]))([\u4e00-\u9fff]{2,5}?)\s*\)?\s*[,:，]?\s*(?:(?:电话|手机|tel)(?:号码|号)?(?:是|为)?)?\s*[:：]?\s*(?=\+?(?:86)?[\s-]?1[3-9]\d|0\d{2,3}[-\s)])", text):
        start = m.start(1) + (1 if m.group(1)[0] in "叫是" else 0)  # '叫黎晓雯 138…'
        name = name_at(text, start) or _title_at(text, start) or name_at(text, start, cued=True)  # '阮家豪 138…'
        rest = text[start + len(name):m.end(1)] if name else ""
        if name and (not rest or _TITLE.fullmatch(rest)):  # '刘涛老师 138…' → 刘涛
            out.append((m.start(1), name))
    return out


_PHONE_THEN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)\s*[,，;；、]?\s*")


def _names_after_phone(text: str) -> list[tuple[int, str]]:
    """A full name standing alone right after a mobile number ('联系方式：139…，王建华', '139… 王建华')."""
    out = []
    for m in _PHONE_THEN.finditer(text):
        name = name_at(text, m.end())
        if not name or not re.match(r"\s*(?:$|[，,。；;!！])", text[m.end() + len(name):]):
            continue
        if is_person_name(name) and not common_word(name[:2]):  # not '谢谢', '明天见', '方便' after it
            out.append((m.end(), name))
    return out


_ROLE_END = re.compile(rf"(?:{_TITLE.pattern}|学生|助手|助理|秘书|同事|徒弟|[部科处室组办]|的)$")
_BEFORE_PHONE = re.compile(r"(?:^|(?<=[\s,.;:、，()]))([\u4e00-\u9fff]{3,14})\s*[,:，]?\s*(?:(?:电话|手机)(?:号码|号)?(?:是|为)?)?"
                           r"\s*[:：]?\s*(?=\+?(?:86)?[\s-]?1[3-9]\d|0\d{2,3}[-\s)])")


def _role_prefixed_names(text: str) -> list[tuple[int, str]]:
    """'生产部雷志强，138…', '填我的博士后陈晓雯 电话138…': a full name right before the phone, after the
    department or role word that introduces it."""
    out = []
    for m in _BEFORE_PHONE.finditer(text):
        run, base = m.group(1), m.start(1)
        for cut in range(2, len(run) - 1):
            name = name_at(text, base + cut) if _ROLE_END.search(run[:cut]) else None
            if name and cut + len(name) == len(run):
                out.append((base + cut, name))
                break
    return out


def _titled_names(text: str) -> list[tuple[int, str]]:
    """Title forms after '的/找/联系/问' ('找我们技术部的陈工')."""
    out = []
    for m in re.finditer(r"(?:^|(?<=[的找系问给们\s,]))(?=[\u4e00-\u9fff])", text):  # '找我们李厂长'
        name = _title_at(text, m.start())
        if name and _BOUNDARY.match(text[m.start() + len(name):]):
            full = _title_then_name(text, m.start())  # '钱老师 钱丽君': the full name is the contact
            out += [(m.start(), name)] + ([(m.start() + len(name), full)] if full else [])
    return out


_ROLE_NAMED = re.compile(rf"(?:换成|换为|改成|改为|应该是|是|找|联系|打给)(?:我们的?|我的)?副?(?:{_ROLE}|{_TITLE.pattern})\s*")
_CHANGED_TO = re.compile(r"(?:换成|换为|改成|改为|找|联系|打给)(?:我们的?|我的)?")
_DEPT_ROLE = re.compile(r"(?:换成|换为|改成|改为)(?:我们的?|我的)?[\u4e00-\u9fff]{1,3}?(?:总监|经理|主任|主管|部长|厂长|总工|工程师)\s*")  # '改成技术总监杜明轩'


def _role_named(text: str) -> list[tuple[int, str]]:
    """'换成我们人事经理冯涛', '找我们厂长王德明': the full name right after a job title the contact is changed to or
    reached by; '换成李工，李建': the full name after the title form."""
    out = [(m.start(), name) for p in (_ROLE_NAMED, _DEPT_ROLE) for m in p.finditer(text) if (name := name_at(text, m.end()))]
    return out + [(m.start(), name) for m in _CHANGED_TO.finditer(text) if (name := _title_then_name(text, m.end()))]


_UNIT_THEN = re.compile(r"[\u4e00-\u9fff]{0,8}?[\s,，、]+")  # '汉水大学工学院 ' before the name
_THEN_UNIT = re.compile(r"(?:^|(?<=[\s,，。]))[\u4e00-\u9fff]{2,3}[\s,，、]+$")  # '冯佳 ' before the unit
_STANDS_ALONE = re.compile(r"\s*(?:$|[\s,，。;；!！\d])")


def _names_beside_unit(text: str) -> list[tuple[int, str]]:
    """A full name standing alone right before or after a unit ('冯佳 楚北农业科学研究院', '鹿门大学航空学院 庞海涛')."""
    from .orgs import org_spans

    out = []
    for start, end, _ in org_spans(text):
        after = _UNIT_THEN.match(text, end)
        before = _THEN_UNIT.search(text[:start])
        for pos in (after.end() if after else -1, before.start() if before else -1):
            name = name_at(text, pos) if pos >= 0 else None
            if name and _STANDS_ALONE.match(text, pos + len(name)) and not common_word(name):
                out.append((pos, name))
    return out


_FOR_TEACHER = re.compile(r"(?:帮|替|给)(?:我们|我的|我)?(?:老师|导师|教授)")  # '帮我们老师订阅… 他叫X': X is the contact


_PIECE_START = re.compile(r"(?:^|(?<=[\s,，、:：;；。]))(?=[\u4e00-\u9fff])")
_PIECE_END = re.compile(r"$|[\s,，、:：;；。\d]")


def _names_before_title(text: str) -> list[tuple[int, str]]:
    """A full name with its title after it, said as a piece of its own ('汉水大学 孙晓雯老师', '游德明教授 汉江…')."""
    out = []
    for m in _PIECE_START.finditer(text):
        name = name_at(text, m.start())
        title = _TITLE.match(text, m.start() + len(name)) if name else None
        if name and title and title.group() not in ("工", "总") and _PIECE_END.match(text, title.end()):
            out.append((m.start(), name))
    return out


def titled_person(word: str) -> bool:
    """Whether a piece is a person named with a title ('孙晓雯老师', '彭教授'), never a topic or a unit."""
    name = name_at(word, 0)
    return bool(name and _TITLE.fullmatch(word[len(name):])) or _is_title_form(word)


def person_names(text: str) -> list[tuple[int, str]]:
    """Contact-name candidates in order of appearance (cue-based, name-before-phone, title forms)."""
    t = normalize(text)
    companions = set() if _FOR_TEACHER.search(t) else set(extract_companions(t, loose=False))
    places = _place_spans(t)
    found: dict[int, str] = {}
    for pos, name in (_titled_names(t) + _names_before_title(t) + _names_before_phone(t) + _names_after_phone(t) + _cued_names(t) + _role_named(t)
                      + _role_prefixed_names(t) + _names_beside_unit(t)):
        start = t.find(name, pos)
        if name not in companions and not t[max(0, start - 2):start].endswith("不是") \
                and not any(p == start and n >= len(name) for p, n in places):  # '我是谷城的': a place, not 谷城
            found[start] = name
    return sorted(found.items())


def _place_spans(text: str) -> list[tuple[int, int]]:
    """(position, length) of every place name said in the text."""
    from .regions import region_mentions

    return [(pos, len(region.raw)) for pos, region in region_mentions(text)]


def _is_title_form(name: str) -> bool:
    """'李教授', '陈工', '何奶奶': a surname plus a title or kin word, not a personal name."""
    surname = _surname_at(name, 0)
    rest = name[len(surname):] if surname else ""
    return bool(surname and (_TITLE.fullmatch(rest) or _KIN.fullmatch(rest)))


def completes_title_form(old: str, new: str) -> bool:
    """A full name said after a title form of the same person ('张博士' … '张海涛'): same surname, old a title form."""
    surname = _surname_at(old, 0)
    return bool(surname and _is_title_form(old) and new.startswith(surname) and not _is_title_form(new)
                and len(new) > len(surname))


def _full_names_first(names: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop title forms ('李教授') when a full name with the same surname ('李卫东') is there too."""
    full = [n for _, n in names if not _is_title_form(n)]
    return [(p, n) for p, n in names if not (_is_title_form(n) and any(f[0] == n[0] for f in full))]


def extract_person_name(text: str) -> str | None:
    """The contact name of a message; a corrected name wins ('联系人改成孙强'); '李教授，李卫东' → '李卫东'."""
    from .intents import has_correction_cue

    if real := _real_name(normalize(text)):
        return real
    names = _full_names_first(person_names(text))
    if not names:
        return None
    if not has_correction_cue(text):
        return names[0][1]
    return _respelled(normalize(text), names[0][1]) or names[-1][1]


def _respelled(text: str, first: str) -> str | None:
    """The name said again after a correction cue with the same surname and length but another character ('联系人
    何静怡 哦不 写我们组的何静宜'), else None."""
    from .intents import correction_position

    cut, surname = correction_position(text), _surname_at(first, 0)
    if cut is None or not surname:
        return None
    given = len(first) - len(surname)
    m = re.search(rf"{re.escape(surname)}[\u4e00-\u9fff]{{{given}}}(?![\u4e00-\u9fff])", text[cut:])
    return m.group() if m and m.group() != first else None


_SURNAME_SAID = re.compile(r"(?:(?:^|[\s,，。;；!！])(?:免贵|本人|联系人)?|我|免贵)姓\s*([\u4e00-\u9fff]{1,2}?)(?=$|[\s,，。.;；!！、\d]|吧|呢|啊|哈|电话|手机)")
_ADDRESS = re.compile(r"^\s*(?:是|我是|就是)?(先生|女士|男士|男|女)(?:的|士|同志)?[\s。.!！吧啊呀]*$")


def said_surname(text: str) -> str | None:
    """A surname said without the given name ('我姓王 电话139…', '免贵姓欧阳'); None when a full name is said too."""
    if extract_person_name(text):
        return None
    for m in _SURNAME_SAID.finditer(text):
        surname = m.group(1)
        named = re.search(re.escape(surname) + r"[\u4e00-\u9fff]", text[m.end():])  # '姓闻 闻立民': the name follows
        if _surname_at(surname, 0) == surname and not named:
            return surname
    return None


def addressed(surname: str, text: str) -> str | None:
    """'王先生' from the surname said before and a reply of '先生', '女的' (None for any other reply)."""
    m = _ADDRESS.match(text)
    if m is None:
        return None
    return surname + ("女士" if m.group(1).startswith("女") else "先生")


_REAL_NAME = re.compile(r"(?:大名|全名|真名|学名|身份证上)(?:叫|是|写的是)?\s*")


def _real_name(t: str) -> str | None:
    """'俺叫 曹老三 大名曹德胜': the formal name said after a nickname (not a relative's: '孩子大名苗一诺')."""
    for m in _REAL_NAME.finditer(t):
        if not re.search(rf"(?:{_RELATIVE}|他|她|的)\s*$", t[:m.start()]) and not _someone_called(t[:m.start()]):
            return name_at(t, m.end(), cued=True)
    return None


_SELF_CUE_END = re.compile(r"(?:我|俺|咱|本人)(?:就)?(?:叫|是)\s*$")


def _someone_called(before: str) -> bool:
    """'小周全名…', '王姐大名…': the words before a formal-name cue end in a nickname that stands on its own (not
    after '我叫'), so the formal name is that person's, not the user's."""
    m = re.search(r"(?:^|(?<=[\s,，。;；!！?？]))(?P<nick>[\u4e00-\u9fff]{2,3})\s*$", before)
    return bool(m and _nick_at(before, m.start("nick")) == m.group("nick").strip()
                and not _SELF_CUE_END.search(before[:m.start("nick")]))


_ACADEMIC_TITLE = re.compile(r"(博士后|教授|副教授|研究员|副研究员|老师|博士|工程师|高工|总工|医生|工)")


def contact_title(text: str, name: str | None = None) -> str | None:
    """The title said with the contact ('李教授，李卫东' → '教授'; '我是…的老师 刘德明' → '老师'), or None."""
    t = normalize(text)
    for _, found in person_names(t):
        surname = _surname_at(found, 0)
        if surname and _is_title_form(found) and (name is None or name.startswith(surname)):
            return found[len(surname):]
    surname = _surname_at(name, 0) if name else None
    titled = [f for m in re.finditer(re.escape(surname), t) if (f := _title_at(t, m.start()))] if surname else []
    if titled and name and name not in titled:  # '章工，立早章，章国栋' → '工'
        return titled[0][len(surname or ""):]
    after = re.search(re.escape(name) + r"\s*" + _ACADEMIC_TITLE.pattern, t) if name else None  # '刘涛老师'
    if after:
        return after.group(1)
    surname = _surname_at(name, 0) if name else None
    before = re.search(re.escape(surname) + _ACADEMIC_TITLE.pattern + _TITLE_SEP.pattern + re.escape(name), t) \
        if name and surname else None  # '冯老师嘛 冯燕'
    if before:
        return before.group(1)
    m = re.search(r"(?:我是|我是.{2,20}?的)(教授|副教授|研究员|老师|博士后|博士|工程师)", t)
    return m.group(1) if m else None


_NOT_NAME = re.compile(r"[?？吗呢啊吧哪几啥什么怎多少时间地点开始结束报名活动讲座电话手机号码]|\d")


COMMON_WORD_FREQ = 1000  # jieba counts: 农业 16233, 金融 6455, 高温 1515 are words; 马力 446, 文静 74 may be names


def is_person_name(text: str) -> bool:
    """Whether a short reply can be a person's name: 2–4 Chinese characters, not a question or a common word."""
    t = text.strip(" 。，,.!！")
    ok = re.fullmatch(r"[\u4e00-\u9fff]{2,4}", t) and _surname_at(t, 0) and not _NOT_NAME.search(t)
    return bool(ok) and not set(t[1:]) & _NOT_GIVEN and not common_word(t)


def is_nickname(word: str) -> bool:
    """'老黄', '老王': a familiar form of address (老 + a surname), a person, not a topic ('小米' may be a crop)."""
    return len(word) == 2 and word[0] == "老" and _surname_at(word, 1) == word[1] and not common_word(word)


def common_word(word: str) -> bool:
    """'农业', '金融', '严重' (frequent dictionary words not tagged as names) or '谢谢' (a doubled syllable)."""
    if len(word) == 2 and word[0] == word[1]:
        return True
    freq, tag = dictionary_entry(word)
    return not tag.startswith("nr") and freq >= COMMON_WORD_FREQ


_KIN = re.compile(r"(?:大爷|大妈|大姐|大哥|阿姨|奶奶|爷爷|师傅|姐|哥|叔|姨|婶|嫂|伯)")


_PERSON_TITLE = re.compile(_TITLE.pattern[:-1] + r"|护士长|护士|护工|保姆|阿姨|大夫|律师|技术员)")


def _nick_at(text: str, pos: int) -> str | None:
    """'小陈', '老刘' (小/老 + surname), '王姐', '李叔' (surname + kin word) or '张医生', '王工' (surname + title)
    at ``pos`` followed by a boundary."""
    if text[pos:pos + 1] not in ("小", "老"):
        surname = _surname_at(text, pos)
        kin = (_KIN.match(text, pos + len(surname)) or _PERSON_TITLE.match(text, pos + len(surname))) if surname else None
        return text[pos:kin.end()] if kin and _nick_ends(text, kin.end()) else None
    surname = _surname_at(text, pos + 1)
    end = pos + 1 + len(surname) if surname else pos
    return text[pos:end] if surname and _nick_ends(text, end) else None


def _nick_ends(text: str, end: int) -> bool:
    """A nickname ends at ``end``: a boundary, a joining word, another nickname or a count follows."""
    return (end == len(text) or bool(_BOUNDARY.match(text[end:])) or text[end] in "和跟与及还小老一二三四五六七八九两俩"
            or text.startswith(_FORMAL_CUES, end))  # '小周全名周婷婷'


_FORMAL_CUES = ("全名", "大名", "真名", "学名", "名字")


_NICK_CUE = re.compile(rf"(?:(?:带(?:着|上)?|我和|我跟|和|跟|还有)(?:我们|我|咱们)?(?:的)?"
                       rf"(?:科室|单位|部门|车间|班组|组里|公司|厂里|办公室|队里|小区|楼里|楼上|楼下|隔壁|对门|村里|院里|社区)的?(?:会计|财务|出纳)?|(?:带(?:着|上)?|我和|我跟|和|跟|还有)(?:我们|我|咱们)?(?:的)?(?:会计|财务|出纳)|"  # '我跟我们班组的小田、小宋'
                       rf"(?:^|(?<=[\s,，]))(?:我们|咱们|俺们)(?:科室|单位|部门|车间|班组|办公室|厂里|公司)的?|"  # '我们部门小宋和小孔'
                       rf"{_RELATIVE}们?|我和|我跟|跟我和|我[、,]|带(?:着|上)?(?:我们|我|咱们)?(?:的)?)\s*")


def _person_at(text: str, pos: int, nicks: bool) -> str | None:
    """A full name (right after a cue, so '褚大年' passes), or (after a relative word) a nickname like '小陈'."""
    return name_at(text, pos) or (_nick_at(text, pos) if nicks else None) or name_at(text, pos, cued=True)


_NEXT_INTRO = re.compile(rf"(?<=[\u4e00-\u9fff])(?={_RELATIVE}(?:叫|是|名字))")  # '老公叫汤建国婆婆叫柳桂英'


_WITH_NAME = re.compile(r"(?:(?:另一|另外一)[个位](?:是|叫)(?:我们|咱们|俺们|我的)?(?:[\u4e00-\u9fff]{1,5}?的)?|"  # '另一个是我们质量部的 范丽娜', '…我们质检的曹丽'
                        r"带(?:着|上)?|还有|加上|以及|另外|跟|和|另一个|(?:^|(?<=[\s,，]))一个|"
                        r"(?:^|(?<=[\s,，]))(?:大宝|二宝|三宝|老大|老二|老三)|"  # '大宝高子墨 二宝高子琪'
                        r"(?:(?<=[\s、,，和跟])|^)[\u4e00-\u9fff]{1,4}(?:部|科|室|处|组|车间|班|队)的)\s*(?=[\u4e00-\u9fff])")  # '质量部的 方振'  # '还有 汪海 汪涛'
_BY_WHAT_THEY_DO = re.compile(rf"(?:带(?:着|上)?|还有|加上|以及|(?:另一|另外一)[个位](?:是|叫)?)(?:我们|咱们|俺们|我的|我家)?"
                              rf"(?:[\u4e00-\u9fff]{{1,5}}?的|{_ROLE})\s*(?=[\u4e00-\u9fff])")  # '还有我们质检的曹丽', '另一个是质检员曹丽'
_NICK_NAMED = re.compile(r"(?:^|(?<=[\s,，。]))(?P<nick>[\u4e00-\u9fff]{2,3}?)的?(?:叫|名字叫|名字是|大名|全名)\s*")  # '李婶叫 李桂英'
_NICK_IS = re.compile(r"(?:^|(?<=[\s,，。]))(?P<nick>[\u4e00-\u9fff]{2,3}?)(?:就|其实)?是\s*")  # '小陈是陈芳'


def _nick_is_name(text: str, m: re.Match[str]) -> bool:
    """'小陈是陈芳', '王姐就是王秀兰': a nickname said to be a full name with its surname (so one person, named)."""
    nick = m.group("nick")
    surname = _surname_at(nick, 1 if nick[0] in "小老" else 0)
    full = name_at(text, m.end(), cued=True)
    return bool(surname and _nick_at(text, m.start("nick")) == nick and full and full.startswith(surname) and full != nick)


_ROLE_CUE = re.compile(rf"{_ROLE}(?:的)?(?:吧|呀|啊)?\s*(?:叫|是|名字叫|名字是|姓名)\s*|(?:带(?:着|上)?|还有|加上|和|跟)(?:我们的|我们|我的|俺们|咱们)?的?{_ROLE}(?:吧|呀|啊)?\s*(?:叫|是)?\s*")  # '老板叫 龚振宇' (a sign-up only)
_WHO_NEAR = rf"(?:{_RELATIVE}|隔壁|对门|楼上|楼下)"
_COUNTED_CUE = re.compile(rf"(?:{_WHO_NEAR}的?{_RELATIVE}?[两俩仨三2-5](?:个人|个|位|名)?|[两俩仨三2-5](?:个|位|名){_RELATIVE})"
                          r"(?:一起|一块|一同)?(?:去|来|参加)?\s+(?=[\u4e00-\u9fff])")  # '跟我隔壁两个一起 王大山 李春生'
_ME_LISTED = re.compile(r"[两俩仨三2-5](?:个人|个|位|名|人)\s*[,，:：]?\s*(?:我|俺|本人)\s*[\s、,，]\s*(?=[\u4e00-\u9fff])")  # '我们三个人 我 宁涛 还有焦雪'
_PET = re.compile(r"([\u4e00-\u9fff])\1|[小阿][\u4e00-\u9fff](?![\u4e00-\u9fff])")  # '朵朵', '小雨' (no surname)


def _companion_at(text: str, pos: int, mode: str) -> str | None:
    """The companion named at ``pos``: after a relation word a full name or nickname ("full"), after a group
    word a nickname or title form ("nick"), after a bare '带/还有/和' only an unmistakable name ("strict"), after a
    head count a name that passes without a cue ("listed")."""
    if mode == "nick":
        return _nick_at(text, pos)
    if mode == "strict":  # not '还有小区的…'
        nick = _nick_at(text, pos)
        return name_at(text, pos) or (nick if nick and not text.startswith("的", pos + len(nick)) else None)
    if mode == "listed":  # after a head count: no cue word vouches for the words ('两个 都想去')
        return name_at(text, pos) or _nick_at(text, pos) or _pet_at(text, pos)
    return _person_at(text, pos, True) or _pet_at(text, pos)


def standalone_names(text: str) -> list[str]:
    """Full names standing alone between spaces or punctuation ('帮她也报上 吴婷婷', '还有 汪海 汪涛')."""
    tokens = re.split(r"[\s,，。、;；:：]+", normalize(text))
    return [t for t in tokens if 2 <= len(t) <= 4 and name_at(t, 0) == t]


def _pet_at(text: str, pos: int) -> str | None:
    """A pet name right after a relation word ('外孙女朵朵', '孙女小雨'), when it ends the phrase."""
    m = _PET.match(text, pos)
    ok = m and not re.match(_RELATIVE, m.group()) and _BOUNDARY.match(text[m.end():]) and m.group() not in ("小的", "小孩")
    return m.group() if m and ok else None


def _split_voice(text: str) -> str:
    """Voice input without punctuation: a space before a relation word that introduces a full name
    ('…电话13800410004大孙子尤俊杰小孙子尤俊豪' → '… 大孙子尤俊杰 小孙子尤俊豪')."""
    out, last = [], 0
    for m in re.finditer(rf"(?<=[\u4e00-\u9fff\d])(?:(?:大|小|二)?{_RELATIVE}|大的|小的|老大|老二)(?:叫|是)?", text):
        if name_at(text, m.end()):
            out += [text[last:m.start()], " "]
            last = m.start()
    return "".join(out) + text[last:]


_GLUED_COUNT = re.compile(r"(?<=[\u4e00-\u9fff])([两俩仨三四五2-5]\s*个人(?:一起|一块|一同)?)(?=[\u4e00-\u9fff\d]|$)")


def split_glued_count(text: str) -> str:
    """Voice input without punctuation: a head count glued to the words around it set apart
    ('…我妹张丽两个人一起电话是…' → '…我妹张丽 两个人一起 电话是…')."""
    return _GLUED_COUNT.sub(lambda m: f" {m.group(1)} ", text)


def extract_companions(text: str, *, loose: bool = True) -> list[str]:
    """Names of people coming along ('他叫李德全', '孩子叫黄子涵、黄子墨', '带我同事小陈和小刘'); ``loose`` also takes
    a relation word right before a name ('儿子 邹小飞', '同事欧阳明': in a sign-up; in a form that is a contact)."""
    t = _NEXT_INTRO.sub(" ", split_glued_count(normalize(text)))
    t = _split_voice(t) if loose else t
    out: list[str] = []
    cues = [(m, "full") for m in _COMPANION_CUE.finditer(t)] + [(m, "nick") for m in _NICK_CUE.finditer(t)]
    if loose:
        cues += [(m, "full") for m in [*_LOOSE_CUE.finditer(t), *_ROLE_CUE.finditer(t)]]
        cues += [(m, "full") for m in _NICK_NAMED.finditer(t) if _nick_at(t, m.start("nick")) == m.group("nick")]
        cues += [(m, "full") for m in _NICK_IS.finditer(t) if _nick_is_name(t, m)]
        cues += [(m, "strict") for m in [*_WITH_NAME.finditer(t), *_BY_WHAT_THEY_DO.finditer(t)]]
        cues += [(m, "listed") for m in [*_COUNTED_CUE.finditer(t), *_ME_LISTED.finditer(t)]]
    for m, mode in cues:
        if re.search(r"(?:我|俺|本人)(?:就)?是[\u4e00-\u9fff]{0,2}$", t[:m.start()]):  # '我是孩子爸爸 管军', '我是何奶奶 何凤兰': the user
            continue
        pos = m.end()
        while (name := _companion_at(t, pos, mode) or _full_of(t, pos, out)) is not None:
            if re.match(_RELATIVE, name) or _GOING.fullmatch(name):  # '和儿子', '和我老伴都去' name nobody ('张大妈' does)
                break
            if name not in out:
                out.append(name)
            sep = _NAME_SEP.match(t[pos + len(name):])
            glued = not sep and _nick_at(t, pos + len(name)) is not None  # '小王小张'
            if not sep and not glued:
                break
            pos += len(name) + (sep.end() if sep else 0)
    out = _joined_before(t, out)
    return [n for n in out if not re.search(re.escape(n) + r"的?\s*(?:叫|名字叫|名字是|大名|全名)", t)  # '李婶叫 李桂英'
            and not any(m.group("nick") == n and _nick_is_name(t, m) for m in _NICK_IS.finditer(t))
            and not _said_in_full(t, n, out)]


def _full_of(text: str, pos: int, found: list[str]) -> str | None:
    """The full name right after a nickname just found, with its surname ('出纳小蔡 蔡雨萌'): the same person in full."""
    nick = found[-1] if found else ""
    surname = _surname_at(nick, 1 if nick[:1] in "小老" else 0) if _nick_at(nick, 0) == nick else None
    full = name_at(text, pos, cued=True) if surname and text[pos - 1:pos] in (" ", ",", "，", "、") else None
    return full if full and full.startswith(surname or "-") and full != nick else None


def _said_in_full(text: str, nick: str, names: list[str]) -> bool:
    """A nickname followed by the full name of the same person ('对门的左大姐 左翠兰', '小陈 陈思远'): one person."""
    if _nick_at(nick, 0) != nick:
        return False
    surname = _surname_at(nick, 1 if nick[0] in "小老" else 0) or nick
    return any(full != nick and full.startswith(surname) and name_at(full, 0) == full
               and re.search(re.escape(nick) + r"[\s,，]*" + re.escape(full), text) for full in names)


def _joined_before(text: str, names: list[str]) -> list[str]:
    """The names with the one joined to the first of them ('小吴和小蔡', '方涛、王敏'): the member of a list said
    before the joining word comes along too, though no cue word stands before the list."""
    if not names or (m := re.search(rf"(\S{{2,3}})\s*(?:和|跟|与|及|、)\s*{re.escape(names[0])}", text)) is None:
        return names
    start = m.start(1)
    for at in (start, start + 1):  # '…也想去 小吴和小蔡', '同事小吴和小蔡'
        said = _nick_at(text, at) or name_at(text, at)
        if said and at + len(said) == m.end(1) and said not in names and not re.match(_RELATIVE, said):
            return [said, *names]
    return names


_FAMILY_N = re.compile(r"(?:一家|全家|我们家|家里)\s*(\S{1,2}?)\s*口")
_GROUP_N = re.compile(r"(?<!最多)(?<!最少)(?<!不超过)(?<!限)(?<!只能)(?:我们|咱们|俺们|一共|总共|共|一起|(?<![多少能限])报)"
                      r"(?:[^\s\d,，。]{0,4}?(?:去|来|报)|科室|部门|单位|公司|家|班组|组里|办公室|车间|厂里|[\u4e00-\u9fff]{1,2}部)?"
                      r"\s*(\S{1,2}?)\s*(?:个人|人|位|个(?=$|[\s,，。、]))")
_ALONE = re.compile(r"(就我一个|我一个人|就我自己|我自己去|本人一个|就一个人|就我$|只有我|自己去|一个人去|"
                    r"(?:先|就|只)报我(?:一个|自己|本人|(?=$|[\s,，。吧]))|报我一个)")  # '那他自己报吧 我先报我一个'
_MINE = r"(?:我们的|我的|我们家|咱们家|咱家|俺家|我家|我们|咱们|俺们|我|俺)"
_WHO = rf"(?:{_RELATIVE}|{_ROLE}|小宝|宝宝)"  # '还有我们家小宝' (not in _RELATIVE: '何小宝' is a name)
_NEAR = r"(?:(?:隔壁|对门|楼上|楼下|同村|村里|小区|院里)的?)"  # '我和隔壁两个老姐妹'
_WITH = re.compile(rf"(?:带|和|跟|加上|还有|陪|同|(?<=我)[\s、,])\s*(?:着|上)?\s*{_MINE}?\s*{_NEAR}?\s*(?:(\S{{1,2}}?)\s*(?:个|位|名)|(?=[俩仨])(\S))?\s*(?:(?<=带)[个位])?\s*"  # '带个学生': one
                   rf"({_WHO}(?:(?:、|和|跟|,|与|\s+|\s*还有\s*){_MINE}?{_WHO})*)")


_PAIRS = {"爸妈", "爸爸妈妈", "父母", "公婆", "二老"}


def _count_word(token: str) -> int | None:
    value = {"俩": 2, "仨": 3}.get(token) or to_number(token)
    return int(value) if value is not None and 0 < value < 50 and value == int(value) else None


_COUNTED = re.compile(rf"(?:^|(?<=[\s,，。]))(?:{_MINE})?([俩仨两三四1-4])\s*(?:个|位|名)?\s*{_WHO}")  # '俩细伢 …'


def _companion_count(text: str) -> int | None:
    """Companions counted or listed by relation ('带俩孙子', '我和老伴 还有我妹', '俩细伢 一个…')."""
    total = 0
    withs = list(_WITH.finditer(text))
    for m in _COUNTED.finditer(text):
        if not any(w.start() <= m.start() < w.end() for w in withs):
            total += _count_word(m.group(1)) or 0
    for m in withs:
        said = m.group(1) or m.group(2)
        n = _count_word(said) if said else None
        relatives = {r.removeprefix("我") for r in re.findall(_WHO, m.group(3))}  # "带我妈 我妈叫…" is one
        total += n if n is not None else len(relatives) + len(relatives & _PAIRS)  # '爸妈' is two
    return total or None


_DROPPED = re.compile(rf"{_RELATIVE}\s*(?:就|也)?\s*(?:算了|不去了?|不来了?|去不了|去不成)")


_BARE_N = re.compile(r"(?:^|(?<=[\s,，]))([两俩仨三四2-4])个人(?=$|[\s,，。]|报|去|来|一起|参加)")  # '我 还有财务龚丽 两个人'
_PAIR_N = re.compile(r"(?:(?:我们|咱们|俺们|我|咱|俺)(?:家)?(?:老|姐妹|兄弟|母女|父女|母子|父子|爷孙|奶孙|祖孙|婆媳|夫妻|娘|爷|姐|哥)?"
                     r"(俩|仨|两口子?|俩口子?)|(?:^|(?<=[\s,，。]))(?:姐妹|兄弟|母女|父女|母子|父子|爷孙|奶孙|祖孙|夫妻|娘|爷)(俩|仨)|(?:^|(?<=[\s,，。]))老?(两|俩)口子?(?=$|[\s,，。一都带去来报]))")


_NUM = r"([一二两三四五六七八九十俩仨1-9])"
_HEADS = re.compile(_NUM + r"\s*(?:个|位|名)?\s*(大人|成人|小孩儿?|孩子|儿童|老人|学生|小朋友)|" + _NUM + r"大" + _NUM + r"小")
_JOINED = re.compile(r"(?:带|和|跟|加上|还有|陪)(?:着|上)?\s*$")


def _heads_total(t: str) -> int | None:
    """Everyone counted by kind ('两个大人一个小孩' → 3, '两大一小' → 3, '三个大人' → 3); a count after '带/和'
    ('带两个孩子') counts companions instead and is left to ``_companion_count``."""
    found = list(_HEADS.finditer(t))
    if not found or _JOINED.search(t[:found[0].start()]):
        return None
    counts = [_count_word(g) for m in found for g in (m.group(1), m.group(3), m.group(4)) if g]
    adults = any(m.group(2) in ("大人", "成人") or m.group(3) for m in found)
    return sum(c or 0 for c in counts) if (len(counts) > 1 or adults) and all(counts) else None


def _collapse_possessive(t: str) -> str:
    """'老伴的妹妹' is one person ('妹妹'); a compound term that holds '的' ('孩子的爸爸') stays."""
    def keep(m: re.Match[str]) -> str:
        return m.group() if any(t.startswith(w, m.start()) for w in _COMPOUND) else ""

    return re.sub(rf"{_RELATIVE}的(?={_RELATIVE})", keep, t)


def _party_text(text: str) -> str:
    """A message prepared for counting: normalised, people said not to come dropped, possessives collapsed."""
    return _collapse_possessive(_DROPPED.sub("", split_glued_count(normalize(text))))


def _said_total(t: str) -> int | None:
    """A head count said outright ('一家三口', '我们公司去三个人', '共两个人', '我们老两口', '咱仨', '两个大人一个小孩')."""
    if (heads := _heads_total(t)) is not None:
        return heads
    for pattern in (_FAMILY_N, _GROUP_N, _PAIR_N, _BARE_N):
        m = pattern.search(t)
        said = m and next(g for g in m.groups() if g)
        if said and (n := _count_word(said[0])):
            return n
    return None


_BOUND = r"的?\s*(?:叫|是|名字叫|名字是|大名|全名)\s*"


def first_mention(text: str, name: str) -> int:
    """Where a person is first mentioned: the nickname a full name is bound to later ('同事小陈…小陈叫陈宇' → the
    position of the first '小陈'), else the name itself (-1 when absent)."""
    at = text.find(name)
    for m in re.finditer(r"([\u4e00-\u9fff]{2,4}?)" + _BOUND + re.escape(name), text):
        nick = next((n for start in range(m.start(1), m.end(1) - 1)
                     if (n := _nick_at(text, start)) and start + len(n) == m.end(1)), None)
        if nick and _surname_at(nick, 1 if nick[0] in "小老" else 0) == _surname_at(name, 0):
            return min(at, text.find(nick))
    return at


def _relations(t: str, names: list[str]) -> set[str]:
    """The names said right after a relation word ('我妈叫 覃玉英', '儿子 邹小飞'), i.e. already counted by it."""
    out = set()
    for name in names:
        at = first_mention(t, name)
        before = t[max(0, at - 8):at]
        for other in names:  # only the words since the name before it
            before = before.split(other)[-1] if other != name else before
        if re.search(rf"{_RELATIVE}|{_ROLE}|他|她", before):
            out.add(name)
    return out


def extract_party_size(text: str) -> int | None:
    """Number of attendees including the user ('一家四口' → 4, '我和两个孩子' → 3, '带我孙子一起' → 2);
    people said not to come ('老伴就算了') are not counted."""
    t = _party_text(text)
    companions = _companion_count(t)
    names = extract_companions(t)
    said = _said_total(t)
    if companions is not None or names:
        counted = any(m.group(1) or m.group(2) for m in _WITH.finditer(t)) or _COUNTED.search(t)
        unattributed = 0 if counted else len([n for n in names if n not in _relations(t, names)])  # '…还有隔壁的李婶'
        return max(1 + max(companions or 0, len(names), (companions or 0) + unattributed), said or 0)
    if said:
        return said
    return 1 if _ALONE.search(t) else None


def stated_party_size(text: str) -> int | None:
    """A head count said with a number ('一家三口', '我们仨', '带俩孙子', '一共四个人'), not one counted from the
    relations named ('我和老伴' → None): a number sets a party, relations and names only fill it."""
    t = _party_text(text)
    counted = [m for m in _WITH.finditer(t) if m.group(1) or m.group(2)] + list(_COUNTED.finditer(t))
    said = _said_total(t)
    if not counted and said is None:
        return None
    return max(said or 0, 1 + (_companion_count(t) or 0) if counted else 0, 1 + len(extract_companions(t)))
