"""Word classes as intent features: judgement (positive/negative, negation-aware), faults, technical terms, who
speaks and which way a result goes, records and their standing, events, reminders, leave-taking, asking for a person,
cancelling, personal data kept, other places' policies.

Character n-grams tie "太及时了" to complaints ("太慢了") by its frame; the class of the judged word says it is
praise. A part or material with a fault ("注塑件缩水", "油泵漏油") is a production problem however short. Who speaks
(an enterprise, a research side) and which way a result goes (sought, offered) separate a demand from an achievement;
a submitted record with a status word is my_records, with a match word a match question.
The classes come from data files (``data/intents/lexicon.txt``, the domain thesaurus, the industry terms), so a word
added there reaches every message that uses it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
LEXICON = DATA / "intents" / "lexicon.txt"
NEGATIONS = ("不", "没", "没有", "不太", "不怎么", "一点都不", "一点也不")
FLIP = {"positive": "negative", "negative": "positive"}
LONGEST = 8  # characters: the longest word looked up


def _sections(path: Path) -> dict[str, list[str]]:
    """``## class`` sections of a word file, words split on lines and "|"."""
    out: dict[str, list[str]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("## "):
            current = line[3:].strip()
            out.setdefault(current, [])
        elif line and not line.startswith("#") and current:
            out[current] += [w.strip().lower() for w in line.split("|") if w.strip()]
    return out


def _tech_terms() -> set[str]:
    """Technical terms: every term of the domain thesaurus and the industry lexicon (two characters or more)."""
    terms: set[str] = set()
    for line in (DATA / "thesaurus.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            terms.update(t.strip().lower() for t in line.split("|") if len(t.strip()) >= 2)
    industry = json.loads((DATA / "extract_industry.json").read_text(encoding="utf-8"))
    for group in ("terms", "explicit"):
        for words in industry[group].values():
            terms.update(w.lower() for w in words if len(w) >= 2)
    return terms


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """Word → class (the lexicon's own classes win over "tech")."""
    words = dict.fromkeys(_tech_terms(), "tech")
    for name, members in _sections(LEXICON).items():
        words.update(dict.fromkeys(members, name))
    return words


def classes(text: str) -> list[str]:
    """The classes of the words in a normalised text, longest match first, negation flipping a judgement."""
    words, found, i = table(), [], 0
    while i < len(text):
        for n in range(min(LONGEST, len(text) - i), 0, -1):
            label = words.get(text[i:i + n])
            if label is not None:
                negated = label in FLIP and any(text[:i].endswith(neg) for neg in NEGATIONS)
                found.append(FLIP[label] if negated else label)
                i += n
                break
        else:
            i += 1
    return found


# Classes that mean more together: a part with a fault; who offers or seeks which result; a submitted record's
# standing or its matches; an event one signed up for or takes back (or erases); personal data erased or where it
# is kept; another place's policy.
PAIRS = (("tech", "fault"), ("enterprise", "seek"), ("enterprise", "result"), ("research", "result"),
         ("research", "offer"), ("seek", "result"), ("offer", "result"), ("submitted", "status"),
         ("submitted", "matched"), ("signed", "event"), ("remind", "event"), ("event", "cancel"), ("signed", "cancel"),
         ("remind", "cancel"), ("signed", "erase"), ("event", "erase"), ("personal", "erase"), ("personal", "stored"),
         ("elsewhere", "scheme"))


def lexicon_features(text: str) -> list[str]:
    """``l:<class>`` per class present, ``l:<a>+<b>`` for each of ``PAIRS`` that meets, ``l:away`` for a policy of
    another place alone."""
    present = set(classes(text.replace(" ", "")))
    out = [f"l:{name}" for name in sorted(present)]
    out += [f"l:{a}+{b}" for a, b in PAIRS if a in present and b in present]
    if {"elsewhere", "scheme"} <= present and "local" not in present:
        out.append("l:away")  # another place's policy, Xiangyang not named: not ours to answer
    return out
