"""The fuzz and fault suite: hostile inputs for every loader, damaged snapshots, kill -9 in the
middle of writes, concurrent writers and runaway queries (issue 14, docs/reliability.md).

The generators are seeded and deterministic, so a failure found once is found again, and the
same cases run inside pytest (a sample sized for the suite's time budget) and standalone
(``python -m tests.fuzz --cases N``) with the same tallies.
"""
