"""A follow-up question continues the topic of the last answer ('那研发费用要占多少' after 高企 conditions), through
the real webhook with the sample knowledge base"""

from __future__ import annotations

from bot.container import Container
from tests.handlers.test_policy_chat import svc
from tests.support.wechat_client import wechat_client

__all__ = ["svc"]


def test_elliptical_follow_up_stays_with_the_last_document(svc: Container) -> None:
    """Asked after 高企 conditions, '那研发费用要占多少' is answered from the 高企 guide, not from 加计扣除."""
    with wechat_client(svc) as wx:
        (first,) = wx.send_text("f1", "高新技术企业认定有什么条件")
        assert "高新技术企业认定" in first
        (follow,) = wx.send_text("f1", "那研发费用要占多少")
        assert "高新技术企业认定" in follow and "不低于5%" in follow



def test_a_question_naming_no_topic_continues_the_last_one(svc: Container) -> None:
    """'什么时候申报' after a 加计扣除 answer names no topic: it is answered about 加计扣除 (7月预缴 / 次年5月31日),
    not from the 高企 guide's filing batches."""
    with wechat_client(svc) as wx:
        (first,) = wx.send_text("f6", "请问研发费用加计扣除比例是多少")
        assert "加计扣除" in first
        (when,) = wx.send_text("f6", "什么时候申报")
        assert "加计扣除" in when and "汇算清缴" in when and "第一批" not in when


def test_a_question_with_say_more_in_it_is_answered_not_the_same_passage_repeated(svc: Container) -> None:
    """'认定下来有啥好处 说详细点' after 高企 conditions asks about the benefits: it gets the benefits section, not
    more of the conditions; a bare '具体点' still continues the last answer."""
    with wechat_client(svc) as wx:
        wx.send_text("f2", "高新技术企业认定有什么条件")
        (benefits,) = wx.send_text("f2", "认定下来有啥好处 说详细点")
        assert "15%" in benefits and "注册成立满一年" not in benefits
    with wechat_client(svc) as wx:
        wx.send_text("f3", "高新技术企业认定有什么条件")
        (more,) = wx.send_text("f3", "具体点")
        assert "申报流程" in more


def test_how_long_question_is_answered_with_the_duration_the_document_states(svc: Container) -> None:
    """'那个证书有效期多长时间' is answered with 证书有效期3年; '多长时间' is the question, not a detail the document
    must name (it said '资料里没有写明证书有效期多长时间的时间' while quoting the answer)."""
    with wechat_client(svc) as wx:
        wx.send_text("f4", "高新技术企业认定有什么条件")
        (answer,) = wx.send_text("f4", "那个证书有效期多长时间")
        assert "3年" in answer and "没有写明" not in answer


def test_a_tag_question_after_an_answer_is_asked_in_its_context(svc: Container) -> None:
    """'我们是搞批发的 也能享受吧' after the 加计扣除 answer was met with "您是想：1 问政策…"; it is the exclusion list."""
    with wechat_client(svc) as wx:
        wx.send_text("f10", "研发费用加计扣除哪些企业能享受")
        (reply,) = wx.send_text("f10", "我们是搞批发的 也能享受吧")
        assert "批发和零售业" in reply and "您是想" not in reply


def test_the_askers_own_figures_after_the_conditions_get_the_limiting_item(svc: Container) -> None:
    """'俺们去年营收三千万 研发投了一百万 够不够' after the 高企 conditions names no topic word the guide misses: it is
    answered from the guide (the revenue bracket's share), not declined as a fresh question would be."""
    with wechat_client(svc) as wx:
        wx.send_text("f11", "高新技术企业认定要满足哪些条件")
        (reply,) = wx.send_text("f11", "俺们去年营收三千万 研发投了一百万 够不够")
        assert "不低于5%" in reply and "高新技术企业认定" in reply


def test_a_follow_up_naming_another_topic_switches_documents(svc: Container) -> None:
    """'还有首席技术专家评选 年龄有限制冇' right after a 青年托举 answer starts with 还有 but names another programme: it
    is answered from that programme's document, not from the 青年托举 age rule."""
    with wechat_client(svc) as wx:
        wx.send_text("f12", "青年托举项目每个单位能报几个人")
        (reply,) = wx.send_text("f12", "还有首席技术专家评选 年龄有限制冇")
        assert "首席技术专家" in reply and "55周岁" in reply and "1992年" not in reply


def test_a_county_the_document_never_names_is_declined_in_a_follow_up(svc: Container) -> None:
    """'俺们在枣阳 枣阳市里另外还有冇得配套奖励' after the 院士站 funding: the guide never names 枣阳, so the city's figures
    are not presented as the county's."""
    with wechat_client(svc) as wx:
        wx.send_text("f13", "院士专家工作站建站经费给多少")
        (reply,) = wx.send_text("f13", "俺们在枣阳 枣阳市里另外还有冇得配套奖励")
        assert "资料里没有写明" in reply or "没有找到可靠的答案" in reply


def test_what_good_it_does_after_an_answer_is_the_benefits_not_praise(svc: Container) -> None:
    """Found by the lead in ``kc chat``: '有啥好处' right after an answer on 科技型中小企业 got "谢谢夸奖" (small talk on
    its 好), and asked in full it got the contact section; it is the section on what entering the list brings."""
    with wechat_client(svc) as wx:
        wx.send_text("f14", "科技型中小企业评价是干嘛的")
        (reply,) = wx.send_text("f14", "有啥好处")
        assert "2万元" in reply and "谢谢" not in reply
        (full,) = wx.send_text("f15", "科技型中小企业评价入库有啥好处")
        assert "2万元" in full and "0710-5550103" not in full


def test_a_problem_told_after_an_answer_is_not_answered_from_that_document(svc: Container) -> None:
    """Review finding: a problem described right after a policy answer ('我们厂焊缝老开裂，有没有办法') is no
    follow-up of that answer and gets no 高企 passage."""
    with wechat_client(svc) as wx:
        wx.send_text("f16", "高新技术企业认定要满足哪些条件")
        replies = wx.send_text("f16", "我们厂焊缝老开裂，有没有办法")
        assert not any("高新技术企业认定申报指南" in r for r in replies)
