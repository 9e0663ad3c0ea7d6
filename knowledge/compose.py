"""Composing an answer from one section of one document.

A document's chunks are regrouped into sections (the chunker's one-sentence overlap removed). An answer is the
best sentence of one section plus adjacent sentences of the same section; a list question gets the whole list,
and a sentence that introduces a list (…以下条件：) is never shown without its list. Every answer ends with its
source (document, section) and, when it states a figure, with "以官方发布为准".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.ingest import Chunk

MAX_ANSWER_CHARS = 300
MAX_LIST_CHARS = 600
NEIGHBOUR_SHARE = 0.6
OFFICIAL_NOTE = "以官方发布为准"
_ITEM = re.compile(r"^\s*(?:[-*•]\s*|\d+[.、]\s*|[（(](?:\d+|[一二三四五六七八九十]+)[)）]\s*)")
_FIGURE = re.compile(r"\d")
_CONTINUED = ("；", ";", "，", ",", "、")


@dataclass
class Section:
    """The sentences of one section of a document, each with the chunk it came from."""

    doc: str
    title: str
    name: str
    sentences: list[str] = field(default_factory=list)
    origins: list[Chunk] = field(default_factory=list)  # the chunk each sentence came from

    @property
    def first(self) -> Chunk:
        """The section's first chunk (its position for "详细一点")."""
        return self.origins[0]


def split_lines(text: str) -> list[str]:
    """A chunk's sentences: a list item stays whole (its inner ；), prose splits after 。；！？."""
    out: list[str] = []
    for line in (raw.strip() for raw in text.split("\n")):
        if out and line and not is_item(line) and is_item(out[-1]) and out[-1].endswith(_CONTINUED):
            out[-1] += line  # the chunker broke an item at its inner ；: 3. …不低于5%；\n在5000万元至2亿元之间的…
        else:
            out += [line] if is_item(line) else re.split(r"(?<=[。！？；!?;])", line)
    return [p.strip() for p in out if p.strip()]


def sections_of(chunks: list[Chunk]) -> list[Section]:
    """Regroup a document's chunks (in order) into sections, dropping the sentence repeated as chunk overlap."""
    out: list[Section] = []
    for chunk in chunks:
        if not out or out[-1].name != chunk.section:
            out.append(Section(chunk.doc, chunk.title, chunk.section))
        section, lines = out[-1], split_lines(chunk.text)
        if section.sentences and lines and lines[0] == section.sentences[-1]:
            lines = lines[1:]
        section.sentences += lines
        section.origins += [chunk] * len(lines)
    return [s for s in out if s.sentences]


def answerable(sections: list[Section]) -> list[Section]:
    """Sections an answer may come from: a preamble before the first heading (a notice) only if nothing else."""
    named = [s for s in sections if s.name]
    return named or sections


def is_item(sentence: str) -> bool:
    """Whether a sentence is a list item (-, 1., 1、, (1))."""
    return bool(_ITEM.match(sentence))


def strip_marker(sentence: str) -> str:
    """The sentence without its list marker."""
    return _ITEM.sub("", sentence)


PSEUDO_HEADING = 16  # characters of a line that heads the list below it (a bold line of a one-page summary)


def is_intro(sentence: str) -> bool:
    """Whether a sentence introduces a list: it ends with a colon, or is a short heading line of its own (🟥 这些不补,
    谁能申请？) rather than a sentence of prose."""
    text = sentence.rstrip()
    return text.endswith(("：", ":")) or (len(text) <= PSEUDO_HEADING and not is_item(text)
                                           and not re.search(r"[。；;，,、！!]", text))


def list_block(sentences: list[str], index: int) -> tuple[int, int] | None:
    """[start, end) of the list (intro + items) that ``index`` belongs to or introduces, else None."""
    if is_intro(sentences[index]) and index + 1 < len(sentences) and is_item(sentences[index + 1]):
        start = index
    elif is_item(sentences[index]):
        start = index
        while start > 0 and is_item(sentences[start - 1]):
            start -= 1
        if start > 0 and is_intro(sentences[start - 1]):
            start -= 1
    else:
        return None
    end = start + 1
    while end < len(sentences) and is_item(sentences[end]):
        end += 1
    return start, end


def nearest_list(sentences: list[str], index: int) -> tuple[int, int] | None:
    """The list block of the section closest to ``index`` (for list questions)."""
    blocks = sorted({b for i in range(len(sentences)) if (b := list_block(sentences, i))})
    return min(blocks, key=lambda b: abs(b[0] - index), default=None)


WHOLE_LIST_KINDS = ("list", "eligibility", "procedure")
DETAIL_KINDS = ("money", "amount", "date", "person", "place")  # one value asked: its item, not the whole list


def passage(section: Section, index: int, scores: list[float], *, kind: str | None) -> list[int]:
    """Indices of the sentences to show: the best one, its list when needed, close neighbours of the section.

    The whole list is shown for a sentence that introduces it, for an item when the question asks for a list,
    conditions or steps, and for a list question whose best sentence precedes the section's list. A question for
    one value (an amount, a date) gets its item under the list's intro, not the whole list again.
    """
    sentences = section.sentences
    block = list_block(sentences, index)
    if block is None and kind == "list":
        block = nearest_list(sentences, index)
        if block is not None:
            return sorted(set(range(*block)) | {index})
    if block and (kind in WHOLE_LIST_KINDS or is_intro(sentences[index])):
        after = block[1]  # the sentence closing the list (考核不合格的…撤销) joins when almost as good
        close = after < len(sentences) and not is_intro(sentences[after]) \
            and scores[after] >= NEIGHBOUR_SHARE * scores[index]
        return list(range(block[0], after + 1 if close else after))
    chosen = {index}
    if block and is_intro(sentences[block[0]]):
        whole = set(range(*block))  # an item shown with its intro: the whole list when it fits, never a part of it
        fits = _chars(sentences, whole) <= MAX_LIST_CHARS and kind not in DETAIL_KINDS  # 研发费用要占多少: item 3
        return sorted(whole) if fits else [block[0], index]
    for step in (1, -1, 2):
        j = index + step
        if 0 <= j < len(sentences) and scores[j] >= NEIGHBOUR_SHARE * scores[index] and not is_intro(sentences[j]) \
                and _chars(sentences, chosen | {j}) <= MAX_ANSWER_CHARS:
            chosen.add(j)
    first = min(chosen)
    if first > 0 and _VERDICT.match(sentences[first - 1]):
        chosen.add(first - 1)  # 答：不能。营业收入超过5亿元的…: the reason comes with its verdict
    return sorted(chosen)


_VERDICT = re.compile(r"^(?:答[:：])?\s*(?:不能|不可以|可以|能|是的|是|不是|不行|需要|不需要|不用|会|不会|有|没有|不属于|属于)[。！!，,]?$")


def omitted_items(section: Section, shown: list[str]) -> int:
    """How many items of a list whose intro is shown were left out (a one-value answer shows only its item)."""
    for start, sentence in enumerate(section.sentences):
        block = list_block(section.sentences, start) if sentence in shown and is_intro(sentence) else None
        if block:
            return sum(s not in shown for s in section.sentences[block[0] + 1:block[1]])
    return 0


def part_note(section: Section, shown: list[str]) -> str:
    """A line saying the answer is one item of a longer list, or "" when the whole list is shown."""
    left = omitted_items(section, shown)
    return f"（以上是其中一条，另有{left}条，回复“详细一点”查看全部）" if left else ""


def _chars(sentences: list[str], chosen: set[int]) -> int:
    """Characters of the chosen sentences."""
    return sum(len(sentences[j]) for j in chosen)


def render(sentences: list[str]) -> str:
    """The chosen sentences as chat text: list items on their own lines, prose joined; trimmed to a limit."""
    limit = MAX_LIST_CHARS if any(is_item(s) for s in sentences) else MAX_ANSWER_CHARS
    lines: list[str] = []
    for sentence in sentences:
        text = sentence.strip()
        if lines and not is_item(text) and not is_intro(lines[-1]) and not is_item(lines[-1]):
            lines[-1] += text
        else:
            lines.append(text)
    out: list[str] = []
    for line in lines:
        if sum(map(len, out)) + len(line) > limit and out:
            out.append("……（回复“详细一点”查看全文）")
            break
        out.append(line)
    body = "\n".join(out)
    return re.sub(r"[；;，,]$", "。", body)


def source_line(title: str, section: str, body: str = "") -> str:
    """The closing attribution, e.g. 来源：《标题》 · 四、什么时候申报（以官方发布为准）."""
    line = f"来源：《{title}》" + (f" · {section}" if section else "")
    return line + (f"（{OFFICIAL_NOTE}）" if states_figure(body) else "")


def states_figure(body: str) -> bool:
    """Whether a text states a figure (a digit outside list numbering such as "1." or "(2)")."""
    return any(_FIGURE.search(strip_marker(line)) for line in body.splitlines())
