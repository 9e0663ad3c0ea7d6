"""Lexical pieces: tokenisation, BM25, typo correction, synonyms, city detection, question analysis."""

from __future__ import annotations

import pytest

from knowledge.answer import ANSWER_TYPES, analyze
from knowledge.bm25 import bm25_over_terms
from knowledge.cities import cities_in, document_city, strip_places
from knowledge.lexical import TypoCorrector, expand, key_words, term_match, terms, words

CORPUS = [
    "企业研发费用加计扣除政策，研发费用按实际发生额加计扣除，次年5月31日前办理汇算清缴。",
    "院士专家工作站申报与考核：进站院士每年在站工作不少于15天。",
    "科技志愿者注册：在小程序中注册，累计服务满50小时为一星科技志愿者。",
    "科技创新券可以抵扣检测服务费用的50%，每年上限20万元。",
    "高新技术企业认定：证书有效期3年，申报截止时间为8月15日。",
]


@pytest.fixture(scope="module")
def corrector() -> TypoCorrector:
    return TypoCorrector({w for text in CORPUS for w in words(text) if len(w) >= 2})


def test_domain_dictionary_keeps_policy_terms_whole() -> None:
    assert "加计扣除" in key_words("加计扣除怎么申报")
    assert "揭榜挂帅" in key_words("揭榜挂帅项目什么时候开始")
    assert "我们" not in words("我们想问一下") and "吗" not in words("可以吗")


def test_query_terms_add_bigrams_of_content_words_only() -> None:
    query = terms("院士工作站怎么申报", query=True)
    assert "#院士" in query and "#申报" in query
    assert not any(t.startswith("#") and "么" in t for t in query)


def test_bm25_ranks_the_matching_document_first() -> None:
    bm25, vocab = bm25_over_terms([terms(text) for text in CORPUS])
    scores = bm25.scores(vocab.encode(terms("志愿服务满多少小时能评星", query=True), grow=False))
    assert max(range(len(CORPUS)), key=scores.__getitem__) == 2
    rare = next(t for t in terms(CORPUS[2]) if sum(t in terms(text) for text in CORPUS) == 1)
    assert bm25.idf(vocab.ids[rare]) > bm25.idf(vocab.ids["#科技"])
    assert len(vocab.encode(["从未出现的词"], grow=False)) == 0  # unseen query terms score nothing


@pytest.mark.parametrize(("typo", "fixed"), [
    ("加计扣出最晚啥时候报", "加计扣除最晚啥时候报"),  # homophone 出/除
    ("高心技术企业证书管几年", "高新技术企业证书管几年"),  # homophone 心/新
    ("建院土工作站要多少钱", "建院士工作站要多少钱"),  # look-alike 土/士
    ("创心券能抵多少", "创新券能抵多少"),
    ("科技志原者在哪注册", "科技志愿者在哪注册"),
])
def test_typo_correction_fixes_one_character(corrector: TypoCorrector, typo: str, fixed: str) -> None:
    assert corrector.correct(typo) == fixed


@pytest.mark.parametrize("text", ["明天下雨不", "红烧牛肉面咋做才好吃", "比特币现在还能买吗", "护照在哪办"])
def test_typo_correction_leaves_unrelated_text_alone(corrector: TypoCorrector, text: str) -> None:
    assert corrector.correct(text) == text


def test_synonym_expansion_appends_full_names() -> None:
    assert "高新技术企业" in expand("高企认定要啥条件")
    assert expand("普通的问题") == "普通的问题"


def test_term_match_counts_partial_long_words() -> None:
    assert term_match("创新券", "科技创新券可以抵扣") == 1.0
    assert term_match("高新企业", "高新技术企业") == pytest.approx(2 / 3)
    assert term_match("养老保险", "社会保险费") == 0.0


def test_cities_aliases_and_document_city() -> None:
    assert cities_in("十堰的补贴和襄阳一样吗") == ["十堰", "襄阳"]
    assert cities_in("我在樊城区") == ["襄阳"] and cities_in("丹江口市") == ["十堰"]
    assert cities_in("武汉东湖高新区人才公寓") == ["武汉"]
    assert document_city("随州市科技贷款贴息办法", "正文") == "随州"
    assert document_city("创新券指南", "在襄阳注册的企业……襄阳市科技局……十堰") == "襄阳"
    assert document_city("湖北省科技厅通知", "全省各市") == "湖北"
    assert "十堰" not in strip_places("十堰市的创新券")


def test_question_analysis_finds_answer_types_and_key_terms() -> None:
    question = analyze("最晚啥时候报", "加计扣除最晚啥时候报")
    assert {"deadline", "date"} <= set(question.answer_types)
    assert "加计扣除" in question.key_terms
    money = analyze("q", "托举一年给多少钱")
    assert "money" in money.answer_types
    assert all(len(pattern) == 2 for pattern in ANSWER_TYPES.values())
