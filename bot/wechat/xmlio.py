"""Safe XML in (defusedxml: no DTD, no entities) and passive-reply XML out."""

from __future__ import annotations

import time
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class XmlError(ValueError):
    """The body is not a well-formed, entity-free WeChat XML document."""


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """Parse a WeChat ``<xml>`` document into a dict; DTDs and entities are refused."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise XmlError(f"{type(exc).__name__}: {exc}") from exc
    if root.tag != "xml":
        raise XmlError(f"unexpected root element <{root.tag}>")
    value = _to_value(root)
    return value if isinstance(value, dict) else {}


def _to_value(elem: Element) -> Any:
    """A leaf becomes its stripped text; an element with children a dict (repeated tags → list)."""
    children = list(elem)
    if not children:
        return (elem.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _to_value(child)
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    return out


def cdata(text: str) -> str:
    """Wrap ``text`` in CDATA, splitting any ``]]>`` it contains."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_text(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    """A passive text reply."""
    stamp = int(time.time()) if now is None else now
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{stamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )
