"""Messages as WeChat's server would send them, for the console's chat simulator: a user's text signed (and
encrypted in compat/safe mode) with the account's own Token and key, and the app's reply opened again.

This is production code (the simulator runs inside ``kc serve``); the test harness is ``bot.wechat.testing``.
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.settings import Settings
from bot.wechat.signing import callback_token, sign
from bot.wechat.xmlio import cdata, parse_xml

ACCOUNT = "gh_console_simulator"


def _crypto(settings: Settings) -> Any:
    """wechatpy's message crypto for the account."""
    from wechatpy.crypto import WeChatCrypto

    return WeChatCrypto(callback_token(settings), settings.wechat_aes_key, settings.appid)


def text_message(settings: Settings, *, openid: str, text: str, msg_id: int, now: int) -> tuple[dict[str, str], bytes]:
    """The signed query and body of a text message from ``openid`` (encrypted unless the mode is plain)."""
    xml = (f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
           f"<CreateTime>{now}</CreateTime><MsgType>text</MsgType><Content>{cdata(text)}</Content>"
           f"<MsgId>{msg_id}</MsgId></xml>")
    stamp, nonce = str(now), secrets.token_hex(6)
    query = {"timestamp": stamp, "nonce": nonce, "signature": sign(callback_token(settings), stamp, nonce)}
    if settings.resolved_wechat_mode == "plain":
        return query, xml.encode("utf-8")
    outer = parse_xml(_crypto(settings).encrypt_message(xml, nonce, stamp))
    query.update(encrypt_type="aes", msg_signature=outer["MsgSignature"])
    body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(outer['Encrypt'])}</Encrypt></xml>"
    return query, body.encode("utf-8")


def reply_text(settings: Settings, body: bytes) -> str:
    """The text of the app's passive reply ("" for ``success``), decrypted when it came encrypted."""
    if body.strip() in (b"", b"success"):
        return ""
    fields = parse_xml(body)
    if "Encrypt" in fields:
        plain = _crypto(settings).decrypt_message(body.decode("utf-8"), fields["MsgSignature"], fields["TimeStamp"],
                                                  fields["Nonce"])
        fields = parse_xml(plain.encode("utf-8"))
    return str(fields.get("Content") or "")
