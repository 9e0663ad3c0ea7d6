"""Answer typing, one-section composition, aliases and pinyin/homophone tolerance (pure units, no store)."""

from __future__ import annotations

import pytest

from knowledge.answer import analyze, grounded
from knowledge.asked import action_gap, attribute_gap, name_gap
from knowledge.compose import Section, part_note, passage, render, sections_of, source_line, split_lines
from knowledge.ingest import chunk_text
from knowledge.inputs import input_problem
from knowledge.lexical import TypoCorrector, alias_match, aliases_of, expand
from knowledge.qtype import BY_NAME, carries, classify, focus

DOC = """# 襄阳市科普教育基地认定办法（测试）

> 本文为测试用的虚构材料，不能作为办理依据。

## 一、什么是科普教育基地

科普教育基地是面向公众开放、常年开展科普活动的场所。按类型分为：
- 场馆类：科技馆、博物馆；
- 教育科研类：高校实验室；
- 生产类：开放参观的生产线；
- 自然生态类：自然保护区、湿地。

## 二、申报条件

须同时满足以下条件：
1. 具有独立法人资格；
2. 室内面积不少于500平方米，自然生态类不受面积限制；
3. 每年向公众开放不少于150天。

## 三、支持政策

新认定的市级科普教育基地，一次性奖励10万元。年度考核为优秀的，再给予5万元活动经费。

## 四、咨询

市科协科普部（测试），联系人刘芳，电话0710-5550000。
"""


@pytest.mark.parametrize(("question", "kind"), [
    ("科普基地分哪几类", "list"),
    ("首台套补偿要交哪些材料", "list"),
    ("专精特新到底是啥意思", "definition"),
    ("技术经纪人是干啥的", "definition"),
    ("十堰人才补贴找谁咨询 电话多少", "person"),
    ("今年第一期培训班在哪上课", "place"),
    ("首台套保险补偿几月份报", "date"),
    ("孵化基地入驻申请多久出结果", "date"),
    ("博士头一回在襄阳买房 补贴多少钱", "money"),
    ("志愿者三星要多少个小时", "amount"),
    ("托举一年给多少钱 给几年", "money"),  # the money asked outranks the duration
    ("职称材料交到哪", "place"),
    ("孵化器绩效评价分几档", "list"),
    ("想考中级技术经纪人 要啥条件", "eligibility"),
    ("科技贷怎么办理", "procedure"),
    ("就是委托学校做个检测 算产学研项目吗", "yesno"),
    ("科技型中小企业评价是干嘛的", "definition"),  # found in kc chat: answered with the contact section
    ("院士工作站是搞么事的", "definition"),
    ("入库了有啥好处", "benefit"),
    ("高企认定了能享受哪些优惠", "list"),  # a list of them: the list type keeps its priority
    ("技术合同登记了有么子用", "benefit"),
])
def test_questions_are_classified_by_what_they_ask(question: str, kind: str) -> None:
    found = classify(question)
    assert found is not None and found.name == kind


@pytest.mark.parametrize(("question", "nouns"), [
    ("博士后在站期间每个月工资发多少", ("月工资",)),  # the noun before the cue
    ("人才公寓在哪个小区", ("小区",)),  # the noun after the cue
    ("公积金贷款利率现在多少", ("公积金", "贷款", "利率")),  # the whole noun phrase
    ("跟大学合作搞研发 政府能补多少", ()),  # agents and the asked words themselves are never the focus
    ("补贴一共给多少", ()),
])
def test_focus_is_the_noun_phrase_a_detail_question_asks_about(question: str, nouns: tuple[str, ...]) -> None:
    assert focus(classify(question), question) == nouns


@pytest.mark.parametrize(("question", "yes", "no"), [
    ("科技志愿者服务一小时补贴多少钱", "每小时补贴20元", "累计服务满50小时为一星"),  # money, not any number
    ("每年几月份开始申领", "每年3月1日开始申领", "创新券有效期为6个月"),  # a point in time, not a duration
    ("服务窗口地址在哪", "地址：长虹路18号3楼", "市科技局服务窗口，联系人陈老师"),  # a street address
    ("申报表去哪下载", "在公众号“政策申报”栏目下载", "报送至檀溪路56号2楼"),  # an online place
    ("绩效优秀的都是哪几家", "优秀：甲科技公司、乙研究院、丙协会", "优秀的奖励20万元、良好的奖励10万元、合格的不奖励"),
    ("高企评审专家是哪些人", "评审专家：王建国教授、李红主任、张强教授", "专家评审、中介机构审计、名单公示"),
    ("这事找谁", "联系人：刘老师，电话 0710-5551861", "服务机构在平台公布"),
])
def test_the_asked_type_is_narrowed_by_the_question(question: str, yes: str, no: str) -> None:
    kind = classify(question)
    assert carries(kind, yes, question) and not carries(kind, no, question)


@pytest.mark.parametrize(("question", "absent"), [
    ("科技志愿者能干哪些事", "哪些"), ("孵化器绩效评价分几档", "几档"), ("创新券是啥意思", "啥意思"),
])
def test_words_that_only_ask_are_not_key_terms(question: str, absent: str) -> None:
    assert absent not in analyze(question, question).key_terms


def test_an_alias_is_one_key_term_only_where_it_is_a_whole_word() -> None:
    question = analyze("湖工大的老师能当科技志愿者吗", "湖工大的老师能当科技志愿者吗")
    assert "湖工大" in question.key_terms and "湖" not in question.key_terms and "湖北" not in question.key_terms
    assert "高级工程师" in expand("评高工要啥条件") and expand("怎么提高工作效率") == "怎么提高工作效率"


def test_the_cue_itself_is_never_the_focus() -> None:
    assert focus(classify("请科技特派员收费吗"), "请科技特派员收费吗") == ("科技特派员",)


def test_a_passage_carries_a_type_only_with_that_kind_of_fact() -> None:
    assert carries(BY_NAME["amount"], "一次性奖励10万元") and not carries(BY_NAME["amount"], "按规定给予奖励")
    assert carries(BY_NAME["date"], "每年6月1日至6月30日申报") and not carries(BY_NAME["date"], "按通知申报")
    assert carries(BY_NAME["person"], "联系人刘芳，电话0710-5550000") and not carries(BY_NAME["person"], "另行通知")
    assert carries(BY_NAME["list"], "- 场馆类；\n- 生产类；") and not carries(BY_NAME["list"], "场馆类。")


def _section(name: str) -> Section:
    parsed = chunk_text(DOC, "popsci")
    return next(s for s in sections_of(parsed.chunks) if s.name == name)


def test_a_list_question_gets_the_whole_list_with_its_intro() -> None:
    section = _section("一、什么是科普教育基地")
    chosen = passage(section, 0, [1.0] * len(section.sentences), kind="list")
    body = render([section.sentences[i] for i in chosen])
    for item in ("场馆类", "教育科研类", "生产类", "自然生态类"):
        assert item in body
    assert "按类型分为：" in body


def test_a_sentence_introducing_a_list_is_never_shown_without_it() -> None:
    section = _section("二、申报条件")
    chosen = passage(section, 0, [1.0, 0.1, 0.1, 0.1], kind="yesno")
    body = render([section.sentences[i] for i in chosen])
    assert body.startswith("须同时满足以下条件：") and "500平方米" in body and "150天" in body
    assert not body.rstrip().endswith("：")


def test_an_item_answer_keeps_its_intro_and_stays_in_its_section() -> None:
    section = _section("二、申报条件")
    chosen = passage(section, 2, [0.2, 0.1, 1.0, 0.1], kind="yesno")
    body = render([section.sentences[i] for i in chosen])
    assert "须同时满足以下条件" in body and "500平方米" in body and "10万元" not in body
    assert "独立法人" in body and "150天" in body  # "同时满足以下条件" is never followed by a part of the list


def test_a_one_value_question_gets_its_item_under_the_intro_and_a_note_of_the_rest() -> None:
    section = _section("二、申报条件")
    shown = [section.sentences[i] for i in passage(section, 2, [0.2, 0.1, 1.0, 0.1], kind="amount")]
    body = render(shown)
    assert body.startswith("须同时满足以下条件：") and "500平方米" in body and "独立法人" not in body
    assert part_note(section, shown) == "（以上是其中一条，另有2条，回复“详细一点”查看全部）"


def test_a_list_item_with_inner_semicolons_stays_whole() -> None:
    text = "须同时满足以下条件：\n1. 收入小于5000万元的，不低于5%；在5000万元以上的，不低于4%；\n2. 无失信记录。"
    assert split_lines(text) == ["须同时满足以下条件：", "1. 收入小于5000万元的，不低于5%；在5000万元以上的，不低于4%；",
                                 "2. 无失信记录。"]


def test_the_preamble_notice_is_not_a_section_and_sources_note_figures() -> None:
    parsed = chunk_text(DOC, "popsci")
    assert "" not in {s.name for s in sections_of(parsed.chunks)[1:]}
    assert source_line("标题", "三、支持政策", "奖励10万元").endswith("（以官方发布为准）")
    assert source_line("标题", "一、什么是", "是面向公众的场所") == "来源：《标题》 · 一、什么是"
    assert not source_line("标题", "四、申报材料", "1. 申请表；\n2. 保险单。").endswith("为准）")  # numbering isn't a figure


def test_alias_table_expands_institutions_and_programmes() -> None:
    assert "湖北工业大学" in expand("湖工大的老师能申请吗")
    assert "高新技术企业" in expand("高企认定要啥条件")
    assert "专精特新小巨人企业" in expand("小巨人奖多少")
    assert "互联网+" in expand("互联网加大赛")
    assert "销售收入" in aliases_of("营收") and alias_match("营收", "上年度销售收入不低于1000万元") == 1.0
    assert expand("普通的问题") == "普通的问题"


def test_questions_carry_the_canonical_names_of_their_aliases() -> None:
    question = analyze("湖工大的老师能申请吗", "湖工大的老师能申请吗")
    assert "湖北工业大学" in question.corrected and question.kind == "eligibility"


@pytest.fixture(scope="module")
def corrector() -> TypoCorrector:
    return TypoCorrector(["上半年", "第一期", "一半以上", "技术经纪人", "经济效益", "专精特新", "科技志愿者", "物业服务"])


@pytest.mark.parametrize(("typo", "fixed"), [
    ("技术经济人是干啥的", "技术经纪人是干啥的"),  # a whole word that sounds the same
    ("胡工大的老师能申请吗", "湖工大的老师能申请吗"),  # an alias, by sound
    ("gaoqi认定要多久", "高企认定要多久"),  # typed in pinyin
    ("专惊特新有啥奖励", "专精特新有啥奖励"),
    ("专精特兴有啥奖励", "专精特新有啥奖励"),  # in/ing, a usual regional confusion
])
def test_pinyin_and_homophone_typos_are_fixed(corrector: TypoCorrector, typo: str, fixed: str) -> None:
    assert corrector.correct(typo) == fixed


@pytest.mark.parametrize("text", ["硕士来襄阳上班能补多少", "检测报告一般几天出", "想和家人一起去", "怎么投诉物业"])
def test_everyday_words_are_not_corrected_into_corpus_words(corrector: TypoCorrector, text: str) -> None:
    assert corrector.correct(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("", "具体一点"), ("？", "具体一点"), ("税", "具体一点"),
    ("How do I apply for the high-tech enterprise subsidy?", "中文"),
    ("政策" * 2500, "太长了"),
])
def test_unsearchable_input_gets_a_clear_reply(text: str, expected: str) -> None:
    reply = input_problem(text)
    assert reply is not None and expected in reply


def test_ordinary_questions_pass_the_input_check() -> None:
    assert input_problem("高企认定有什么条件") is None and input_problem("CT检查能补贴吗") is None


def test_generated_figures_must_come_from_the_passage() -> None:
    passage_text = "新认定的基地一次性奖励10万元。"
    assert grounded("一次性奖励10万元。", passage_text)
    assert not grounded("一次性奖励20万元。", passage_text)


@pytest.mark.parametrize(("question", "kind", "passage", "gap"), [
    ("首席专家每月补贴多少", "money", "每人每年给予工作经费2万元", "每月的金额"),
    ("贷款利率是多少", "money", "单户最高1000万元", "利率"),
    ("要交多少审计费", "money", "评估费用补贴50%", "审计费"),
    ("奖励什么时候发", "date", "每年5月1日至5月31日受理", "发放或到账的时间"),
])
def test_a_named_attribute_must_be_stated_in_the_passage(question: str, kind: str, passage: str, gap: str) -> None:
    assert attribute_gap(question, kind, passage) == gap


@pytest.mark.parametrize(("question", "kind", "passage"), [
    ("首席专家每个月津贴多少", "money", "聘期内每月发放专家津贴2000元"),
    ("评估费补贴多少", "money", "评估费用补贴50%，每户最高5万元"),
    ("补贴什么时候发", "date", "补贴资金在当年12月底前拨付到企业对公账户"),
])
def test_a_stated_attribute_passes(question: str, kind: str, passage: str) -> None:
    assert attribute_gap(question, kind, passage) is None


def test_a_yes_no_action_the_document_never_mentions_is_the_gap() -> None:
    doc = "创新券有效期为6个月。每家企业每年最高可申领10万元。"
    assert action_gap("创新券可以转让吗", "yesno", doc) == "转让"
    assert action_gap("创新券有效期是多久吗", "yesno", doc) is None


def test_which_bank_needs_a_named_one() -> None:
    assert name_gap("找哪家中介机构", "委托符合条件的中介机构出具报告") == "具体是哪家中介机构"
    assert name_gap("找哪家银行", "襄江示例银行科技支行") is None
