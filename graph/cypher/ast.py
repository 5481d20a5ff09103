"""The syntax tree the parser produces and every later stage reads.

Syntax nodes are frozen dataclasses so that two structurally equal expressions compare
equal and hash alike: aggregation and ORDER BY need to recognise that
``count(n)`` in ORDER BY is the ``count(n)`` already projected by RETURN. The
source offset (``pos``) is excluded from equality for that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SyntaxNode:
    """Base of every syntax node; ``pos`` is the offset in the query (for errors)."""

    pos: int = field(default=-1, compare=False, kw_only=True, repr=False)


# --- expressions ------------------------------------------------------------------


@dataclass(frozen=True)
class Expr(SyntaxNode):
    pass


@dataclass(frozen=True)
class Literal(Expr):
    value: Any


@dataclass(frozen=True)
class Parameter(Expr):
    name: str


@dataclass(frozen=True)
class Variable(Expr):
    name: str


@dataclass(frozen=True)
class Property(Expr):
    subject: Expr
    key: str


@dataclass(frozen=True)
class Index(Expr):
    """``subject[index]``: list element or dynamic map/property key."""

    subject: Expr
    index: Expr


@dataclass(frozen=True)
class Slice(Expr):
    subject: Expr
    start: Expr | None
    stop: Expr | None


@dataclass(frozen=True)
class Binary(Expr):
    """Arithmetic, comparison, boolean and string/list predicates.

    ``op`` is one of + - * / % ^ = <> < > <= >= AND OR XOR IN =~
    STARTS WITH, ENDS WITH, CONTAINS.
    """

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Unary(Expr):
    op: str  # NOT, -, +
    operand: Expr


@dataclass(frozen=True)
class IsNull(Expr):
    operand: Expr
    negated: bool


@dataclass(frozen=True)
class ValueType:
    """A Neo4j 5 value type, as ``IS ::`` tests and ``valueType()`` names it.

    ``name`` is the canonical spelling (ANY, NOTHING, NULL, BOOLEAN, STRING, INTEGER, FLOAT,
    DATE, LOCAL TIME, ZONED TIME, LOCAL DATETIME, ZONED DATETIME, DURATION, POINT, NODE,
    RELATIONSHIP, MAP, PATH, PROPERTY VALUE), or LIST with ``args`` the element type, or
    UNION with ``args`` the members. Synonyms (INT, BOOL, TIMESTAMP WITH TIME ZONE...) are
    resolved by the parser so that equal types compare equal.
    """

    name: str
    nullable: bool = True
    args: tuple[ValueType, ...] = ()


@dataclass(frozen=True)
class TypePredicate(Expr):
    """``x IS [NOT] :: TYPE`` (also ``x :: TYPE`` and ``IS [NOT] TYPED``)."""

    operand: Expr
    type: ValueType
    negated: bool = False


@dataclass(frozen=True)
class Normalized(Expr):
    """``s IS [NOT] [NFC|NFD|NFKC|NFKD] NORMALIZED``."""

    operand: Expr
    form: str
    negated: bool = False


@dataclass(frozen=True)
class Trim(Expr):
    """``trim([BOTH | LEADING | TRAILING] [characters] FROM source)`` (the plain ``trim(s)``
    stays a function call)."""

    mode: str  # BOTH, LEADING or TRAILING
    characters: Expr | None
    source: Expr


@dataclass(frozen=True)
class LabelExpr(SyntaxNode):
    """A Neo4j 5 label expression: op is "label" (args: name), "and", "or", "not", "any" (%) or
    "dynamic" (``$(expr)``, ``$all(expr)``, ``$any(expr)``; args: the expression, "all" or "any",
    its source text), which :meth:`resolve` turns into labels for a row before :meth:`matches`."""

    op: str
    args: tuple[Any, ...] = ()

    def resolve(self, names: Callable[[Expr], list[str]]) -> LabelExpr:
        """This expression with each dynamic part replaced by the labels ``names`` gives it."""
        if self.op == "dynamic":
            found = tuple(LabelExpr("label", (n,)) for n in names(self.args[0]))
            return LabelExpr("and" if self.args[1] == "all" else "or", found)
        if self.op in ("label", "any"):
            return self
        return LabelExpr(self.op, tuple(a.resolve(names) for a in self.args))

    def matches(self, have: Any) -> bool:
        if self.op == "label":
            return self.args[0] in have
        if self.op == "and":
            return all(a.matches(have) for a in self.args)
        if self.op == "or":
            return any(a.matches(have) for a in self.args)
        if self.op == "not":
            return not self.args[0].matches(have)
        assert self.op == "any", "a dynamic label is resolved before it is matched"
        return bool(have)  # "%": any label at all

    def text(self) -> str:
        if self.op == "label":
            return str(self.args[0])
        if self.op == "any":
            return "%"
        if self.op == "not":
            return "!" + str(self.args[0].text())
        if self.op == "dynamic":
            return str(self.args[2])
        sep = "&" if self.op == "and" else "|"
        return "(" + sep.join(a.text() for a in self.args) + ")"


@dataclass(frozen=True)
class HasLabels(Expr):
    """``n:A:B`` (or a label expression ``n:A|B``) used as a predicate."""

    subject: Expr
    labels: tuple[str, ...]
    label_expr: LabelExpr | None = None


@dataclass(frozen=True)
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class MapLiteral(Expr):
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class FunctionCall(Expr):
    name: str  # as written, namespaces joined with '.'
    args: tuple[Expr, ...]
    distinct: bool = False


@dataclass(frozen=True)
class CountStar(Expr):
    pass


@dataclass(frozen=True)
class Case(Expr):
    subject: Expr | None
    whens: tuple[tuple[Expr, Expr], ...]
    default: Expr | None


@dataclass(frozen=True)
class ListComprehension(Expr):
    variable: str
    source: Expr
    where: Expr | None
    projection: Expr | None


@dataclass(frozen=True)
class Quantifier(Expr):
    kind: str  # all, any, none, single
    variable: str
    source: Expr
    where: Expr | None


@dataclass(frozen=True)
class Reduce(Expr):
    accumulator: str
    init: Expr
    variable: str
    source: Expr
    body: Expr


@dataclass(frozen=True)
class PatternComprehension(Expr):
    path_variable: str | None
    pattern: PatternPart
    where: Expr | None
    projection: Expr


@dataclass(frozen=True)
class PatternPredicate(Expr):
    """A relationship pattern used as a boolean: ``WHERE (a)-[:T]->()``."""

    pattern: PatternPart


@dataclass(frozen=True)
class Exists(Expr):
    """``EXISTS { pattern [WHERE ...] }`` or ``EXISTS { full query }``; with ``kind``
    "count" or "collect" the ``COUNT { }`` and ``COLLECT { }`` subqueries."""

    patterns: tuple[PatternPart, ...] | None
    where: Expr | None
    query: Query | None = None
    kind: str = "exists"


@dataclass(frozen=True)
class MapProjection(Expr):
    """``v {.a, .*, b, c: expr}``; items are (kind, key, expr)."""

    variable: str
    items: tuple[tuple[str, str | None, Expr | None], ...]


# --- patterns ---------------------------------------------------------------------


@dataclass(frozen=True)
class NodePattern(SyntaxNode):
    variable: str | None
    labels: tuple[str, ...]  # labels the node must have (all of them)
    properties: Expr | None  # MapLiteral or Parameter
    label_expr: LabelExpr | None = None  # a label expression beyond a plain conjunction
    where: Expr | None = None  # an inline predicate ``(n:L WHERE n.x > 1)``


@dataclass(frozen=True)
class RelPattern(SyntaxNode):
    variable: str | None
    types: tuple[str, ...]
    properties: Expr | None
    direction: str  # "out" (->), "in" (<-), "both" (-)
    var_length: bool = False
    min_hops: int | None = None
    max_hops: int | None = None
    # a type expression beyond a plain alternative (``[:!T]``, ``[:%]``, ``[:A&B]``); types is then ()
    label_expr: LabelExpr | None = None
    where: Expr | None = None  # an inline predicate ``-[r:T WHERE r.w < 5]->``
    # A quantified path pattern ``((a)-->(b)){1,3}`` (or quantified relationship ``-[:T]->+``)
    # sits in a part's chain where a relationship would: var_length, min_hops and max_hops
    # hold its quantifier, and the nodes on either side are the ones it starts and ends at.
    group: QuantifiedPath | None = None


@dataclass(frozen=True)
class QuantifiedPath(SyntaxNode):
    """The repeated part of a quantified path pattern: ``pattern`` matched one or more times,
    each repetition starting where the previous one ended; ``where`` is checked per repetition.
    Its variables are *group variables*: inside ``where`` one repetition's node or relationship,
    after the pattern a list with one entry per repetition. ``relationship`` marks the short form
    ``-[r:T]->{1,3}`` (for unparsing)."""

    pattern: PatternPart
    where: Expr | None = None
    relationship: bool = False


@dataclass(frozen=True)
class PatternPart(SyntaxNode):
    """``[p =] (a)-[r]->(b)...``: nodes[i] -rels[i]- nodes[i+1]."""

    variable: str | None
    nodes: tuple[NodePattern, ...]
    rels: tuple[RelPattern, ...]
    shortest: str | None = None  # None, "shortest" or "all"
    # A Neo4j 5 path selector before the pattern: "shortest" (SHORTEST k), "all shortest",
    # "groups" (SHORTEST k GROUPS) or "any" (ANY k), with its k in ``selector_count``
    selector: str | None = None
    selector_count: int = 1

    def elements(self) -> tuple[NodePattern | RelPattern, ...]:
        """The node and relationship patterns, nodes first."""
        return (*self.nodes, *self.rels)


# --- clauses ----------------------------------------------------------------------


@dataclass(frozen=True)
class Clause(SyntaxNode):
    pass


@dataclass(frozen=True)
class ReturnItem(SyntaxNode):
    expr: Expr
    alias: str | None
    name: str  # the column name: the alias, or the expression's text


@dataclass(frozen=True)
class SortItem(SyntaxNode):
    expr: Expr
    descending: bool


@dataclass(frozen=True)
class Projection(SyntaxNode):
    items: tuple[ReturnItem, ...]
    star: bool = False
    distinct: bool = False
    order: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


@dataclass(frozen=True)
class Match(Clause):
    patterns: tuple[PatternPart, ...]
    where: Expr | None
    optional: bool = False


@dataclass(frozen=True)
class Unwind(Clause):
    expr: Expr
    variable: str


@dataclass(frozen=True)
class With(Clause):
    projection: Projection
    where: Expr | None


@dataclass(frozen=True)
class Return(Clause):
    projection: Projection


@dataclass(frozen=True)
class Create(Clause):
    patterns: tuple[PatternPart, ...]


@dataclass(frozen=True)
class SetProperty(SyntaxNode):
    target: Property | Index
    value: Expr


@dataclass(frozen=True)
class SetVariable(SyntaxNode):
    """``n = {map}`` (replace) or ``n += {map}`` (merge)."""

    variable: str
    value: Expr
    merge: bool


@dataclass(frozen=True)
class SetLabels(SyntaxNode):
    variable: str
    labels: tuple[str, ...]
    dynamic: tuple[LabelExpr, ...] = ()  # ``SET n:$(expr)``: "dynamic" label expressions


@dataclass(frozen=True)
class RemoveProperty(SyntaxNode):
    target: Property | Index


@dataclass(frozen=True)
class RemoveLabels(SyntaxNode):
    variable: str
    labels: tuple[str, ...]
    dynamic: tuple[LabelExpr, ...] = ()  # ``REMOVE n:$(expr)``


SetItem = SetProperty | SetVariable | SetLabels
RemoveItem = RemoveProperty | RemoveLabels


@dataclass(frozen=True)
class Merge(Clause):
    pattern: PatternPart
    on_create: tuple[SetItem, ...] = ()
    on_match: tuple[SetItem, ...] = ()


@dataclass(frozen=True)
class SetClause(Clause):
    items: tuple[SetItem, ...]


@dataclass(frozen=True)
class Remove(Clause):
    items: tuple[RemoveItem, ...]


@dataclass(frozen=True)
class Delete(Clause):
    exprs: tuple[Expr, ...]
    detach: bool


@dataclass(frozen=True)
class Foreach(Clause):
    """``FOREACH (x IN list | updating clauses)``: writes once per element, rows pass through."""

    variable: str
    source: Expr
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Call(Clause):
    """``CALL ns.proc(args) YIELD a AS b WHERE ...``; args None means implicit."""

    name: str
    args: tuple[Expr, ...] | None
    yields: tuple[tuple[str, str], ...] | None  # (output name, variable)
    yield_star: bool = False
    where: Expr | None = None
    standalone: bool = False
    optional: bool = False  # OPTIONAL CALL: a row of nulls when the procedure yields none


@dataclass(frozen=True)
class SingleQuery(SyntaxNode):
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Query(SyntaxNode):
    """One or more single queries joined by UNION [ALL]; ``all_flags`` has len(parts)-1."""

    parts: tuple[SingleQuery, ...]
    all_flags: tuple[bool, ...] = ()


@dataclass(frozen=True)
class CallSubquery(Clause):
    """``CALL [(vars) | (*)] { query }``: runs once per incoming row.

    ``imports`` lists the outer variables the body sees (from the scope clause
    ``CALL (a, b)``, or from a leading ``WITH a, b`` inside the body); ``import_all``
    for ``CALL (*)``. ``scoped`` when the imports come from a scope clause: then, as in
    Neo4j, they stay visible after any WITH in the body and cannot be redeclared.
    """

    query: Query
    imports: tuple[str, ...] = ()
    import_all: bool = False
    scoped: bool = False
    optional: bool = False  # OPTIONAL CALL { }: a row of nulls when the body returns none


@dataclass(frozen=True)
class Finish(Clause):
    """``FINISH``: the query ends here and returns no rows (its writes still happen)."""


UPDATING_CLAUSES = (Create, Merge, SetClause, Remove, Delete, Foreach)
