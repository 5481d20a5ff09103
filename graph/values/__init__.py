"""The bottom layer: the values every other layer passes around, and the errors.

Nothing here imports from the rest of relgraph. What is here:

* :mod:`.errors`: :class:`~.errors.RelgraphError`, the root of every error relgraph
  raises on purpose, and the classes several layers share;
* :mod:`.temporal`: Cypher's dates, times and durations;
* :mod:`.entities`: the nodes, relationships and paths queries return;
* :mod:`.result`: query results shaped like the Neo4j driver's Result and Record;
* :mod:`.model`: what loaders produce and stores accept (a GraphBatch of specs);
* :mod:`.subgraph`: a set of nodes and relationships in canonical order;
* :mod:`.jsonable`: any of these values as plain JSON data;
* :mod:`.text`: the check that text is valid Unicode (no lone surrogates).
"""
