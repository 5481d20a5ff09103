"""Text that XML (GraphML, GEXF) can hold: escaping, and refusing what it cannot hold at all."""

from __future__ import annotations

import re

from relgraph.graph.values.errors import ExportError

# XML 1.0 cannot hold these characters at all, not even as character references.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_xml_text(text: str, where: str) -> str:
    if _XML_ILLEGAL.search(text):
        bad = _XML_ILLEGAL.search(text).group()  # type: ignore[union-attr]
        raise ExportError(f"{where} contains the control character {bad!r}, which XML cannot hold; "
                          "export as JSON, JSON lines or CSV instead")
    return text


def xml_text(text: str, where: str) -> str:
    """Element content: &, <, > escaped; a carriage return kept (XML parsers would drop it)."""
    check_xml_text(text, where)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def xml_attr(text: str, where: str) -> str:
    """Attribute value in double quotes: line breaks and tabs as references, or parsers turn
    them into spaces."""
    return (xml_text(text, where).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))
