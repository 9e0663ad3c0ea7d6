"""Chinese texts of the hand-off (转人工): what the user and staff are told, shared by chat, console and domain."""

from __future__ import annotations

REPLY_PREFIX = "【科创联络员回复】\n"
RATINGS = {3: "满意", 2: "一般", 1: "不满意"}
RATING_WORDS = {"满意": 3, "一般": 2, "不满意": 1, "1": 3, "2": 2, "3": 1}  # "1 满意 / 2 一般 / 3 不满意"


def reply_text(text: str) -> str:
    """A liaison's reply as the user sees it."""
    return REPLY_PREFIX + text.strip()


def rating_choice(label: str, menu_id: int) -> str:
    """A one-tap choice inside a customer-service text (WeChat sends ``label`` back when it is tapped)."""
    return f'<a href="weixin://bizmsgmenu?msgmenucontent={label}&msgmenuid={menu_id}">{label}</a>'


def closed_text(ask_rating: bool) -> str:
    """The user is told the liaison closed the request (and may rate it with one tap)."""
    done = "本次人工服务已结束，感谢您的耐心。"
    if not ask_rating:
        return done + "还有问题可以随时再问我，或回复“转人工”。"
    choices = " ".join(rating_choice(label, 100 + score) for score, label in RATINGS.items())
    return done + f"请为这次服务打分（点一下即可）：{choices}\n也可以回复 1 满意、2 一般、3 不满意。"


def staff_alert_text(request_id: int, question: str, region: str | None) -> str:
    """A staff member is told of a new hand-off request."""
    where = f"（{region}）" if region else ""
    asked = f"：{question[:60]}" if question else ""
    return f"新的转人工请求 #{request_id}{where}{asked}。请到联络员后台“人工服务”处理。"


WAITING_TEXT = "已收到，科创联络员正在处理您的问题，回复会直接发到这里。如需结束人工服务，回复“结束人工”。"
FOLLOWUP_TEXT = "已转给联络员，请稍候。"  # the user writes again while waiting: a shorter note
PARKED_TEXT = "刚才填的内容先为您保存着（一天内有效），想接着填时回复“继续填”。"
POLITE_WAITING_TEXT = "{opening}联络员的回复会直接发到这里；不需要了可以回复“结束人工”。"
USER_CLOSED_TEXT = "好的，已结束人工服务。还有问题可以直接问我。"
RATED_TEXT = "感谢您的评价：{label}。"
