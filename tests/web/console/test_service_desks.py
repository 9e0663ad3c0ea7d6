"""Console II in real Chromium against ``kc serve`` and the fake WeChat API: a 转人工 request answered from
人工服务 reaches the user as a customer-service message; door check-in (once, again, refused); an uploaded
document is listed and the bot answers from it in chat; a dead push is retried and delivered."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from bot.clock import utcnow
from bot.domain.events import signup
from bot.store.models import AuditLog, HandoffRequest, Outbox, Registration, User
from tests.support.console import ConsoleServer, running_console, screenshot, sign_in

pytestmark = pytest.mark.slow
POLICY = """# 襄阳市青年人才驿站入住办法（测试）

## 一、入住条件
来襄阳求职的应届高校毕业生可以免费入住青年人才驿站，每人最长入住 17 天。

## 二、申请方式
在"襄阳人才"公众号提交申请，审核通过后凭身份证和毕业证办理入住。
"""


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """``kc serve`` without quiet hours (a retried push goes out whatever the time of the test run) and with a
    generous reply budget (the tests read passive replies, also on a loaded machine)."""
    with running_console(tmp_path_factory.mktemp("console2"), KC_QUIET_HOURS="",
                         KC_REPLY_BUDGET_SECONDS="20") as server:
        yield server


def wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_a_liaison_answers_a_handoff_and_the_user_receives_it(console_server: ConsoleServer, page: Any) -> None:
    console_server.chat("o_handoff_1", "创新券怎么申请，找哪个部门")
    assert "联络员" in console_server.chat("o_handoff_1", "转人工")
    sign_in(page, console_server.url, "xiangyang")  # the user's region is unknown: every liaison sees it
    assert page.locator(".nav-badge .count").inner_text() != ""  # the badge counts requests waiting
    page.get_by_role("navigation").get_by_role("link", name="人工服务", exact=True).click()
    with console_server.db() as session:
        request_id = session.scalars(select(HandoffRequest.id).where(HandoffRequest.openid == "o_handoff_1")).one()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"#{request_id}", exact=True))
    assert "可发送，还剩 5 条" in row.inner_text() and "创新券" in row.inner_text()
    screenshot(page, "handoff-queue")
    row.get_by_role("link", name=f"#{request_id}").click()
    page.get_by_label("回复").fill("您好，创新券由市科技局受理，我稍后把申请表发给您。")
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_text("已通过客服消息发送给用户")).to_be_visible()
    assert "您好，创新券由市科技局受理" in "".join(console_server.fake.texts("o_handoff_1"))
    assert page.locator("#window").inner_text().startswith("可发送，还剩 4 条")
    screenshot(page, "handoff-detail")
    console_server.fake.fail("custom", 45015)  # WeChat refuses the next one: the page says why, nothing is lost
    page.get_by_label("回复").fill("申请表在附件里。")
    page.get_by_role("button", name="发送").click()
    refused = page.get_by_role("alert").inner_text()
    assert "超出 48 小时客服消息时限" in refused and "45015" in refused and "下次发消息时送达" in refused
    assert "申请表在附件里" in console_server.chat("o_handoff_1", "收到")
    page.get_by_role("button", name="关闭").click()
    expect(page.get_by_text("已关闭，已告知用户，并请用户评价")).to_be_visible()
    assert any("msgmenucontent=满意" in text for text in console_server.fake.texts("o_handoff_1"))  # one tap
    assert "感谢您的评价：满意" in console_server.chat("o_handoff_1", "满意")
    with console_server.db() as session:
        row_ = session.get(HandoffRequest, request_id)
        assert (row_.status, row_.assignee, row_.rating) == ("closed", "xiangyang", 3)


def test_handoff_outside_the_window_is_held_and_other_regions_cannot_open_it(console_server: ConsoleServer,
                                                                            page: Any) -> None:
    console_server.chat("o_handoff_2", "转人工")
    with console_server.db() as session:
        request_id = session.scalars(select(HandoffRequest.id).where(HandoffRequest.openid == "o_handoff_2")).one()
        session.execute(update(HandoffRequest).where(HandoffRequest.id == request_id).values(region="襄阳市高新区"))
        session.execute(update(User).where(User.openid == "o_handoff_2").values(
            last_inbound_at=utcnow().replace(year=2020)))
    sign_in(page, console_server.url, "shiyan")
    assert page.goto(console_server.url + f"/console/handoff/{request_id}").status == 404
    sign_in(page, console_server.url, "xiangyang")
    page.goto(console_server.url + f"/console/handoff/{request_id}")
    page.get_by_label("回复").fill("请带上营业执照复印件。")
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_text("回复已保存，将在用户下次发消息时一起送达")).to_be_visible()
    assert not console_server.fake.texts("o_handoff_2")
    assert "请带上营业执照复印件" in console_server.chat("o_handoff_2", "好的")


def _register(server: ConsoleServer, openid: str, event_id: str = "E01") -> str:
    """Sign a resident up (with one companion) as the chat would; their check-in code."""
    with server.db() as session:
        result = signup.register(session, appid="wx_dev", event_id=event_id, openid=openid, name="周桂兰",
                                 phone="13800001111", party_size=2, companions=["周建国"], now=utcnow())
        assert result.registration is not None, result
        return result.registration.checkin_code


def test_door_checkin_once_then_already_then_refused(console_server: ConsoleServer, page: Any) -> None:
    code = _register(console_server, "o_checkin_1")
    sign_in(page, console_server.url, "shiyan")  # another region's code is unknown to a 十堰 liaison
    page.goto(console_server.url + "/console/events/checkin")
    page.get_by_label("签到码").fill(code)
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("无效或不存在")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone at the door
    sign_in(page, console_server.url, "xiangyang")
    page.get_by_role("navigation").get_by_role("link", name="活动", exact=True).click()
    page.get_by_role("link", name="签到", exact=True).click()
    page.get_by_label("签到码").fill(code.lower())
    page.get_by_role("button", name="签到").click()
    result = page.get_by_role("status")
    assert "签到成功" in result.inner_text() and "周桂兰（2 人" in result.inner_text()
    assert "高血压防治与合理用药讲座" in result.inner_text()
    screenshot(page, "checkin-phone")
    page.get_by_label("签到码").fill(code)
    page.get_by_role("button", name="签到").click()
    assert "已签到" in page.get_by_role("status").inner_text()
    page.get_by_label("签到码").fill("ABCD2345")
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_role("alert").filter(has_text="无效或不存在")).to_be_visible()
    with console_server.db() as session:
        assert session.scalars(select(Registration.checked_in_at).where(
            Registration.openid == "o_checkin_1")).one() is not None
        checkins = session.scalars(select(AuditLog).where(AuditLog.action == "event.checkin")).all()
    assert [a.actor for a in checkins] == ["xiangyang"]  # refused scans changed nothing


def test_event_page_lists_party_and_exports_neutralised_and_audited(console_server: ConsoleServer,
                                                                   page: Any) -> None:
    with console_server.db() as session:
        signup.register(session, appid="wx_dev", event_id="E03", openid="o_formula", name="=HYPERLINK(1)",
                        phone="13800002222", party_size=1, now=utcnow())
    sign_in(page, console_server.url, "xiangyang")
    page.goto(console_server.url + "/console/events/E03")
    expect(page.get_by_role("cell", name="=HYPERLINK(1)")).to_be_visible()
    page.get_by_label("姓名").fill("王大爷")
    page.get_by_label("手机号").fill("13900003333")
    page.get_by_role("button", name="现场登记").click()
    expect(page.get_by_text("已现场登记 王大爷（1 人），并已签到")).to_be_visible()
    screenshot(page, "event-detail")
    response = page.request.get(console_server.url + "/console/events/E03/export?fmt=csv")
    text = response.body().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "王大爷" in text
    with console_server.db() as session:
        exported = session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert any(a.entity_id == "event:E03" and a.actor == "xiangyang" for a in exported)
    sign_in(page, console_server.url, "shiyan")  # another region's list is not exported
    assert page.request.get(console_server.url + "/console/events/E03/export?fmt=xlsx").status == 404
    assert page.goto(console_server.url + "/console/events/E03").status == 404


def test_events_are_created_edited_and_cancelled_with_registrants_told(console_server: ConsoleServer,
                                                                     page: Any) -> None:
    sign_in(page, console_server.url, "xiangyang")
    page.goto(console_server.url + "/console/events")
    screenshot(page, "events")
    page.get_by_text("新建活动").first.click()
    page.get_by_label("活动名称").fill("防诈骗知识讲座（测试）")
    page.get_by_label("开始时间").fill("2027-06-01T09:30")
    page.get_by_label("结束时间").fill("2027-06-01T11:00")
    page.get_by_label("地点").fill("樊城区示例社区活动室")
    page.get_by_label("地区").fill("十堰市茅箭区")
    page.get_by_label("名额").fill("30")
    page.get_by_role("button", name="新建活动").click()
    expect(page.get_by_text("地区必须在您负责的 襄阳市 范围内")).to_be_visible()  # a liaison stays in their region
    page.get_by_label("地区").fill("襄阳市樊城区")
    page.get_by_role("button", name="新建活动").click()
    expect(page.get_by_text("已新建活动")).to_be_visible()
    event_id = page.locator("h1").inner_text().split()[0]
    _register(console_server, "o_event_edit", event_id)
    page.goto(console_server.url + f"/console/events/{event_id}")
    page.get_by_label("地点").fill("樊城区示例社区二楼大会议室")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("已保存，已通知 1 位报名人")).to_be_visible()
    page.get_by_label("取消原因").fill("场地检修")
    page.get_by_role("button", name="取消活动").click()
    expect(page.get_by_text("活动已取消，已通知 1 位报名人")).to_be_visible()
    with console_server.db() as session:
        told = session.scalars(select(Outbox.payload).where(Outbox.openid == "o_event_edit",
                                                            Outbox.kind == "event_changed")).all()
    assert any("二楼大会议室" in p["text"] for p in told) and any("场地检修" in p["text"] for p in told)


def test_an_uploaded_document_is_listed_and_answered_in_chat(console_server: ConsoleServer, page: Any,
                                                             tmp_path: Path) -> None:
    policy = tmp_path / "youth_station_test.md"
    policy.write_text(POLICY, encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip at all")
    sign_in(page, console_server.url, "admin")
    page.get_by_role("navigation").get_by_role("link", name="知识库", exact=True).click()
    page.get_by_label("上传文档").set_input_files(str(broken))
    page.get_by_role("button", name="上传", exact=True).click()
    wait_for(lambda: page.locator("#uploads").get_by_text("文件无法解析").count())
    page.get_by_label("上传文档").set_input_files(str(policy))
    page.get_by_role("button", name="上传", exact=True).click()
    wait_for(lambda: page.locator("#uploads tr", has_text="youth_station_test.md").get_by_text("已完成").count())
    page.goto(console_server.url + "/console/kb")
    doc_row = page.locator("#docs tr", has_text="youth_station_test")
    assert "一、入住条件" in doc_row.inner_text()
    screenshot(page, "kb")
    page.get_by_label("问题").fill("青年人才驿站最长能住几天")
    page.get_by_role("button", name="试问").click()
    assert "17 天" in page.locator("#trial").inner_text() and "会回答" in page.locator("#trial").inner_text()
    reply = console_server.chat("o_kb_user", "青年人才驿站最长能住几天")
    assert "17 天" in reply and "青年人才驿站" in reply
    assert "broken" not in page.locator("#docs").inner_text()  # the bad file changed nothing
    page.get_by_role("button", name="停用 youth_station_test").click()
    assert "已停用" in page.locator("#docs tr", has_text="youth_station_test").inner_text()
    screenshot(page, "kb_retired")
    assert "17 天" not in console_server.chat("o_kb_user", "青年人才驿站最长能住几天")  # a retired document never answers
    page.get_by_role("button", name="启用 youth_station_test").click()
    assert "在用" in page.locator("#docs tr", has_text="youth_station_test").inner_text()
    assert "17 天" in console_server.chat("o_kb_user", "青年人才驿站最长能住几天")


def test_a_dead_push_is_retried_and_delivered(console_server: ConsoleServer, page: Any) -> None:
    console_server.chat("o_push_1", "你好")  # opens the customer-service window
    with console_server.db() as session:
        session.add(Outbox(appid="wx_dev", openid="o_push_1", idempotency_key="test-dead-1", kind="event_reminder",
                           payload={"text": "活动提醒：测试重试的推送"}, channel="custom", status="dead", attempts=6,
                           last_error="HTTP 500 Internal Server Error", next_attempt_at=utcnow(), created_at=utcnow()))
    sign_in(page, console_server.url, "admin")
    page.get_by_role("navigation").get_by_role("link", name="推送", exact=True).click()
    with console_server.db() as session:
        push_id = session.scalars(select(Outbox.id).where(Outbox.idempotency_key == "test-dead-1")).one()
    row = page.locator(f"#push-{push_id}")
    assert "已放弃" in row.inner_text() and "微信服务器出错" in row.inner_text() and "客服消息" in row.inner_text()
    screenshot(page, "outbox")
    row.get_by_role("button", name="重试").click()
    expect(page.get_by_text(f"推送 {push_id} 已重新排队")).to_be_visible()
    wait_for(lambda: "活动提醒：测试重试的推送" in console_server.fake.texts("o_push_1"))
    with console_server.db() as session:
        assert session.get(Outbox, push_id).status == "sent"
    unsigned = httpx.post(console_server.url + f"/console/outbox/{push_id}/retry", follow_redirects=False)
    assert unsigned.status_code == 303 and unsigned.headers["location"] == "/console/login"  # not signed in
    no_token = page.evaluate(f"async () => (await fetch('/console/outbox/{push_id}/retry', {{method: 'POST'}})).status")
    assert no_token == 403  # signed in, but without the CSRF token
    sign_in(page, console_server.url, "shiyan")  # pushes carry no region: a regional liaison is told so
    page.goto(console_server.url + "/console/outbox")
    expect(page.get_by_text("只有管理员和不限地区的联络员可以查看")).to_be_visible()
    assert page.locator(f"#push-{push_id}").count() == 0
