"""The other desks of console I in real Chromium against ``kc serve``: 工作台 charts, the 匹配 board and a
state move, the 项目库 upload with the import rules, and the chat simulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bot.store.models import Achievement, AuditLog, InboundMessage, Match
from tests.support.console import ConsoleServer, screenshot, sign_in

pytestmark = pytest.mark.slow


def test_matches_board_shows_both_sides_and_moves_with_a_reason(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    page.goto(console_server.url + "/console/demands/D01")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("已发布")
    page.get_by_role("navigation").get_by_role("link", name="匹配", exact=True).click()
    with console_server.db() as session:
        match = session.scalars(select(Match).where(Match.demand_id == "D01").order_by(Match.score.desc())).first()
        assert match is not None
        title = session.get(Achievement, match.achievement_id).title
    row = page.locator(f"#match-{match.id}")
    assert "D01" in row.inner_text() and title in row.inner_text()  # both sides on the row
    assert "0 天" in row.inner_text()
    row.get_by_label("新状态").select_option("negotiating")
    row.get_by_role("button", name="更新").click()  # no reason: the browser refuses (required field)
    assert page.get_by_text("已改为").count() == 0
    row = page.locator(f"#match-{match.id}")
    row.get_by_label("新状态").select_option("negotiating")
    row.get_by_label("原因").fill("双方已约定下周面谈")
    row.get_by_role("button", name="更新").click()
    expect(page.get_by_text(f"匹配 {match.id} 已改为“洽谈中”")).to_be_visible()
    screenshot(page, "matches")
    with console_server.db() as session:
        assert session.get(Match, match.id).state == "negotiating"
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "match.negotiating")).one()
    assert audit.actor == "admin" and audit.detail["note"] == "双方已约定下周面谈"
    assert audit.detail["before"] == {"state": "recommended"}
    page.goto(console_server.url + "/console/matches?days=1")  # nothing is a day old yet
    assert page.locator("tr.overdue").count() == 0


def test_dashboard_draws_every_chart(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    labels = page.locator("svg.chart").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert {"需求状态", "按行业", "按地区", "匹配漏斗", "每周趋势"} <= set(labels)
    assert page.locator("svg[aria-label=需求状态] title").filter(has_text="待审核").count() == 1
    screenshot(page, "dashboard")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "dashboard-phone")


def test_upload_names_the_bad_line_and_imports_nothing_then_imports(console_server: ConsoleServer, page: Any,
                                                                     tmp_path: Path) -> None:
    header = "id,title,summary,field,institution,maturity,keywords\n"
    good = "A901,耐高温密封胶,一种耐高温密封胶,新能源新材料,湖北文理学院,中试,密封;耐高温\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + good + "A902,坏行,说明,房地产,某单位,中试,\n", encoding="utf-8")
    sign_in(page, console_server.url, "shiyan")
    page.goto(console_server.url + "/console/achievements")
    page.get_by_label("上传成果文件").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("第 3 行，字段 field")).to_be_visible()
    with console_server.db() as session:
        assert session.get(Achievement, "A901") is None
    ok = tmp_path / "ok.csv"
    ok.write_text(header + good, encoding="utf-8")
    page.get_by_label("上传成果文件").set_input_files(str(ok))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("新增 1 条")).to_be_visible()
    page.get_by_role("link", name="A901").click()
    assert page.get_by_label("标题").input_value() == "耐高温密封胶"
    page.get_by_label("关键词").fill("密封、耐高温、航空发动机")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("已保存：关键词")).to_be_visible()
    with console_server.db() as session:
        assert session.get(Achievement, "A901").keywords == ["密封", "耐高温", "航空发动机"]
        imported = session.scalars(select(AuditLog).where(AuditLog.action == "achievement.import")).one()
    assert imported.actor == "shiyan" and imported.detail["after"] == {"created": 1, "updated": 0}


def test_simulator_answers_hello_through_the_webhook(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    page.get_by_role("link", name="模拟器").click()
    page.get_by_label("消息").fill("你好")
    page.get_by_role("button", name="发送").click()
    assert "我是科创助手" in page.locator("#reply").inner_text()
    assert page.locator(".transcript .in").last.inner_text() == "你好"
    screenshot(page, "simulator")
    with console_server.db() as session:
        inbound = session.scalars(select(InboundMessage).where(InboundMessage.openid == "console-sim-admin")).all()
    assert [row.status for row in inbound] == ["done"]  # went through the pipeline like any WeChat message


def test_simulator_shows_the_pushes_to_the_simulated_user(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    page.goto(console_server.url + "/console/simulator")
    for text in ("我们是襄阳模拟轴承有限公司，在樊城，做汽车轴承的。轴承热处理后变形大，想找高校帮忙，"
                 "预算50万，联系人赵敏 13800007777", "提交", "同意"):
        page.get_by_label("消息").fill(text)
        page.get_by_role("button", name="发送").click()
    reply = page.locator("#reply").inner_text()
    assert "已提交，需求编号" in reply, reply
    demand_id = reply.split("需求编号 ", 1)[1].split("。", 1)[0]
    page.goto(f"{console_server.url}/console/demands/{demand_id}")
    page.get_by_role("button", name="通过", exact=True).click()
    page.goto(console_server.url + "/console/simulator")
    pushes = page.locator("table").last.inner_text()
    assert "demand_review" in pushes and f"{demand_id}" in pushes and "已审核发布" in pushes
