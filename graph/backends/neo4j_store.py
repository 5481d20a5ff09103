"""The Neo4j backend: the store interface over a real Neo4j server, through the official driver.

Why it is built the way it is:

* **Same answers as the embedded backend.** Every value leaving this module is
  converted into :mod:`relgraph.graph.values.entities` / :mod:`relgraph.graph.values.result`
  (nested lists and maps included, Neo4j temporals as the embedded engine's
  temporal values, see :func:`native_value`), and a relationship always
  carries complete endpoint nodes, even when the query returned only the
  relationship: the embedded engine does, and code written against one backend
  must run unchanged on the other.
* **One transaction per load.** Uniqueness constraints on each primary label's
  ``key`` are created first (schema commands cannot share a transaction with
  data writes); then every node and relationship is merged in ONE write
  transaction of batched ``UNWIND $rows ... MERGE`` statements, so a failure
  or an interrupt leaves the database as it was. The label a node merges on and
  relationship types cannot be parameters without losing speed (Neo4j 5.26's
  dynamic ``$(...)`` in MERGE plans a node scan, or expands untyped), so rows are
  grouped by them and the names, already validated as PascalCase /
  UPPER_SNAKE_CASE by the model, are written into the statement, backtick-quoted
  (see :class:`_LoadStatements`).
* **Read-only unless asked.** Queries run in managed transactions; without
  ``write=True`` the session is in READ access mode, so the server itself
  refuses a write and rolls back; that refusal becomes :class:`ReadOnlyError`.
* **Fast failure when there is no server.** :meth:`Neo4jStore.connect` probes
  with a short-lived driver whose connect *and* handshake deadlines are the
  given timeout (a port that accepts but never answers would otherwise hold
  the driver for 60 s), so ``--backend auto`` can fall back quickly.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import neo4j
import neo4j.exceptions as neo4j_errors
import neo4j.graph
import neo4j.time
import pytz  # the driver's own time zone library (a dependency of neo4j)

from relgraph.graph.store import (
    GraphCounts,
    GraphStore,
    LoadSummary,
    Progress,
    names_match,
)
from relgraph.graph.values import temporal
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import (
    QueryError,
    ReadOnlyError,
    StatementError,
    StoreError,
)
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
)
from relgraph.graph.values.result import Counters, Result, Summary

DEFAULT_URI = "bolt://127.0.0.1:7687"

#: Rows per UNWIND statement: large enough that round trips do not dominate a big load,
#: small enough that one statement's parameters stay a few MB.
BATCH_ROWS = 5000

#: How to get a server, for every message that says none answered.
START_HINT = ("start one with 'relgraph neo4j start' (a local Neo4j 5.26, no Docker needed) or "
              "'docker compose up -d', or point NEO4J_URI / --neo4j-uri at your server")

T = TypeVar("T")


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is and how to log in; the conventional NEO4J_* variables by default."""

    uri: str = DEFAULT_URI
    username: str | None = None
    password: str | None = None
    database: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, uri: str | None = None,
                 username: str | None = None, password: str | None = None,
                 database: str | None = None) -> Neo4jSettings:
        """Explicit values (command-line options) win over NEO4J_URI, NEO4J_USERNAME,
        NEO4J_PASSWORD and NEO4J_DATABASE, which win over the defaults."""
        env = os.environ if environ is None else environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            username=username or env.get("NEO4J_USERNAME") or None,
            password=password or env.get("NEO4J_PASSWORD") or None,
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    @property
    def auth(self) -> tuple[str, str] | None:
        """No credentials means no auth (the local test server); a password alone means user neo4j."""
        if self.username is None and self.password is None:
            return None
        return (self.username or "neo4j", self.password or "")

    def describe(self) -> str:
        return f"{self.uri} (database {self.database})" if self.database else self.uri


class Neo4jUnavailable(StoreError):
    """No Neo4j server answered at the URI: refused, timed out, unresolvable, or not Bolt.

    Only this error makes ``--backend auto`` fall back; a server that answers but
    refuses the credentials or lacks the database raises a plain StoreError,
    because silently writing to the embedded store instead would hide the mistake.
    """

    def __init__(self, uri: str, reason: str):
        self.uri = uri
        self.reason = reason
        super().__init__(f"cannot reach Neo4j at {uri} ({reason}); {START_HINT}; "
                         "or use --backend networkx for the embedded store")


def _reason(exc: BaseException) -> str:
    """A few words on why a connection failed, instead of the driver's multi-line text."""
    text = str(exc)
    for needle, reason in (("Connection refused", "connection refused"),
                           ("timed out", "timed out"), ("deadline", "no answer in time"),
                           ("Failed to DNS resolve", "unknown host"),
                           ("looks like HTTP", "that port speaks HTTP, not Bolt"),
                           ("handshake", "no Bolt handshake")):
        if needle in text:
            return reason
    return text.strip().splitlines()[-1] if text.strip() else type(exc).__name__


#: Bolt schemes; the driver's preview HTTP support is not something relgraph relies on.
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _check_uri(uri: str) -> None:
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise StoreError(f"bad Neo4j URI {uri!r}: use a Bolt URI such as bolt://127.0.0.1:7687 "
                         f"(schemes: {', '.join(URI_SCHEMES)})")


def quote_name(name: str) -> str:
    """A label, type or property name as a Cypher identifier; backticks make any text safe."""
    return "`" + name.replace("`", "``") + "`"


def _id_order(element_id: str) -> tuple[int, int, str]:
    """Stable order for element ids ('4:<db>:17'): by the numeric id, i.e. creation order."""
    tail = element_id.rsplit(":", 1)[-1]
    return (0, int(tail), element_id) if tail.isdigit() else (1, 0, element_id)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- converting driver values into the shared types ------------------------------------


def native_value(value: Any) -> Any:
    """A property or scalar value as the embedded backend would return it.

    Neo4j's temporal values become the embedded engine's (``relgraph.graph.values.temporal``:
    Date, LocalTime, Time, LocalDateTime, DateTime, Duration), so both backends return equal
    objects that print alike. Python's ``datetime`` could not stand in: it has no month-based
    duration, no nanoseconds and no years beyond 9999, and its text form is not Cypher's.
    Spatial points stay the driver's; neither backend stores them from relgraph's loaders.
    """
    if isinstance(value, _NEO4J_TEMPORAL):
        return _engine_temporal(value)
    if isinstance(value, list):
        return [native_value(v) for v in value]
    if isinstance(value, dict):
        return {k: native_value(v) for k, v in value.items()}
    return value


_NEO4J_TEMPORAL = (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time, neo4j.time.Duration)


def _nanos_of_day(value: neo4j.time.DateTime | neo4j.time.Time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + int(value.second)) * temporal.NANOS_PER_SECOND \
        + value.nanosecond


def _offset_and_zone(value: neo4j.time.DateTime | neo4j.time.Time) -> tuple[int, str | None]:
    """Seconds east of UTC, and the zone's name when Neo4j sent one (``[Europe/Stockholm]``).

    The driver gives offsets as pytz fixed offsets, whose zone is None, and named zones as
    pytz or zoneinfo zones; except that pytz makes the offset +00:00 the named zone UTC, so
    ``...Z`` and ``...Z[UTC]`` cannot be told apart: both come back as the offset, the far
    more common of the two. For a named zone the driver works out the local time from the
    instant with its own zone data, which rounds the local mean time offsets before ~1900 to
    whole minutes (Stockholm 1818: +00:53 where Neo4j says +00:53:28).
    """
    offset = value.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    zone = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    return seconds, (None if zone == "UTC" else zone)


def _engine_temporal(value: Any) -> temporal.TemporalValue:
    """One driver temporal value as the embedded engine's, losslessly (nanoseconds included)."""
    if isinstance(value, neo4j.time.Duration):
        return temporal.Duration(value.months, value.days, value.seconds, value.nanoseconds)
    if isinstance(value, neo4j.time.Time):
        if value.tzinfo is None:
            return temporal.LocalTime(_nanos_of_day(value))
        return temporal.Time(_nanos_of_day(value), _offset_and_zone(value)[0])
    day = temporal.days_from_civil(value.year, value.month, value.day)
    if isinstance(value, neo4j.time.Date):
        return temporal.Date(day)
    if value.tzinfo is None:
        return temporal.LocalDateTime(day, _nanos_of_day(value))
    return temporal.DateTime(day, _nanos_of_day(value), *_offset_and_zone(value))


def driver_value(value: Any) -> Any:
    """A parameter value for the driver: the engine's temporal values (as results of either
    backend hold them) become the driver's, so a value read from a result can be passed back."""
    if isinstance(value, temporal.TemporalValue):
        return _driver_temporal(value)
    if isinstance(value, (list, tuple)):
        return [driver_value(v) for v in value]
    if isinstance(value, dict):
        return {k: driver_value(v) for k, v in value.items()}
    return value


def _driver_temporal(value: temporal.TemporalValue) -> Any:
    if isinstance(value, temporal.Duration):
        return neo4j.time.Duration(months=value.months, days=value.days, seconds=value.seconds,
                                   nanoseconds=value.nanos)
    if isinstance(value, temporal.Date):
        return neo4j.time.Date(*temporal.civil_from_days(value.epoch_day))
    if isinstance(value, (temporal.LocalTime, temporal.Time)):
        hour, rest = divmod(value.nanos, 3600 * temporal.NANOS_PER_SECOND)
        minute, rest = divmod(rest, 60 * temporal.NANOS_PER_SECOND)
        second, nanos = divmod(rest, temporal.NANOS_PER_SECOND)
        tz = _fixed_zone(value.offset) if isinstance(value, temporal.Time) else None
        return neo4j.time.Time(hour, minute, second, nanos, tzinfo=tz)
    assert isinstance(value, (temporal.LocalDateTime, temporal.DateTime))
    if isinstance(value, temporal.DateTime) and value.zone is not None:
        # From the instant, which is exact, into pytz's zone: the driver sends the instant and
        # the zone's name (a zoneinfo zone crashes the driver's conversion to UTC).
        utc = _driver_datetime(*divmod(value.epoch_nanos(), temporal.NANOS_PER_DAY), pytz.utc)
        return utc.astimezone(pytz.timezone(value.zone))
    offset = _fixed_zone(value.offset) if isinstance(value, temporal.DateTime) else None
    return _driver_datetime(value.epoch_day, value.nanos, offset)


def _driver_datetime(epoch_day: int, nanos: int, tz: datetime.tzinfo | None) -> neo4j.time.DateTime:
    time_of_day = _driver_temporal(temporal.LocalTime(nanos))
    return neo4j.time.DateTime.combine(neo4j.time.Date(*temporal.civil_from_days(epoch_day)),
                                       time_of_day).replace(tzinfo=tz)


class _FixedOffset(datetime.tzinfo):
    """A fixed offset in whole seconds that also answers for a time of day.

    ``datetime.timezone`` refuses ``utcoffset(time)``, which the driver asks when it sends
    a Time, and pytz's fixed offsets have whole minutes only (Cypher's have seconds).
    """

    def __init__(self, seconds: int):
        self._offset = datetime.timedelta(seconds=seconds)

    def utcoffset(self, dt: object) -> datetime.timedelta:
        return self._offset

    def dst(self, dt: object) -> datetime.timedelta:
        return datetime.timedelta(0)

    def tzname(self, dt: object) -> str | None:
        return None


def _fixed_zone(offset_seconds: int) -> datetime.tzinfo:
    return _FixedOffset(offset_seconds)


class _Converter:
    """Turns the values of one result into shared types, completing relationship endpoints.

    A driver relationship returned without its nodes knows only their element ids;
    :meth:`scan` notes which nodes the result carries in full and which endpoints it
    lacks, :meth:`fetch_missing` reads those in the same transaction, and
    :meth:`convert` then builds values whose relationships have real endpoint nodes.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self._wanted: set[str] = set()

    def scan(self, value: Any) -> None:
        if isinstance(value, _NEO4J_TEMPORAL):
            return
        if isinstance(value, neo4j.graph.Node):
            if value.element_id not in self.nodes:
                self.nodes[value.element_id] = self._node(value)
        elif isinstance(value, neo4j.graph.Relationship):
            for end in (value.start_node, value.end_node):
                if end is not None:
                    self._wanted.add(end.element_id)
        elif isinstance(value, neo4j.graph.Path):
            for node in value.nodes:
                self.scan(node)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self.scan(item)
        elif isinstance(value, dict):
            for item in value.values():
                self.scan(item)

    def fetch_missing(self, tx: Any) -> None:
        missing = sorted(self._wanted - self.nodes.keys())
        for chunk in _chunks(missing, BATCH_ROWS):
            for record in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n", ids=list(chunk)):
                self.scan(record[0])

    def convert(self, value: Any) -> Any:
        if isinstance(value, _NEO4J_TEMPORAL):  # before tuples: a driver Duration is one
            return _engine_temporal(value)
        if isinstance(value, neo4j.graph.Node):
            return self.nodes.get(value.element_id) or self._node(value)
        if isinstance(value, neo4j.graph.Relationship):
            return self._relationship(value)
        if isinstance(value, neo4j.graph.Path):
            return Path([self.convert(n) for n in value.nodes],
                        [self._relationship(r) for r in value.relationships])
        if isinstance(value, (list, tuple)):
            return [self.convert(v) for v in value]
        if isinstance(value, dict):
            return {k: self.convert(v) for k, v in value.items()}
        return native_value(value)

    def _node(self, node: neo4j.graph.Node) -> Node:
        return Node(node.element_id, node.labels,
                    {k: native_value(v) for k, v in node.items()})

    def _endpoint(self, node: neo4j.graph.Node | None) -> Node:
        if node is None:  # pragma: no cover - the driver always binds endpoints
            return Node("", (), {})
        # A node the transaction deleted cannot be read back: keep its id, nothing else.
        return self.nodes.get(node.element_id) or Node(node.element_id, (), {})

    def _relationship(self, rel: neo4j.graph.Relationship) -> Relationship:
        return Relationship(rel.element_id, rel.type, self._endpoint(rel.start_node),
                            self._endpoint(rel.end_node),
                            {k: native_value(v) for k, v in rel.items()})


def from_driver(values: Sequence[Any]) -> list[Any]:
    """Driver values as relgraph's types, outside a transaction (tools that use the driver
    directly, like the TCK's Neo4j target). A relationship whose endpoint node is not among
    ``values`` gets a node with that element id and nothing else; inside a transaction the
    store reads such endpoints in full instead."""
    converter = _Converter()
    converter.scan(list(values))
    return [converter.convert(v) for v in values]


def _needs_implicit_transaction(exc: StoreError) -> bool:
    cause = exc.__cause__
    return (isinstance(cause, neo4j_errors.Neo4jError)
            and (cause.code or "").endswith("TransactionStartFailed")
            and "IN TRANSACTIONS" in (cause.message or ""))


def _counters(driver_counters: Any) -> Counters:
    return Counters(**{f.name: getattr(driver_counters, f.name, 0) for f in fields(Counters)})


# --- the store ---------------------------------------------------------------------------


class Neo4jStore(GraphStore):
    """A graph in a Neo4j database. Open it with :meth:`connect` to fail fast without a server."""

    backend = "neo4j"

    def __init__(self, settings: Neo4jSettings | None = None, *, dynamic_names: bool | None = None):
        """``dynamic_names`` forces how loads name labels and types (None: by server version)."""
        self.settings = settings or Neo4jSettings.from_env()
        self._dynamic_names = dynamic_names
        _check_uri(self.settings.uri)
        try:
            # Notifications (deprecations, cartesian products...) would reach stderr through
            # logging's last-resort handler on every query; relgraph shows none of them.
            self._driver = neo4j.GraphDatabase.driver(
                self.settings.uri, auth=self.settings.auth, notifications_min_severity="OFF")
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"bad Neo4j URI {self.settings.uri!r}: {exc}") from exc

    @classmethod
    def connect(cls, settings: Neo4jSettings | None = None, timeout: float = 10.0, *,
                dynamic_names: bool | None = None) -> Neo4jStore:
        """Open the store after checking, within ``timeout`` seconds, that the server answers,
        accepts the credentials and has the database.

        Raises :class:`Neo4jUnavailable` when nothing (or no Bolt server) answers, and
        :class:`StoreError` when the server answers but refuses.
        """
        settings = settings or Neo4jSettings.from_env()
        _check_uri(settings.uri)
        probe_driver = cls._probe_driver(settings, timeout)
        try:
            with probe_driver.session(database=settings.database) as session:
                session.run("RETURN 1").consume()
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise Neo4jUnavailable(settings.uri, _reason(exc)) from exc
        except neo4j_errors.AuthError as exc:
            user = (settings.auth or ("(none)",))[0]
            raise StoreError(
                f"Neo4j at {settings.uri} refused the credentials for user {user!r}: {exc.message}; "
                "set NEO4J_USERNAME and NEO4J_PASSWORD (or --neo4j-username/--neo4j-password)") from exc
        except neo4j_errors.Neo4jError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(f"Neo4j at {settings.uri} has no database {settings.database!r}; "
                                 "set NEO4J_DATABASE (or --neo4j-database) to an existing one, "
                                 "or leave it unset for the server's default") from exc
            raise StoreError(f"Neo4j at {settings.uri} answered with an error: {exc.message}") from exc
        except neo4j_errors.DriverError as exc:
            raise Neo4jUnavailable(settings.uri, _reason(exc)) from exc
        except ValueError as exc:  # e.g. a port that is not a number, found only when resolving
            raise StoreError(f"bad Neo4j URI {settings.uri!r}: {exc}") from exc
        finally:
            probe_driver.close()
        return cls(settings, dynamic_names=dynamic_names)

    @staticmethod
    def _probe_driver(settings: Neo4jSettings, timeout: float) -> neo4j.Driver:
        try:
            return neo4j.GraphDatabase.driver(
                settings.uri, auth=settings.auth, connection_timeout=timeout,
                connection_acquisition_timeout=timeout, max_connection_pool_size=1,
                notifications_min_severity="OFF")
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"bad Neo4j URI {settings.uri!r}: {exc}") from exc

    def describe(self) -> str:
        return f"neo4j {self.settings.describe()}"

    @property
    def driver(self) -> neo4j.Driver:
        """The underlying driver, for tools that must bypass the store (the benchmark's baseline)."""
        return self._driver

    def server_agent(self) -> str:
        """The server's product and version, e.g. "Neo4j/5.26.30"."""
        with self._errors():
            return str(self._driver.get_server_info().agent)

    def close(self) -> None:
        self._driver.close()

    # --- transactions and errors ----------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver errors as relgraph's: QueryError for what the query did, StoreError for the rest."""
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StoreError(f"Neo4j at {self.settings.uri} refused the credentials: {exc.message}") from exc
        except neo4j_errors.Neo4jError as exc:
            code = exc.code or ""
            if code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyError("this query writes to the graph and was refused in a read-only "
                                    "transaction, so nothing changed; run it with --write "
                                    "(write=True) to allow changes") from exc
            if code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(f"Neo4j at {self.settings.uri} has no database "
                                 f"{self.settings.database!r}") from exc
            if code.startswith("Neo.ClientError."):
                kind = code.rsplit(".", 1)[-1]
                raise QueryError(f"{exc.message} (Neo4j {kind})") from exc
            raise StoreError(f"Neo4j at {self.settings.uri} failed: {exc.message} ({code})") from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise Neo4jUnavailable(self.settings.uri, _reason(exc)) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.settings.uri}: {exc}") from exc
        except OverflowError as exc:  # the driver packs integers as 64-bit, Python's are unbounded
            raise QueryError(f"a value does not fit Neo4j's 64-bit integers ({exc}); "
                             "nothing was changed") from exc

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._errors(), self._driver.session(database=self.settings.database,
                                                  default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._errors(), self._driver.session(database=self.settings.database,
                                                  default_access_mode=neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    # --- queries --------------------------------------------------------------------

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, *,
            write: bool = False) -> Result:
        params = dict(parameters or {})

        def work(tx: Any) -> Result:
            """``tx``: a managed transaction, or a session for an auto-commit query."""
            return self._collect(tx, query, params)

        if not write:
            return self._read(work)
        try:
            return self._write(work)
        except StoreError as exc:
            if not _needs_implicit_transaction(exc):
                raise
            # CALL { ... } IN TRANSACTIONS commits batches itself, so the server refuses it
            # inside a managed transaction before running anything: give it its own.
            return self._auto_commit(work)

    def _collect(self, tx: Any, query: str, params: dict[str, Any], *, prefix: str = "") -> Result:
        """Run one query in ``tx`` and read all of it into a :class:`Result` of shared types.

        ``prefix`` (query options such as ``CYPHER replan=skip``) is sent, not reported."""
        result = tx.run(prefix + query, driver_value(params))
        keys = list(result.keys())
        raw = [list(record.values()) for record in result]
        counters = _counters(result.consume().counters)
        converter = _Converter()
        converter.scan(raw)
        converter.fetch_missing(tx)
        return Result(keys, [converter.convert(row) for row in raw],
                      Summary(query, params, self.backend, counters))

    def run_script(self, statements: Sequence[str], *, write: bool = True) -> list[Result]:
        """Schema commands first, each in its own transaction; then every other statement in ONE.

        Neo4j refuses schema commands (constraints, indexes) in a transaction that
        writes data, so they cannot share the data's transaction; relgraph's exports
        make them all ``IF NOT EXISTS``, so running them ahead is harmless and a rerun
        does nothing. The data statements then run in order in one write transaction:
        a failing statement rolls back all of them, and the error names it
        (:class:`StatementError` with its index, which ``relgraph load`` turns into
        file:line). An error found only at commit (Neo4j checks that a deleted node has
        no relationships left then) is put on the last data statement, since the
        server does not say which statement caused it. Without ``write`` everything
        runs in one read transaction, where the server refuses any write, and schema
        commands are refused before anything runs.

        Data statements keep a cached plan even when the statistics have moved (as the
        loader's do, see ``_LOADER_PREFIX``): a script's statements are many and long
        (an export of the article is 140 statements of inline data), each is planned at
        about 80 ms, and the database a script fills changes its statistics enough that
        running it again would replan every one.
        """
        from relgraph.graph.cypher.statements import is_schema_command

        schema = [i for i, text in enumerate(statements) if is_schema_command(text)]
        data = [i for i, text in enumerate(statements) if not is_schema_command(text)]
        results: dict[int, Result] = {}
        if schema and not write:
            raise StatementError(schema[0], "a schema command changes the database; run the script "
                                            "with write=True (--write)")
        for index in schema:
            text = statements[index]
            try:
                results[index] = self._write(lambda tx, text=text: self._collect(tx, text, {}))
            except QueryError as exc:
                raise StatementError(index, str(exc)) from exc
        if schema:  # MERGE plans its index seeks only once the constraints' indexes are online
            self._write(lambda tx: tx.run("CALL db.awaitIndexes(300)").consume())
        current = data[-1] if data else 0

        def work(tx: neo4j.ManagedTransaction) -> list[Result]:
            nonlocal current
            done = []
            for index in data:
                current = index
                text = statements[index]
                done.append(self._collect(tx, text, {}, prefix=_replan_option(text)))
            current = data[-1]  # from here on, a failure is the commit's
            return done

        if data:
            try:
                ran = self._write(work) if write else self._read(work)
            except QueryError as exc:
                raise StatementError(current, str(exc)) from exc
            results.update(zip(data, ran))
        return [results[i] for i in range(len(statements))]

    def _auto_commit(self, work: Callable[[Any], T]) -> T:
        with self._errors(), self._driver.session(database=self.settings.database,
                                                  default_access_mode=neo4j.WRITE_ACCESS) as session:
            return work(session)

    def explain(self, query: str, parameters: Mapping[str, Any] | None = None) -> str:
        params = dict(parameters or {})
        plan = self._read(lambda tx: tx.run(f"EXPLAIN {query}", params).consume().plan)
        lines: list[str] = []

        def walk(step: Mapping[str, Any], depth: int) -> None:
            args = step.get("args", {})
            name = str(step.get("operatorType", "?")).split("@", 1)[0]
            details = f"  {args['Details']}" if args.get("Details") else ""
            rows = f"  (~{args['EstimatedRows']:.0f} rows)" if "EstimatedRows" in args else ""
            lines.append(f"{'  ' * depth}+{name}{details}{rows}")
            for child in step.get("children", []):
                walk(child, depth + 1)

        walk(plan or {}, 0)
        return "\n".join(lines)

    def nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]:
        if labels is None:
            query = "MATCH (n) RETURN n"
        else:
            wanted = sorted(set(labels))
            if not wanted:
                return iter(())
            query = f"MATCH (n) WHERE {' OR '.join(f'n:{quote_name(x)}' for x in wanted)} RETURN n"
        found = self._read(lambda tx: [_Converter().convert(r[0]) for r in tx.run(query)])
        return iter(sorted(found, key=lambda n: _id_order(n.element_id)))

    def relationships(self, types: Iterable[str] | None = None) -> Iterator[Relationship]:
        pattern = _rel_pattern("r", types)
        if pattern is None:
            return iter(())

        def work(tx: neo4j.ManagedTransaction) -> list[Relationship]:
            raw = [record[0] for record in tx.run(f"MATCH ()-{pattern}->() RETURN r")]
            converter = _Converter()
            converter.scan(raw)
            converter.fetch_missing(tx)
            return [converter.convert(r) for r in raw]

        return iter(sorted(self._read(work), key=lambda r: _id_order(r.element_id)))

    def neighbourhood(self, element_ids: Iterable[str], depth: int,
                      types: Iterable[str] | None = None) -> tuple[list[Node], list[Relationship]]:
        """Breadth-first, one Cypher expansion per hop inside one read transaction.

        A variable-length pattern (``-[*..depth]-``) would enumerate every path and
        explode on hubs; expanding a frontier of distinct nodes per hop costs one
        query per level and touches each relationship at most twice.
        """
        pattern = _rel_pattern("r", types)
        start = sorted({str(e) for e in element_ids})

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[Node], list[Relationship]]:
            seen = {r[0] for r in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n)",
                                         ids=start)}
            frontier = set(seen)
            for _ in range(depth if pattern is not None else 0):
                if not frontier:
                    break
                reached = {r[0] for r in tx.run(
                    f"MATCH (n)-{pattern}-(m) WHERE elementId(n) IN $ids RETURN DISTINCT elementId(m)",
                    ids=sorted(frontier))}
                frontier = reached - seen
                seen |= frontier
            converter = _Converter()
            members = sorted(seen)
            converter.scan([r[0] for r in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n",
                                                  ids=members)])
            rels: list[Any] = []
            if pattern is not None:
                rels = [r[0] for r in tx.run(
                    f"MATCH (a)-{pattern}->(b) WHERE elementId(a) IN $ids AND elementId(b) IN $ids "
                    "RETURN r", ids=members)]
            return list(converter.nodes.values()), [converter.convert(r) for r in rels]

        nodes, rels = self._read(work)
        return (sorted(nodes, key=lambda n: _id_order(n.element_id)),
                sorted(rels, key=lambda r: _id_order(r.element_id)))

    def counts(self) -> GraphCounts:
        """Totals and per-label / per-type counts from Neo4j's count store, not a scan."""

        def work(tx: neo4j.ManagedTransaction) -> GraphCounts:
            totals = tx.run("CALL { MATCH (n) RETURN count(n) AS nodes } "
                            "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
                            "RETURN nodes, rels").single(strict=True)
            labels = [r[0] for r in tx.run("CALL db.labels() YIELD label RETURN label")]
            types = [r[0] for r in tx.run("CALL db.relationshipTypes() YIELD relationshipType "
                                          "RETURN relationshipType")]
            parts = [f"MATCH (n:{quote_name(x)}) RETURN 'label' AS kind, $names[{i}] AS name, "
                     "count(n) AS total" for i, x in enumerate(labels)]
            parts += [f"MATCH ()-[r:{quote_name(x)}]->() RETURN 'type' AS kind, "
                      f"$names[{len(labels) + i}] AS name, count(r) AS total"
                      for i, x in enumerate(types)]
            per: dict[str, dict[str, int]] = {"label": {}, "type": {}}
            if parts:
                for kind, name, total in tx.run(" UNION ALL ".join(parts), names=labels + types):
                    if total:
                        per[kind][name] = total
            return GraphCounts(totals["nodes"], totals["rels"], dict(sorted(per["label"].items())),
                               dict(sorted(per["type"].items())))

        return self._read(work)

    def find(self, name_or_key: str) -> list[Node]:
        """Match names in Python (casefold, as the generic find does) over a narrow projection,
        then read only the matching nodes in full."""
        wanted = name_or_key.casefold()

        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            ids = [eid for eid, key, name, aliases in tx.run(
                "MATCH (n) RETURN elementId(n), n.key, n.name, n.aliases")
                if names_match(wanted, key, name, aliases)]
            converter = _Converter()
            converter.scan([r[0] for r in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n",
                                                  ids=ids)])
            return list(converter.nodes.values())

        return sorted(self._read(work), key=lambda n: _id_order(n.element_id))

    # --- loading ----------------------------------------------------------------------

    def _existing(self, refs: set[NodeKey]) -> set[NodeKey]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(ref.key)

        def work(tx: neo4j.ManagedTransaction) -> set[NodeKey]:
            found: set[NodeKey] = set()
            for label, keys in by_label.items():
                query = (f"{_LOADER_PREFIX}UNWIND $keys AS k MATCH (n:{quote_name(label)} {{key: k}}) "
                         "RETURN DISTINCT k")
                found.update(NodeKey(label, r[0]) for r in tx.run(query, keys=sorted(keys)))
            return found

        return self._read(work)

    def ensure_key_constraints(self, labels: Iterable[str]) -> list[str]:
        """Create the uniqueness constraint on ``key`` for each label that lacks one; return those created.

        Existing equivalent constraints (whatever their name) are left alone, so a
        reload does no schema work. Each CREATE runs in its own transaction, as Neo4j
        requires, and the load waits until their indexes are online so MERGE uses them.
        """
        wanted = set(labels)

        def present(tx: neo4j.ManagedTransaction) -> set[str]:
            rows = tx.run("SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties "
                          "WHERE entityType = 'NODE' AND properties = ['key'] "
                          "AND (type CONTAINS 'UNIQUE' OR type CONTAINS 'KEY') "
                          "RETURN labelsOrTypes")
            return {labels[0] for (labels,) in rows if len(labels) == 1}

        missing = sorted(wanted - self._read(present))
        for label in missing:
            statement = (f"CREATE CONSTRAINT {quote_name(f'relgraph_{label}_key')} IF NOT EXISTS "
                         f"FOR (n:{quote_name(label)}) REQUIRE n.key IS UNIQUE")
            try:
                self._write(lambda tx, s=statement: tx.run(s).consume())
            except StoreError as exc:
                raise StoreError(f"cannot create the uniqueness constraint on :{label}(key), which "
                                 f"relgraph's merges rely on: {exc}") from exc
        if missing:
            self._write(lambda tx: tx.run("CALL db.awaitIndexes(300)").consume())
        return missing

    def _statements(self) -> _LoadStatements:
        """Dynamic extra labels from Neo4j 5.26 on (fewer statements to plan), exact names before."""
        if self._dynamic_names is None:
            self._dynamic_names = supports_dynamic_names(self.server_agent())
        return _LoadStatements(self._dynamic_names)

    def _apply(self, batch: GraphBatch, progress: Progress | None, replace: bool) -> LoadSummary:
        self.ensure_key_constraints({spec.labels[0] for spec in batch.nodes}
                                    | {ref.label for ref in batch.iter_endpoints()})
        statements = self._statements()
        node_groups: dict[tuple[str, ...], list[NodeSpec]] = defaultdict(list)
        for spec in batch.nodes:
            node_groups[statements.node_group(spec)].append(spec)
        rel_groups: dict[tuple[str, ...], list[RelSpec]] = defaultdict(list)
        for rel in batch.relationships:
            rel_groups[statements.rel_group(rel)].append(rel)
        total = len(batch)

        def work(tx: neo4j.ManagedTransaction) -> LoadSummary:
            # Built inside: a retried transaction starts counting again from zero.
            summary = LoadSummary(batch.source)
            done = 0
            if replace:
                tx.run("MATCH (n) DETACH DELETE n").consume()
            for group, specs in node_groups.items():
                query = statements.node_statement(group)
                for chunk in _chunks(specs, BATCH_ROWS):
                    created = _run_merge(tx, query, [statements.node_row(s) for s in chunk], "node")
                    summary.nodes_created += created
                    summary.nodes_matched += len(chunk) - created
                    done += len(chunk)
                    if progress:
                        progress(done, total, "nodes")
            for group, rels in rel_groups.items():
                query = statements.rel_statement(group)
                for chunk in _chunks(rels, BATCH_ROWS):
                    created = _run_merge(tx, query, [statements.rel_row(r) for r in chunk],
                                         "relationship")
                    summary.relationships_created += created
                    summary.relationships_matched += len(chunk) - created
                    done += len(chunk)
                    if progress:
                        progress(done, total, "relationships")
            return summary

        summary = self._write(work)
        if progress:
            progress(total, total, "done")
        return summary

    def clear(self) -> None:
        """Delete everything in bounded transactions, so clearing a big graph needs little heap.

        Schema (the key constraints) stays: it describes the data model, not the data.
        """
        while self._write(lambda tx: tx.run(
                "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)").single(strict=True)[0]):
            pass


def _rel_pattern(variable: str, types: Iterable[str] | None) -> str | None:
    """``[r]`` or ``[r:A|B]`` (the caller adds the arrows), None for an empty type list."""
    if types is None:
        return f"[{variable}]"
    wanted = sorted(set(types))
    if not wanted:
        return None
    return f"[{variable}:{'|'.join(quote_name(t) for t in wanted)}]"


#: The loader's statements always plan to the same unique-index seeks, so a cached plan is
#: kept even when the statistics moved (an emptied and refilled database would otherwise
#: replan every statement of every load, seconds for a small graph).
_LOADER_PREFIX = "CYPHER replan=skip "


def _replan_option(statement: str) -> str:
    """``_LOADER_PREFIX`` for a statement that does not choose its own options or ask for a plan."""
    first = statement.split(None, 1)[0].upper() if statement.strip() else ""
    return "" if first in ("CYPHER", "EXPLAIN", "PROFILE") else _LOADER_PREFIX


def supports_dynamic_names(agent: str) -> bool:
    """Whether the server (agent "Neo4j/5.26.30", "Neo4j/2025.01.0") has dynamic labels
    (``SET n:$(...)``), which arrived in Neo4j 5.26."""
    match = re.match(r"Neo4j/(\d+)\.(\d+)", agent or "")
    return bool(match) and (int(match[1]), int(match[2])) >= (5, 26)


@dataclass(frozen=True)
class _LoadStatements:
    """How a load becomes statements: which rows share one, its text, and each row's parameters.

    The primary label is always written into the text (``MERGE (n:Person {key: ...})``),
    because only a literal label lets MERGE use the key constraint's index. With
    ``dynamic`` names (Neo4j 5.26+) a node's further labels travel in its row
    (``SET n:$(row.labels)``), so nodes need one statement per primary label instead
    of one per label set: the article's ~130 statements become ~80, and every distinct
    statement is planned once per server at tens of milliseconds each. Relationship
    types stay literal: ``MERGE (a)-[:$(row.type)]->(b)`` measured about 30 times
    slower per row on 5.26 (bench/neo4j_load.py), far more than planning saves.
    """

    dynamic: bool

    def node_group(self, spec: NodeSpec) -> tuple[str, ...]:
        return (spec.labels[0],) if self.dynamic else tuple(spec.labels)

    def node_row(self, spec: NodeSpec) -> dict[str, Any]:
        row: dict[str, Any] = {"key": spec.key, "props": _driver_properties(spec.properties)}
        if self.dynamic:
            row["labels"] = spec.labels[1:]
        return row

    def node_statement(self, group: tuple[str, ...]) -> str:
        primary, *extra = group
        if self.dynamic:
            add_labels = " SET n:$(row.labels)"
        else:
            add_labels = f" SET n:{':'.join(quote_name(x) for x in extra)}" if extra else ""
        return (f"{_LOADER_PREFIX}UNWIND $rows AS row MERGE (n:{quote_name(primary)} {{key: row.key}}) "
                f"SET n += row.props{add_labels} RETURN count(*) AS merged")

    def rel_group(self, rel: RelSpec) -> tuple[str, ...]:
        return (rel.start.label, rel.end.label, rel.type)

    def rel_row(self, rel: RelSpec) -> dict[str, Any]:
        return {"start": rel.start.key, "end": rel.end.key, "key": rel.key,
                "props": _driver_properties(rel.properties)}

    def rel_statement(self, group: tuple[str, ...]) -> str:
        start_label, end_label, rel_type = group
        return (f"{_LOADER_PREFIX}UNWIND $rows AS row "
                f"MATCH (a:{quote_name(start_label)} {{key: row.start}}) "
                f"MATCH (b:{quote_name(end_label)} {{key: row.end}}) "
                f"MERGE (a)-[r:{quote_name(rel_type)} {{key: row.key}}]->(b) "
                f"SET r += row.props RETURN count(*) AS merged")


def _driver_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """A model record's properties for the driver: temporal values (which a neo4j-admin CSV's
    typed columns load as) become the driver's. Most records hold none and pass unchanged, so
    a large load does not pay for converting every value."""
    if not any(isinstance(v, temporal.TemporalValue)
               or (isinstance(v, list) and v and isinstance(v[0], temporal.TemporalValue))
               for v in properties.values()):
        return properties
    return {name: driver_value(value) for name, value in properties.items()}


def _run_merge(tx: neo4j.ManagedTransaction, query: str, rows: list[dict[str, Any]], what: str) -> int:
    """Run one batch; return how many it created. Refuse (rolling back the whole load) when a
    row merged nothing, which means an endpoint vanished after validation."""
    result = tx.run(query, rows=rows)
    merged = result.single(strict=True)["merged"]
    counters = result.consume().counters
    if merged != len(rows):
        raise StoreError(f"{len(rows) - merged} of {len(rows)} {what} rows found no endpoint node "
                         "(deleted by someone else during the load?); nothing was loaded")
    created = counters.nodes_created if what == "node" else counters.relationships_created
    return int(created)


__all__ = ["DEFAULT_URI", "START_HINT", "Neo4jSettings", "Neo4jStore", "Neo4jUnavailable",
           "driver_value", "from_driver", "native_value", "quote_name"]
