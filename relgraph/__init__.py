"""relgraph: a graph database of relationships, with Neo4j and an embedded networkx backend."""

from relgraph.graph.values.version import VERSION as __version__

__all__ = ["__version__"]
