"""A domain thesaurus: colloquial and technical terms grouped into concepts, matched by substring."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "thesaurus.txt"


@dataclass(frozen=True)
class ConceptHit:
    """One concept found in a text: its id, canonical name and the surface terms that matched."""

    cid: int
    canonical: str
    terms: tuple[str, ...]


@dataclass
class Thesaurus:
    """Synonym groups; ``concepts(text)`` finds every group one of whose terms occurs in the text."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    _by_prefix: dict[str, list[tuple[str, tuple[int, ...]]]] = field(default_factory=dict, repr=False)
    _terms: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._terms = tuple(sorted({t for group in self.groups for t in group}))
        owners: dict[str, list[int]] = {}
        for cid, terms in enumerate(self.groups):
            for term in terms:
                owners.setdefault(term.lower(), []).append(cid)
        for term, cids in sorted(owners.items(), key=lambda kv: -len(kv[0])):
            self._by_prefix.setdefault(term[:2], []).append((term, tuple(cids)))

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct term, sorted (for a tokenizer's user dictionary)."""
        return self._terms

    def concepts(self, text: str) -> list[ConceptHit]:
        """Concepts mentioned in ``text`` (overlapping matches allowed), in order of first mention."""
        found: dict[int, list[str]] = {}
        low = text.lower()
        for i in range(len(low) - 1):
            for term, cids in self._by_prefix.get(low[i : i + 2], ()):
                if low.startswith(term, i) and _bounded(low, i, len(term)):
                    for cid in cids:
                        found.setdefault(cid, [])
                        if term not in found[cid]:
                            found[cid].append(term)
        return [ConceptHit(cid, self.groups[cid][0], tuple(ts)) for cid, ts in found.items()]

    def expand(self, text: str, limit: int = 3) -> list[str]:
        """Synonyms of the concepts in ``text`` that the text does not already contain (query expansion)."""
        low = text.lower()
        extra: list[str] = []
        for hit in self.concepts(text):
            new = [t for t in self.groups[hit.cid] if t.lower() not in low and t not in extra]
            extra.extend(new[:limit])
        return extra


def _bounded(text: str, start: int, length: int) -> bool:
    """ASCII terms must not be glued to other ASCII letters/digits ("can" is not in "scan")."""
    if not text[start].isascii():
        return True
    before = text[start - 1] if start else " "
    after = text[start + length] if start + length < len(text) else " "
    return not ((before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()))


def parse_thesaurus(lines: list[str]) -> Thesaurus:
    """Parse ``a|b|c`` lines (``#`` comments, terms shorter than 2 characters ignored)."""
    groups: list[tuple[str, ...]] = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = tuple(dict.fromkeys(t.strip() for t in line.split("|") if len(t.strip()) >= 2))
        if len(terms) >= 2:
            groups.append(terms)
    return Thesaurus(groups)


@lru_cache(maxsize=4)
def load_thesaurus(path: str | None = None) -> Thesaurus:
    """Load the thesaurus file (the bundled one by default)."""
    text = Path(path or DEFAULT_PATH).read_text(encoding="utf-8")
    return parse_thesaurus(text.splitlines())
