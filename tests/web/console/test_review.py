"""The 问题库 in real Chromium against ``kc serve``: a demand registered in chat is approved or sent back,
its owner's notice is queued; region scope holds in lists, detail pages and exports."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bot.store.models import AuditLog, Demand, Outbox
from tests.support.console import ConsoleServer, screenshot, sign_in

pytestmark = pytest.mark.slow
DESCRIPTION = ("我们公司在高新区，做新能源车电机控制器的，算汽车零部件。控制器散热不行，夏天老降功率，"
               "想找个成熟的散热技术直接买过来，预算200w，公司叫{company}，我是李娜 13800005678")


def register_in_chat(server: ConsoleServer, openid: str, company: str) -> str:
    """Register a demand through the real webhook (describe, 提交, 同意); its id."""
    server.chat(openid, DESCRIPTION.format(company=company))
    server.chat(openid, "提交")
    reply = server.chat(openid, "同意")
    assert "已提交，需求编号" in reply, reply
    return reply.split("需求编号 ", 1)[1].split("。", 1)[0]


def owner_notices(server: ConsoleServer, openid: str) -> list[str]:
    """The review notices queued for the demand's owner."""
    with server.db() as session:
        rows = session.scalars(select(Outbox).where(Outbox.openid == openid, Outbox.kind == "demand_review"))
        return [str(r.payload.get("text")) for r in rows]


def test_liaison_finds_a_chat_demand_and_approves_it(console_server: ConsoleServer, page: Any) -> None:
    demand_id = register_in_chat(console_server, "o_console_owner_1", "襄阳驰冷电驱科技有限公司")
    sign_in(page, console_server.url, "xiangyang")
    page.get_by_role("link", name="问题库", exact=True).click()
    page.get_by_label("搜索").fill("驰冷")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=demand_id, exact=True).click()
    page.wait_for_url(f"**/console/demands/{demand_id}")
    expect(page.get_by_text("控制器散热不行").first).to_be_visible()  # the chat transcript it came from
    lines = page.locator(".transcript .line").all_inner_texts()
    assert lines[-2:] == ["同意", lines[-1]] and f"已提交，需求编号 {demand_id}" in lines[-1]
    screenshot(page, "demand-detail")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("已发布")
    with console_server.db() as session:
        assert session.get(Demand, demand_id).status == "已发布"
        approved = session.scalars(select(AuditLog).where(AuditLog.action == "demand.approve",
                                                          AuditLog.entity_id == demand_id)).one()
    assert approved.actor == "xiangyang" and approved.detail["source"].startswith("console ")
    assert approved.detail["before"] == {"status": "待审核"} and approved.detail["after"] == {"status": "已发布"}
    assert any("已审核发布" in text for text in owner_notices(console_server, "o_console_owner_1"))


def test_reject_needs_a_reason_and_tells_the_owner(console_server: ConsoleServer, page: Any) -> None:
    demand_id = register_in_chat(console_server, "o_console_owner_2", "襄阳冷芯科技有限公司")
    sign_in(page, console_server.url, "admin")
    page.goto(f"{console_server.url}/console/demands/{demand_id}")
    page.get_by_label("退回原因").fill("请补充控制器的功率和散热方式")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("已退回").first).to_be_visible()
    notices = owner_notices(console_server, "o_console_owner_2")
    assert any("请补充控制器的功率和散热方式" in text for text in notices), notices
    with console_server.db() as session:
        assert session.get(Demand, demand_id).status == "已关闭"


def test_queue_lists_pending_first_and_edits_are_audited(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    page.goto(console_server.url + "/console/demands")
    statuses = page.locator("tbody tr td:nth-child(7)").all_inner_texts()
    assert statuses and statuses == sorted(statuses, key=lambda s: s != "待审核")
    screenshot(page, "demands")
    page.goto(console_server.url + "/console/demands/D01")
    page.get_by_label("预算").fill("90万元")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("已保存：预算")).to_be_visible()
    with console_server.db() as session:
        edit = session.scalars(select(AuditLog).where(AuditLog.action == "demand.edit",
                                                      AuditLog.entity_id == "D01")).one()
        assert session.get(Demand, "D01").budget_low_wan == 90.0
    assert edit.detail["before"] == {"budget": "80万元"} and edit.detail["after"] == {"budget": "90万元"}


def test_bulk_approve_publishes_the_selection(console_server: ConsoleServer, page: Any) -> None:
    sign_in(page, console_server.url, "admin")
    page.goto(console_server.url + "/console/demands?status=待审核")
    page.get_by_label("选择 D02").check()
    page.get_by_label("选择 D03").check()
    page.get_by_role("button", name="批量通过所选").click()
    expect(page.get_by_text("需求 D02 已发布")).to_be_visible()
    expect(page.get_by_text("需求 D03 已发布")).to_be_visible()
    with console_server.db() as session:
        assert {session.get(Demand, i).status for i in ("D02", "D03")} == {"已发布"}


def test_shiyan_liaison_neither_sees_nor_opens_a_xiangyang_demand(console_server: ConsoleServer,
                                                                  page: Any) -> None:
    with console_server.db() as session:
        regions = dict(session.execute(select(Demand.id, Demand.region)).tuples().all())
    xiangyang = next(i for i, r in regions.items() if r.startswith("襄阳"))
    shiyan = next(i for i, r in regions.items() if r.startswith("十堰"))
    sign_in(page, console_server.url, "shiyan")
    page.goto(console_server.url + "/console/demands")
    listed = set(page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert shiyan in listed and xiangyang not in listed
    assert all(regions[i].startswith("十堰") for i in listed)
    response = page.goto(f"{console_server.url}/console/demands/{xiangyang}")
    assert response is not None and response.status == 404
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    export = httpx.get(console_server.url + "/console/demands/export?fmt=csv", cookies=cookies)
    assert export.status_code == 200 and shiyan in export.text and xiangyang not in export.text
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    approve = httpx.post(f"{console_server.url}/console/demands/{xiangyang}/approve", cookies=cookies,
                         data={"csrf_token": token})
    assert approve.status_code == 404
