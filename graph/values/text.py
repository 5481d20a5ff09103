"""Text that every file format and every server can hold: no lone surrogates.

Python strings may carry a surrogate code point (U+D800 to U+DFFF) on its own, from a
JSON escape such as ``"\\ud800"``, a Cypher escape ``'\\uD800'`` or a badly decoded file.
No UTF-8 file, no Bolt message and no browser page can hold one: a store that accepted it
would fail later, on every export, view and printout of that value, far from its cause.
So text is checked where it comes in (loaders, parameters, Cypher literals, on both
backends) and refused there, with the place it came from. ``str.encode`` finds the first
offender in C, so the check costs little more than the copy it makes.
"""

from __future__ import annotations

from collections.abc import Mapping


def lone_surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``; None when it is valid Unicode text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def surrogate_problem(value: object) -> str | None:
    """What is wrong with ``value`` (a string, or a list or map holding strings, at any
    depth), or None: the text of an error the caller prefixes with its place."""
    pending: list[object] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            at = lone_surrogate_at(item)
            if at is not None:
                return (f"text holds a lone surrogate U+{ord(item[at]):04X} at character {at + 1}, "
                        "which is not valid Unicode and cannot be stored or written to a file")
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return None


def printable(text: str) -> str:
    """``text`` with every surrogate shown as U+FFFD, one character for one so that columns
    stay aligned: for messages that quote the input a surrogate was found in."""
    if lone_surrogate_at(text) is None:
        return text
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
