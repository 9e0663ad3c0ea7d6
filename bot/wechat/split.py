"""UTF-8-safe splitting of long replies at WeChat's 2048-byte limit, on line or sentence boundaries."""

from __future__ import annotations

WECHAT_TEXT_LIMIT = 2048
MORE_HINT = "\n\n（内容较长，回复“更多”查看后续）"
_BREAKS = ("\n", "。！？；!?;", "，、,： ")


def utf8_len(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes."""
    return len(text.encode("utf-8"))


def _max_prefix(text: str, limit: int) -> int:
    """The largest number of characters whose UTF-8 encoding fits in ``limit`` bytes."""
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return index
    return len(text)


def _cut(text: str, end: int) -> int:
    """Where to cut within ``text[:end]``: after the last line break, else sentence end, else comma."""
    floor = end // 3  # never produce tiny pieces just to honour a boundary
    for breaks in _BREAKS:
        pos = max(text.rfind(ch, 0, end) for ch in breaks)
        if pos >= floor:
            return pos + 1
    return end


def split_utf8(text: str, limit: int = WECHAT_TEXT_LIMIT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes, preferring natural boundaries."""
    if limit < 4:
        raise ValueError("limit must hold at least one character")
    pieces: list[str] = []
    rest = text
    while utf8_len(rest) > limit:
        cut = _cut(rest, _max_prefix(rest, limit))
        piece, rest = rest[:cut].rstrip("\n"), rest[cut:].lstrip("\n")
        if piece:
            pieces.append(piece)
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def paginate(text: str, limit: int = WECHAT_TEXT_LIMIT) -> tuple[str, str]:
    """The first page (with the "更多" hint when something remains) and the remaining text."""
    if utf8_len(text) <= limit:
        return text, ""
    head = split_utf8(text, limit - utf8_len(MORE_HINT))[0]
    rest = text[len(head):].lstrip("\n")
    return head + MORE_HINT, rest


def take_pages(text: str, count: int, limit: int = WECHAT_TEXT_LIMIT) -> tuple[list[str], str]:
    """Up to ``count`` pages of ``text``; the last one says "回复更多" when text remains."""
    pages: list[str] = []
    rest = text
    while len(pages) < count - 1 and utf8_len(rest) > limit:
        head = split_utf8(rest, limit)[0]
        pages.append(head)
        rest = rest[len(head):].lstrip("\n")
    page, rest = paginate(rest, limit)
    return [*pages, page], rest
