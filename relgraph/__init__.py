"""relgraph: a graph database of relationships, with Neo4j and an embedded networkx backend."""

__version__ = "0.1.0"
