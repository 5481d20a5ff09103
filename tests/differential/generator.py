"""Seeded random graphs and random read and write queries over them.

Every case is reproducible on its own: graph ``g`` of seed ``s`` comes from
``Random(f"{s}:{g}")`` and its ``q``-th query from ``Random(f"{s}:{g}:{q}")``, so
``python -m tests.differential --seed S --case gen:K`` rebuilds case K without the others.

The graphs are small (var-length patterns over parallel relationships and self-loops grow
fast) and awkward on purpose: nodes with no label or several, missing properties, a property
whose type varies from node to node (``v``: integer, float, string, boolean, list), parallel
relationships and self-loops. The queries must be deterministic on Neo4j, whose answers are the
reference: ``SKIP``/``LIMIT`` only after an ``ORDER BY`` on every returned column, and then only
columns of scalar values that cannot fail to compute (Neo4j projects columns after ``LIMIT``, so
an error in a row it never reaches is no error there); no ``collect()`` of unordered rows
returned as a list; a ``SET`` only from the node's own values, never from another row's.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .cases import Case

#: Queries per random graph: the graph is set up once on each side for all of them.
PER_GRAPH = 100

LABELS = ["A", "B", "C"]
TYPES = ["R", "S", "T"]
NAMES = ["'ann'", "'bob'", "'Cy'", "'dee'", "''", "'b'"]
#: Values of every type, for comparisons and for properties. No list mixing integers and floats:
#: Neo4j stores one as floats only (a listed difference, ``mixed-number-list-property``), which
#: would make every later answer on that graph differ.
#: No float equal to an integer either (2.0 beside 2): DISTINCT, min() and max() keep whichever of
#: two equal values comes first, and which comes first is the engine's own order.
MIXED = ["1", "2", "-3", "0", "1.5", "3.5", "-0.5", "'a'", "'1'", "'B'", "true", "false", "[1, 2]", "[]",
         "[1.5, 2.5]", "['a']"]


#: Listed differences (docs/cypher.md) a generated query can run into, by what its text shows;
#: such a case carries the class, as a hand-written one would.
KNOWN = [
    ("stdev-none", re.compile(r"\bstDev\(")),
]


@dataclass
class Graph:
    setup: str
    nodes: int
    rels: int


def graph(rng: random.Random) -> Graph:
    """A random graph as one CREATE; every node and relationship has a distinct ``k``."""
    count = rng.randint(3, 7)
    parts = []
    for i in range(count):
        labels = "".join(f":{label}" for label in LABELS if rng.random() < 0.4)
        props = [f"k: {i}"]
        if rng.random() < 0.75:
            props.append(f"num: {rng.choice(['-2', '0', '1', '2', '3', '1.5', '-0.5', '2.5'])}")
        if rng.random() < 0.7:
            props.append(f"name: {rng.choice(NAMES)}")
        if rng.random() < 0.5:
            props.append(f"flag: {rng.choice(['true', 'false'])}")
        if rng.random() < 0.7:
            props.append(f"v: {rng.choice(MIXED)}")
        parts.append(f"(n{i}{labels} {{{', '.join(props)}}})")
    rels = rng.randint(0, 10)
    for j in range(rels):
        a, b = rng.randrange(count), rng.randrange(count)
        props = [f"k: {100 + j}"]
        if rng.random() < 0.7:
            props.append(f"w: {rng.choice(['1', '2', '0', '1.5', '-1'])}")
        parts.append(f"(n{a})-[:{rng.choice(TYPES)} {{{', '.join(props)}}}]->(n{b})")
    return Graph("CREATE " + ",\n       ".join(parts), count, rels)


class Query:
    """One random query; the methods add its parts, each from the same generator."""

    def __init__(self, rng: random.Random, g: Graph) -> None:
        self.rng = rng
        self.g = g
        self.nodes: list[str] = []
        self.rels: list[str] = []
        self.params: dict[str, object] = {}

    # --- patterns -------------------------------------------------------------------------

    def label(self) -> str:
        return f":{self.rng.choice(LABELS)}" if self.rng.random() < 0.35 else ""

    def node(self, name: str) -> str:
        self.nodes.append(name)
        inline = f" {{k: {self.rng.randrange(self.g.nodes)}}}" if self.rng.random() < 0.1 else ""
        return f"({name}{self.label()}{inline})"

    def rel(self, name: str, var_length: bool) -> str:
        rng = self.rng
        types = rng.choice(["", "", f":{rng.choice(TYPES)}", ":{}|{}".format(*rng.sample(TYPES, 2))])
        if var_length:
            low, high = rng.choice([(1, 2), (0, 2), (1, 3), (2, 2), (0, 1)])
            body = f"[{types}*{low}..{high}]"
        else:
            self.rels.append(name)
            body = f"[{name}{types}]"
        return rng.choice([f"-{body}->", f"<-{body}-", f"-{body}-"])

    def pattern(self, hops: int, start: str = "a", var_length: bool = True) -> str:
        text = self.node(start) if start not in self.nodes else f"({start})"
        names = "bcd"
        for i in range(hops):
            vl = var_length and self.rng.random() < 0.2
            text += self.rel(f"r{len(self.rels) + 1}", vl) + self.node(names[i])
        return text

    # --- expressions ----------------------------------------------------------------------

    def prop(self) -> str:
        v = self.rng.choice(self.nodes)
        return f"{v}.{self.rng.choice(['k', 'num', 'name', 'flag', 'v'])}"

    def predicate(self, depth: int = 0) -> str:
        rng = self.rng
        if depth < 1 and rng.random() < 0.3:
            op = rng.choice(["AND", "OR", "XOR"])
            return f"({self.predicate(depth + 1)} {op} {self.predicate(depth + 1)})"
        if rng.random() < 0.1:
            return f"NOT {self.predicate(depth + 1)}"
        v = rng.choice(self.nodes)
        choices = [
            lambda: f"{v}.num {rng.choice(['<', '<=', '>', '>=', '=', '<>'])} "
                    f"{rng.choice(['0', '1', '1.5', '2'])}",
            lambda: f"{v}.v {rng.choice(['<', '>', '=', '<>'])} {rng.choice(MIXED)}",
            lambda: f"{v}.name {rng.choice(['STARTS WITH', 'ENDS WITH', 'CONTAINS'])} "
                    f"{rng.choice(['b', 'n', 'e', ''])!r}",
            lambda: f"{v}.{rng.choice(['num', 'v', 'name', 'flag'])} IS {rng.choice(['', 'NOT '])}NULL",
            lambda: f"{v}.{rng.choice(['num', 'v'])} IN [{', '.join(rng.sample([*MIXED, 'null'], 3))}]",
            lambda: f"{v}:{rng.choice(LABELS)}",
            lambda: f"{v}.flag",
            lambda: f"{v}.num = null",
            lambda: f"{v}.k {rng.choice(['<', '>'])} {rng.choice(self.nodes)}.k",
            lambda: self.param_compare(v),
        ]
        if self.rels:
            r = rng.choice(self.rels)
            choices.append(lambda: f"{r}.w {rng.choice(['<', '>=', '='])} {rng.choice(['1', '1.0', '0'])}")
            choices.append(lambda: f"type({r}) = {rng.choice(TYPES)!r}")
        return rng.choice(choices)()

    def param_compare(self, v: str) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = self.rng.choice([1, 2, 1.5, "b", None, [1, 2]])
        return f"{v}.num {self.rng.choice(['<', '>=', '='])} ${name}"

    def scalar(self) -> str:
        """A value that cannot fail to compute, whatever the property holds."""
        rng = self.rng
        v = rng.choice(self.nodes)
        options = [
            f"{v}.k", f"{v}.num", f"{v}.name", f"{v}.v", f"{v}.flag", f"{v}.num * 2", f"{v}.num + 1",
            f"{v}.k % 3", f"toString({v}.num)", f"coalesce({v}.name, 'none')", f"size({v}.name)",
            f"{v}.name + '!'", f"abs({v}.num)", f"{v}:{rng.choice(LABELS)}", f"size(labels({v}))",
            f"{v}.num > 1", f"{v}.v IS NULL", f"CASE WHEN {v}.num > 0 THEN 'pos' ELSE 'other' END",
            f"toUpper({v}.name)", f"{v}.num - {v}.k",
            f"split(coalesce({v}.name, ''), 'b')", f"substring(coalesce({v}.name, 'xyz'), 1)",
            f"reverse(toString({v}.k))", f"[x IN range(0, {v}.k) | x * 2][-1]", f"{v}.k IN [1, 3, 5]",
            f"size([({v})--() | 1])", f"toFloat({v}.k) / 2", f"{v}.k / 2", f"sign({v}.num)",
            f"ceil({v}.num)", f"toInteger({v}.num)", f"coalesce({v}.v, {v}.num, 0)", f"valueType({v}.v)",
            f"EXISTS {{ ({v})-->() }}", f"{v}.v IN [1, 'a', [1, 2]]", f"{v}.k ^ 2",
            f"left(coalesce({v}.name, ''), 2)",
        ]
        if self.rels:
            r = rng.choice(self.rels)
            options += [f"type({r})", f"{r}.w", f"{r}.k", f"{r}.w * 1.5"]
        return rng.choice(options)

    def columns(self, count: int) -> list[str]:
        exprs = list(dict.fromkeys(self.scalar() for _ in range(count)))
        return exprs

    # --- query shapes ---------------------------------------------------------------------

    def where(self) -> str:
        return f" WHERE {self.predicate()}" if self.rng.random() < 0.6 else ""

    def match_return(self) -> str:
        rng = self.rng
        text = f"MATCH {self.pattern(rng.randint(1, 3))}{self.where()}"
        if rng.random() < 0.3:
            cols = [f"{x} AS c{i}" for i, x in enumerate(self.columns(rng.randint(1, 3)))]
            distinct = "DISTINCT " if rng.random() < 0.5 else ""
            order = ", ".join(f"c{i}{rng.choice(['', ' DESC'])}" for i in range(len(cols)))
            page = rng.choice([" LIMIT 3", " SKIP 1", " SKIP 1 LIMIT 2", ""])
            return f"{text} RETURN {distinct}{', '.join(cols)} ORDER BY {order}{page}"
        items = self.columns(rng.randint(1, 3))
        if rng.random() < 0.3:
            items.append(rng.choice(self.nodes))
        if self.rels and rng.random() < 0.2:
            items.append(rng.choice(self.rels))
        return f"{text} RETURN {', '.join(dict.fromkeys(items))}"

    def aggregate(self) -> str:
        rng = self.rng
        text = f"MATCH {self.pattern(rng.randint(0, 2))}{self.where()}"
        v = rng.choice(self.nodes)
        aggs = rng.sample([
            "count(*)", f"count({v}.num)", f"count(DISTINCT {v}.v)", f"sum({v}.num)", f"min({v}.v)",
            f"max({v}.v)", f"avg({v}.num)", f"min({v}.num)", f"max({v}.name)", f"size(collect({v}.k))",
            f"count(DISTINCT {v})", f"stDev({v}.num)", f"percentileDisc({v}.num, 0.5)",
        ], rng.randint(1, 3))
        if rng.random() < 0.6:
            key = self.scalar()
            cols = [f"{key} AS key"] + [f"{a} AS a{i}" for i, a in enumerate(aggs)]
            return f"{text} RETURN {', '.join(cols)} ORDER BY key"
        return f"{text} RETURN {', '.join(f'{a} AS a{i}' for i, a in enumerate(aggs))}"

    def optional(self) -> str:
        rng = self.rng
        text = f"MATCH {self.node('a')} OPTIONAL MATCH {self.pattern(rng.randint(1, 2), 'a', False)}"
        if rng.random() < 0.5:
            text += f" WHERE {self.predicate()}"
        if rng.random() < 0.5:
            return f"{text} RETURN a.k AS k, count({rng.choice(self.nodes[1:])}) AS c ORDER BY k"
        return f"{text} RETURN {', '.join(self.columns(2))}"

    def with_chain(self) -> str:
        rng = self.rng
        shape = rng.randrange(3)
        if shape == 0:
            text = f"MATCH {self.pattern(1, var_length=False)}{self.where()}"
            return (f"{text} WITH a, count(*) AS c WHERE c {rng.choice(['>', '>=', '='])} "
                    f"{rng.randint(0, 2)} RETURN a.k AS k, c ORDER BY k")
        if shape == 1:
            direction = rng.choice(["", "DESC"])
            text = f"MATCH {self.node('a')}{self.where()} WITH a ORDER BY a.k {direction} LIMIT 3"
            return f"{text} MATCH {self.pattern(1, 'a')} RETURN {', '.join(self.columns(2))}"
        text = f"MATCH {self.node('a')} WITH a.k AS k, a.num AS n WHERE n IS NOT NULL"
        return f"{text} WITH k, n * 2 AS m RETURN k, m ORDER BY k"

    def unwind(self) -> str:
        rng = self.rng
        items = ", ".join(rng.sample([*MIXED, "null"], rng.randint(2, 5)))
        shape = rng.randrange(3)
        if shape == 0:
            return f"UNWIND [{items}] AS x RETURN x, x IS NULL AS n"
        if shape == 1:
            return f"UNWIND [{items}] AS x RETURN x ORDER BY x{rng.choice(['', ' DESC'])}"
        return f"MATCH {self.node('a')} UNWIND [1, 2] AS x RETURN a.k AS k, x ORDER BY k, x"

    def subquery(self) -> str:
        rng = self.rng
        self.node("a")
        inner = self.pattern(1, "a", rng.random() < 0.5)
        shape = rng.randrange(3)
        if shape == 0:
            return f"MATCH (a{self.label()}) WHERE EXISTS {{ MATCH {inner} }} RETURN a.k AS k ORDER BY k"
        if shape == 1:
            return f"MATCH (a{self.label()}) RETURN a.k AS k, COUNT {{ MATCH {inner} }} AS c ORDER BY k"
        path = self.pattern(rng.randint(1, 2))
        return f"MATCH p = {path} RETURN length(p) AS len, [n IN nodes(p) | n.k] AS ks"

    # --- writes ---------------------------------------------------------------------------

    def write(self) -> str:
        rng = self.rng
        target = f"MATCH {self.node('a')}{self.where()}"
        k = rng.randrange(self.g.nodes + 2)
        shape = rng.randrange(11)
        if shape == 0:
            value = rng.choice([*MIXED, "null", "a.num", "a.k * 10", "a.name + 'x'", "[a.k, 1]"])
            return f"{target} SET a.{rng.choice(['num', 'new', 'v'])} = {value} RETURN a.k AS k ORDER BY k"
        if shape == 1:
            return f"{target} SET a:{rng.choice([*LABELS, 'D'])} RETURN count(*) AS c"
        if shape == 2:
            return f"{target} REMOVE a.{rng.choice(['num', 'name', 'v'])}, a:{rng.choice(LABELS)}"
        if shape == 3:
            return f"{target} SET a {rng.choice(['+=', '='])} {{x: a.k, num: {rng.choice([*MIXED, 'null'])}}}"
        if shape == 4:
            return f"CREATE (x:{rng.choice(LABELS)} {{k: {k}, v: {rng.choice(MIXED)}}}) RETURN x"
        if shape == 5:
            j = rng.randrange(self.g.nodes)
            return (f"MATCH (a {{k: {k}}}), (b {{k: {j}}}) CREATE (a)-[r:{rng.choice(TYPES)} {{w: 9}}]->(b) "
                    "RETURN type(r) AS t")
        if shape == 6:
            extra = rng.choice(["", " ON CREATE SET m.made = true", " ON MATCH SET m.seen = 1",
                                " ON CREATE SET m.made = 1 ON MATCH SET m.seen = true"])
            return f"MERGE (m{self.label()} {{k: {k}}}){extra} RETURN m.k AS k"
        if shape == 7:
            j = rng.randrange(self.g.nodes)
            return (f"MATCH (a {{k: {k}}}), (b {{k: {j}}}) MERGE (a)-[r:{rng.choice(TYPES)}]->(b) "
                    "RETURN count(r) AS c")
        if shape == 8:
            return f"{target} DETACH DELETE a RETURN count(*) AS c"
        if shape == 9:
            r = self.rel("r1", False)
            return f"MATCH (a){r}(b) WHERE {self.predicate()} DELETE r1"
        return f"{target} FOREACH (x IN [1, 2] | CREATE (:F {{x: x, k: a.k}}))"


def cases(seed: int, count: int) -> list[Case]:
    """``count`` generated cases of ``seed`` (graph by graph, :data:`PER_GRAPH` queries each)."""
    return [case(seed, k) for k in range(count)]


_GRAPHS: dict[tuple[int, int], Graph] = {}


def case(seed: int, k: int) -> Case:
    """Generated case ``k`` of ``seed``, built without the cases before it."""
    index = k // PER_GRAPH
    g = _GRAPHS.get((seed, index))
    if g is None:
        g = _GRAPHS[(seed, index)] = graph(random.Random(f"{seed}:{index}"))
    rng = random.Random(f"{seed}:{index}:{k}")
    q = Query(rng, g)
    shapes = [q.match_return, q.aggregate, q.optional, q.with_chain, q.unwind, q.subquery, q.write]
    shape = rng.choices(shapes, [30, 15, 10, 8, 5, 7, 25])[0]
    text = shape()
    topic = "generated-write" if shape == q.write else "generated-read"
    known = next((name for name, pattern in KNOWN if pattern.search(text)), None)
    return Case(f"gen:{k}", topic, g.setup, text, dict(q.params), known=known)
