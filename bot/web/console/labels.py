"""Wording of the 人工服务, 活动, 知识库 and 推送 desks (labels of statuses and refusals; console only)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import LOCAL_TZ
from bot.domain.events.rules import Refusal
from bot.store.cswindow import DAILY_CAP_NOTE, CsWindow

HANDOFF_STATUS = {"open": "待接手", "assigned": "处理中", "closed": "已关闭"}
REPLY_OUTCOME = {"queued": "发送中", "sent": "已发送（客服消息）", "held": "已保存，用户下次发消息时送达",
                 "failed": "发送失败", "uncertain": "结果不明（可能已送达）"}
UPLOAD_STATUS = {"queued": "排队中", "parsing": "解析中", "indexing": "写入索引", "done": "已完成", "failed": "失败"}
UPLOAD_ERRORS = {
    "unsupported": "不支持这种文件类型，请上传 md、txt、html、pdf 或 docx 文件",
    "empty": "文件里没有可读的文字（扫描版 PDF 需要先转成文字）",
    "unreadable": "文件无法解析，可能已损坏或不是它扩展名所说的格式",
    "too_large": "文件超过 10 MB",
    "bad_name": "文件名无效",
    "store_failed": "写入知识库时出错，原有内容未改动，请稍后重试",
}
PUSH_STATUS = {"pending": "待发送", "failed": "失败，等待重试", "deferred": "顺延（已达每人每日上限）", "sending": "发送中", "inbox": "暂存（用户下次发消息时送达）",
               "dead": "已放弃", "uncertain": "结果不明", "sent": "已发送"}
CHANNELS = {"subscribe": "订阅通知", "template": "模板消息", "custom": "客服消息", "inbox": "收件箱", None: "—"}
BLOCKS = {"quota": "接口配额用完", "window": "超出 48 小时", "unfollowed": "用户未关注", "refused": "用户拒收",
          "cap": "每人每日上限"}
PUSH_KINDS = {"answer": "慢答复", "more": "分页续文", "handoff_reply": "联络员回复", "handoff_closed": "人工服务结束",
              "handoff_alert": "转人工提醒", "event_reminder": "活动提醒", "event_changed": "活动变更",
              "event_promoted": "候补递补", "event_announcement": "新活动通知",
              "event_waitlist_expired": "候补失效", "match_alert": "匹配提醒", "demand_review": "审核结果",
              "contact_release": "交换联系方式"}
WECHAT_ERRORS = {
    40001: "access_token 无效（已自动刷新重试）", 40003: "openid 无效", 42001: "access_token 过期",
    43004: "用户未关注公众号", 43101: "用户拒绝接收此消息", 45009: "接口调用次数已达当日上限",
    45015: "超出 48 小时客服消息时限", 45047: "客服消息条数已达上限（每条用户消息最多 5 条）",
    48001: "公众号没有该接口权限（未认证）", -1: "微信系统繁忙",
}
CHECKIN_REFUSED = {Refusal.NOT_FOUND: "签到码无效或不存在（请核对后重试）", Refusal.CANCELLED: "该活动已取消",
                   Refusal.NOT_CONFIRMED: "该报名不是“已报名”状态（候补或已取消），不能签到"}
WALK_IN_REFUSED = {"full": "名额不足，无法现场登记（可先修改容量）", "missing": "请填写姓名和手机号",
                   Refusal.CANCELLED: "活动已取消", Refusal.CLOSED: "活动已结束",
                   Refusal.PARTY_TOO_LARGE: "同行人数超过本活动的上限", Refusal.INVALID_PARTY: "人数与同行人姓名不符"}


def error_in_words(error: str | None, errcode: int | None) -> str:
    """A stored send error explained: WeChat's errcode in Chinese plus the original text."""
    if not error:
        return ""
    if errcode in WECHAT_ERRORS:
        return f"{WECHAT_ERRORS[errcode]}（{error}）"
    if error == DAILY_CAP_NOTE:
        return "这位用户今天收到的推送已达上限（KC_DAILY_PUSH_CAP），明早再发"
    if error.startswith("uncertain"):
        return f"请求已发出但没有收到微信的答复，可能已送达（{error}）"
    if error.startswith("HTTP 5"):
        return f"微信服务器出错（{error}）"
    return error


def waited(delta: timedelta) -> str:
    """A wait as 3 分钟 / 2 小时 5 分 / 1 天 3 小时."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时 {minutes} 分"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时"


def window_text(window: CsWindow) -> str:
    """Whether a customer-service message can reach the user now, and how many are left."""
    if window.last_message_at is None:
        return "用户从未发消息：回复将在用户下次发消息时送达"
    if window.closes_at is None:
        return "已超过 48 小时：回复将在用户下次发消息时送达"
    until = window.closes_at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
    if window.remaining <= 0:
        return f"本轮 5 条客服消息已用完（窗口至 {until}）：回复将在用户下次发消息时送达"
    return f"可发送，还剩 {window.remaining} 条（窗口至 {until}）"

