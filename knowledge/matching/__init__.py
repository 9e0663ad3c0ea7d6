"""Two-way matching between demands (问题库) and achievements (项目库).

``Matcher(embedder, store_dir)`` indexes plain records (dicts or ORM rows with the fields of the sample
JSONL) and returns ``Match(id, score, reasons, features)`` lists for either direction: the top candidates
without a global cut, each with ``alertable`` (the calibrated alert model) and a ``confidence`` (高 = alerted, 中, 低).
"""

from knowledge.matching.engine import Matcher
from knowledge.matching.records import MatchRecord, as_achievement, as_demand
from knowledge.matching.scoring import ALERT_CUT, DEFAULT_THRESHOLD, Match, Weights, confidence
from knowledge.matching.thesaurus import Thesaurus, load_thesaurus

__all__ = [
    "ALERT_CUT",
    "DEFAULT_THRESHOLD",
    "Match",
    "MatchRecord",
    "Matcher",
    "Thesaurus",
    "Weights",
    "as_achievement",
    "as_demand",
    "confidence",
    "load_thesaurus",
]
