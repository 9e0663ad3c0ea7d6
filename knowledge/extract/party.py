"""Who comes along, as a party that messages change: '老伴不去了', '再加一个人 我姐 叫滕玉兰', '安安发烧了去不成',
'就我自己', '我妈名字打错了 是莫玉英'. One mechanism for a sign-up being filled in and for a stored registration.

A party is the person signing up plus companions; a companion may be known by name, by the relation it was
introduced with ('老伴叫吕长福' → 吕长福: 老伴), or only counted ('带俩孙子' without names). People are referred to
by full name, by given name ('安安' for 奚安安), or by relation; '我'/'我们' alone means the whole sign-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from knowledge.keywords import dictionary_entry
from knowledge.lexical import word_bounds

from ._text import normalize
from .names import _ALONE as ALONE
from .names import (
    _RELATIVE,
    _ROLE,
    _nick_at,
    extract_companions,
    extract_party_size,
    extract_person_name,
    first_mention,
    name_at,
    standalone_names,
    stated_party_size,
)

NOT_GOING = re.compile(r"(?:不去|去不了|去不成|不克|克不了|克不成|来不了|来不成|参加不了|不参加|不来|没空去?|冇得空|没得空|冇空|有课|走不开|脱不开身|"
                       r"不凑热闹|就算了|算了)(?:了|啦|咯|喽)?")
DROP = re.compile(r"把(?P<who>.{1,6}?)(?:的名字?|的报名)?(?:退|取消|去掉|删|划掉)")  # '帮我把他退了'
ADD = re.compile(r"(?:再加|(?<![最至])多加|加上|再带|(?<![最至])多带|还要加|帮我加|给我加|换成|换个|(?:再|多)?添(?=[一两个位名上])|"
                 r"(?<![最至])多报|再报|换(?=(?:我|俺|咱)?(?:的|家)?" + _RELATIVE + r"))上?\s*"  # '换我妹妹曾宪芳去'
                 r"(?P<n>[俩仨]|[一两二三四1234](?=\s*(?:个|位|名|人))|)\s*(?:个|位|名)?")  # not '换成二宝'
SWAP_ON = re.compile(r"换成|换为|换个人|换人|换(?=(?:我|俺|咱)?(?:的|家)?" + _RELATIVE + ")")  # '…回娘家 换我兄弟柴二军跟我去'  # '小吴那天要出差 换成小郑跟我去': the one named before is swapped
SWAPPED = re.compile(r"(?P<who>[^\s,，。]{1,6}?)(?:换成|换为|改成)(?=\s*(?:我|俺|咱)?(?:的|家)?[^\s,，。]{1,6}?(?:去|来|参加|叫|$|[\s,，]))")
ALSO = re.compile(r"也[^\s,，。不没]{0,3}?(?:去|来|克|参加|听|学|报上|报个名|报名)(?!不)")  # '也想去', '也说要去', '也想学'
RESTATED = re.compile(r"(?:就|只有|只|(?:^|(?<=[\s,，。]))那就?)\s*(?:我|俺|咱)(?:们)?(?:和|跟|带着?|加上)(?P<rest>.{1,12})")  # '就我和孙子去', '只能两个啊 那我和我们总工去'
ONLY_WITH = re.compile(r"(?:(?:只|就只|光|单)(?:带|领)(?:着|上)?\s*(?P<rest>.{1,14})|"
                       r"就带(?:着|上)?\s*(?P<going>[^，,。]{1,12}?)(?:一个人|一起)?(?:去|来|参加|就行|就好|$|[，,。]))")  # '只带小的去', '就带大的去
BACK = re.compile(r"[他她]")  # '她也去 她叫 邓雅琴': the one said before
_CORRECTION = re.compile(r"(打错|写错|错了|不对|应该是|应该叫|改成|改为|更正)")
_SELF_ONLY = re.compile(r"^(?:我|我们|俺|俺们|咱|咱们|我俩|我们俩|俺俩|咱俩|我们都|都|大家|全家|一家人)?(?:都|也|俩人都|两个都|全)?$")
_PLURAL = re.compile(r"们|都|俩|两个|仨|三个")
_CLAUSE = re.compile(r"[\s,，。.;；!！?？]+")
_BORN = r"大宝|二宝|三宝"  # children called by birth order: a companion word like '儿子'
_ORDER = r"大的|小的|老大|老二|老三|" + _BORN  # children told apart by birth order, each a person of the party
_KIDS = frozenset({"孩子", "小孩", "娃", "儿子", "女儿", "闺女", *_ORDER.split("|")})
_PERSON = f"{_RELATIVE}|{_ORDER}"  # a word that stands for one person who may come along
_COUNTS = {"一": 1, "两": 2, "俩": 2, "二": 2, "三": 3, "仨": 3, "四": 4, "五": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_N = r"([一两二三四五俩仨1-5])"
SET_SIZE = re.compile(r"(?:改成|改为|变成|换成|改|就|只|只有|只去)\s*" + _N + r"\s*(?:个人|个|人|位)(?!月|小时)")
LESS = re.compile(r"(?:少|减|去掉|减掉|减少)\s*(?:了)?\s*" + _N + r"?\s*(?:个|位|名)(?:人)?")


@dataclass(frozen=True)
class Party:
    """``size`` people in all (the person signing up included); named companions and the relation each came with."""

    size: int = 1
    companions: tuple[str, ...] = ()
    relations: dict[str, str] = field(default_factory=dict)

    def without(self, gone: list[str], unnamed: int = 0) -> Party:
        """The party without the named people ``gone`` and ``unnamed`` counted-only companions."""
        kept = tuple(n for n in self.companions if n not in gone)
        return replace(self, size=max(1, self.size - len(gone) - unnamed), companions=kept,
                       relations={n: r for n, r in self.relations.items() if n in kept})


def relations_of(text: str) -> dict[str, str]:
    """The relation each companion was introduced with ('老伴叫 蒋德胜 妹妹叫 谭秀兰' → 蒋德胜: 老伴, 谭秀兰: 妹妹)."""
    t = normalize(text)
    out: dict[str, str] = {}
    names = extract_companions(t)
    for name in names:
        at = first_mention(t, name)  # '同事小陈…小陈叫陈宇': 陈宇 came as 同事
        before = t[max(0, at - 8):at]
        for other in names:  # '张大妈 和 刘大爷': 刘大爷 is no 妈
            before = before.replace(other, " ")
        found = re.findall(_PERSON, before)
        if found:
            out[name] = found[-1]
    return out


def _refers(word: str, relation: str) -> bool:
    """Whether a relation word said now ('妹妹', '老头子') is the one a companion came with ('妹', '老伴')."""
    same = {"老头子", "老头", "老伴", "老太太", "老太婆", "那口子", "爱人", "老公", "老婆", "媳妇", "丈夫", "妻子", "另一半"}
    return word in relation or relation in word or {word, relation} <= same or (word in ("孩子", "小孩", "娃") and relation in _KIDS)


def _mentioned(party: Party, clause: str) -> tuple[list[str], int, bool]:
    """Who a clause refers to: named companions, counted-only ones, and whether anyone else was referred to."""
    named = [n for n in party.companions if n in clause or (len(n) >= 3 and n[-2:] in clause)] + _by_nickname(party, clause)
    words = [w for w in re.findall(_PERSON + r"|他|她", clause) if w not in ("他", "她") or not named]
    for word in words:
        hits = [n for n, r in party.relations.items() if _refers(word, r)]
        if word in ("他", "她") and len(party.companions) == 1:
            hits = list(party.companions)
        named += [n for n in (hits if _PLURAL.search(clause) else hits[:1]) if n not in named]
    unnamed = party.size - 1 - len(party.companions)
    extra = max(0, min(unnamed, len(words) - len(named), 2 if _PLURAL.search(clause) else 1)) if words else 0
    return named, extra, bool(words)


def _by_nickname(party: Party, clause: str) -> list[str]:
    """Companions called by surname with 小/老 ('小吴' for 吴涛) when the surname is theirs alone in the party."""
    out = []
    for m in re.finditer(r"[小老](?P<s>[\u4e00-\u9fff])", clause):
        same = [n for n in party.companions if n[0] == m.group("s") and not n.startswith(("小", "老"))]
        out += same if len(same) == 1 and same[0] not in out else []
    return out


def _antecedent(party: Party, before: str) -> list[str]:
    """The companion a '他'/'她' points back to: the last one named or referred to earlier in the message
    ('我老伴说他那天要复查，他不去了' → the one who came as 老伴)."""
    for clause in reversed([c for c in _CLAUSE.split(before) if c]):
        named, _, _ = _mentioned(party, BACK.sub("", clause))
        if named:
            return named[-1:]
    return []


def _subject(party: Party, said: str) -> str:
    """The words before a 'not going' that say who: the last clause naming someone ('小张临时有事 来不了了' → 小张临时有事)."""
    parts = [c for c in _CLAUSE.split(said) if c]
    person = re.compile(_PERSON + r"|他|她|我|俺|咱"
                        + "".join(f"|{re.escape(n[-2:])}|[小老]{re.escape(n[0])}" for n in party.companions))
    return next((c for c in reversed(parts) if person.search(c)), parts[-1] if parts else "")


def _dropped(party: Party, text: str) -> Party | None:
    """'老伴不去了', '安安发烧了去不成 乐乐跟我去', '把他退了': the party without them; None when nobody else is named."""
    gone: list[str] = []
    unnamed, anyone, last = 0, False, 0
    swaps = [m for m in SWAPPED.finditer(text) if _mentioned(party, m.group("who"))[0]]  # '老伴换成我儿子去'
    swaps += _swapped_on(party, text, swaps)
    for m in sorted([*DROP.finditer(text), *NOT_GOING.finditer(text), *swaps], key=lambda m: m.start()):
        said = m.group("who") if "who" in m.re.groupindex else _subject(party, text[last:m.start()])
        last = m.end()
        if _SELF_ONLY.match(said.strip()) or _outsider(party, said):
            continue
        named, extra, referred = _mentioned(party, said)
        if not named and BACK.search(said):  # '小吴要出差，把他去掉'
            named = _antecedent(party, text[:m.start()])
            extra = 0 if named else extra
        gone += [n for n in named if n not in gone]
        unnamed, anyone = unnamed + extra, anyone or referred or bool(named)
    if not (gone or unnamed) and anyone and party.size > 1:  # someone else, not told apart: the last companion
        gone = list(party.companions[-1:])
        unnamed = 0 if gone else 1
    return party.without(gone, unnamed) if gone or unnamed else None


def _outsider(party: Party, said: str) -> bool:
    """'他爸爸就不去了' when every companion came with a relation and none is that one: someone outside the party
    (the one just refused or talked about) is said not to come, so nobody in it is dropped."""
    if not party.companions or any(n not in party.relations for n in party.companions) or _mentioned(party, said)[0]:
        return False
    words = [w for w in re.findall(_RELATIVE, said) if w not in ("他", "她")]
    return bool(words) and not any(_refers(w, r) for w in words for r in party.relations.values())


def _swapped_on(party: Party, text: str, swaps: list[re.Match[str]]) -> list[re.Match[str]]:
    """'小吴那天要出差 换成小郑跟我去': a swap word after a clause that names a companion, with no reason the
    bot knows for not going (the companion named before is the one swapped out)."""
    if NOT_GOING.search(text) or DROP.search(text):
        return []
    taken = {m.end() for m in swaps}
    return [m for m in SWAP_ON.finditer(text) if m.end() not in taken and not _SELF_ONLY.match(_subject(party, text[:m.start()]))
            and _mentioned(party, _subject(party, text[:m.start()]))[0]]


def _added(party: Party, text: str) -> Party | None:
    """'再加一个人 我姐 叫滕玉兰', '我闺女也想去 叫郝静': the party with them."""
    add, also = ADD.search(text), ALSO.search(text)
    if add and add.group().startswith("换") and (SET_SIZE.search(text) or _FIELD_BEFORE.search(text[:add.start()])):
        add = None  # '换成两个人' sets the size; '电话换成…' changes no one
    if not (add or also) or NOT_GOING.search(text):
        return None
    own = extract_person_name(text)  # '郑秀云 13800093030 我闺女也想去 叫郑静': the contact is no companion
    named_after = _named_after(text, (add or also).end())  # type: ignore[union-attr]  # '换成郭强', '我孙女也去，叫范小雨'
    described = [n for n in described_companions(text) if _nick_at(n, 0) != n]  # not '对门的左大姐' beside '左翠兰'
    found = [n for n in extract_companions(text) + standalone_names(text) + described if n != own]
    found += named_after
    new = _one_each([n for n in found if n not in party.companions])
    said = _COUNTS.get(add.group("n"), 1) if add and add.group("n") else 1
    count = max(said, len(new))
    open_places = party.size - 1 - len(party.companions)
    held = [c for c in party.companions if party.relations.get(c) == c]  # known by relation only ('同事也想去')
    if not add and BACK.search(text) and held and new:  # '她也去 她叫邓雅琴': the one said before, now named
        swapped = dict(zip(held, new, strict=False))
        party = replace(party, companions=tuple(swapped.get(c, c) for c in party.companions))
        new, count = new[len(swapped):], max(0, len(new) - len(swapped))
    elif not add and open_places > 0 and BACK.search(text):  # the one said to come earlier, now named
        count = max(0, len(new) - open_places)
    known = party.companions + tuple(new)
    rels = _newly_called(text, party, known, count - len(new))  # '孩子他爸也想一起去，能加上吗'
    return Party(party.size + count, known + tuple(rels), {**party.relations, **relations_of(text), **{r: r for r in rels}})


_FIELD_BEFORE = re.compile(r"(?:电话|手机|号码|名字|姓名|时间|场次|活动|讲座|培训|地址|单位)\s*$")
_NAMED_AS = re.compile(rf"人?\s*[,，]?\s*(?:(?:我家|我的|我|俺家|俺)?(?:{_PERSON})(?:的)?)?\s*(?:叫|是|名字叫|名字是|姓名)?\s*")  # '换成二宝张一可'


def _named_after(text: str, pos: int) -> list[str]:
    """The name right after an 'add' ('换成郭强', '加一个人 叫童丽萍'), or given a few words on ('换成我儿子去，叫赵亮'):
    a companion even when cued like a contact."""
    start = (gap.end() if (gap := _NAMED_AS.match(text, pos)) else pos)
    name = name_at(text, start, cued=True) or _nickname_going(text, start)
    later = None if name else re.compile(r"(?:叫|名字叫|名字是|大名)\s*").search(text, pos, pos + 14)
    name = name or (name_at(text, later.end(), cued=True) if later else None)
    return [name] if name else []


_GOING_ON = re.compile(r"陪|去|来|一起|一块|参加")


def _nickname_going(text: str, pos: int) -> str | None:
    """A nickname at ``pos`` ('换成小郑', '换成小何陪我去'): it may run straight into the going words."""
    for end in range(min(len(text), pos + 3), pos, -1):
        nick = _nick_at(text[:end], pos)
        after = pos + len(nick or "")
        if nick and not text.startswith("的", after) and (after == len(text) or _GOING_ON.match(text, after)
                                                          or _nick_at(text, pos) == nick):
            return nick
    return None


def _one_each(names: list[str]) -> list[str]:
    """Names of different people: a nickname ('小吴') gives way to a full name with its surname ('吴婷婷')."""
    full = [n for n in names if not n.startswith(("小", "老"))]
    return [n for n in dict.fromkeys(names) if n in full or not any(f.startswith(n[1:]) for f in full)]


def _renamed(party: Party, text: str) -> Party | None:
    """'我妈名字打错了 是莫玉英', '不是覃玉英 是莫玉英': a companion's name corrected."""
    if not _CORRECTION.search(text) and "不是" not in text:
        return None
    old = [n for n in party.companions if n in text]
    words = re.findall(_RELATIVE, text)
    old = old or [n for w in words for n, r in party.relations.items() if _refers(w, r)][:1]
    new = [n for n in _names_in(text) if n not in party.companions]
    old = old or [n for n in party.companions if any(_near(n, x) for x in new)][:1]  # '是刘欣怡' for 刘心怡
    if not old or not new:
        return None
    right = next((x for x in new if _near(old[0], x)), new[-1])  # not '欣赏' of '欣赏的欣'
    companions = tuple(right if n == old[0] else n for n in party.companions)
    relations = {(right if n == old[0] else n): r for n, r in party.relations.items()}
    return replace(party, companions=companions, relations=relations)


def says_correction(text: str) -> bool:
    """'我老婆名字打错了', '不是万小红 是万晓红': the message corrects something said before."""
    t = normalize(text)
    return bool(_CORRECTION.search(t) or re.search(r"不是\s*\S{1,4}\s*[,，]?\s*(?:是|叫)", t))


def corrected_name(old: str, text: str, *, whose_said: bool) -> str | None:
    """The right name a correction gives for ``old`` ('不是骆亭 是骆婷', '名字打错了 是骆婷 女字旁的婷'): a full name
    one character off it, or the only name said when the message says whose name it is (``whose_said``)."""
    t = normalize(text)
    if not says_correction(t):
        return None
    new = [n for n in _names_in(t) if n != old]
    near = [n for n in new if _near(old, n)]
    return near[0] if near else (new[0] if whose_said and len(new) == 1 else None)


def _near(a: str, b: str) -> bool:
    """Two full names that differ in one given-name character only (a name misheard or mistyped)."""
    return len(a) == len(b) >= 2 and a[0] == b[0] and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _names_in(text: str) -> list[str]:
    """Full names anywhere in a short correction ('是莫玉英')."""
    t = normalize(text)
    out = []
    for m in re.finditer(r"(?:是|叫|成|为|[\s,，])\s*", t):
        name = name_at(t, m.end(), cued=True)
        if name and name not in out:
            out.append(name)
    return out


def _resized(party: Party, text: str) -> Party | None:
    """'改成两个人', '就两个人', '少一个': the party at its new head count; the people left out are the counted-only
    companions first, then the last named ones (a message that names people is left to ``fill_party``)."""
    if extract_companions(text):
        return None
    if m := SET_SIZE.search(text):
        size = _COUNTS[m.group(1)]
    elif m := LESS.search(text):
        size = party.size - _COUNTS.get(m.group(1) or "一", 1)
    else:
        return None
    size = max(1, size)
    if size == party.size:
        return None
    kept = party.companions[: size - 1]
    return Party(size, kept, {n: r for n, r in party.relations.items() if n in kept})


WRITE_RELATION = re.compile(rf"(?:写|填|记|就写|就填)(?:成|作|为|个)?\s*[“\"'‘]?(?:我家|我的|我)?(?P<rel>{_RELATIVE})[”\"'’]?"
                            rf"(?:两个字|二字)?(?:就行|就好|就可以|即可|吧|$)")


def named_by_relation(party: Party, text: str) -> Party | None:
    """'名字就不说了，写老伴就行': a companion counted but not named is written down by the relation said."""
    m = WRITE_RELATION.search(normalize(text))
    if not m or party.size - 1 - len(party.companions) <= 0 or m.group("rel") in party.companions:
        return None
    rel = m.group("rel")
    return replace(party, companions=(*party.companions, rel), relations={**party.relations, rel: rel})


def written_by_relation(party: Party, text: str) -> bool:
    """'写老伴就行' about a companion already known by that relation (nothing to change, but an answer)."""
    m = WRITE_RELATION.search(normalize(text))
    return bool(m and m.group("rel") in party.companions)


def edit_party(party: Party, text: str) -> Party | None:
    """The party after a message that changes it (only me, someone dropped, added or renamed), or None when the
    message does not change who comes along (a message about the user alone — '我不去了' — is no party change)."""
    t = normalize(text)
    if ALONE.search(t):
        return Party()
    if (after := _renamed(party, t)) is not None:
        return after
    if (after := _kept_only(party, t)) is not None:  # '老大去不了 只带老二': said outright, whoever was dropped
        return after
    if (after := _dropped(party, t)) is not None:  # '儿子那天有课 我换个人 带我侄子去 叫 孔乐言': out, then in
        return _added(after, t[_last_not_going(t):]) or after
    for change in (_restated, _added, _resized, named_by_relation):
        if (after := change(party, t)) is not None:
            return after
    return None


def _kept_only(party: Party, text: str) -> Party | None:
    """'只带严二去', '就带大的': only the companions named after 'only take' stay (None when none of them is named)."""
    m = ONLY_WITH.search(text)
    if not m or not party.companions or (m.group("going") and re.search(r"[吗么？?]\s*$", text)):  # '…带X的身份证去吗'
        return None
    named, _, _ = _mentioned(party, m.group("rest") or m.group("going"))
    if not named or len(named) == len(party.companions):
        return None
    kept = tuple(n for n in party.companions if n in named)
    return Party(1 + len(kept), kept, {n: r for n, r in party.relations.items() if n in kept})


def _last_not_going(text: str) -> int:
    """Where the words after the last 'not going' start (a swap's '换成…' belongs to the words after)."""
    ends = [m.end() for m in [*NOT_GOING.finditer(text), *DROP.finditer(text)]]
    ends += [m.end("who") for m in SWAPPED.finditer(text)] + [m.start() for m in SWAP_ON.finditer(text)]
    return max(ends, default=0)


_HEADS_GOING = re.compile(r"(?:([俩仨])|([两三四2-4])\s*(?:个人|个|位|人))\s*(?=(?:一起|一块)?(?:去|来|参加)|$|[\s,，。])")  # '…两个去'


def _restated(party: Party, text: str) -> Party | None:
    """'就我和孙子去', '只有我跟老伴', '那我跟我老公 再加大宝': the party said again in full; the companions it mentions
    are kept, and the people it names or calls by a relation word for the first time come in. A head count said
    with it wins: relation words beyond it describe one person ('我和娃儿奶奶两个去' → 奶奶)."""
    m = RESTATED.search(text)
    if not m:
        return None
    rest = m.group("rest")
    named, extra, _ = _mentioned(party, rest)
    newcomers = [n for n in _leading_names(rest) if n not in party.companions]  # '就我跟蒋涛俩人'
    kept = tuple(n for n in party.companions if n in named) + tuple(newcomers)
    called = _newly_called(rest, party, kept, 3)  # '我们总工'
    if not kept and not extra and not called:
        return None
    count = _HEADS_GOING.search(rest)
    said = _COUNTS[count.group(1) or count.group(2)] if count else stated_party_size(text[m.start():])  # '我和娃儿奶奶两个去', '我和两个孩子'
    size = said or 1 + len(kept) + len(called) + max(0, extra - len(called))
    if count and len(kept) + len(called) > size - 1:
        called = called[len(kept) + len(called) - (size - 1):]  # the head word of '娃儿奶奶' is the person
    kept = (kept + tuple(called))[:size - 1]
    relations = {**{n: r for n, r in party.relations.items() if n in kept}, **{r: r for r in called if r in kept}}
    restated = Party(size, kept, relations)
    return fill_party(restated, text) if extract_companions(text) else restated  # '那我带我闺女 她叫邱晓燕'


def _leading_names(text: str) -> list[str]:
    """Full names at the start of a restated party ('蒋涛俩人', '王芳和李静去')."""
    out: list[str] = []
    pos = 0
    while (name := name_at(text, pos)) is not None and not re.match(_RELATIVE, name):  # '孙子' is no name
        out.append(name)
        sep = re.match(r"\s*(?:和|跟|与|、|,|，)\s*", text[pos + len(name):])
        if not sep:
            break
        pos += len(name) + sep.end()
    return out


_DESCRIBED = re.compile(rf"(?:{_PERSON})(?:叫|是)?\s*(?P<name>[\u4e00-\u9fff]{{2,3}}?)"
                        r"(?=(?:上|读|在读)?(?:初[一二三]|高[一二三]|[一二三四五六]年级|[大中小]班|\d{1,2}岁|[一二三四五六七八九十]{1,3}岁|"
                        r"小学|初中|高中|幼儿园))")  # '大的刘子轩初二', '小的刘子涵五年级': a name with a grade or an age
_NEIGHBOUR = re.compile(r"(?:隔壁|邻居|对门|楼上|楼下|同村|村里|邻村|一个村)(?:的)?(?:老)?\s*")  # '隔壁的王大海'
_SELF_BEFORE = re.compile(r"(?:我|俺|本人)(?:就)?是[^\s,，。；;！!？?]{0,10}$|[给帮替]\s*(?:我家|我的|我|俺家|俺)?$")


def described_companions(text: str) -> list[str]:
    """Companions named with a description rather than a cue: a child with a grade or age ('大的刘子轩初二'),
    a neighbour ('还有隔壁的王大海')."""
    t = normalize(text)
    found = [m.group("name") for m in _DESCRIBED.finditer(t) if name_at(m.group("name") + " ", 0, cued=True) == m.group("name")]
    found += [n for m in _NEIGHBOUR.finditer(t) if (n := name_at(t, m.end(), cued=True))]
    return list(dict.fromkeys(found + _listed_before_me(t)))


_AND_ME = re.compile(r"(?:还有|和|跟|加上|以及|、)\s*(?:我|俺)(?:自己)?(?=$|[\s,，。]|[两俩仨三]|一起|一块)")
_LIST_SEP = re.compile(r"[\s、,，和跟]+")


def _listed_before_me(text: str) -> list[str]:
    """'楼下的张玉梅 田桂英 还有我 三个人': the full names listed right before 'and me' (each may carry a neighbour
    word) are companions."""
    m = _AND_ME.search(text)
    if m is None:
        return []
    out: list[str] = []
    for token in reversed([x for x in _LIST_SEP.split(text[:m.start()]) if x]):
        bare = _NEIGHBOUR.sub("", token) if _NEIGHBOUR.match(token) else token
        if name_at(bare, 0) != bare:
            break
        out.insert(0, bare)
    return out


def _newly_called(text: str, party: Party, named: tuple[str, ...], places: int) -> list[str]:
    """Up to ``places`` companions the text calls by a relation word that none of the party came with."""
    return [r for r in relation_companions(text, named, places)
            if not any(_refers(r, party.relations.get(c, "+")) for c in party.companions)]


def relation_companions(text: str, named: tuple[str, ...], places: int) -> list[str]:
    """Up to ``places`` companions known only by the relation they were mentioned with ('老伴也是，我们两个人一起去'
    → 老伴, '俺跟俺媳妇' → 媳妇, '孩子他爸也想一起去' → 孩子他爸); not a relation that introduces a name said next,
    nor the user ('我是孩子他妈')."""
    t = normalize(text)
    out: list[str] = []
    for m in re.finditer(rf"{_RELATIVE}|{_ROLE}|{_BORN}", t):
        after = t[m.end():m.end() + 6]
        if places <= len(out) or _SELF_BEFORE.search(t[:m.start()]) or _kin_word(m.group()) in out:
            continue
        if any(re.match(r"(?:的)?\s*(?:叫|是|名字叫|名字是)?\s*" + re.escape(n), after) for n in named):
            continue  # '老伴叫李德全': the relation introduces the name
        if re.match(r"(?:的)?\s*(?:叫|是|名字)", after) or re.match(r"[的们]", after):  # '儿子的同学', a name to come
            continue
        out.append(_kin_word(_whole_word(t, m.start(), m.end())))
    return out


def _whole_word(text: str, start: int, end: int) -> str:
    """The relation said at ``start:end``, or the longer dictionary noun it is cut from ('和我姑爷' → 姑爷, not 姑)."""
    bounds = word_bounds(text)
    if start not in bounds or end in bounds:
        return text[start:end]
    stop = next(b for b in bounds if b > end)
    word = text[start:stop]
    return word if len(word) <= 3 and dictionary_entry(word)[1].startswith("n") else text[start:end]


def _kin_word(relation: str) -> str:
    """A relation as a companion's label: without the possessive ('我爸' → 爸爸), a lone kin character doubled
    ('带上我爸妈' → 爸爸, 妈妈)."""
    word = re.sub(r"^(?:我们?家?|俺们?家?|咱家?)(?=.)", "", relation)
    return word * 2 if word in ("爸", "妈", "哥", "姐", "弟", "妹") else word


def fill_party(party: Party, text: str) -> Party:
    """The party after a message that describes it: a number said sets it ('一家三口'); relations and names
    fill it ('老伴叫蒋德胜' adds a name, never shrinks the party); '就我自己' leaves one."""
    t = normalize(text)
    if ALONE.search(t):
        return Party()
    names = extract_companions(t)
    names += [n for n in described_companions(t) if n not in names and n not in party.companions]
    relations = {**party.relations, **relations_of(t)}
    if (said := stated_party_size(t)) is not None:
        companions = tuple(names) or party.companions[: max(0, said - 1)]
        companions += tuple(rels := relation_companions(t, companions, said - 1 - len(companions)))
        relations.update({r: r for r in rels})
        return Party(max(said, 1 + len(companions)), companions, {n: r for n, r in relations.items() if n in companions})
    companions = _with_names(party, names, relations, t)
    size = max(party.size, extract_party_size(t) or 1, 1 + len(companions))
    companions += tuple(rels := relation_companions(t, companions, size - 1 - len(companions)))
    relations.update({r: r for r in rels})
    kept = {n: r for n, r in relations.items() if n in companions}
    return Party(size, companions, kept)


def _with_names(party: Party, names: list[str], relations: dict[str, str], text: str = "") -> tuple[str, ...]:
    """The companions with newly named people: each fills an unnamed place, or renames the companion introduced
    with the same relation when no place is left ('孩子叫苗苗' then '孩子大名苗一诺': the same child), or the one
    known by a nickname the name is given for ('李婶叫 李桂英')."""
    companions = list(party.companions)
    for name in (n for n in names if n not in companions):
        held = [c for c in companions if party.relations.get(c) == c]  # known by relation only: a name takes its place
        if held:
            same = [c for c in held if _refers(relations.get(name, "-"), c)]
            companions[companions.index((same or held)[0])] = name
            continue
        nick = [c for c in companions if re.search(re.escape(c) + r"的?\s*(?:叫|是|名字叫|名字是|大名|全名)\s*" + re.escape(name), text)]
        nick = nick or [c for c in companions if c[0] in "小老" and len(c) == 2 and c[1] == name[0]][:1]  # 小陈 → 陈思远
        again = nick or [c for c in companions if _refers(relations.get(name, "-"), party.relations.get(c, "+"))]
        if again and (nick or party.size - 1 - len(companions) <= 0):
            companions[companions.index(again[0])] = name
        else:
            companions.append(name)
    return tuple(companions)


def others_not_going(text: str) -> bool:
    """'孩子上学去不了': someone other than the user is said not to come (so the message is no cancellation)."""
    t = normalize(text)
    return _dropped(Party(size=3), t) is not None


_SELF_GOES = re.compile(r"(?<![他她])(?:我|俺|咱)(?:一个人|一个|自己|还是|照样|照常|就|仍然|还)*(?:去|来|参加|克)(?!不|过|没|取消|退)")


_RELUCTANT = re.compile(r"\s*(?:也|就|都|还)?\s*(?:懒得|不想|不愿|不愿意|没意思|没必要|没劲|不好意思)")  # '我一个人也懒得跑'


def self_still_goes(text: str) -> bool:
    """'都不去了 我一个人去听', '孩子们都去不了 我自己来': the user says they still go (so others dropping out is
    no cancellation of the whole sign-up)."""
    t = normalize(text)
    alone = ALONE.search(t)
    going = alone and not NOT_GOING.match(t, alone.end()) and not _RELUCTANT.match(t, alone.end())
    return bool(going) or bool(_SELF_GOES.search(t))


_SELF_NOT_GOING = re.compile(r"(?:我|俺|咱)(?:们)?(?:也|就|都|自己)?(?:不去|去不了|去不成|不参加|参加不了|来不了|不来)")


def others_only_not_going(text: str) -> bool:
    """'他爸爸就不去了 就我们三个': the 'not going' words are about others only, never the user (so they end
    no sign-up)."""
    t = normalize(text)
    return others_not_going(t) and not _SELF_NOT_GOING.search(t)


_GOES = re.compile(rf"(?P<kin>{_RELATIVE})(?:要|想|准备|打算|一个人)?(?:去|参加|来听|听讲|听|报名?)(?!不|过|没|说|了|的)")
_SUBJECT_BEFORE = re.compile(r"(?:不是我|是|就|让|只有|只|那就|换)*(?:我家|我的|我|俺家|俺)?$")  # '是我妈去', '让我爸去'
_CLAUSE_START = re.compile(r"[\s,，。；;！!？?]")


def goes_instead(text: str) -> bool:
    """'是我妈去', '我爸想去听', '不是我 我妈去': a relative, not the user, is the one going."""
    t = normalize(text)
    return any(_SUBJECT_BEFORE.fullmatch(_CLAUSE_START.split(t[:m.start()])[-1]) for m in _GOES.finditer(t))
