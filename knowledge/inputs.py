"""Questions the knowledge base should not search: empty, one character, very long, or not in Chinese.

Each gets a clear reply saying what to do instead (wording here, like the other knowledge-base replies).
"""

from __future__ import annotations

import re

MAX_QUESTION_CHARS = 300
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

EXAMPLES = "例如“高企认定有什么条件”“研发费用加计扣除什么时候申报”"
TOO_SHORT_TEXT = f"请把想问的政策说得具体一点，{EXAMPLES}。也可以回复“帮助”查看我能做什么。"
TOO_LONG_TEXT = (f"您的问题有{{n}}个字，太长了，我没法准确找到答案。请用一两句话（{MAX_QUESTION_CHARS}字以内）说出想问的政策，"
                 f"{EXAMPLES}；材料需要人工看的，可以回复“转人工”。")
NOT_CHINESE_TEXT = (f"目前只支持用中文提问政策问题（Please ask in Chinese），{EXAMPLES}。"
                    "需要人工帮助可以回复“转人工”。")


def input_problem(question: str) -> str | None:
    """The reply for a question that can't be searched as it is, or None when it can."""
    text = question.strip()
    cjk = len(_CJK.findall(text))
    if len(text) > MAX_QUESTION_CHARS:
        return TOO_LONG_TEXT.format(n=len(text))
    if cjk == 0 and _LATIN_WORD.search(text):
        return NOT_CHINESE_TEXT
    if cjk + len(_LATIN_WORD.findall(text)) <= 1:
        return TOO_SHORT_TEXT
    return None
