"""The differential test: the same setup and query on the embedded engine and on Neo4j 5.26.

Where the openCypher TCK is silent, Neo4j is the reference (issue 16). This package runs
hand-written cases (``cases/*.yaml``, one file per topic) and seeded random ones
(:mod:`.generator`) on both, and compares what comes back (:mod:`.compare`): column names,
rows as multisets unless ``ORDER BY`` fixes their order, value types, graph elements by
content, errors (both fail or neither), and after a write the whole graph. ``python -m
tests.differential`` runs it standalone; tests/test_differential.py holds the floor.
"""
