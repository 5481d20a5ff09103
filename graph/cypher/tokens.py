"""Tokenizer: query text to a list of tokens with offsets.

Keywords are not reserved here: Cypher lets ``count``, ``end`` or ``match``
appear as property keys, labels and map keys, so every word is an ``IDENT``
token and the parser decides from context whether it acts as a keyword
(comparing ``upper``). Backtick-quoted names are never keywords.

Numbers keep their exact value (Python ints are unbounded) so that the parser
can fold a leading minus into the literal before checking the 64-bit range:
``-9223372036854775808`` is valid while ``9223372036854775808`` is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relgraph.graph.cypher.errors import CypherSyntaxError
from relgraph.graph.values.text import lone_surrogate_at

#: The code of the syntax error for text that is not valid Unicode (see graph/values/text.py):
#: the Neo4j store looks for it to refuse such a query the same way (graph/cypher/inputs.py).
LONE_SURROGATE = "InvalidUnicodeCharacter"

IDENT = "ident"
STRING = "string"
INTEGER = "integer"
FLOAT = "float"
PARAM = "param"
OP = "op"
EOF = "eof"
BAD_NUMBER = "badnumber"  # looks like a number but is not one (e.g. 12ab): the parser decides
                          # (its value, when not None, says why: "0X1F is no longer supported")
UNICODE_DASH = "unicode-dash"


@dataclass(slots=True)
class Token:
    kind: str
    text: str  # the source text of the token
    value: object  # decoded value: name, string contents, number, operator text
    start: int  # offset of the first character
    end: int  # offset after the last character
    quoted: bool = False  # a backtick identifier (never a keyword)

    @property
    def upper(self) -> str:
        """The keyword spelling of an unquoted identifier, '' otherwise."""
        return self.text.upper() if self.kind == IDENT and not self.quoted else ""


# Longest operators first so that "<=" wins over "<".
_OPERATORS = ("..", "<>", "!=", "<=", ">=", "=~", "+=", "||", "(", ")", "[", "]", "{", "}", ",", ".",
              ":", "|", ";", "=", "<", ">", "+", "-", "*", "/", "%", "^", "&", "!")
_DASHES = "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_LEFT_ARROWHEADS = "\u27e8\u3008\ufe64\uff1c"
_RIGHT_ARROWHEADS = "\u27e9\u3009\ufe65\uff1e"

_NUMBER = re.compile(
    r"0[xX][0-9a-zA-Z_]*"          # hex (validated below)
    r"|0[oO][0-9a-zA-Z_]*"         # octal
    r"|(?:[0-9][0-9_]*\.[0-9][0-9_]*|\.[0-9][0-9_]*|[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?"
)
# Neo4j 5 lets one underscore separate digits (1_000, 0x_FF, 0o1_7, 1e1_0) but not start a
# decimal part, end one, repeat, or appear in a legacy octal like 01_7 or after a leading 0.
_UNDERSCORES = re.compile(
    r"0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+"
    r"|(?:(?:[1-9](?:_?[0-9])*|0[0-9]*)(?:\.[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)"
    r"(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
)
_IDENT_START = re.compile(r"[^\W\d]", re.UNICODE)
_IDENT_PART = re.compile(r"\w", re.UNICODE)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def tokenize(query: str) -> list[Token]:
    """Split ``query`` into tokens; raises :class:`CypherSyntaxError` on bad input."""
    at = lone_surrogate_at(query)
    if at is not None:
        raise CypherSyntaxError(f"the query holds a lone surrogate U+{ord(query[at]):04X}, which is not "
                                "valid Unicode text", query, at, code=LONE_SURROGATE)
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if query.startswith("//", i):
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if query.startswith("/*", i):
            j = query.find("*/", i + 2)
            if j < 0:
                raise CypherSyntaxError("unterminated comment", query, i)
            i = j + 2
            continue
        if c in "'\"":
            value, j = _read_string(query, i)
            tokens.append(Token(STRING, query[i:j], value, i, j))
            i = j
            continue
        if c == "`":
            parts: list[str] = []
            j = i + 1
            while True:
                k = query.find("`", j)
                if k < 0:
                    raise CypherSyntaxError("unterminated backtick identifier", query, i)
                parts.append(query[j:k])
                if query.startswith("``", k):
                    parts.append("`")
                    j = k + 2
                    continue
                j = k + 1
                break
            tokens.append(Token(IDENT, query[i:j], "".join(parts), i, j, quoted=True))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and query[i + 1].isdigit()
                           and not _follows_operand(tokens, i)):
            tokens.append(_read_number(query, i))
            i = tokens[-1].end
            continue
        if c == "$":
            j = i + 1
            if j < n and query[j] == "(":  # a dynamic label or type, ``:$(expr)``: the parser reads it
                tokens.append(Token(OP, "$", "$", i, j))
                i = j
                continue
            if j < n and query[j] == "`":
                sub = tokenize_one_backtick(query, j)
                tokens.append(Token(PARAM, query[i:sub.end], sub.value, i, sub.end))
                i = sub.end
                continue
            while j < n and _IDENT_PART.match(query[j]):
                j += 1
            if j == i + 1:
                raise CypherSyntaxError("expected a parameter name after '$'", query, i)
            tokens.append(Token(PARAM, query[i:j], query[i + 1:j], i, j))
            i = j
            continue
        if _IDENT_START.match(c) or c == "_":
            j = i + 1
            while j < n and _IDENT_PART.match(query[j]):
                j += 1
            tokens.append(Token(IDENT, query[i:j], query[i:j], i, j))
            i = j
            continue
        if c in _DASHES:
            # Unicode dashes are accepted in relationship arrows only (the parser checks).
            tokens.append(Token(OP, c, UNICODE_DASH, i, i + 1))
            i += 1
            continue
        if c in _LEFT_ARROWHEADS or c in _RIGHT_ARROWHEADS:
            tokens.append(Token(OP, c, "<" if c in _LEFT_ARROWHEADS else ">", i, i + 1))
            i += 1
            continue
        for op in _OPERATORS:
            if query.startswith(op, i):
                tokens.append(Token(OP, op, op, i, i + len(op)))
                i += len(op)
                break
        else:
            raise CypherSyntaxError(f"unexpected character {c!r}", query, i)
    tokens.append(Token(EOF, "", None, n, n))
    return tokens


def tokenize_one_backtick(query: str, i: int) -> Token:
    """The backtick identifier starting at ``i`` (used for ``$`name```)."""
    sub = tokenize(query[i:])[0]
    return Token(IDENT, query[i:i + sub.end], sub.value, i, i + sub.end, quoted=True)


def _follows_operand(tokens: list[Token], i: int) -> bool:
    """True when a '.' at ``i`` is a property access rather than a float like ``.5``."""
    if not tokens:
        return False
    last = tokens[-1]
    return last.end == i and (last.kind in (IDENT, PARAM) or last.text in (")", "]", "}"))


def _read_number(query: str, i: int) -> Token:
    m = _NUMBER.match(query, i)
    assert m is not None
    text = m.group(0)
    j = m.end()
    if j < len(query) and (_IDENT_PART.match(query[j]) or (query[j] == "."
                           and j + 1 < len(query) and query[j + 1].isdigit())):
        end = j
        while end < len(query) and _IDENT_PART.match(query[end]):
            end += 1
        return Token(BAD_NUMBER, query[i:end], None, i, end)
    lower = text.lower()
    if text[:2] in ("0X", "0O") or (len(text) > 1 and text[0] == "0" and text[1].isdigit()
                                    and not any(ch in lower for ch in ".e")):
        # Neo4j 5 dropped 0X (hex), 0O and 017 (octal): only 0x and 0o prefixes remain.
        if text[1] == "X" or (text[1:].isdigit() and all(ch in "01234567" for ch in text[1:])):
            kind, prefix = ("hex", "0x") if text[1] == "X" else ("octal", "0o")
            digits = text[2:] if kind == "hex" else text[1:]
            return Token(BAD_NUMBER, text, f"The {kind} integer literal syntax `{text}` is no longer "
                         f"supported, please use `{prefix}{digits}` instead", i, j)
        return Token(BAD_NUMBER, text, None, i, j)
    if "_" in text:
        if _UNDERSCORES.fullmatch(text) is None:
            return Token(BAD_NUMBER, text, None, i, j)
        text = text.replace("_", "")
        lower = text.lower()
    try:
        if lower.startswith("0x"):
            return Token(INTEGER, query[i:j], int(text[2:], 16), i, j)
        if lower.startswith("0o"):
            return Token(INTEGER, query[i:j], int(text[2:], 8), i, j)
        if any(ch in lower for ch in ".e"):
            value = float(text)
            if value in (float("inf"), float("-inf")):
                raise CypherSyntaxError(f"floating point number is too large: {text}", query, i,
                                        code="FloatingPointOverflow")
            return Token(FLOAT, query[i:j], value, i, j)
        return Token(INTEGER, query[i:j], int(text), i, j)
    except ValueError:
        return Token(BAD_NUMBER, text, None, i, j)


def _paired(text: str, query: str, i: int) -> str:
    """``text`` with each escaped surrogate pair (``'\\uD83D\\uDE00'``, UTF-16 as Java and so
    Neo4j read it) joined into its one character; a surrogate left alone is a syntax error,
    as no file, page or Bolt message can hold it."""
    if lone_surrogate_at(text) is None:
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError as exc:
        unit = int.from_bytes(exc.object[exc.start:exc.start + 2], "little")
        raise CypherSyntaxError(f"the string literal holds a lone surrogate \\u{unit:04X}, which is not "
                                "valid Unicode text", query, i, code=LONE_SURROGATE) from None


def _read_string(query: str, i: int) -> tuple[str, int]:
    quote = query[i]
    out: list[str] = []
    j = i + 1
    n = len(query)
    while j < n:
        c = query[j]
        if c == quote:
            return _paired("".join(out), query, i), j + 1
        if c == "\\":
            if j + 1 >= n:
                break
            e = query[j + 1]
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
                j += 2
                continue
            if e in "uU":
                width = 4 if e == "u" else 8
                digits = query[j + 2:j + 2 + width]
                if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise CypherSyntaxError("invalid unicode escape in string literal", query, j,
                                            code="InvalidUnicodeLiteral")
                try:
                    out.append(chr(int(digits, 16)))
                except (ValueError, OverflowError):
                    raise CypherSyntaxError("invalid unicode character in string literal", query, j,
                                            code="InvalidUnicodeCharacter") from None
                j += 2 + width
                continue
            raise CypherSyntaxError(f"invalid escape sequence \\{e} in string literal", query, j)
        out.append(c)
        j += 1
    raise CypherSyntaxError("unterminated string literal", query, i)
