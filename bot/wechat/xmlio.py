"""Safe XML in (defusedxml: no DTD, no entities; bounded depth and size) and passive-reply XML out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MAX_DEPTH = 16  # WeChat's deepest documents (e.g. SendPicsInfo/PicList/item/PicMd5Sum) nest 4 levels
MAX_ELEMENTS = 400


class XmlError(ValueError):
    """The body is not a well-formed, entity-free, reasonably small WeChat XML document."""


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """Parse a WeChat ``<xml>`` document into a dict; DTDs, entities and oversized trees are refused."""
    root = _bounded_root(body.encode("utf-8") if isinstance(body, str) else body)
    if root.tag != "xml":
        raise XmlError("the root element must be <xml>")
    value = _to_value(root)
    return value if isinstance(value, dict) else {}


def _events(data: bytes) -> Iterator[tuple[str, Element]]:
    """defusedxml's start/end events, with parser failures turned into ``XmlError`` in words."""
    try:
        yield from iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                             forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlError("DTD, entity and external references are refused") from exc
    except ParseError as exc:
        raise XmlError(str(exc)) from exc
    except ValueError as exc:
        raise XmlError("undecodable document") from exc


def _bounded_root(data: bytes) -> Element:
    """The root element, refusing while parsing once the tree is deeper or larger than allowed."""
    root: Element | None = None
    depth = count = 0
    for event, elem in _events(data):
        if event == "end":
            depth -= 1
            continue
        depth, count = depth + 1, count + 1
        root = elem if root is None else root
        if depth > MAX_DEPTH:
            raise XmlError(f"nesting deeper than {MAX_DEPTH} levels")
        if count > MAX_ELEMENTS:
            raise XmlError(f"more than {MAX_ELEMENTS} elements")
    if root is None:
        raise XmlError("no element found")
    return root


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


def render_text(to_user: str, from_user: str, content: str, *, now: int) -> str:
    """A passive text reply created at ``now`` (seconds since 1970)."""
    stamp = now
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{stamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )
