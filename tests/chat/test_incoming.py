"""WeChat message fields → the handlers' typed ``Incoming`` and the dedup key of a delivery."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat.incoming import dedup_key, to_incoming

RECEIVED = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def test_incoming_text_voice_event_unknown() -> None:
    base = {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1700000000"}
    text = to_incoming({**base, "MsgType": "text", "Content": "你好", "MsgId": "9"}, appid="wx", received=RECEIVED)
    assert (text.kind, text.text, text.msg_id, text.created_at.year) == ("text", "你好", "9", 2023)
    voice = to_incoming({**base, "MsgType": "voice", "Recognition": "我要提需求。"}, appid="wx", received=RECEIVED)
    assert (voice.kind, voice.text, voice.original_kind) == ("text", "我要提需求。", "voice")
    assert to_incoming({**base, "MsgType": "voice"}, appid="wx", received=RECEIVED).kind == "voice"
    click = to_incoming({**base, "MsgType": "event", "Event": "CLICK", "EventKey": "KC_DEMAND"},
                         appid="wx", received=RECEIVED)
    assert (click.kind, click.event, click.event_key) == ("event", "click", "KC_DEMAND")
    assert to_incoming({**base, "MsgType": "miniprogrampage"}, appid="wx", received=RECEIVED).kind == "unknown"
    assert to_incoming({**base, "CreateTime": "garbage", "MsgType": "text"}, appid="wx", received=RECEIVED).created_at == RECEIVED


def test_dedup_keys() -> None:
    base = {"FromUserName": "o1", "CreateTime": "1700000000"}
    assert dedup_key({**base, "MsgType": "text", "MsgId": "123"}) == "msg:o1:123"
    assert dedup_key({**base, "FromUserName": "o2", "MsgType": "text", "MsgId": "123"}) == "msg:o2:123"
    click = {**base, "MsgType": "event", "Event": "CLICK", "EventKey": "K"}
    assert dedup_key(click) == "evt:o1:1700000000:CLICK:K" != dedup_key({**click, "EventKey": "L"})
    view = {**base, "MsgType": "event", "Event": "VIEW", "EventKey": "https://x/" + "a" * 1000}
    assert len(dedup_key(view)) <= 255 and dedup_key(view) != dedup_key({**view, "EventKey": "https://x/b"})
