"""Safe XML in (expat with no DTD, no entity declarations, no external references; bounded depth and size)
and passive-reply XML out."""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

MAX_DEPTH = 16  # WeChat's deepest documents (e.g. SendPicsInfo/PicList/item/PicMd5Sum) nest 4 levels
MAX_ELEMENTS = 400


class XmlError(ValueError):
    """The body is not a well-formed, entity-free, reasonably small WeChat XML document."""


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """Parse a WeChat ``<xml>`` document into a dict; DTDs, entities and oversized trees are refused.

    One pass of expat builds the dict (a leaf becomes its stripped text, an element with children a dict,
    repeated tags a list); a DTD, an entity declaration or an external reference stops it, as does a tree
    deeper or larger than allowed, as soon as it is seen."""
    builder = _Builder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler, parser.EndElementHandler = builder.start, builder.end
    parser.CharacterDataHandler = builder.text
    try:
        parser.Parse(body.encode("utf-8") if isinstance(body, str) else body, True)
    except expat.ExpatError as exc:
        raise XmlError(str(exc)) from exc
    except (ValueError, LookupError) as exc:
        if isinstance(exc, XmlError):
            raise
        raise XmlError("undecodable document") from exc
    if builder.root_tag is None:
        raise XmlError("no element found")
    if builder.root_tag != "xml":
        raise XmlError("the root element must be <xml>")
    return builder.root if isinstance(builder.root, dict) else {}


def _refuse(*_args: Any) -> Any:
    """Stop at a DTD, an entity declaration or an external reference."""
    raise XmlError("DTD, entity and external references are refused")


class _Builder:
    """expat callbacks that build the document's dict, bounded in depth and element count."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, dict[str, Any], list[str]]] = []  # (tag, children, text parts)
        self.count = 0
        self.root_tag: str | None = None
        self.root: Any = None

    def start(self, tag: str, _attrs: Any) -> None:
        """Open an element, refusing past the depth or size limit."""
        self.count += 1
        if len(self.stack) >= MAX_DEPTH:
            raise XmlError(f"nesting deeper than {MAX_DEPTH} levels")
        if self.count > MAX_ELEMENTS:
            raise XmlError(f"more than {MAX_ELEMENTS} elements")
        if self.root_tag is None:
            self.root_tag = tag
        self.stack.append((tag, {}, []))

    def text(self, data: str) -> None:
        """Collect character data of the open element."""
        self.stack[-1][2].append(data)

    def end(self, _tag: str) -> None:
        """Close an element: its value joins its parent (repeated tags become a list)."""
        tag, children, parts = self.stack.pop()
        value: Any = children if children else "".join(parts).strip()
        if not self.stack:
            self.root = value
            return
        siblings = self.stack[-1][1]
        if tag not in siblings:
            siblings[tag] = value
        elif isinstance(siblings[tag], list):
            siblings[tag].append(value)
        else:
            siblings[tag] = [siblings[tag], value]


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
