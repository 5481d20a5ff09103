"""The openCypher TCK runner: ``python -m tests.tck [--target NAME] [--features FILTER] [-v]``."""

from .runner import Outcome, report, run_tck, tck_root, totals
from .targets import GraphState, QueryResult, Target, TargetError, load_target

__all__ = ["GraphState", "Outcome", "QueryResult", "Target", "TargetError", "load_target", "report",
           "run_tck", "tck_root", "totals"]
