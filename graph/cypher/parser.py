"""Recursive-descent parser: tokens to the syntax tree in :mod:`.ast`.

Hand-written rather than generated so that the engine has no parser-generator
dependency and so that error messages can point at the exact token with a caret.
Operator precedence follows the openCypher grammar, lowest first::

    OR < XOR < AND < NOT < comparison (chained: a < b < c) <
    string/list/null predicates (STARTS WITH, ENDS WITH, CONTAINS, =~, IN, IS NULL) <
    + - < * / % < ^ < unary + - < postfix (.prop, [i], [a..b], :Label)

A few constructs need a bounded look-ahead that the grammar resolves by
preference: ``(a)-->(b)`` in an expression is a pattern predicate only when a
whole relationship pattern parses there, and ``[x IN list ...]`` is a list
comprehension. The parser tries the preferred reading first and backtracks.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import NoReturn, TypeVar

from relgraph.graph.cypher import ast, dynamic_labels
from relgraph.graph.cypher.errors import CypherSemanticError, CypherSyntaxError, CypherUnsupportedError
from relgraph.graph.cypher.tokens import (
    BAD_NUMBER,
    EOF,
    FLOAT,
    IDENT,
    INTEGER,
    OP,
    PARAM,
    STRING,
    UNICODE_DASH,
    Token,
    tokenize,
)
from relgraph.graph.cypher.value_types import TypeParser

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)

#: How deep expressions may nest (parentheses, lists, maps, function calls, CASE...): a
#: fixed limit with a clear error rather than whatever Python's recursion limit allows at
#: the moment. Parsing takes about ten Python frames per level; the engine raises the
#: recursion limit while it runs (limits.deep_enough) so that this always fits.
MAX_NESTING = 200

#: The logical operators, loosest first, and the arithmetic ones with their precedence.
_LOGICAL = ("OR", "XOR", "AND")
_ARITHMETIC = {"+": 1, "-": 1, "||": 1, "*": 2, "/": 2, "%": 2, "^": 3}

# After these an operand has ended: a keyword before one of them (``RETURN not``,
# ``case.case``) is a variable, as Neo4j 5 reads it, not an operator or a CASE.
_OPERAND_END_OPS = {")", ",", "]", "}", ".", "=", "<>", "<", ">", "<=", ">=", "|", "*", "/",
                    "%", "^", ";", ":", "=~"}
_OPERAND_END_WORDS = {"AS", "AND", "OR", "XOR", "IS", "IN", "STARTS", "ENDS", "CONTAINS", "ORDER",
                      "SKIP", "LIMIT", "WHERE", "THEN", "ELSE", "END", "WHEN"}
_CLAUSE_START = {"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CREATE", "MERGE", "SET", "REMOVE",
                 "DELETE", "DETACH", "CALL", "FOREACH", "LOAD", "USE", "UNION", "FINISH", "ORDER",
                 "SKIP", "OFFSET", "LIMIT"}
_NORMAL_FORMS = ("NFC", "NFD", "NFKC", "NFKD")
_TRIM_MODES = ("BOTH", "LEADING", "TRAILING")


def parse(query: str) -> ast.Query:
    """Parse a whole query (one statement, optionally ending with ';')."""
    return Parser(query).parse_statement()


def _importing(w: ast.With) -> bool:
    """A WITH that only passes outer variables on (``WITH a, b``) imports them into CALL { }."""
    p = w.projection
    return (not p.star and not p.distinct and not p.order and p.skip is None and p.limit is None
            and w.where is None and bool(p.items)
            and all(isinstance(i.expr, ast.Variable) and i.name == i.expr.name for i in p.items))


def _imports_all(w: ast.With) -> bool:
    """A WITH * alone, opening CALL { }: imports all."""
    p = w.projection
    return (p.star and not p.items and not p.distinct and not p.order and p.skip is None
            and p.limit is None and w.where is None)


T = TypeVar("T")


def _integer(token: Token) -> int:
    """The value of an INTEGER token (the tokenizer decodes decimal, hex and octal)."""
    assert isinstance(token.value, int)
    return token.value


def _reduce(operands: list[ast.Expr], operator: Token) -> None:
    """Replace the last two operands by the binary expression ``operator`` makes of them."""
    right = operands.pop()
    left = operands.pop()
    operands.append(ast.Binary(str(operator.value), left, right, pos=operator.start))


def _as_var_length(rel: ast.RelPattern) -> ast.RelPattern:
    """A quantified relationship under a path selector (``SHORTEST 1 (a)-[:R]-+(b)``) as the
    variable-length relationship it means there: the path searches run on those. One with an
    inline WHERE or a type expression stays a quantified path pattern (not searched yet)."""
    group = rel.group
    if group is None or not group.relationship or group.where is not None:
        return rel
    inner = group.pattern.rels[0]
    if inner.where is not None or inner.label_expr is not None:
        return rel
    return ast.RelPattern(inner.variable, inner.types, inner.properties, inner.direction, True,
                          rel.min_hops, rel.max_hops, pos=inner.pos)


def _conjunction(terms: list[ast.LabelExpr]) -> tuple[str, ...] | None:
    """The labels of ``:A:B`` or ``:A&B`` (all of them required), None for anything else."""
    out: list[str] = []
    for t in terms:
        if t.op == "label":
            out.append(str(t.args[0]))
        elif t.op == "and":
            inner = _conjunction(list(t.args))
            if inner is None:
                return None
            out.extend(inner)
        else:
            return None
    return tuple(out)


def _type_alternatives(expr: ast.LabelExpr) -> tuple[tuple[str, ...], ast.LabelExpr | None]:
    """``:A|B`` as the plain types ("A", "B") the type index answers; any other type
    expression (``!A``, ``%``, ``A&B``) as itself, with no plain types."""
    items = expr.args if expr.op == "or" else (expr,)
    if all(isinstance(a, ast.LabelExpr) and a.op == "label" for a in items):
        return tuple(str(a.args[0]) for a in items), None
    return (), expr


def _with_where(element: tuple[tuple[ast.NodePattern, ...], tuple[ast.RelPattern, ...]],
                where: ast.Expr | None) -> tuple[tuple[ast.NodePattern, ...], tuple[ast.RelPattern, ...]]:
    """``((a)-->(b) WHERE cond)``: the condition rides on the last node's inline predicate,
    which the planner checks as a WHERE conjunct of the whole match, as it is here."""
    nodes, rels = element
    if where is None:
        return element
    last = nodes[-1]
    cond = where if last.where is None else ast.Binary("AND", last.where, where, pos=where.pos)
    return (*nodes[:-1], dataclasses.replace(last, where=cond)), rels


def _logical_tree(operands: list[ast.Expr], operators: list[Token], level: int = 0) -> ast.Expr:
    """``operands`` joined by ``operators`` (each OR, XOR or AND) with AND binding tightest,
    every run of one operator as a balanced tree (see Parser.parse_expression)."""
    if not operators:
        return operands[0]
    word = _LOGICAL[level]
    segments: list[ast.Expr] = []
    joins: list[Token] = []
    start = 0
    for k, t in enumerate(operators):
        if t.upper == word:
            segments.append(_logical_tree(operands[start:k + 1], operators[start:k], level + 1))
            joins.append(t)
            start = k + 1
    segments.append(_logical_tree(operands[start:], operators[start:], level + 1))
    return _balanced(segments, joins)


def _balanced(items: list[ast.Expr], joins: list[Token]) -> ast.Expr:
    if len(items) == 1:
        return items[0]
    mid = len(items) // 2
    t = joins[mid - 1]
    return ast.Binary(t.upper, _balanced(items[:mid], joins[:mid - 1]), _balanced(items[mid:], joins[mid:]),
                      pos=t.start)


def _any_of(conditions: list[ast.Expr]) -> ast.Expr:
    """``a OR b OR ...`` (the operands of one WHEN of an extended CASE)."""
    result = conditions[0]
    for c in conditions[1:]:
        result = ast.Binary("OR", result, c, pos=c.pos)
    return result


class _Backtrack(Exception):
    """Internal: a tentative parse failed; restore the position and try another reading."""


class Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        # Inside `[x IN list WHERE ... | ...]` a `|` ends the WHERE, so it cannot
        # also mean "or" in a label expression there (write n:(A|B) instead).
        self.bar_ends_where = 0
        self.depth = 0  # expressions being parsed, one inside the other

    # --- token helpers ----------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        if t.kind != EOF:
            self.i += 1
        return t

    def at_kw(self, *words: str, k: int = 0) -> bool:
        return self.peek(k).upper in words

    def accept_kw(self, *words: str) -> bool:
        if self.tok.upper in words:
            self.i += 1
            return True
        return False

    def expect_kw(self, word: str) -> Token:
        if self.tok.upper != word:
            self.error(f"expected {word}")
        return self.advance()

    def at_op(self, *ops: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == OP and t.value in ops

    def accept_op(self, op: str) -> bool:
        if self.at_op(op):
            self.i += 1
            return True
        return False

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            self.error(f"expected '{op}'")
        return self.advance()

    def expect_dash(self) -> None:
        """'-' in a relationship arrow, where Unicode dashes count as '-'."""
        if not self.at_op("-", UNICODE_DASH):
            self.error("expected '-'")
        self.advance()

    def error(self, message: str, token: Token | None = None, code: str = "UnexpectedSyntax") -> NoReturn:
        t = token or self.tok
        if t.kind == OP and t.value == UNICODE_DASH:
            code = "InvalidUnicodeCharacter"
            message = f"{message} (a Unicode dash is only allowed in relationship arrows)"
        found = "end of input" if t.kind == EOF else repr(t.text)
        raise CypherSyntaxError(f"{message}, found {found}", self.query, t.start, code=code)

    def text_since(self, start_index: int) -> str:
        """The source text from token ``start_index`` to the last consumed token."""
        first = self.tokens[start_index]
        last = self.tokens[max(self.i - 1, start_index)]
        return self.query[first.start:last.end]

    def name(self, what: str = "a name") -> str:
        """An identifier (keywords allowed: used for labels, types, keys)."""
        if self.tok.kind != IDENT:
            self.error(f"expected {what}")
        return str(self.advance().value)

    def variable_name(self) -> str:
        """A variable being declared: Neo4j 5 takes any word here, keywords too
        (``WITH 1 AS order``, ``MATCH (end)``)."""
        t = self.tok
        if t.kind != IDENT:
            self.error("expected a variable name")
        return str(self.advance().value)

    def _word_is_operand(self, k: int = 1) -> bool:
        """Whether the token ``k`` ahead ends an operand, so that the keyword before it is
        a variable (``RETURN not``, ``case.case``)."""
        t = self.peek(k)
        return t.kind == EOF or (t.kind == OP and t.value in _OPERAND_END_OPS) or \
            t.upper in _OPERAND_END_WORDS or t.upper in _CLAUSE_START

    # --- statements -------------------------------------------------------------------

    def parse_statement(self) -> ast.Query:
        if self.tok.kind == EOF:
            self.error("expected a query")
        query = self.parse_query()
        self.accept_op(";")
        if self.tok.kind != EOF:
            self.error("expected end of query")
        return query

    def parse_query(self) -> ast.Query:
        start = self.tok.start
        parts = [self.parse_single_query()]
        flags: list[bool] = []
        while self.accept_kw("UNION"):
            flags.append(self.accept_kw("ALL"))
            parts.append(self.parse_single_query())
        return ast.Query(tuple(parts), tuple(flags), pos=start)

    def parse_single_query(self) -> ast.SingleQuery:
        start = self.tok.start
        clauses: list[ast.Clause] = []
        while True:
            t = self.tok
            if t.kind == EOF or self.at_op(";", "}") or t.upper == "UNION":
                break
            clauses.append(self.parse_clause())
        if not clauses:
            self.error("expected a clause")
        return ast.SingleQuery(tuple(clauses), pos=start)

    def parse_clause(self) -> ast.Clause:
        t = self.tok
        word = t.upper
        if word == "MATCH":
            return self.parse_match(optional=False)
        if word == "OPTIONAL":
            self.advance()
            if self.at_kw("CALL"):
                call = self.parse_call()
                assert isinstance(call, (ast.Call, ast.CallSubquery))
                return dataclasses.replace(call, optional=True, pos=t.start)
            if not self.at_kw("MATCH"):
                self.error("expected MATCH or CALL after OPTIONAL")
            return self.parse_match(optional=True, start=t.start)
        if word == "FINISH":
            self.advance()
            return ast.Finish(pos=t.start)
        if word in ("SKIP", "OFFSET", "LIMIT") or (word == "ORDER" and self.at_kw("BY", k=1)):
            # Neo4j 5's ORDER BY / SKIP / LIMIT as clauses of their own: WITH * ORDER BY ...
            order, skip, limit = self.parse_order_skip_limit()
            return ast.With(ast.Projection((), True, False, tuple(order), skip, limit, pos=t.start), None,
                            pos=t.start)
        if word == "UNWIND":
            self.advance()
            expr = self.parse_expression()
            self.expect_kw("AS")
            return ast.Unwind(expr, self.variable_name(), pos=t.start)
        if word == "WITH":
            self.advance()
            proj = self.parse_projection()
            where = self.parse_expression() if self.accept_kw("WHERE") else None
            return ast.With(proj, where, pos=t.start)
        if word == "RETURN":
            self.advance()
            return ast.Return(self.parse_projection(), pos=t.start)
        if word == "CREATE":
            self.advance()
            return ast.Create(self.parse_pattern_list(), pos=t.start)
        if word == "MERGE":
            return self.parse_merge()
        if word == "SET":
            self.advance()
            return ast.SetClause(self.parse_set_items(), pos=t.start)
        if word == "REMOVE":
            self.advance()
            return ast.Remove(self.parse_remove_items(), pos=t.start)
        if word == "DELETE":
            self.advance()
            return ast.Delete(self.parse_expression_list(), detach=False, pos=t.start)
        if word == "DETACH":
            self.advance()
            self.expect_kw("DELETE")
            return ast.Delete(self.parse_expression_list(), detach=True, pos=t.start)
        if word == "NODETACH":
            self.advance()
            self.expect_kw("DELETE")
            return ast.Delete(self.parse_expression_list(), detach=False, pos=t.start)
        if word == "CALL":
            return self.parse_call()
        if word == "FOREACH":
            return self.parse_foreach()
        if word == "LOAD":
            raise CypherUnsupportedError("LOAD CSV")
        if word == "USE":
            raise CypherUnsupportedError("USE (multiple graphs)")
        if word == "INSERT":
            raise CypherUnsupportedError("INSERT (GQL's CREATE: write CREATE)")
        if word in ("START", "CONSTRAINT", "INDEX", "DROP", "SHOW", "TERMINATE", "GRANT"):
            raise CypherUnsupportedError(f"{word} (schema and administration commands)")
        self.error("expected a clause (MATCH, RETURN, CREATE...)")
        raise AssertionError  # unreachable

    def parse_match(self, optional: bool, start: int | None = None) -> ast.Match:
        t = self.expect_kw("MATCH")
        patterns = self.parse_pattern_list()
        if self.at_kw("USING"):
            raise CypherUnsupportedError("USING index/scan/join hints")
        where = self.parse_expression() if self.accept_kw("WHERE") else None
        return ast.Match(patterns, where, optional, pos=t.start if start is None else start)

    def parse_merge(self) -> ast.Merge:
        t = self.expect_kw("MERGE")
        pattern = self.parse_pattern_part()
        on_create: list[ast.SetItem] = []
        on_match: list[ast.SetItem] = []
        while self.at_kw("ON"):
            self.advance()
            if self.accept_kw("CREATE"):
                self.expect_kw("SET")
                on_create.extend(self.parse_set_items())
            elif self.accept_kw("MATCH"):
                self.expect_kw("SET")
                on_match.extend(self.parse_set_items())
            else:
                self.error("expected CREATE or MATCH after ON")
        return ast.Merge(pattern, tuple(on_create), tuple(on_match), pos=t.start)

    def parse_call_subquery(self, t: Token) -> ast.CallSubquery:
        """``CALL [(a, b) | (*)] { query }``; without a scope clause a leading
        ``WITH a, b`` of plain variables imports them (the Neo4j 4 form)."""
        imports: list[str] = []
        import_all = explicit = False
        if self.accept_op("("):
            explicit = True
            if self.accept_op("*"):
                import_all = True
            elif not self.at_op(")"):
                imports.append(self.variable_name())
                while self.accept_op(","):
                    imports.append(self.variable_name())
            self.expect_op(")")
        self.expect_op("{")
        query = self.parse_query()
        self.expect_op("}")
        if self.at_kw("IN") and self.at_kw("TRANSACTIONS", "CONCURRENT", k=1):
            raise CypherUnsupportedError("CALL { ... } IN TRANSACTIONS")
        if not explicit:
            for part in query.parts:
                first = part.clauses[0]
                if isinstance(first, ast.With) and _imports_all(first):
                    import_all = True  # CALL { WITH * ... } imports every outer variable
                elif isinstance(first, ast.With) and _importing(first):
                    for item in first.projection.items:
                        if item.name not in imports:
                            imports.append(item.name)
        return ast.CallSubquery(query, tuple(imports), import_all, explicit, pos=t.start)

    def parse_foreach(self) -> ast.Foreach:
        t = self.expect_kw("FOREACH")
        self.expect_op("(")
        var = self.variable_name()
        self.expect_kw("IN")
        source = self.parse_expression()
        self.expect_op("|")
        clauses: list[ast.Clause] = []
        while not self.at_op(")"):
            if self.tok.upper not in ("CREATE", "MERGE", "SET", "REMOVE", "DELETE", "DETACH", "FOREACH"):
                self.error("FOREACH can only contain CREATE, MERGE, SET, REMOVE, DELETE or FOREACH")
            clauses.append(self.parse_clause())
        if not clauses:
            self.error("FOREACH needs at least one updating clause")
        self.expect_op(")")
        return ast.Foreach(var, source, tuple(clauses), pos=t.start)

    def parse_call(self) -> ast.Clause:
        t = self.expect_kw("CALL")
        if self.at_op("{", "("):
            return self.parse_call_subquery(t)
        parts = [self.name("a procedure name")]
        while self.accept_op("."):
            parts.append(self.name("a procedure name"))
        args: tuple[ast.Expr, ...] | None = None
        if self.accept_op("("):
            items: list[ast.Expr] = []
            if not self.at_op(")"):
                items = list(self.parse_expression_list())
            self.expect_op(")")
            args = tuple(items)
        yields: list[tuple[str, str]] | None = None
        star = False
        where = None
        if self.accept_kw("YIELD"):
            if self.accept_op("*"):
                star = True
            else:
                yields = []
                while True:
                    out = self.name("a procedure output name")
                    alias = self.variable_name() if self.accept_kw("AS") else out
                    yields.append((out, alias))
                    if not self.accept_op(","):
                        break
                if self.accept_kw("WHERE"):
                    where = self.parse_expression()
        return ast.Call(".".join(parts), args, tuple(yields) if yields is not None else None,
                        star, where, pos=t.start)

    def parse_projection(self) -> ast.Projection:
        start = self.tok.start
        # RETURN distinct (a variable so named) is no DISTINCT
        distinct = self.at_kw("DISTINCT") and not self._word_is_operand() and self.accept_kw("DISTINCT")
        star = False
        items: list[ast.ReturnItem] = []
        if self.accept_op("*"):
            star = True
            if self.accept_op(","):
                items = self.parse_return_items()
        else:
            items = self.parse_return_items()
        order, skip, limit = self.parse_order_skip_limit()
        return ast.Projection(tuple(items), star, distinct, tuple(order), skip, limit, pos=start)

    def parse_order_skip_limit(self) -> tuple[list[ast.SortItem], ast.Expr | None, ast.Expr | None]:
        """``[ORDER BY ...] [SKIP | OFFSET n] [LIMIT n]`` of a projection or standing alone."""
        order: list[ast.SortItem] = []
        if self.at_kw("ORDER"):
            self.advance()
            self.expect_kw("BY")
            while True:
                st = self.tok.start
                expr = self.parse_expression()
                desc = False
                if self.accept_kw("DESC", "DESCENDING"):
                    desc = True
                else:
                    self.accept_kw("ASC", "ASCENDING")
                order.append(ast.SortItem(expr, desc, pos=st))
                if not self.accept_op(","):
                    break
        skip = self.parse_expression() if self.accept_kw("SKIP", "OFFSET") else None
        limit = self.parse_expression() if self.accept_kw("LIMIT") else None
        return order, skip, limit

    def parse_return_items(self) -> list[ast.ReturnItem]:
        items = []
        while True:
            first = self.i
            st = self.tok.start
            expr = self.parse_expression()
            text = self.text_since(first)
            alias = None
            if self.accept_kw("AS"):
                alias = self.variable_name()
            elif isinstance(expr, ast.Variable):
                text = expr.name  # Neo4j names `a b` a b, without the quotes
            elif isinstance(expr, ast.MapProjection):
                text = expr.variable  # and n {.name} n
            items.append(ast.ReturnItem(expr, alias, alias if alias is not None else text, pos=st))
            if not self.accept_op(","):
                return items

    def parse_set_items(self) -> tuple[ast.SetItem, ...]:
        items: list[ast.SetItem] = []
        while True:
            st = self.tok.start
            target = self.parse_postfix(allow_labels=False)
            if isinstance(target, ast.Variable) and self.at_op(":"):
                items.append(ast.SetLabels(target.name, *self.parse_label_list(), pos=st))
            elif self.accept_op("+="):
                if not isinstance(target, ast.Variable):
                    self.error("expected a variable before '+='")
                items.append(ast.SetVariable(target.name, self.parse_expression(), True, pos=st))
            elif self.accept_op("="):
                value = self.parse_expression()
                if isinstance(target, ast.Variable):
                    items.append(ast.SetVariable(target.name, value, False, pos=st))
                elif isinstance(target, (ast.Property, ast.Index)):
                    items.append(ast.SetProperty(target, value, pos=st))
                else:
                    raise CypherSyntaxError("expected a property or variable to SET", self.query, st)
            else:
                self.error("expected '=', '+=' or a label in SET")
            if not self.accept_op(","):
                return tuple(items)

    def parse_remove_items(self) -> tuple[ast.RemoveItem, ...]:
        items: list[ast.RemoveItem] = []
        while True:
            st = self.tok.start
            target = self.parse_postfix(allow_labels=False)
            if isinstance(target, ast.Variable) and self.at_op(":"):
                items.append(ast.RemoveLabels(target.name, *self.parse_label_list(), pos=st))
            elif isinstance(target, (ast.Property, ast.Index)):
                items.append(ast.RemoveProperty(target, pos=st))
            else:
                raise CypherSyntaxError("expected a property or a label to REMOVE", self.query, st)
            if not self.accept_op(","):
                return tuple(items)

    def parse_label_list(self) -> tuple[tuple[str, ...], tuple[ast.LabelExpr, ...]]:
        """``:A:B`` or ``:$(expr)`` for SET and REMOVE, where only plain labels make sense:
        the labels and the dynamic ones."""
        labels: list[str] = []
        dynamic: list[ast.LabelExpr] = []
        while self.accept_op(":"):
            if self.tok.kind == PARAM and self.at_op("(", k=1):
                self.error("expected '('")  # $any(...)/$all(...) only match (Neo4j: a syntax error)
            d = self._dynamic_label()
            if d is not None:
                dynamic.append(d)
            else:
                labels.append(self.name("a label"))
        if self.at_op("|", "&", "!", "%"):
            raise CypherSyntaxError("label expressions (| & ! %) can only be used to match",
                                    self.query, self.tok.start)
        return tuple(labels), tuple(dynamic)

    def parse_label_expression(self) -> tuple[tuple[str, ...], ast.LabelExpr | None]:
        """``:A:B`` -> (("A", "B"), None); ``:A|B``, ``:A&!B``, ``:%`` -> ((), expression).

        Conjunctions of plain labels stay a tuple so that the planner can use the
        label index; anything else is kept as an expression tree and tested per node.
        """
        terms: list[ast.LabelExpr] = []
        start = self.tok
        while self.accept_op(":"):
            terms.append(self._label_or())
            if len(terms) > 1 and any(t.op not in ("label", "dynamic") for t in terms):
                # Neo4j reads ':' as tightly as '&', so '|' splits differently: no rewrite offered then
                hint = "" if any(t.op == "or" for t in terms) else \
                    " This expression could be expressed as :" + "&".join(t.text() for t in terms) + "."
                raise CypherSemanticError(
                    "Mixing label expression symbols ('|', '&', '!', and '%') with colon (':') between "
                    "labels is not allowed. Please only use one set of symbols." + hint,
                    "InvalidLabelExpression", query=self.query, offset=start.start)
        plain = _conjunction(terms)
        if plain is not None:  # :A:B and :A&B alike (both CREATE and MERGE take the latter too)
            return plain, None
        return (), terms[0] if len(terms) == 1 else ast.LabelExpr("and", tuple(terms))

    def _label_or(self, nested: bool = False, types: bool = False) -> ast.LabelExpr:
        items = [self._label_and()]
        while self.at_op("|") and (nested or not self.bar_ends_where):
            self.advance()
            if self.at_op(":") and not types:  # [:A|:B] is Neo4j 4's spelling for types only
                raise CypherSemanticError("Label expressions are not allowed to contain '|:'.",
                                          "InvalidLabelExpression", query=self.query, offset=self.tok.start)
            self.accept_op(":")
            items.append(self._label_and())
        return items[0] if len(items) == 1 else ast.LabelExpr("or", tuple(items))

    def _label_and(self) -> ast.LabelExpr:
        items = [self._label_not()]
        while self.accept_op("&"):
            items.append(self._label_not())
        return items[0] if len(items) == 1 else ast.LabelExpr("and", tuple(items))

    def _label_not(self) -> ast.LabelExpr:
        dynamic = self._dynamic_label()
        if dynamic is not None:
            return dynamic
        if self.accept_op("!"):
            return ast.LabelExpr("not", (self._label_not(),))
        if self.accept_op("%"):
            return ast.LabelExpr("any")
        if self.accept_op("("):
            inner = self._label_or(nested=True)
            self.expect_op(")")
            return inner
        return ast.LabelExpr("label", (self.name("a label"),))

    def _dynamic_label(self) -> ast.LabelExpr | None:
        """``$(expr)``, ``$all(expr)`` or ``$any(expr)`` where a label or type goes (Neo4j 5.26)."""
        t = self.tok
        if t.kind == OP and t.value == "$":
            mode = "all"
        elif t.kind == PARAM and str(t.value).lower() in ("all", "any") and self.at_op("(", k=1):
            mode = str(t.value).lower()
        else:
            return None
        start = self.i
        self.advance()
        self.expect_op("(")
        outer, self.bar_ends_where = self.bar_ends_where, 0
        try:
            expr = self.parse_expression()
        finally:
            self.bar_ends_where = outer
        self.expect_op(")")
        return ast.LabelExpr("dynamic", (expr, mode, self.text_since(start)), pos=t.start)

    def parse_expression_list(self) -> tuple[ast.Expr, ...]:
        items = [self.parse_expression()]
        while self.accept_op(","):
            items.append(self.parse_expression())
        return tuple(items)

    # --- patterns ---------------------------------------------------------------------

    def parse_pattern_list(self) -> tuple[ast.PatternPart, ...]:
        parts = [self.parse_pattern_part()]
        while self.accept_op(","):
            parts.append(self.parse_pattern_part())
        return tuple(parts)

    def parse_pattern_part(self) -> ast.PatternPart:
        st = self.tok.start
        var = None
        if self.tok.kind == IDENT and self.at_op("=", k=1):
            var = self.variable_name()
            self.advance()
        if self.at_kw("SHORTESTPATH", "ALLSHORTESTPATHS") and self.at_op("(", k=1):
            kind = "shortest" if self.advance().upper == "SHORTESTPATH" else "all"
            self.expect_op("(")
            nodes, rels = self.parse_pattern_element()
            self.expect_op(")")
            return ast.PatternPart(var, nodes, rels, kind, pos=st)
        selector, count = self.parse_path_selector()
        nodes, rels = self.parse_pattern_element()
        if selector is not None:
            rels = tuple(_as_var_length(r) for r in rels)
        return ast.PatternPart(var, nodes, rels, None, selector, count, pos=st)

    def parse_path_selector(self) -> tuple[str | None, int]:
        """Neo4j 5's ``ANY [k]``, ``ANY SHORTEST``, ``ALL SHORTEST``, ``SHORTEST k [GROUPS]``
        and ``ALL`` (each optionally followed by PATH or PATHS): (kind, k), kind None for none
        or ``ALL``, which selects every path as a pattern without a selector does."""
        if not (self.at_kw("ANY", "ALL", "SHORTEST") and (
                self.at_op("(", k=1) or self.peek(1).kind == INTEGER
                or self.at_kw("SHORTEST", "PATH", "PATHS", k=1))):
            return None, 1
        word = self.advance().upper
        kind: str | None
        count = 1
        if word == "ALL":
            kind = "all shortest" if self.accept_kw("SHORTEST") else None
        elif word == "ANY" and self.accept_kw("SHORTEST"):
            kind = "shortest"
        else:
            kind = "any" if word == "ANY" else "shortest"
            if self.tok.kind == INTEGER:
                count = _integer(self.advance())
            elif word == "SHORTEST":
                self.error("expected the number of paths after SHORTEST")
        self.accept_kw("PATH", "PATHS")
        if kind == "shortest" and word == "SHORTEST" and self.accept_kw("GROUPS", "GROUP"):
            kind = "groups"
        return kind, count

    def parse_pattern_element(self) -> tuple[tuple[ast.NodePattern, ...], tuple[ast.RelPattern, ...]]:
        """A path pattern: node chains and quantified path patterns, one after the other.

        A quantified path pattern ``((x)-->(y)){1,3}`` takes a relationship's place in the
        part's chain, between the nodes written next to it (anonymous ones where none is
        written, as at the start of ``((x)-->(y))+``). A parenthesized path without a
        quantifier may only stand alone, as Neo4j requires.
        """
        nodes: list[ast.NodePattern] = []
        rels: list[ast.RelPattern] = []
        while True:
            if self.at_op("(") and self.at_op("(", k=1):
                t = self.advance()
                inner, where = self._parenthesized_path()
                quantifier = self._quantifier()
                if quantifier is None:
                    if nodes or self.at_op("(", "-", "<", UNICODE_DASH):
                        raise CypherSemanticError("Juxtaposition is currently only supported for "
                                                  "quantified path patterns.", "UnexpectedSyntax",
                                                  query=self.query, offset=t.start)
                    return _with_where(inner, where)
                if not nodes or len(nodes) == len(rels):
                    nodes.append(ast.NodePattern(None, (), None, pos=t.start))
                group = ast.QuantifiedPath(ast.PatternPart(None, *inner, pos=t.start), where, pos=t.start)
                rels.append(ast.RelPattern(None, (), None, "both", True, quantifier[0], quantifier[1],
                                           group=group, pos=t.start))
                continue
            if not self.at_op("(") or (nodes and len(nodes) > len(rels)):
                break
            nodes.append(self.parse_node_pattern())
            while self.at_op("-", "<", UNICODE_DASH):
                rel = self.parse_rel_pattern()
                quantifier = self._quantifier()
                if quantifier is not None:
                    rel = self._quantified_relationship(rel, quantifier)
                rels.append(rel)
                nodes.append(self.parse_node_pattern())
        if not nodes:
            self.expect_op("(")
        if len(nodes) == len(rels):  # ends with a quantified path pattern
            nodes.append(ast.NodePattern(None, (), None, pos=self.tok.start))
        return tuple(nodes), tuple(rels)

    def _parenthesized_path(self) -> tuple[tuple[tuple[ast.NodePattern, ...], tuple[ast.RelPattern, ...]],
                                           ast.Expr | None]:
        """The inside of ``( path [WHERE ...] )`` after its opening parenthesis."""
        st = self.tok.start
        inner = self.parse_pattern_element()
        where = self.parse_expression() if self.accept_kw("WHERE") else None
        self.expect_op(")")
        if any(r.group is not None for r in inner[1]):
            raise CypherSemanticError("Quantified path patterns are not allowed to be nested.",
                                      "UnexpectedSyntax", query=self.query, offset=st)
        return inner, where

    def _quantifier(self) -> tuple[int, int | None] | None:
        """``+``, ``*``, ``{n}``, ``{n,}``, ``{,m}`` or ``{n,m}`` after a path or relationship
        pattern: (lower, upper) bounds, None for an unbounded upper; None without one."""
        t = self.tok
        if self.accept_op("+"):
            return 1, None
        if self.accept_op("*"):
            return 0, None
        if not self.accept_op("{"):
            return None
        lo = self._bound() if self.tok.text[:1].isdigit() else None
        if self.accept_op(","):
            hi = self._bound() if self.tok.text[:1].isdigit() else None
        elif lo is None:
            self.error("expected a number in the quantifier")
        else:
            hi = lo
        self.expect_op("}")
        if hi == 0:
            raise CypherSemanticError("A quantifier for a path pattern must not be limited by 0.",
                                      "InvalidQuantifier", query=self.query, offset=t.start)
        if hi is not None and lo is not None and lo > hi:
            raise CypherSemanticError("A quantifier for a path pattern must not have a lower bound "
                                      "which exceeds its upper bound.", "InvalidQuantifier",
                                      query=self.query, offset=t.start)
        return (lo or 0), hi

    def _bound(self) -> int:
        """A quantifier's bound: a plain decimal integer (``{01}`` is refused, as Neo4j does)."""
        if self.tok.kind != INTEGER or self.tok.text != str(self.tok.value):
            self.error("expected ',' or an integer value")
        return _integer(self.advance())

    def _quantified_relationship(self, rel: ast.RelPattern,
                                 quantifier: tuple[int, int | None]) -> ast.RelPattern:
        """``-[r:T]->{1,3}``: the quantified path pattern ``(()-[r:T]->()){1,3}``."""
        if rel.var_length:
            raise CypherSemanticError("Variable length relationships cannot be part of a quantified "
                                      "path pattern.", "UnexpectedSyntax", query=self.query, offset=rel.pos)
        ends = (ast.NodePattern(None, (), None, pos=rel.pos), ast.NodePattern(None, (), None, pos=rel.pos))
        group = ast.QuantifiedPath(ast.PatternPart(None, ends, (rel,), pos=rel.pos), None, True, pos=rel.pos)
        return ast.RelPattern(None, (), None, "both", True, quantifier[0], quantifier[1], group=group,
                              pos=rel.pos)

    def parse_node_pattern(self) -> ast.NodePattern:
        t = self.expect_op("(")
        var = None
        if self.tok.kind == IDENT and not self.at_kw("WHERE", "IS"):
            var = self.variable_name()
        labels: tuple[str, ...] = ()
        label_expr: ast.LabelExpr | None = None
        if self.accept_kw("IS"):  # GQL's ``(n IS A|B)``: the same label expression as ``(n:A|B)``
            labels, label_expr = self._is_labels()
        elif self.at_op(":"):
            labels, label_expr = self.parse_label_expression()
        props = self.parse_pattern_properties()
        where = self._inline_where()
        self.expect_op(")")
        return ast.NodePattern(var, labels, props, label_expr, where, pos=t.start)

    def _is_labels(self) -> tuple[tuple[str, ...], ast.LabelExpr | None]:
        """The label expression after ``IS`` in a node pattern."""
        expr = self._label_or()
        plain = _conjunction([expr])
        return (plain, None) if plain is not None else ((), expr)

    def _inline_where(self) -> ast.Expr | None:
        """``WHERE expr`` inside a node or relationship pattern; a ``|`` there is "or" again."""
        if not self.accept_kw("WHERE"):
            return None
        outer, self.bar_ends_where = self.bar_ends_where, 0
        try:
            return self.parse_expression()
        finally:
            self.bar_ends_where = outer

    def parse_pattern_properties(self) -> ast.Expr | None:
        if self.at_op("{"):
            return self.parse_map_literal()
        if self.tok.kind == PARAM:
            t = self.advance()
            return ast.Parameter(str(t.value), pos=t.start)
        return None

    def parse_rel_pattern(self) -> ast.RelPattern:
        st = self.tok.start
        left = False
        if self.accept_op("<"):
            left = True
        self.expect_dash()
        var = None
        types: tuple[str, ...] = ()
        type_expr = None
        props = where = None
        var_length = False
        lo = hi = None
        if self.accept_op("["):
            if self.tok.kind == IDENT and not self.at_kw("WHERE", "IS"):
                var = self.variable_name()
            if self.accept_op(":") or self.accept_kw("IS"):
                types, type_expr = _type_alternatives(self._label_or(nested=True, types=True))
                if self.at_op(":"):
                    self.error("a relationship has one type: write [:A|B] for either")
            if self.at_op(".."):
                raise CypherSyntaxError("variable length relationships need '*' before the range",
                                        self.query, self.tok.start, code="InvalidRelationshipPattern")
            if self.accept_op("*"):
                var_length = True
                if self.at_op("-"):
                    raise CypherSyntaxError("a relationship length cannot be negative", self.query,
                                            self.tok.start, code="InvalidRelationshipPattern")
                if self.tok.kind == INTEGER:
                    lo = _integer(self.advance())
                    hi = lo
                if self.accept_op(".."):
                    hi = None
                    if self.tok.kind == INTEGER:
                        hi = _integer(self.advance())
                elif lo is None:
                    hi = None
            props = self.parse_pattern_properties()
            if var_length and type_expr is not None:
                if dynamic_labels.is_dynamic(type_expr):  # Neo4j 5.26 ignores the type there
                    raise CypherUnsupportedError("dynamic relationship types on variable-length "
                                                 "relationships")
                raise CypherSemanticError("Variable length relationships must not use relationship type "
                                          "expressions.", "UnexpectedSyntax", query=self.query, offset=st)
            if var_length and self.at_kw("WHERE"):
                raise CypherSemanticError("Relationship pattern predicates are not supported for "
                                          "variable-length relationships.", "UnexpectedSyntax",
                                          query=self.query, offset=self.tok.start)
            where = self._inline_where()
            self.expect_op("]")
        self.expect_dash()
        right = self.accept_op(">")
        direction = "both" if left == right else ("in" if left else "out")
        return ast.RelPattern(var, types, props, direction, var_length, lo, hi, type_expr, where, pos=st)

    # --- expressions ------------------------------------------------------------------

    def parse_expression(self) -> ast.Expr:
        """OR, XOR and AND (loosest to tightest) over NOT-expressions, in one loop.

        One function for the three levels, and one for the arithmetic ones below, keep the
        Python frames per nested parenthesis few (the engine's nesting limit depends on it),
        and a run of one logical operator becomes a balanced tree: ``a OR b OR ... OR z``
        with 800 terms is 10 levels deep, not 800, for every walk of the tree after this.
        In Cypher's three-valued logic OR, XOR and AND are associative, and operands are
        still evaluated left to right with the same short cuts, so the result is the same.
        """
        if self.depth >= MAX_NESTING:
            raise CypherSyntaxError(
                f"the query nests expressions more than {MAX_NESTING} levels deep, which the embedded "
                "engine does not accept (compute the inner parts first, with WITH)",
                self.query, self.tok.start, code="NestingTooDeep")
        self.depth += 1
        try:
            operands = [self.parse_not()]
            operators: list[Token] = []
            while self.tok.upper in _LOGICAL:
                operators.append(self.advance())
                operands.append(self.parse_not())
        finally:
            self.depth -= 1
        return _logical_tree(operands, operators)

    def parse_not(self) -> ast.Expr:
        if self.at_kw("NOT") and not self._word_is_operand():
            t = self.advance()
            return ast.Unary("NOT", self.parse_not(), pos=t.start)
        return self.parse_comparison()

    def parse_comparison(self) -> ast.Expr:
        first = self.parse_predicates()
        terms: list[tuple[Token, ast.Expr]] = []
        while self.at_op("=", "<>", "!=", "<", ">", "<=", ">="):
            t = self.advance()
            if t.value == "!=":
                raise CypherSyntaxError("Unknown operation '!=' (you probably meant to use '<>', which is "
                                        "the operator for inequality testing)", self.query, t.start)
            terms.append((t, self.parse_predicates()))
        if not terms:
            return first
        result: ast.Expr | None = None
        left = first
        for t, right in terms:
            op = "<>" if t.value == "!=" else str(t.value)
            cmp = ast.Binary(op, left, right, pos=t.start)
            result = cmp if result is None else ast.Binary("AND", result, cmp, pos=t.start)
            left = right
        assert result is not None
        return result

    def parse_predicates(self, subject: ast.Expr | None = None) -> ast.Expr:
        """String, list, null and type predicates after an operand (``subject``: one parsed
        already, the subject of an extended CASE)."""
        left = self.parse_additive() if subject is None else subject
        for _ in range(1):  # one predicate at most: Neo4j 5 refuses x IN a IN b and x IS NULL IS NULL
            t = self.tok
            word = t.upper
            if word == "STARTS" and self.at_kw("WITH", k=1):
                self.i += 2
                left = ast.Binary("STARTS WITH", left, self.parse_additive(), pos=t.start)
            elif word == "ENDS" and self.at_kw("WITH", k=1):
                self.i += 2
                left = ast.Binary("ENDS WITH", left, self.parse_additive(), pos=t.start)
            elif word == "CONTAINS":
                self.advance()
                left = ast.Binary("CONTAINS", left, self.parse_additive(), pos=t.start)
            elif word == "IN":
                self.advance()
                left = ast.Binary("IN", left, self.parse_additive(), pos=t.start)
            elif self.at_op("=~"):
                self.advance()
                left = ast.Binary("=~", left, self.parse_additive(), pos=t.start)
            elif word == "IS":
                self.advance()
                negated = self.accept_kw("NOT")
                if self.accept_kw("NULL"):
                    left = ast.IsNull(left, negated, pos=t.start)
                elif (self.at_op(":") and self.at_op(":", k=1)) or self.at_kw("TYPED"):
                    self.i += 1 if self.at_kw("TYPED") else 2
                    left = ast.TypePredicate(left, TypeParser(self).parse(), negated, pos=t.start)
                elif self.at_kw("NORMALIZED") or (self.tok.upper in _NORMAL_FORMS
                                                  and self.at_kw("NORMALIZED", k=1)):
                    form = "NFC" if self.at_kw("NORMALIZED") else self.advance().upper
                    self.expect_kw("NORMALIZED")
                    left = ast.Normalized(left, form, negated, pos=t.start)
                elif not negated and (self.tok.kind == IDENT or self.at_op("!", "%", "(")):
                    # Neo4j 5's n IS Label, n IS A|B: the label predicate n:A|B
                    left = ast.HasLabels(left, *self._is_labels(), pos=t.start)
                else:
                    self.error("expected NULL, :: TYPE, NORMALIZED or a label after IS")
            elif self.at_op(":") and self.at_op(":", k=1):
                self.i += 2
                left = ast.TypePredicate(left, TypeParser(self).parse(), pos=t.start)
        return left

    def parse_additive(self) -> ast.Expr:
        """``+ -``, ``* / %`` and ``^`` (all left-associative) by precedence climbing over
        unary operands, with an explicit operator stack instead of one function per level."""
        operands = [self.parse_unary()]
        pending: list[Token] = []
        while self.tok.kind == OP and self.tok.value in _ARITHMETIC:
            t = self.advance()
            while pending and _ARITHMETIC[str(pending[-1].value)] >= _ARITHMETIC[str(t.value)]:
                _reduce(operands, pending.pop())
            pending.append(t)
            operands.append(self.parse_unary())
        while pending:
            _reduce(operands, pending.pop())
        return operands[0]

    def parse_unary(self) -> ast.Expr:
        if self.at_op("-", "+"):
            t = self.advance()
            nxt = self.tok
            if t.value == "-" and nxt.kind in (INTEGER, FLOAT) and not self._postfix_follows(1):
                self.advance()
                value: int | float
                if nxt.kind == INTEGER:
                    value = -_integer(nxt)
                    if value < INT_MIN:
                        raise CypherSyntaxError("integer literal is too large", self.query, t.start,
                                                code="IntegerOverflow")
                else:
                    assert isinstance(nxt.value, float)
                    value = -nxt.value
                return ast.Literal(value, pos=t.start)
            operand = self.parse_unary()
            return ast.Unary(str(t.value), operand, pos=t.start)
        return self.parse_postfix()

    def _postfix_follows(self, k: int) -> bool:
        return self.at_op(".", "[", k=k)

    def parse_postfix(self, allow_labels: bool = True) -> ast.Expr:
        expr = self.parse_atom()
        while True:
            t = self.tok
            if self.at_op("."):
                self.advance()
                expr = ast.Property(expr, self.name("a property key"), pos=t.start)
            elif self.at_op("["):
                self.advance()
                if self.accept_op(".."):
                    stop = None if self.at_op("]") else self.parse_expression()
                    self.expect_op("]")
                    expr = ast.Slice(expr, None, stop, pos=t.start)
                    continue
                index = self.parse_expression()
                if self.accept_op(".."):
                    stop = None if self.at_op("]") else self.parse_expression()
                    self.expect_op("]")
                    expr = ast.Slice(expr, index, stop, pos=t.start)
                    continue
                self.expect_op("]")
                expr = ast.Index(expr, index, pos=t.start)
            elif allow_labels and self.at_op(":") and (
                    self.peek().kind == IDENT or self.at_op("!", "%", "(", "$", k=1)
                    or (self.peek().kind == PARAM and self.at_op("(", k=2))):
                labels, label_expr = self.parse_label_expression()
                expr = ast.HasLabels(expr, labels, label_expr, pos=t.start)
            else:
                return expr

    def parse_atom(self) -> ast.Expr:
        t = self.tok
        if t.kind == BAD_NUMBER:
            if isinstance(t.value, str):
                raise CypherSyntaxError(t.value, self.query, t.start, code="InvalidNumberLiteral")
            self.error("invalid number literal", code="InvalidNumberLiteral")
        if t.kind == INTEGER:
            self.advance()
            if _integer(t) > INT_MAX:
                raise CypherSyntaxError("integer literal is too large", self.query, t.start,
                                        code="IntegerOverflow")
            return ast.Literal(t.value, pos=t.start)
        if t.kind == FLOAT:
            self.advance()
            return ast.Literal(t.value, pos=t.start)
        if t.kind == STRING:
            self.advance()
            return ast.Literal(t.value, pos=t.start)
        if t.kind == PARAM:
            self.advance()
            return ast.Parameter(str(t.value), pos=t.start)
        if t.kind == OP:
            if t.value == "(":
                return self.parse_paren_or_pattern()
            if t.value == "[":
                return self.parse_bracket()
            if t.value == "{":
                return self.parse_map_literal()
            self.error("expected an expression")
        if t.kind == IDENT:
            word = t.upper
            if word == "TRUE":
                self.advance()
                return ast.Literal(True, pos=t.start)
            if word == "FALSE":
                self.advance()
                return ast.Literal(False, pos=t.start)
            if word == "NULL":
                self.advance()
                return ast.Literal(None, pos=t.start)
            if word in ("INF", "INFINITY", "NAN") and not self.at_op("(", ".", k=1):
                # Neo4j 5's float literals: they win over a variable of the same name, as there.
                self.advance()
                return ast.Literal(math.nan if word == "NAN" else math.inf, pos=t.start)
            if word == "CASE" and (self.at_kw("WHEN", k=1) or not self._word_is_operand()):
                return self.parse_case()
            if word in ("ALL", "ANY", "NONE", "SINGLE") and self.at_op("(", k=1) \
                    and self.peek(2).kind == IDENT and self.peek(3).upper == "IN":
                return self.parse_quantifier()
            if word == "REDUCE" and self.at_op("(", k=1):
                return self.parse_reduce()
            if word in ("EXISTS", "COUNT", "COLLECT") and self.at_op("{", k=1):
                return self.parse_exists_subquery(word.lower())
            if word in ("SHORTESTPATH", "ALLSHORTESTPATHS") and self.at_op("(", k=1):
                raise CypherUnsupportedError(f"{t.text}() as an expression (use it in MATCH)")
            # function call: name(...) or ns.name(...)
            j = 1
            while self.at_op(".", k=j) and self.peek(j + 1).kind == IDENT:
                j += 2
            if self.at_op("(", k=j):
                return self.parse_function_call(j)
            self.advance()  # any other word is a variable, keywords too (RETURN order)
            var = ast.Variable(str(t.value), pos=t.start)
            if self.at_op("{"):
                return self.parse_map_projection(var)
            return var
        self.error("expected an expression")
        raise AssertionError  # unreachable

    def parse_function_call(self, name_tokens: int) -> ast.Expr:
        t = self.tok
        parts = []
        for k in range(0, name_tokens, 2):
            parts.append(str(self.peek(k).value))
        self.i += name_tokens
        self.expect_op("(")
        name = ".".join(parts)
        if name.upper() == "COUNT" and self.at_op("*") and self.at_op(")", k=1):
            self.i += 2
            return ast.CountStar(pos=t.start)
        if name.upper() == "TRIM":
            trim = self.parse_trim(t)
            if trim is not None:
                return trim
        distinct = self.accept_kw("DISTINCT")
        if not distinct and self.at_kw("ALL") and not self.at_op("(", ")", ",", k=1):
            self.advance()  # ALL, the explicit default quantifier: f(ALL x) is f(x)
        args: list[ast.Expr] = []
        if name.upper() == "NORMALIZE" and not self.at_op(")"):
            args.append(self.parse_expression())
            if self.accept_op(","):
                form = self.tok
                if form.upper not in _NORMAL_FORMS or not self.at_op(")", k=1):
                    self.error("Invalid normal form, expected NFC, NFD, NFKC, NFKD",
                               code="InvalidNormalForm")
                self.advance()
                args.append(ast.Literal(form.upper, pos=form.start))
        elif not self.at_op(")"):
            args = list(self.parse_expression_list())
        self.expect_op(")")
        return ast.FunctionCall(name, tuple(args), distinct, pos=t.start)

    def parse_trim(self, t: Token) -> ast.Expr | None:
        """``trim([BOTH | LEADING | TRAILING] [chars] FROM source)``, just after ``trim(``;
        None (nothing consumed but the first argument, kept) for the plain ``trim(s)``."""
        mode = "BOTH"
        chars: ast.Expr | None = None
        if self.tok.upper in _TRIM_MODES and not self.at_op("(", ")", ",", k=1):
            mode = self.advance().upper
            if not self.at_kw("FROM"):
                chars = self.parse_expression()
            self.expect_kw("FROM")
        elif self.accept_kw("FROM"):
            pass
        else:
            start = self.i
            first = self.parse_expression()
            if not self.accept_kw("FROM"):
                self.i = start
                return None
            chars = first
        source = self.parse_expression()
        self.expect_op(")")
        return ast.Trim(mode, chars, source, pos=t.start)

    def parse_paren_or_pattern(self) -> ast.Expr:
        start = self.i
        try:
            part = self._try(self._pattern_predicate)
            if part is not None:
                return ast.PatternPredicate(part, pos=self.tokens[start].start)
        except _Backtrack:
            pass
        self.i = start
        self.expect_op("(")
        expr = self.parse_expression()
        self.expect_op(")")
        return expr

    def _pattern_predicate(self) -> ast.PatternPart:
        st = self.tok.start
        nodes, rels = self.parse_pattern_element()
        if not rels or any(r.group is not None for r in rels):  # Neo4j takes no QPP here either
            raise _Backtrack
        return ast.PatternPart(None, nodes, rels, pos=st)

    def _try(self, fn: Callable[[], T]) -> T:
        """Run ``fn``; on a syntax error restore the position and raise _Backtrack."""
        start = self.i
        try:
            return fn()
        except CypherSyntaxError:
            self.i = start
            raise _Backtrack from None

    def parse_bracket(self) -> ast.Expr:
        t = self.expect_op("[")
        # list comprehension: [x IN list WHERE ... | ...]
        if self.tok.kind == IDENT and self.at_kw("IN", k=1):  # any word, keywords too
            var = self.variable_name()
            self.advance()  # IN
            source = self.parse_expression()
            where = self._where_before_bar() if self.accept_kw("WHERE") else None
            proj = self.parse_expression() if self.accept_op("|") else None
            self.expect_op("]")
            return ast.ListComprehension(var, source, where, proj, pos=t.start)
        # pattern comprehension: [p = (a)-->(b) WHERE ... | expr]
        start = self.i
        try:
            comp = self._try(lambda: self._pattern_comprehension(t))
            if comp is not None:
                return comp
        except _Backtrack:
            self.i = start
        items: list[ast.Expr] = []
        if not self.at_op("]"):
            items = list(self.parse_expression_list())
        self.expect_op("]")
        return ast.ListLiteral(tuple(items), pos=t.start)

    def _pattern_comprehension(self, t: Token) -> ast.Expr:
        path_var = None
        if self.tok.kind == IDENT and self.at_op("=", k=1):
            path_var = self.variable_name()
            self.advance()
        if not self.at_op("("):
            raise _Backtrack
        st = self.tok.start
        nodes, rels = self.parse_pattern_element()
        if not rels or any(r.group is not None for r in rels):  # Neo4j takes no QPP here either
            raise _Backtrack
        where = self._where_before_bar() if self.accept_kw("WHERE") else None
        if not self.accept_op("|"):
            raise _Backtrack
        proj = self.parse_expression()
        self.expect_op("]")
        part = ast.PatternPart(path_var, nodes, rels, pos=st)
        return ast.PatternComprehension(path_var, part, where, proj, pos=t.start)

    def _where_before_bar(self) -> ast.Expr:
        self.bar_ends_where += 1
        try:
            return self.parse_expression()
        finally:
            self.bar_ends_where -= 1

    def parse_map_literal(self) -> ast.MapLiteral:
        t = self.expect_op("{")
        items: list[tuple[str, ast.Expr]] = []
        if not self.at_op("}"):
            while True:
                key = self.name("a map key")
                self.expect_op(":")
                items.append((key, self.parse_expression()))
                if not self.accept_op(","):
                    break
        self.expect_op("}")
        return ast.MapLiteral(tuple(items), pos=t.start)

    def parse_map_projection(self, var: ast.Variable) -> ast.Expr:
        self.expect_op("{")
        items: list[tuple[str, str | None, ast.Expr | None]] = []
        if not self.at_op("}"):
            while True:
                if self.accept_op("."):
                    if self.accept_op("*"):
                        items.append(("all", None, None))
                    else:
                        items.append(("prop", self.name("a property key"), None))
                elif self.tok.kind == IDENT and self.at_op(":", k=1):
                    key = self.name()
                    self.advance()
                    items.append(("expr", key, self.parse_expression()))
                elif self.tok.kind == IDENT:
                    name_tok = self.advance()
                    items.append(("var", str(name_tok.value),
                                  ast.Variable(str(name_tok.value), pos=name_tok.start)))
                else:
                    self.error("expected a map projection item")
                if not self.accept_op(","):
                    break
        self.expect_op("}")
        return ast.MapProjection(var.name, tuple(items), pos=var.pos)

    def parse_case(self) -> ast.Expr:
        t = self.expect_kw("CASE")
        subject = None
        if not self.at_kw("WHEN"):
            subject = self.parse_expression()
        whens: list[tuple[ast.Expr, ast.Expr]] = []
        extended = False
        while self.accept_kw("WHEN"):
            if subject is None:
                cond = self.parse_expression()
            else:
                operands = [self._when_operand(subject)]
                while self.accept_op(","):
                    operands.append(self._when_operand(subject))
                extended = extended or len(operands) > 1 or operands[0][0]
                cond = _any_of([c for _, c in operands])
            self.expect_kw("THEN")
            whens.append((cond, self.parse_expression()))
        if not whens:
            self.error("expected WHEN")
        default = self.parse_expression() if self.accept_kw("ELSE") else None
        self.expect_kw("END")
        if extended:  # Neo4j 5's WHEN 1, 2 / WHEN > 3 / WHEN IS NULL: each WHEN as a predicate
            return ast.Case(None, tuple(whens), default, pos=t.start)
        if subject is not None:  # the classic simple CASE: keep the values it compares with
            whens = [(c.right if isinstance(c, ast.Binary) else c, r) for c, r in whens]
        return ast.Case(subject, tuple(whens), default, pos=t.start)

    def _when_operand(self, subject: ast.Expr) -> tuple[bool, ast.Expr]:
        """One operand of a simple CASE's WHEN: (True, predicate) for the Neo4j 5 forms
        (``> 3``, ``IS NULL``, ``STARTS WITH 'a'``, ``:: INTEGER``...), else (False,
        ``subject = value``). Neo4j 5.26 takes no IN, CONTAINS or IS :: here, nor does this."""
        t = self.tok
        if t.upper == "IS" and self.at_op(":", k=1):
            self.error("expected an expression or a comparison after WHEN (Neo4j 5.26 takes no "
                       "IS :: there: write IS TYPED)")
        if self.at_op("=", "<>", "<", ">", "<=", ">="):
            op = str(self.advance().value)
            return True, ast.Binary(op, subject, self.parse_additive(), pos=t.start)
        if (t.upper in ("STARTS", "ENDS") and self.at_kw("WITH", k=1)) or self.at_op("=~") \
                or (t.upper == "IS" and not self.at_op(":", k=1)) \
                or (self.at_op(":") and self.at_op(":", k=1)):
            return True, self.parse_predicates(subject)
        return False, ast.Binary("=", subject, self.parse_expression(), pos=t.start)

    def parse_quantifier(self) -> ast.Expr:
        t = self.advance()
        self.expect_op("(")
        var = self.variable_name()
        self.expect_kw("IN")
        source = self.parse_expression()
        where = self.parse_expression() if self.accept_kw("WHERE") else None
        self.expect_op(")")
        return ast.Quantifier(t.upper.lower(), var, source, where, pos=t.start)

    def parse_reduce(self) -> ast.Expr:
        t = self.advance()
        self.expect_op("(")
        acc = self.variable_name()
        self.expect_op("=")
        init = self.parse_expression()
        self.expect_op(",")
        var = self.variable_name()
        self.expect_kw("IN")
        source = self.parse_expression()
        self.expect_op("|")
        body = self.parse_expression()
        self.expect_op(")")
        return ast.Reduce(acc, init, var, source, body, pos=t.start)

    def parse_exists_subquery(self, kind: str = "exists") -> ast.Expr:
        """``EXISTS {...}``, ``COUNT {...}`` or ``COLLECT {...}``: a pattern or a whole query."""
        t = self.advance()
        self.expect_op("{")
        if self.tok.upper in _CLAUSE_START:
            query = self.parse_query()
            self.expect_op("}")
            return ast.Exists(None, None, query, kind, pos=t.start)
        if kind == "collect":
            self.error("COLLECT { } needs a query ending in RETURN")
        patterns = self.parse_pattern_list()
        where = self.parse_expression() if self.accept_kw("WHERE") else None
        self.expect_op("}")
        return ast.Exists(patterns, where, None, kind, pos=t.start)
