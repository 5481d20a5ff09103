"""Running one hostile input through the public API and saying what became of it.

The store holds a baseline graph before every load, so that "nothing was loaded" can be
checked: a load that fails must leave exactly the baseline (else: data lost), and a load
that succeeds must keep every baseline node and leave a store that exports to every format
and draws its view (else: a broken store, found now rather than by the next export).
An error is clean when it is a RelgraphError whose message names the file; anything else
that escapes is a traceback.
"""

from __future__ import annotations

import io
import json
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import relgraph
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import RelgraphError
from relgraph.graph.values.jsonable import to_json

from .hostile import Case
from .seeds import baseline_jsonl

#: Seconds one in-process load (and its checks) may take before it counts as stuck.
CASE_SECONDS = 20
#: Formats a loaded graph is exported to; jsonl holds any graph relgraph can store, except
#: NaN and the infinities: only a Cypher script can store those (Neo4j's floats allow them),
#: and every export then refuses them in one line naming the node and property
#: (UNEXPORTABLE), which docs/reliability.md lists; that is a clean refusal, not a broken store.
EXPORTS = ("json", "jsonl", "graphml", "gexf", "cypher", "csv")
MUST_EXPORT = ("jsonl",)
UNEXPORTABLE = "which no export format can hold"


@dataclass(frozen=True)
class Outcome:
    kind: str  # a column of tally.COLUMNS
    detail: str = ""


class Stuck(BaseException):
    """Raised by the alarm in the middle of a load that ran past CASE_SECONDS."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def ring(signum: int, frame: Any) -> None:
        raise Stuck(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def state(store: GraphStore) -> tuple[list[str], list[str]]:
    """Everything a store holds, as sorted text: labels and properties of every node, type,
    endpoints and properties of every relationship. Two stores hold the same data exactly
    when their states are equal."""
    nodes = sorted(
        json.dumps([sorted(n.labels), to_json(dict(n))], sort_keys=True, ensure_ascii=False, default=str)
        for n in store.nodes()
    )
    rels = sorted(
        json.dumps(
            [r.type, r.start_node.get("key"), r.end_node.get("key"), to_json(dict(r))],
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        for r in store.relationships()
    )
    return nodes, rels


def short_traceback(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-2:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(exc).__name__}: {str(exc)[:200]} (at {where})"


def write_case(case: Case, folder: Path) -> Path:
    """The case's files in ``folder``; returns the path to load."""
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    return folder / case.entry if case.entry != "." else folder


def baseline(graph: relgraph.Graph, folder: Path, data: bytes | None = None) -> None:
    path = folder / "baseline.jsonl"
    path.write_bytes(data if data is not None else baseline_jsonl())
    graph.load(path)
    path.unlink()


def check_loaded(graph: relgraph.Graph, before: tuple[list[str], list[str]], folder: Path) -> Outcome:
    """A successful load: baseline kept, every export and the view work."""
    after = state(graph.store)
    keys = {json.loads(n)[1].get("key") for n in after[0]}
    missing = [k for k in (json.loads(n)[1].get("key") for n in before[0]) if k not in keys]
    if missing:
        return Outcome("lost", f"the load dropped baseline nodes {missing[:3]}")
    subgraph = graph.select()
    for fmt in EXPORTS:
        try:
            if fmt == "csv":
                subgraph.export(folder / "out.zip", format="csv", overwrite=True)
            else:
                subgraph.export(io.StringIO(), format=fmt)
        except RelgraphError as exc:
            if fmt in MUST_EXPORT and UNEXPORTABLE not in str(exc):
                return Outcome("broken", f"loaded, then export as {fmt} failed: {exc}")
        except Exception as exc:
            return Outcome("broken", f"loaded, then export as {fmt}: {short_traceback(exc)}")
    try:
        subgraph.view().html  # noqa: B018 - rendering is the check
        graph.query("MATCH (n) RETURN n, [(n)-[r]-() | r] AS rels").data()
    except Exception as exc:
        return Outcome("broken", f"loaded, then view or query: {short_traceback(exc)}")
    return Outcome("loaded")


def attempt(
    case: Case,
    open_graph: Callable[[], relgraph.Graph] | None = None,
    seconds: float = CASE_SECONDS,
    watch: Callable[[str], None] | None = None,
    base: bytes | None = None,
) -> Outcome:
    """Load ``case`` into a store holding the baseline; classify what happened.

    ``watch`` sees the error message or the loaded store's text, to look for what must not be
    there (the contents of a file an external entity named). ``base``: the baseline's JSON
    lines, when the caller has them (a worker process would otherwise read the article again)."""
    with tempfile.TemporaryDirectory(prefix="relgraph-fuzz-") as tmp:
        folder = Path(tmp)
        graph = open_graph() if open_graph else relgraph.open(":memory:")
        try:
            baseline(graph, folder, base)
            before = state(graph.store)
            path = write_case(case, folder)
            try:
                with time_limit(seconds):
                    graph.load(path)
            except RelgraphError as exc:
                if watch:
                    watch(str(exc))
                if state(graph.store) != before:
                    return Outcome("lost", f"failed with {type(exc).__name__} but changed the store: {exc}")
                if path.name not in str(exc):
                    return Outcome(
                        "unnamed", f"{type(exc).__name__} does not name {path.name}: {str(exc)[:200]}"
                    )
                return Outcome("clean", str(exc)[:300])
            except Stuck as exc:
                return Outcome("stuck", str(exc))
            except RecursionError as exc:
                return Outcome("traceback", short_traceback(exc))
            except Exception as exc:
                return Outcome("traceback", short_traceback(exc))
            if watch:
                watch(json.dumps(state(graph.store), ensure_ascii=False))
            try:
                with time_limit(seconds):
                    return check_loaded(graph, before, folder)
            except Stuck as exc:
                return Outcome("stuck", f"loaded, then the checks: {exc}")
        finally:
            graph.close()
