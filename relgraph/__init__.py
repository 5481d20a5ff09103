"""relgraph: a graph database of relationships, with Neo4j and an embedded networkx backend.

From Python::

    import relgraph
    g = relgraph.open()                       # the backend the command line would use
    g.load()
    g.query("MATCH (c:City) RETURN c.name AS city").value("city")

:func:`open`, :class:`Graph`, :class:`Result`, :class:`Subgraph` and :class:`View` are
:mod:`relgraph.api` (see docs/python.md); :class:`RelgraphError` is the root of every
error relgraph raises on purpose. They load on first use, so that the command line,
which imports this package too, starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relgraph.graph.values.errors import RelgraphError
from relgraph.graph.values.version import VERSION as __version__

if TYPE_CHECKING:
    from relgraph.api import Graph, Result, Subgraph, View, open

__all__ = ["Graph", "RelgraphError", "Result", "Subgraph", "View", "__version__", "open"]

_API = {"Graph", "Result", "Subgraph", "View", "open"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from relgraph import api

        return getattr(api, name)
    raise AttributeError(f"module 'relgraph' has no attribute {name!r}")
