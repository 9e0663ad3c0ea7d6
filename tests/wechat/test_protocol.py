"""Pure protocol pieces: signatures, safe XML, message parsing, dedup keys, UTF-8 splitting, the FIFO lock."""

from __future__ import annotations

import random
import threading
import time

import pytest

from bot.chat.ordering import KeyedLock
from bot.wechat.signing import DEV_TOKEN, callback_token, sign, valid
from bot.wechat.split import MORE_HINT, paginate, split_utf8, take_pages, utf8_len
from bot.wechat.xmlio import XmlError, cdata, parse_xml, render_text
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


def test_keyed_lock_is_fifo_and_per_key() -> None:
    lock, order = KeyedLock(), []
    tickets = [lock.ticket("u1") for _ in range(5)]
    other = lock.ticket("u2")

    def run(i: int) -> None:
        with tickets[i]:
            order.append(i)
            time.sleep(0.01)

    threads = [threading.Thread(target=run, args=(i,)) for i in reversed(range(5))]
    for t in threads:
        t.start()
    with other:  # a different user is not blocked
        pass
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4] and lock.busy() == 0
