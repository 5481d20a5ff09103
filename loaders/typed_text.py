"""Reading typed values written as text, as CSV fields and GraphML data are.

Formats name their types differently (``long``, ``double``...); both readers map
them onto the three kinds that need parsing, so the rules and messages are the
same in every format.
"""

from __future__ import annotations

from typing import Any

INTEGER_TYPES = frozenset({"int", "long", "short", "byte"})
NUMBER_TYPES = frozenset({"float", "double"})


def parse_typed(text: str, type_name: str) -> Any:
    """``text`` as the named type (others stay text); ValueError says what does not fit."""
    if type_name in INTEGER_TYPES:
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not an integer") from None
    if type_name in NUMBER_TYPES:
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if type_name == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return lowered == "true"
    return text
