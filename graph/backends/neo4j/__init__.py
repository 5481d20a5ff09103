"""The Neo4j backend: :class:`~.store.Neo4jStore` and what it stands on (see its modules)."""

from relgraph.graph.backends.neo4j.connection import DEFAULT_URI, START_HINT, Neo4jSettings, Neo4jUnavailable
from relgraph.graph.backends.neo4j.store import Neo4jStore

__all__ = ["DEFAULT_URI", "START_HINT", "Neo4jSettings", "Neo4jStore", "Neo4jUnavailable"]
