"""Temporal values (date, time, datetime, duration): placeholder until implemented."""

from __future__ import annotations

from typing import Any

DURATION_RANK = 15


class TemporalValue:
    """Base of temporal values."""

    type_name = "TEMPORAL"

    def equals(self, other: Any) -> bool | None:
        return self == other

    def compare(self, other: Any) -> int | None:
        return None

    def sort_tuple(self) -> tuple:
        return ()

    def group_key(self) -> Any:
        return self


class Duration(TemporalValue):
    type_name = "DURATION"


def temporal_rank(v: TemporalValue) -> int:
    return 10


def temporal_function(name: str):
    return None


def from_python_temporal(v: Any) -> Any:
    return None
