"""Warnings about names a query uses and the graph does not have: typos must not pass in silence.

``MATCH (p:Persn)`` is valid Cypher that returns nothing, so a typo in a label,
relationship type or property key looks exactly like an empty answer. Neo4j
warns about it with a notification (``UnknownLabelWarning``,
``UnknownRelationshipTypeWarning``, ``UnknownPropertyKeyWarning``); the embedded
engine produces the same ones here, with Neo4j's codes, titles and descriptions,
so that the two backends report a typo alike. Both add the closest name the graph
has (:func:`closest`), which Neo4j does not.

What is checked follows what Neo4j 5.26 checks (verified against the server): the
labels, types and property-map keys of patterns, label predicates, and property
reads (``p.key``, ``p['key']``, ``p {.key}``) of pattern variables; a query that
writes is not checked at all, because Neo4j creates the names a write uses and
reports nothing for it. Property reads of other values (a map built by the query)
are left alone: they may name keys no stored entity has.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.limits import deep_enough
from relgraph.graph.cypher.prepare import parsed
from relgraph.graph.cypher.semantics import is_updating
from relgraph.graph.cypher.storage import GraphStorage
from relgraph.graph.cypher.tokens import IDENT, STRING, Token, tokenize
from relgraph.graph.values.result import Notification, Position

LABEL, TYPE, PROPERTY = "label", "relationship type", "property key"

_PREFIX = "Neo.ClientNotification.Statement."
_AVAILABLE = ("make sure you didn't misspell it or that the label is available when you run this "
              "statement in your application")
#: kind -> (code, title, description) as Neo4j 5.26 words them
_WORDING = {
    LABEL: (_PREFIX + "UnknownLabelWarning", "The provided label is not in the database.",
            "One of the labels in your query is not available in the database, "
            f"{_AVAILABLE} (the missing label name is: {{}})"),
    TYPE: (_PREFIX + "UnknownRelationshipTypeWarning",
           "The provided relationship type is not in the database.",
           "One of the relationship types in your query is not available in the database, "
           f"{_AVAILABLE} (the missing relationship type is: {{}})"),
    PROPERTY: (_PREFIX + "UnknownPropertyKeyWarning", "The provided property key is not in the database",
               "One of the property names in your query is not available in the database, "
               f"{_AVAILABLE} (the missing property name is: {{}})"),
}
_KIND_OF_CODE = {code: kind for kind, (code, _, _) in _WORDING.items()}
_MISSING_NAME = re.compile(r"\(the missing [a-z ]+ is: (.*)\)\s*$", re.DOTALL)


def closest(name: str, known: Iterable[str]) -> str | None:
    """The existing name ``name`` most probably meant: the same name in another case, else
    the closest spelling (difflib), else None."""
    names = list(known)
    folded = name.casefold()
    for candidate in names:
        if candidate.casefold() == folded:
            return candidate
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_name(kind: str, name: str, query: str, offset: int, known: Iterable[str]) -> Notification:
    """The notification Neo4j gives for ``name``, a ``kind`` the graph lacks, at ``offset``."""
    code, title, description = _WORDING[kind]
    return Notification(code, title, description.format(name), "WARNING", "UNRECOGNIZED",
                        Position.at(query, offset), name, closest(name, known))


def kind_of(notification: Notification) -> str | None:
    """LABEL, TYPE or PROPERTY for an unknown-name notification, else None."""
    return _KIND_OF_CODE.get(notification.code)


def with_suggestions(notifications: list[Notification],
                     known: Callable[[str], Iterable[str]]) -> list[Notification]:
    """Neo4j's notifications with the unknown name and its closest existing one filled in;
    ``known(kind)`` gives the names of that kind the database has (asked only when needed)."""
    out = []
    for note in notifications:
        kind = kind_of(note)
        found = _MISSING_NAME.search(note.description) if kind is not None else None
        if kind is not None and found is not None:
            name = found.group(1)
            note = dataclasses.replace(note, name=name, suggestion=closest(name, known(kind)))
        out.append(note)
    return out


def in_query_order(notifications: list[Notification]) -> list[Notification]:
    """By position in the query (those without one last): Neo4j sends them in its planner's
    order, which puts a relationship type before the label written ahead of it."""
    return sorted(notifications, key=lambda n: n.position.offset if n.position else float("inf"))


# --- the embedded engine's check --------------------------------------------------------


class _Reference(NamedTuple):
    kind: str
    name: str
    anchor: int  # offset of the syntax node that holds the name (the name is at or after it)


@lru_cache(maxsize=256)
def _read_references(query: str) -> tuple[_Reference, ...]:
    """The names ``query`` reads, once each in order; none for a query that writes (Neo4j does
    not warn there). Cached by text: the explorer runs the same queries again and again."""
    with deep_enough():
        tree = parsed(query)
        if is_updating(tree) is not None:
            return ()
        return tuple(dict.fromkeys(_references(tree)))


def typo_notifications(graph: GraphStorage, query: str) -> list[Notification]:
    """Warnings for the labels, types and property keys ``query`` reads that ``graph`` lacks.

    Labels and types are looked up in the storage's indexes; property keys, which have
    no index, by a scan that stops once every key the query names has been seen (see
    :func:`_missing_keys`), so a query without a typo pays little."""
    references = _read_references(query)
    if not references:
        return []
    missing: list[_Reference] = [r for r in references if r.kind == LABEL and not graph.label_count(r.name)]
    missing += [r for r in references if r.kind == TYPE and not graph.type_count(r.name)]
    wanted = {r.name for r in references if r.kind == PROPERTY}
    absent, all_keys = _missing_keys(graph, wanted) if wanted else (set(), set())
    missing += [r for r in references if r.kind == PROPERTY and r.name in absent]
    if not missing:
        return []
    known = {LABEL: list(graph.label_counts()), TYPE: list(graph.type_counts()), PROPERTY: sorted(all_keys)}
    tokens = tokenize(query)
    notes = {}
    for ref in missing:
        offset = _name_offset(tokens, ref)
        notes[(ref.kind, ref.name, offset)] = unknown_name(ref.kind, ref.name, query, offset, known[ref.kind])
    return [notes[k] for k in sorted(notes, key=lambda k: k[2])]


def _references(tree: ast.Query) -> Iterator[_Reference]:
    """Every label, type and property key the query reads, with where it is written."""
    entities = _pattern_variables(tree)
    rel_vars = entities["rel"]
    entity_vars = entities["node"] | rel_vars
    for x in _walk(tree):
        if isinstance(x, ast.NodePattern):
            for label in (*x.labels, *_label_names(x.label_expr)):
                yield _Reference(LABEL, label, x.pos)
            yield from _map_keys(x.properties, x.pos)
        elif isinstance(x, ast.RelPattern):
            for rel_type in (*x.types, *_label_names(x.label_expr)):
                yield _Reference(TYPE, rel_type, x.pos)
            yield from _map_keys(x.properties, x.pos)
        elif isinstance(x, ast.HasLabels):
            kind = TYPE if isinstance(x.subject, ast.Variable) and x.subject.name in rel_vars else LABEL
            for label in (*x.labels, *_label_names(x.label_expr)):
                yield _Reference(kind, label, x.pos)
        elif isinstance(x, ast.Property) and _is_entity(x.subject, entity_vars):
            yield _Reference(PROPERTY, x.key, x.pos)
        elif isinstance(x, ast.Index) and _is_entity(x.subject, entity_vars) and \
                isinstance(x.index, ast.Literal) and isinstance(x.index.value, str):
            yield _Reference(PROPERTY, x.index.value, x.pos)
        elif isinstance(x, ast.MapProjection) and x.variable in entity_vars:
            for kind, key, _ in x.items:
                if kind == "prop" and key is not None:
                    yield _Reference(PROPERTY, key, x.pos)


def _is_entity(e: ast.Expr, entity_vars: set[str]) -> bool:
    return isinstance(e, ast.Variable) and e.name in entity_vars


def _map_keys(properties: ast.Expr | None, anchor: int) -> Iterator[_Reference]:
    if isinstance(properties, ast.MapLiteral):
        for key, _ in properties.items:
            yield _Reference(PROPERTY, key, anchor)


def _label_names(e: ast.LabelExpr | None) -> Iterator[str]:
    if e is None:
        return
    if e.op == "label":
        yield str(e.args[0])
        return
    for arg in e.args:
        if isinstance(arg, ast.LabelExpr):
            yield from _label_names(arg)


def _pattern_variables(tree: ast.Query) -> dict[str, set[str]]:
    """The variables patterns bind to nodes and to relationships, anywhere in the query."""
    found: dict[str, set[str]] = {"node": set(), "rel": set()}
    for x in _walk(tree):
        if isinstance(x, ast.NodePattern) and x.variable:
            found["node"].add(x.variable)
        elif isinstance(x, ast.RelPattern) and x.variable and not x.var_length:
            found["rel"].add(x.variable)
    return found


def _walk(x: Any) -> Iterator[Any]:
    """Every syntax node under ``x``, in order."""
    if isinstance(x, ast.SyntaxNode):
        yield x
        for name in x.__dataclass_fields__:
            if name != "pos":
                yield from _walk(getattr(x, name))
    elif isinstance(x, tuple):
        for item in x:
            yield from _walk(item)


def _name_offset(tokens: list[Token], ref: _Reference) -> int:
    """Where the name itself is written: the first token at or after the anchor that spells it
    in the place such a name goes (after ``:``, ``|``, ``&`` or ``!`` for a label or type; after
    ``.``, before ``:`` or inside ``[...]`` for a property key), as Neo4j points at it."""
    for i, token in enumerate(tokens):
        if token.start < ref.anchor or token.value != ref.name:
            continue
        before = tokens[i - 1].text if i else ""
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if ref.kind != PROPERTY and token.kind == IDENT and before in (":", "|", "&", "!"):
            return token.start
        if ref.kind == PROPERTY and ((token.kind == IDENT and (before == "." or after == ":"))
                                     or (token.kind == STRING and before == "[")):
            return token.start
    return ref.anchor


#: per graph, the property keys some scan found: a key once seen stays known, as a name in
#: Neo4j's token store does, so later queries need not scan for it again
_SEEN_KEYS: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def _missing_keys(graph: GraphStorage, wanted: set[str]) -> tuple[set[str], set[str]]:
    """The keys of ``wanted`` that no node or relationship has, and (when some are missing)
    every key the graph has, for suggestions.

    The scan stops as soon as every wanted key has been seen: correct queries name keys
    that the first entities have. A typo costs one pass over the properties."""
    try:
        seen = _SEEN_KEYS.setdefault(graph, set())
    except TypeError:  # a storage that cannot be weakly referenced: no memory between queries
        seen = set()
    if wanted <= seen:
        return set(), seen
    for properties in _all_properties(graph):
        seen.update(properties)
        if wanted <= seen:
            return set(), seen
    return wanted - seen, seen


def _all_properties(graph: GraphStorage) -> Iterator[Iterable[str]]:
    for nid in graph.node_ids():
        yield graph.node_properties(nid).keys()
    for rid in graph.rel_ids():
        yield graph.rel_properties(rid).keys()
