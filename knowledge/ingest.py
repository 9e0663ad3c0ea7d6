"""Parse md/txt/html/pdf/docx files and cut them into Chinese-aware chunks with doc/title/section metadata.

Every parser produces markdown-like lines (``#`` headings, one paragraph per line); one chunker then cuts at
headings, at 第X章/节/条 and at sentence ends, with a one-sentence overlap inside long sections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge.cities import document_city

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx")
MAX_CHUNK_CHARS = 360

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_CN_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十百零〇\d]+[章节部分]|[（(][一二三四五六七八九十]+[)）])")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+条)\s*")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


class IngestError(ValueError):
    """A file could not be parsed into text."""


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage of a document."""

    doc: str
    title: str
    section: str
    text: str
    ordinal: int
    city: str

    @property
    def id(self) -> str:
        """Stable id: document plus position."""
        return f"{self.doc}::{self.ordinal:04d}"

    @property
    def index_text(self) -> str:
        """Text used for indexing: title and section give every chunk its document's topic words."""
        return f"{self.title} {self.section}\n{self.text}"

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store."""
        return {"doc": self.doc, "title": self.title, "section": self.section, "ordinal": self.ordinal,
                "city": self.city}


@dataclass(frozen=True)
class ParsedDocument:
    """A parsed file: its id (file stem), title, city and chunks."""

    doc: str
    title: str
    city: str
    chunks: list[Chunk]


def _decode(raw: bytes) -> str:
    """Decode bytes as UTF-8 (with BOM) or GB18030, the encodings Chinese office files use."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("unknown text encoding")


def _read_text(path: Path) -> str:
    """Plain text and markdown."""
    return _decode(path.read_bytes())


def _read_html(path: Path) -> str:
    """HTML → heading lines and paragraph lines (scripts/styles dropped)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript"]):
        tag.decompose()
    lines = []
    for node in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "pre", "blockquote"]):
        if node.find(["p", "li", "td", "h1", "h2", "h3", "h4", "h5", "h6"]):
            continue  # a container: its children carry the text
        text = node.get_text(" ", strip=True)
        if text:
            prefix = "#" * int(node.name[1]) + " " if node.name[0] == "h" and node.name[1:].isdigit() else ""
            lines.append(prefix + text)
    if not lines and soup.title and soup.title.string:
        lines.append("# " + soup.title.string.strip())
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    """PDF text layer, page by page (scanned PDFs without text are rejected)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise IngestError(f"unreadable PDF: {exc}") from exc
    text = "\n".join(pages)
    title = (reader.metadata.title if reader.metadata else None) or ""
    return f"# {title.strip()}\n{text}" if title.strip() and title.strip() not in text[:200] else text


def _read_docx(path: Path) -> str:
    """DOCX paragraphs (Heading/标题 styles become headings) and table rows."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise IngestError(f"unreadable DOCX: {exc}") from exc
    lines = [_docx_line(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
    return "\n".join(line for line in lines if line.strip())


def _docx_line(style: str, text: str) -> str:
    """Render one DOCX paragraph as a markdown-like line."""
    style = style.lower()
    if style == "title":
        return "# " + text
    level = re.search(r"(?:heading|标题)\s*(\d)", style)
    return "#" * (int(level.group(1)) + 1) + " " + text if level else text


_READERS: dict[str, Callable[[Path], str]] = {
    ".md": _read_text, ".markdown": _read_text, ".txt": _read_text,
    ".html": _read_html, ".htm": _read_html, ".pdf": _read_pdf, ".docx": _read_docx,
}


def read_document(path: Path) -> str:
    """Extract markdown-like text from a supported file, or raise :class:`IngestError`."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(f"unsupported file type {path.suffix!r}")
    try:
        text = reader(path)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"cannot parse {path.name}: {exc}") from exc
    if len(re.sub(r"\s", "", text)) < 10:
        raise IngestError(f"no text found in {path.name}")
    return text


def _split_title(lines: list[str], fallback: str) -> tuple[str, list[str]]:
    """Take the first level-1 heading (or the first short line) as the title."""
    for index, line in enumerate(lines):
        match = _MD_HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2).strip(), lines[:index] + lines[index + 1:]
        if line.strip():
            if not match and len(line.strip()) <= 40 and not _SENTENCE_END.search(line.strip()[:-1]):
                return line.strip(), lines[:index] + lines[index + 1:]
            break
    return fallback, lines


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BOLD_LINE = re.compile(r"^\*\*([^*]{2,30})\*\*[：:]?$")
_INLINE_HEADING = re.compile(r"^((?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"  # a label, not a clause:
                             r"(?:(?!须|应|不得|不能|必须|的|在|有|无|为)[^。：:；;，,]){2,10})[。：:]\s*(\S.*)$")  # '（一）申报单位须…。'
_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_QUESTION_LINE = re.compile(r"^(?:问|Q)\s*\d*\s*[：:]\s*(.+)$")  # 问：, 问3：
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")  # a thematic break between the questions of a Q&A page
_ANNEX = re.compile(r"^附件\s*\d*\s*[：:]")  # 附件：1. … (a notice's annex list, not its last section's text)
_SIGNED_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")  # the date under a notice's signature
_CONTACT_LINE = re.compile(r"[：:].*\d|\d.*[：:]|\d{3,4}-\d{7,8}|1[3-9]\d{9}")  # 联系人：张三 0710-…, not an issuer
_ANSWER_LINE = re.compile(r"^(?:答|A)\s*[：:]\s*")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def _cells(line: str) -> list[str]:
    """The cells of a markdown (or DOCX-rendered) table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _tables(lines: list[str]) -> list[str]:
    """Markdown tables as list items, one per row, each cell named by its column header: a row reads as a passage
    of its own (``- 场馆类：典型单位：科技馆；年度运行补助：3万元``)."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        line = lines[k].strip()
        if line.startswith("|") and k + 1 < len(lines) and _TABLE_RULE.match(lines[k + 1].strip()):
            header, k = _cells(line), k + 2
            while k < len(lines) and lines[k].strip().startswith("|"):
                cells = _cells(lines[k])
                named = [f"{h}：{c}" if h else c for h, c in zip(header[1:], cells[1:], strict=False) if c]
                out.append(f"- {cells[0]}：{'，'.join(named)}" if named else f"- {cells[0]}")
                k += 1
            continue
        out.append(lines[k])
        k += 1
    return out


def _normalise(raw: str) -> list[str]:
    """One source line as heading-or-body lines: blockquote and bold marks dropped, an inline heading
    (一、申报条件。正文…) split from its text, a bold-only line (**受理窗口**) made a sub-heading."""
    line = raw.strip().lstrip(">").strip()
    if _RULE.match(line):
        return [""]
    bold = _BOLD_LINE.match(line)
    if bold and not _MD_HEADING.match(line):
        return [f"###### {bold.group(1).strip()}"]
    line = _BOLD.sub(r"\1", line)
    inline = _INLINE_HEADING.match(line)
    return [inline.group(1), inline.group(2)] if inline else [line]


def _is_heading(line: str) -> bool:
    """A markdown heading, or a short Chinese numbered heading (一、 / 第一章 / （一）) that is not a sentence."""
    return bool(_MD_HEADING.match(line)) or bool(
        _CN_HEADING.match(line) and len(line) <= 30 and not line.endswith(("。", "；")))


def _heading(line: str, question: re.Match[str] | None, parent: str) -> tuple[str, str]:
    """(section name, parent heading) after a heading line: a question of a Q&A page heads its answer; a sub-heading
    ((一) or a bold line) keeps its parent in front."""
    if question:
        return question.group(1).strip(), parent
    md = _MD_HEADING.match(line)
    name = (md.group(2) if md else line).strip()
    bold = md is not None and md.group(1) == "######"
    sub = bool(parent) and (bool(_SUB_HEADING.match(name)) or bold)
    if sub:
        return f"{parent} {name}", parent
    return (name, "") if bold and _QUESTION_LINE.match(name) else (name, name)  # **问1：…** heads its answer only


def _annexes(lines: list[str]) -> list[str]:
    """The lines with a notice's annex list (附件：) and its closing signature (issuer, then date) under headings of
    their own, so that they do not read as part of the last section (八、联系方式)."""
    out = [line_ for raw in lines for line_ in ((["## 附件"] if _ANNEX.match(raw.strip()) else []) + [raw])]
    filled = [k for k, line in enumerate(out) if line.strip()]
    if len(filled) >= 2 and _SIGNED_DATE.match(out[filled[-1]].strip()):
        issuer = out[filled[-2]].strip()
        signed = len(issuer) <= 30 and not _SENTENCE_END.search(issuer) and not _CONTACT_LINE.search(issuer)
        start = filled[-2] if signed else filled[-1]
        out.insert(start, "## 落款")
    return out


def _sections(lines: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Group lines into (section heading, body lines); 第X条 starts a new sub-section, a （一） or bold sub-heading
    keeps its parent heading in front (二、申报条件 （一）基本条件), and a 问： line heads its 答： as a section."""
    heading, parent, article = "", "", ""
    body: list[str] = []
    for line in (part for raw in _tables(_annexes(lines)) for part in _normalise(raw)):
        question = None if parent else _QUESTION_LINE.match(line)  # a Q&A page, not a FAQ section of a document
        if _is_heading(line) or question:
            yield (f"{heading} {article}".strip(), body)
            heading, parent = _heading(line, question, parent)
            article, body = "", []
            continue
        art = _ARTICLE.match(line)
        if art:
            yield (f"{heading} {article}".strip(), body)
            article, body = art.group(1), [line]
            continue
        if line:
            body.append(line if parent else _ANSWER_LINE.sub("", line))
    yield (f"{heading} {article}".strip(), body)


def _sentences(lines: list[str]) -> list[str]:
    """Split body lines into sentences, keeping list items and short lines whole."""
    out: list[str] = []
    for line in lines:
        out += [part for part in _SENTENCE_END.split(line) if part.strip()]
    return out


def _pack(sentences: list[str], limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Pack sentences into chunks of at most ``limit`` chars, repeating the last sentence as overlap."""
    chunks: list[list[str]] = [[]]
    for sentence in sentences:
        current = chunks[-1]
        if current and sum(map(len, current)) + len(sentence) > limit:
            overlap = [current[-1]] if len(current) > 1 and len(current[-1]) < limit // 3 else []
            chunks.append(overlap + [sentence])
        else:
            current.append(sentence)
    return ["\n".join(chunk) for chunk in chunks if chunk]


def chunk_text(text: str, doc: str) -> ParsedDocument:
    """Cut a document's markdown-like text into chunks carrying doc, title, section and city."""
    title, lines = _split_title(text.splitlines(), fallback=doc)
    pieces = [(section, body) for section, lines_ in _sections(lines) for body in _pack(_sentences(lines_))]
    city = document_city(title, text)
    chunks = [Chunk(doc, title, section, body, i, city) for i, (section, body) in enumerate(pieces)]
    if not chunks:
        raise IngestError(f"no text found in {doc}")
    return ParsedDocument(doc, title, city, chunks)


def parse_file(path: Path) -> ParsedDocument:
    """Read and chunk one file; the document id is the file name without extension."""
    return chunk_text(read_document(path), doc=path.stem)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, plus supported files found under named directories (sorted, recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            found.append(path)
    return found
