"""Demand and achievement forms through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices5.jsonl`` before changing anything (a field left open taken for quitting the
form, a need type said at another question lost or appended to the description, problem clauses dropped, the
figure to write losing to a range, organisation names cut, a title said outright ignored).
"""

from __future__ import annotations

from sqlalchemy import select

from bot.container import Container
from bot.store.models import Achievement
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, demand_of, submit = forms_chat.say, forms_chat.demand_of, forms_chat.submit


def achievement_of(services: Container, openid: str) -> Achievement:
    """The single achievement a user submitted."""
    with services.db.session() as session:
        row = session.scalars(select(Achievement).where(Achievement.owner_openid == openid)).one()
        session.expunge(row)
        return row


def test_a_field_left_open_skips_that_field_not_the_form(wx: object, services: Container) -> None:
    """'经费还没谱 先不填' at the budget question skips the budget; the form goes on and is submitted."""
    openid = "f5_open"
    say(wx, openid, "我们做汽车线束的 端子压接老是不牢 想找专家攻关", "襄阳联创线束有限公司 在高新区")
    reply = say(wx, openid, "经费还没谱 先不填")
    assert "已取消" not in reply and "联系人" in reply
    say(wx, openid, "联系人 胡佳 13800610001")
    submit(wx, openid)
    assert demand_of(services, openid).budget in (None, "", "面议")


def test_a_need_type_said_at_another_question_replaces_the_guess(wx: object, services: Container) -> None:
    """'行业电子信息 类型人才引进' answered while the budget is asked: the need type said outright replaces the
    inferred one (no longer marked as a guess) and the budget is asked again."""
    openid = "f5_type"
    say(wx, openid, "我们做工业相机的 想招两个做图像算法的博士", "襄阳视通科技有限公司 樊城区")
    reply = say(wx, openid, "行业电子信息 类型人才引进")
    assert "需求类型" in reply and "预算" in reply
    summary = say(wx, openid, "预算 60万", "联系人 罗斌 13800610002")
    assert "需求类型：人才引进" in summary and "需求类型：人才引进（" not in summary
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "人才引进"


def test_a_need_type_word_never_lands_in_the_description(wx: object, services: Container) -> None:
    """'那就算人才引进吧' fills the need type; the description keeps only the problem."""
    openid = "f5_label"
    say(wx, openid, "我们是做纺织面料的 印花套色老是不准 想请个懂印花的技术员长期驻厂", "襄阳锦绣印染有限公司 襄州区")
    say(wx, openid, "那就算人才引进吧", "是", "预算 20万", "联系人 邹平 13800610003")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert "人才引进" not in row.description and "套色" in row.description and row.need_type == "人才引进"


def test_every_problem_clause_is_kept(wx: object, services: Container) -> None:
    """'这几年…' is no question, '处理…场的废水' names no company, '想请专家把…改一下' is no correction: all
    three clauses stay in the description."""
    openid = "f5_clauses"
    say(wx, openid, "我们处理屠宰场的废水 这几年总磷老降不下来 想请专家把工艺改一下")
    say(wx, openid, "襄阳清源环保有限公司 宜城市", "是", "预算 30万", "联系人 袁峰 13800610004")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert all(w in row.description for w in ("屠宰场", "总磷", "工艺"))


def test_the_figure_the_user_says_to_write_wins(wx: object, services: Container) -> None:
    """'大概二三十万吧 就写30万': the budget is 30万, not the range."""
    openid = "f5_write"
    say(wx, openid, "我们做农机齿轮的 淬火后变形大 想找人解决", "襄阳齿科传动有限公司 襄州区")
    say(wx, openid, "大概二三十万吧 就写30万", "联系人 谭亮 13800610005")
    submit(wx, openid)
    assert demand_of(services, openid).budget == "30万元"


def test_a_product_word_says_nothing_of_the_need_type(wx: object, services: Container) -> None:
    """'做保险杠的' names a car part, not insurance: the need type is no 科技金融."""
    openid = "f5_bumper"
    say(wx, openid, "我们做汽车保险杠的 喷漆后橘皮严重 想找工艺专家", "襄阳彩塑汽车部件有限公司 高新区",
        "预算 十万", "联系人 龚雪 13800610006")
    submit(wx, openid)
    assert demand_of(services, openid).need_type == "技术攻关"


def test_a_company_name_with_he_inside_is_kept_whole(wx: object, services: Container) -> None:
    """'襄阳永和精密机械有限公司' is one name (和 inside a name joins nothing)."""
    openid = "f5_he"
    say(wx, openid, "我们做液压阀的 阀芯磨损太快 想找专家攻关", "襄阳永和精密机械有限公司 樊城区", "是", "预算 15万",
        "联系人 詹伟 13800610007")
    submit(wx, openid)
    assert demand_of(services, openid).company == "襄阳永和精密机械有限公司"


def test_a_researcher_unit_is_kept_as_said(wx: object, services: Container) -> None:
    """'单位就填汉水大学附属医院': the unit is the affiliated hospital, without the '填'."""
    openid = "f5_unit"
    say(wx, openid, "我想登记个成果", "单位就填汉水大学附属医院", "一种用于术后镇痛的缓释凝胶 已经在动物身上验证过",
        "医药健康", "小试", "无", "联系人 蔡敏 13800610008")
    submit(wx, openid)
    assert achievement_of(services, openid).institution == "汉水大学附属医院"


def test_a_title_said_outright_is_the_title(wx: object, services: Container) -> None:
    """'成果叫…' said while the summary is asked fills the name of the result, whole."""
    openid = "f5_title"
    say(wx, openid, "我是鄂北理工大学的老师 想登记个成果", "成果叫低温烧结银浆导电材料制备技术",
        "用于柔性电路 电阻率比进口低一成 已经在两家厂试用", "电子信息", "中试", "发明专利两项",
        "联系人 郝敬 13800610009")
    submit(wx, openid)
    assert achievement_of(services, openid).title == "低温烧结银浆导电材料制备技术"


def test_a_test_the_company_must_have_done_starts_a_demand(wx: object, services: Container) -> None:
    """'要做盐雾试验 本地找不到能做的' is a need (a test to have done, nobody local can do it): the demand starts and
    keeps the company said just before."""
    openid = "f5_must_do"
    say(wx, openid, "襄阳恒力五金有限公司 襄城区")
    reply = say(wx, openid, "我们做门窗五金件 要做盐雾试验 本地找不到能做的机构")
    assert "问题库" in reply and "盐雾" in reply
    say(wx, openid, "高端装备制造", "预算 3万", "联系人 韦强 13800610010")
    submit(wx, openid)
    row = demand_of(services, openid)
    assert row.company == "襄阳恒力五金有限公司" and "盐雾" in row.description


def test_the_contact_changed_to_someone_named_by_job_title(wx: object, services: Container) -> None:
    """At the summary '联系人改一下 换成我们人事经理冯涛 电话不变': the contact is 冯涛, the phone stays."""
    openid = "f5_contact"
    say(wx, openid, "我们做医用敷料 缺懂抗菌涂层的研发人员", "襄阳康护医疗用品有限公司 樊城区", "人才引进",
        "医药健康", "预算 15万", "联系人 田静 电话13800610011")
    summary = say(wx, openid, "联系人改一下 换成我们人事经理冯涛 电话不变")
    assert "联系人：冯涛" in summary and "13800610011" in summary


def test_an_industry_said_outright_is_no_longer_marked_a_guess(wx: object, services: Container) -> None:
    """The industry offered for a yes ('…是“节能环保”吗') and then said outright with the need type: the summary
    shows it without '根据描述推测'."""
    openid = "f5_said"
    say(wx, openid, "我们处理电镀厂的废水 重金属老是超标 想找专家攻关", "襄阳净源环保科技有限公司 樊城区")
    summary = say(wx, openid, "行业节能环保 类型技术攻关", "预算 25万", "联系人 许亮 13800610012")
    assert "所属行业：节能环保\n" in summary
