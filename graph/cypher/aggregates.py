"""Aggregate functions: one accumulator object per group and aggregate call.

All aggregates except ``count(*)`` skip null inputs -- ``avg`` over
``[1, null, 3]`` is 2.0, not 1.33 (one of the wrong answers this engine exists
to avoid). ``DISTINCT`` is applied before accumulating, with Cypher's
equivalence (1 and 1.0 are the same value).
"""

from __future__ import annotations

import math
from typing import Any

from relgraph.graph.cypher.functions import INT_MAX, INT_MIN
from relgraph.graph.cypher.runtime import (
    group_key,
    is_number,
    sort_key,
    type_name,
)
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError
from relgraph.graph.values.temporal import Duration

AGGREGATES = {"count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp",
              "percentilecont", "percentiledisc"}


def is_aggregate(name: str) -> bool:
    return name.lower() in AGGREGATES


class Aggregator:
    """Accumulates the first argument; extra arguments (percentile) are constant per group."""

    def __init__(self, distinct: bool):
        self.distinct = distinct
        self.seen: set[Any] | None = set() if distinct else None

    def add(self, value: Any, *extra: Any) -> None:
        if value is None:
            return
        if self.seen is not None:
            key = group_key(value)
            if key in self.seen:
                return
            self.seen.add(key)
        self.accept(value, *extra)

    def accept(self, value: Any, *extra: Any) -> None:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError


class CountStarAgg:
    """``count(*)``: counts rows, nulls included."""

    def __init__(self) -> None:
        self.n = 0

    def add(self, *_: Any) -> None:
        self.n += 1

    def result(self) -> int:
        return self.n


class CountAgg(Aggregator):
    def __init__(self, distinct: bool):
        super().__init__(distinct)
        self.n = 0

    def accept(self, value: Any, *extra: Any) -> None:
        self.n += 1

    def result(self) -> int:
        return self.n


class SumAgg(Aggregator):
    def __init__(self, distinct: bool):
        super().__init__(distinct)
        self.total: Any = 0
        self.duration: Duration | None = None

    def accept(self, value: Any, *extra: Any) -> None:
        if isinstance(value, Duration):
            self.duration = value if self.duration is None else self.duration.add(value)
            return
        if not is_number(value):
            raise CypherTypeError(f"sum() expects numbers, got {type_name(value)}", "InvalidArgumentValue")
        self.total += value
        if isinstance(self.total, int) and not INT_MIN <= self.total <= INT_MAX:
            self.total = float(self.total)  # Neo4j's sum() goes on in floats past the longs

    def result(self) -> Any:
        if self.duration is not None:
            return self.duration
        return self.total


class AvgAgg(Aggregator):
    def __init__(self, distinct: bool):
        super().__init__(distinct)
        self.total: Any = 0
        self.n = 0
        self.durations: list[Duration] = []

    def accept(self, value: Any, *extra: Any) -> None:
        if isinstance(value, Duration):
            self.durations.append(value)
            self.n += 1
            return
        if not is_number(value):
            raise CypherTypeError(f"avg() expects numbers, got {type_name(value)}", "InvalidArgumentValue")
        # Neo4j keeps a running mean in floats, not a sum: avg of [0.1, 0.2, 0.3] is 0.2,
        # and of [1e308, 1e308] 1e308
        self.n += 1
        self.total += (float(value) - self.total) / self.n

    def result(self) -> Any:
        if self.n == 0:
            return None
        if self.durations:
            return Duration.average(self.durations)
        return float(self.total)


class MinMaxAgg(Aggregator):
    def __init__(self, distinct: bool, want_max: bool):
        super().__init__(distinct)
        self.want_max = want_max
        self.best: Any = None
        self.best_key: Any = None

    def accept(self, value: Any, *extra: Any) -> None:
        key = sort_key(value)
        # NaN sorts above every number, but max() over numbers should not pick it
        # when a real number exists and min() should never pick it.
        if isinstance(value, float) and math.isnan(value):
            if self.best is None:
                self.best, self.best_key = value, key
            return
        if self.best is None or (isinstance(self.best, float) and math.isnan(self.best)) \
                or (key > self.best_key if self.want_max else key < self.best_key):
            self.best, self.best_key = value, key

    def result(self) -> Any:
        return self.best


class CollectAgg(Aggregator):
    def __init__(self, distinct: bool):
        super().__init__(distinct)
        self.items: list[Any] = []

    def accept(self, value: Any, *extra: Any) -> None:
        self.items.append(value)

    def result(self) -> list[Any]:
        return self.items


class StDevAgg(Aggregator):
    """Welford's running mean and sum of squares, as Neo4j computes them (the same
    digits; and NaN, not an overflow, where the squares leave the floats)."""

    def __init__(self, distinct: bool, population: bool):
        super().__init__(distinct)
        self.population = population
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def accept(self, value: Any, *extra: Any) -> None:
        if not is_number(value):
            raise CypherTypeError(f"stDev() expects numbers, got {type_name(value)}", "InvalidArgumentValue")
        self.n += 1
        delta = float(value) - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (float(value) - self.mean)

    def result(self) -> float | None:
        n = self.n
        if n == 0:
            return None  # Neo4j: no values, no deviation
        if n == 1 and not self.population:
            return 0.0
        variance = self.m2 / (n if self.population else n - 1)
        return math.sqrt(variance) if variance >= 0 else math.nan


class PercentileAgg(Aggregator):
    def __init__(self, distinct: bool, continuous: bool):
        super().__init__(distinct)
        self.continuous = continuous
        self.values: list[Any] = []
        self.p: Any = None

    def accept(self, value: Any, *extra: Any) -> None:
        if not is_number(value):
            raise CypherTypeError(f"percentile expects numbers, got {type_name(value)}",
                                  "InvalidArgumentValue")
        p = extra[0] if extra else None
        if p is None or not is_number(p):
            raise CypherArgumentError("percentile must be a number between 0.0 and 1.0",
                                      "InvalidArgumentType")
        if not 0 <= p <= 1:
            raise CypherArgumentError(f"percentile must be between 0.0 and 1.0, got {p}",
                                      "NumberOutOfRange")
        self.p = p
        self.values.append(value)

    def result(self) -> Any:
        if not self.values:
            return None
        values = sorted(self.values)
        n = len(values)
        p = float(self.p)
        if self.continuous:
            pos = p * (n - 1)
            lo = math.floor(pos)
            hi = math.ceil(pos)
            if lo == hi:  # Neo4j returns the value itself there: an integer stays one
                return values[int(lo)]
            return values[lo] + (values[hi] - values[lo]) * (pos - lo)
        if p == 0:
            return values[0]
        idx = max(0, math.ceil(p * n) - 1)
        return values[min(idx, n - 1)]


def make_aggregator(name: str, distinct: bool) -> Any:
    """A fresh accumulator for the aggregate function ``name`` (lower-cased)."""
    name = name.lower()
    if name == "count":
        return CountAgg(distinct)
    if name == "sum":
        return SumAgg(distinct)
    if name == "avg":
        return AvgAgg(distinct)
    if name == "min":
        return MinMaxAgg(distinct, False)
    if name == "max":
        return MinMaxAgg(distinct, True)
    if name == "collect":
        return CollectAgg(distinct)
    if name == "stdev":
        return StDevAgg(distinct, False)
    if name == "stdevp":
        return StDevAgg(distinct, True)
    if name == "percentilecont":
        return PercentileAgg(distinct, True)
    if name == "percentiledisc":
        return PercentileAgg(distinct, False)
    raise KeyError(name)
