"""Pure protocol pieces: signatures, timestamps, safe and bounded XML, field bounds, UTF-8 splitting, the FIFO lock."""

from __future__ import annotations

import random

import pytest

from bot.wechat.inbound import Refused, open_request
from bot.wechat.signing import DEV_TOKEN, callback_token, fresh, sign, valid
from bot.wechat.split import MORE_HINT, paginate, split_utf8, take_pages, utf8_len
from bot.wechat.validate import MAX_TEXT, FieldError, check_nonce, clean_fields
from bot.wechat.xmlio import MAX_DEPTH, MAX_ELEMENTS, XmlError, cdata, parse_xml, render_text
from tests.support.env import make_settings


def test_signature_matches_wechat_documentation_example() -> None:
    # sha1("".join(sorted([token, timestamp, nonce]))) computed independently
    import hashlib

    expected = hashlib.sha1(b"".join(sorted([b"token", b"1409304348", b"xxxxxx"]))).hexdigest()
    assert sign("token", "1409304348", "xxxxxx") == expected
    assert valid(expected.upper(), "xxxxxx", "token", "1409304348")
    assert not valid(None, "token") and not valid("", "token") and not valid("abc", "token")


def test_dev_token_only_in_development(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert callback_token(make_settings(tmp_path)) == DEV_TOKEN
    assert callback_token(make_settings(tmp_path, wechat_token="real")) == "real"
    assert callback_token(make_settings(tmp_path, env="production")) == ""


def test_parse_nested_and_repeated_elements() -> None:
    fields = parse_xml(
        "<xml><A><![CDATA[一]]></A><B><List><T>1</T></List><List><T>2</T></List></B><C> 3 </C></xml>".encode()
    )
    assert fields == {"A": "一", "B": {"List": [{"T": "1"}, {"T": "2"}]}, "C": "3"}


@pytest.mark.parametrize("body", [b"", b"<xml>", b"<!DOCTYPE xml><xml/>", b"<root/>", b"<xml>&amp</xml>"])
def test_parse_rejects(body: bytes) -> None:
    with pytest.raises(XmlError):
        parse_xml(body)


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>',
    b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>',
    b'<xml><Content>&x;</Content></xml>',
    b'<?xml version="1.0" encoding="no-such-codec"?><xml/>',
])
def test_parse_refuses_entities_external_references_and_unknown_encodings(body: bytes) -> None:
    with pytest.raises(XmlError):
        parse_xml(body)


def test_parse_keeps_escaped_text_and_ignores_attributes_and_comments() -> None:
    fields = parse_xml(b'<xml><!-- note --><A k="v"> &lt;a&gt; &amp; b </A><B><C>1</C>text</B></xml>')
    assert fields == {"A": "<a> & b", "B": {"C": "1"}}


def test_timestamp_window() -> None:
    now = 1_800_000_000.0
    assert fresh("1800000000", now, 300) and fresh("1799999700", now, 300) and fresh("1800000300", now, 300)
    assert not fresh("1799999699", now, 300) and not fresh("1800000301", now, 300)
    for bad in (None, "", "-5", "12.5", "abc", "9" * 20, "1" * 5000):
        assert not fresh(bad, now, 300)


def test_parse_bounds_depth_and_size_while_parsing() -> None:
    deep = b"<xml>" + b"<a>" * 3000 + b"x" + b"</a>" * 3000 + b"</xml>"
    with pytest.raises(XmlError, match="nesting deeper"):
        parse_xml(deep)
    ok = b"<xml>" + b"<a>" * (MAX_DEPTH - 1) + b"x" + b"</a>" * (MAX_DEPTH - 1) + b"</xml>"
    assert parse_xml(ok)["a"]
    with pytest.raises(XmlError, match="more than"):
        parse_xml(b"<xml>" + b"<a>1</a>" * MAX_ELEMENTS + b"</xml>")
    assert len(parse_xml(b"<xml>" + b"<a>1</a>" * (MAX_ELEMENTS - 1) + b"</xml>")["a"]) == MAX_ELEMENTS - 1


def test_parse_errors_are_words_not_class_names() -> None:
    for body in (b"<xml><a>", b"<!DOCTYPE x><xml/>", b"<root/>", b"\x00\xff"):
        with pytest.raises(XmlError) as err:
            parse_xml(body)
        assert "Error" not in str(err.value) and "Exception" not in str(err.value) and str(err.value)


GOOD = {"ToUserName": "gh_1", "FromUserName": "o_1", "CreateTime": "1800000000", "MsgType": "text",
        "Content": "你好", "MsgId": "1234567890123456"}


@pytest.mark.parametrize(("change", "words"), [
    ({"MsgId": "9" * 65}, "MsgId longer than 64"),
    ({"MsgId": "12a"}, "MsgId must be a non-negative integer"),
    ({"FromUserName": "o" * 65}, "FromUserName longer than 64"),
    ({"FromUserName": ""}, "without FromUserName"),
    ({"FromUserName": {"nested": "x"}}, "without FromUserName"),
    ({"ToUserName": "g" * 65}, "ToUserName longer than 64"),
    ({"ToUserName": ["a", "b"]}, "ToUserName must be a single text value"),
    ({"CreateTime": "9" * 20}, "CreateTime longer than 10"),
    ({"CreateTime": "-1"}, "CreateTime must be a non-negative integer"),
    ({"Event": "E" * 65}, "Event longer than 64"),
    ({"EventKey": "k" * 257}, "EventKey longer than 256"),
    ({"Content": {"a": "b"}}, "Content must be a single text value"),
], ids=lambda v: str(v)[:30])
def test_field_bounds(change: dict, words: str) -> None:
    with pytest.raises(FieldError, match=words):
        clean_fields({**GOOD, **change})


def test_long_text_is_clipped_and_valid_fields_pass() -> None:
    assert clean_fields(GOOD) == GOOD
    clean = clean_fields({**GOOD, "Content": "长" * (MAX_TEXT + 500), "Recognition": "r" * (MAX_TEXT + 1)})
    assert len(clean["Content"]) == MAX_TEXT and len(clean["Recognition"]) == MAX_TEXT
    event = {"FromUserName": "o_1", "MsgType": "event", "Event": "subscribe", "EventKey": "qrscene_1" * 20,
             "ScanCodeInfo": {"ScanType": "qrcode", "ScanResult": "x"}}
    assert clean_fields(event) == event
    check_nonce("1405173926")
    for nonce in ("", "n" * 65):
        with pytest.raises(FieldError):
            check_nonce(nonce)


def test_open_request_refusals_in_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, wechat_token="tok")
    now, body = 1_800_000_000, b"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>"

    def query(ts: int, token: str = "tok") -> dict[str, str]:
        return {"timestamp": str(ts), "nonce": "n1", "signature": sign(token, str(ts), "n1")}

    cases = [(query(now, "other"), body, 403, "signature mismatch"),
             (query(now - 86400), body, 403, "timestamp outside the allowed window"),
             (query(now), b"<xml><a>", 400, "malformed XML"),
             (query(now), b"<xml><MsgType>text</MsgType></xml>", 400, "without FromUserName")]
    for q, b, status, words in cases:
        with pytest.raises(Refused) as err:
            open_request(settings, q, b, now=now)
        assert (err.value.status, words in err.value.reason) == (status, True)
    assert open_request(settings, query(now + 299), body, now=now).fields["FromUserName"] == "o"


def test_render_escapes_cdata_terminator() -> None:
    xml = render_text("o1", "gh", "a]]>b <x>&", now=1)
    assert parse_xml(xml)["Content"] == "a]]>b <x>&" and cdata("]]>") != "<![CDATA[]]>]]>"


def _random_text(rng: random.Random, size: int) -> str:
    alphabet = "科创助手政策成果需求活动报名abcXYZ 0123456789，。！？；\n😀𠮷"
    return "".join(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize("seed", range(20))
def test_split_is_lossless_and_within_limit(seed: int) -> None:
    rng = random.Random(seed)
    text = _random_text(rng, rng.randint(0, 3000))
    limit = rng.choice([16, 64, 300, 2048])
    pieces = split_utf8(text, limit)
    assert all(utf8_len(p) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_split_prefers_line_then_sentence_boundaries() -> None:
    text = "第一段第一句。第一段第二句。\n第二段很长的一句话，" + "内容" * 20 + "。"
    pieces = split_utf8(text, 60)
    assert pieces[0] == "第一段第一句。第一段第二句。"
    assert all(utf8_len(p) <= 60 for p in pieces)
    assert split_utf8("短", 2048) == ["短"] and split_utf8("", 2048) == [""]


def test_paginate_and_take_pages() -> None:
    text = "一句话。" * 400  # 4800 bytes
    first, rest = paginate(text)
    assert first.endswith(MORE_HINT) and utf8_len(first) <= 2048
    assert first.removesuffix(MORE_HINT) + rest == text
    pages, rest = take_pages(text, 5)
    assert rest == "" and len(pages) == 3 and not pages[0].endswith(MORE_HINT)
    assert paginate("短") == ("短", "")
