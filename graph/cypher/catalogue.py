"""The names the engine knows: functions and procedures, for completion and "did you mean".

Cypher's function names are case-insensitive; these are spelled the way the Cypher
manual spells them, so an editor can offer them as a reader expects to see them.
"""

from __future__ import annotations

from relgraph.graph.cypher.aggregates import AGGREGATES
from relgraph.graph.cypher.functions import FUNCTIONS
from relgraph.graph.cypher.procedures import BUILTIN_PROCEDURES
from relgraph.graph.cypher.temporal_functions import temporal_function_names

#: The manual's spelling of the names the engine's tables keep in lower case.
_SPELLING = {
    "stdev": "stDev", "stdevp": "stDevP", "percentilecont": "percentileCont",
    "percentiledisc": "percentileDisc", "localtime": "localtime", "localdatetime": "localdatetime",
    "inmonths": "inMonths", "indays": "inDays", "inseconds": "inSeconds",
    "fromepoch": "fromEpoch", "fromepochmillis": "fromEpochMillis",
}


def _spelled(name: str) -> str:
    return ".".join(_SPELLING.get(part, part) for part in name.split("."))


def function_names() -> list[str]:
    """Every function the engine runs: scalar, aggregating and temporal, sorted."""
    names = {f.name for f in FUNCTIONS.values()}
    names |= {_spelled(name) for name in AGGREGATES}
    names |= {_spelled(name) for name in temporal_function_names()}
    return sorted(names, key=str.lower)


def procedure_names() -> list[str]:
    return sorted(BUILTIN_PROCEDURES)
