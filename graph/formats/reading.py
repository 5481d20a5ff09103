"""What every reader shares: reading the file, and what follows once it has labels and properties.

Readers of exported formats (node-link JSON, JSON lines, GraphML, neo4j-admin
CSV) differ in how they parse, not in what follows: a node's id becomes its key
unless it has one, the model checks names and values, a repeated id is an error,
relationships find their endpoints by id and get a derived key when they have
none. Every problem is collected with its place in the file, so that nothing
loads when anything is wrong (:class:`BatchBuilder`).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError, ModelError
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelKeys,
    RelSpec,
)
from relgraph.graph.values.text import surrogate_problem

#: How deeply lists and objects may nest in a file's values. relgraph's own formats need
#: four levels (node-link JSON: document, node list, node, property list); Python's parsers
#: recurse, so without a limit a file of 100,000 "[" ends in a RecursionError, not a message.
MAX_DEPTH = 64
#: Integers longer than this cannot be 64-bit (Neo4j's integers, the model's rule); Python
#: refuses to even parse more than 4,300 digits, so readers stop them before they parse.
MAX_INT_DIGITS = 20


def read_text(path: Path) -> str:
    """The file's text as UTF-8 with line breaks as they are (a quoted CSV field may hold a
    CRLF), a leading byte order mark dropped; LoadError says why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc


class BatchBuilder:
    def __init__(self, source: str, problems: list[str] | None = None):
        self.batch = GraphBatch(source=source)
        self.problems: list[str] = problems if problems is not None else []
        self._refs: dict[Hashable, NodeKey] = {}
        self._keys = RelKeys()

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def add_node(self, node_id: Hashable, labels: Iterable[str], properties: Mapping[str, Any],
                 where: str, *, shown_id: str | None = None) -> None:
        """A node known in the file as ``node_id``; its text becomes the key when there is none.

        ``shown_id`` names the id in a duplicate message (":ID 'x' in ID space P").
        """
        props = dict(properties)
        props.setdefault("key", str(node_id))
        try:
            spec = NodeSpec(list(labels), props, origin=where)
        except ModelError as exc:
            self.problems.append(f"{where}: {exc}")
            return
        if node_id in self._refs:
            self.problems.append(f"{where}: duplicate {shown_id or f'node id {node_id!r}'}")
            return
        self._refs[node_id] = spec.node_key
        self.batch.nodes.append(spec)

    def endpoint(self, node_id: Hashable, missing: str) -> NodeKey | None:
        """The node the file calls ``node_id``; records ``missing`` when there is none."""
        ref = self._refs.get(node_id)
        if ref is None:
            self.problems.append(missing)
        return ref

    def add_relationship(self, rel_type: str, start: NodeKey | None, end: NodeKey | None,
                         properties: Mapping[str, Any], where: str) -> None:
        """Skips quietly when an endpoint is missing: ``endpoint`` already said why."""
        if start is None or end is None:
            return
        props = dict(properties)
        if "key" not in props:
            props["key"] = self._keys(start, rel_type, end)
        try:
            self.batch.relationships.append(RelSpec(rel_type, start, end, props, origin=where))
        except ModelError as exc:
            self.problems.append(f"{where}: {exc}")

    def finish(self) -> GraphBatch:
        """The batch, or LoadError with every problem found."""
        if self.problems:
            raise LoadError(self.problems)
        self.batch.validate()
        return self.batch


# --- JSON ---------------------------------------------------------------------------------


class JsonObject(dict[str, Any]):
    """A JSON object as read, remembering the names it held more than once (``json`` keeps
    the last value of a repeated name silently; a file that says two things is refused)."""

    duplicates: tuple[str, ...] = ()


class JsonError(ValueError):
    """Text that is not JSON relgraph reads; ``line`` and ``column`` when the parser knows."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def place(self, where: str) -> str:
        """``where`` (the file) with the line and column when known."""
        return f"{where}:{self.line}:{self.column}" if self.line else where


def _json_object(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(name for name, n in Counter(name for name, _ in pairs).items() if n > 1)
    return obj


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonError(f"an integer of {len(text.lstrip('-')):,} digits is outside the 64-bit "
                        "integers relgraph stores")
    return int(text)


def parse_json(text: str) -> Any:
    """``text`` as JSON, objects as :class:`JsonObject`; JsonError (a ValueError) for anything
    that is not JSON or that Python's parser would fail on, with its place when known."""
    try:
        return json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise JsonError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonError(f"invalid JSON: lists or objects nested deeper than Python can read "
                        f"(relgraph reads up to {MAX_DEPTH} levels)") from None


def value_problems(value: Any) -> list[str]:
    """What makes a value read from a file unloadable before the model sees it: nesting deeper
    than :data:`MAX_DEPTH`, a name given twice in one JSON object, lone surrogates anywhere
    (names too). Walked without recursion and each container once, so that neither depth nor
    shared parts (YAML aliases) cost more than the value's size."""
    problems: list[str] = []
    surrogates: str | None = None
    # (item, depth, what it is: "the name 'x'" or "the value of 'x'", for the message)
    pending: list[tuple[Any, int, str]] = [(value, 0, "a value")]
    seen: set[int] = set()
    while pending:
        item, depth, what = pending.pop()
        if isinstance(item, str):
            if surrogates is None and (problem := surrogate_problem(item)):
                surrogates = f"{what}: {problem}"
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        if depth > MAX_DEPTH:
            return [f"values nested deeper than {MAX_DEPTH} levels"]
        if isinstance(item, Mapping):
            for name in getattr(item, "duplicates", ()):
                problems.append(f"the name {name!r} occurs twice in one object; which value is meant?")
            for name, child in item.items():
                pending.append((name, depth + 1, f"the name {name!r}"))
                pending.append((child, depth + 1, f"the value of {name!r}"))
        elif isinstance(item, list | tuple):
            pending.extend((child, depth + 1, what) for child in item)
    if surrogates:
        problems.append(surrogates)
    return problems


# --- archives -------------------------------------------------------------------------------


#: What one archive may expand to in all, so that a small zip cannot fill the memory.
MAX_ARCHIVE_BYTES = 1 << 30  # 1 GiB
#: Members this large (uncompressed) must not be compressed more than :data:`MAX_RATIO` to one:
#: text compresses 5 to 20 times, a zip bomb a thousand times.
RATIO_FLOOR_BYTES = 1 << 20
MAX_RATIO = 100
_CHUNK = 1 << 16


def read_archive_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, used: int = 0) -> bytes:
    """The member's bytes, read in chunks so that the limits hold before the memory is spent
    (the sizes in the zip's directory are the writer's claim, not a promise). ``used`` is
    what the archive's other members expanded to; ValueError says which limit is broken."""
    if info.flag_bits & 0x1:
        raise ValueError("the member is encrypted; relgraph reads unencrypted archives only")
    data = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            data += chunk
            if used + len(data) > MAX_ARCHIVE_BYTES:
                raise ValueError(f"the archive expands to more than {MAX_ARCHIVE_BYTES:,} bytes "
                                 "(relgraph's limit for one archive)")
            if len(data) > RATIO_FLOOR_BYTES and len(data) > MAX_RATIO * max(info.compress_size, 1):
                raise ValueError(f"the member expands more than {MAX_RATIO} times "
                                 f"({info.compress_size:,} bytes compressed); not reading a zip bomb")
    return bytes(data)


#: What reading a damaged or unusual archive raises, besides BadZipFile.
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                  OSError, ValueError)
