"""Talking to a Neo4j server: where it is, whether it answers, and its errors as relgraph's.

* **Fast failure when there is no server.** :meth:`Connection.open` probes with a
  short-lived driver whose connect *and* handshake deadlines are the given timeout
  (a port that accepts but never answers would otherwise hold the driver for 60 s),
  so ``--backend auto`` can fall back quickly. Only :class:`Neo4jUnavailable` makes
  it fall back; a server that answers but refuses is a plain error.
* **Read-only unless asked.** Work runs in managed transactions; :meth:`Connection.read`
  opens the session in READ access mode, so the server itself refuses a write and
  rolls back; that refusal becomes :class:`~relgraph.graph.values.errors.ReadOnlyError`.
* **One error vocabulary.** :meth:`Connection.errors` turns the driver's exceptions into
  QueryError (what the query did) or StoreError (everything else), so callers handle
  both backends alike.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
import neo4j.exceptions as neo4j_errors

from relgraph.graph.values.errors import QueryCancelled, QueryError, QueryTimeout, ReadOnlyError, StoreError

DEFAULT_URI = "bolt://127.0.0.1:7687"


#: How to get a server, for every message that says none answered.
START_HINT = ("start one with 'relgraph neo4j start' (a local Neo4j 5.26, no Docker needed) or "
              "'docker compose up -d' with the docker-compose.yml of relgraph's repository, or point "
              "NEO4J_URI / --neo4j-uri at your server")

T = TypeVar("T")

# the driver logs every notification it receives (see Connection._new_driver)
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())

_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


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


def unavailable_reason(exc: BaseException) -> str:
    """A few words on why a connection failed, instead of the driver's multi-line text."""
    text = str(exc)
    for needle, reason in (("Connection refused", "connection refused"),
                           ("timed out", "timed out"), ("deadline", "no answer in time"),
                           ("Failed to DNS resolve", "unknown host"),
                           ("looks like HTTP", "that port speaks HTTP, not Bolt"),
                           ("handshake", "no Bolt handshake"),
                           ("defunct connection", "the connection was closed")):
        if needle in text:
            return reason
    return text.strip().splitlines()[-1] if text.strip() else type(exc).__name__


#: Bolt schemes; the driver's preview HTTP support is not something relgraph relies on.
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> None:
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise StoreError(f"bad Neo4j URI {uri!r}: use a Bolt URI such as bolt://127.0.0.1:7687 "
                         f"(schemes: {', '.join(URI_SCHEMES)})")


#: What Neo4j raises when a transaction passes db.memory.transaction.max (or the total of all
#: transactions passes db.memory.transaction.total.max). The driver files it as transient and
#: would run the query again up to 30 s, to fail the same way: relgraph never retries it.
MEMORY_ERROR = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
_MEMORY_LIMIT = re.compile(r"more than the limit ([\d.]+ ?\w+)")


def memory_message(message: str) -> str:
    """Neo4j's "allocation of an extra 2.0 MiB would use more than the limit 256.0 MiB ..." as
    a sentence about the query."""
    limit = _MEMORY_LIMIT.search(message)
    amount = limit[1] if limit else "the server's limit"
    setting = ("db.memory.transaction.total.max" if "total" in message
               else "db.memory.transaction.max")
    return (f"the query needed more than {amount} of memory, the most the server lets "
            f"{'all transactions together' if 'total' in message else 'one transaction'} use "
            f"({setting}), so it was stopped and nothing changed; return fewer rows or collect "
            "less (LIMIT, aggregate), or raise the limit (relgraph's local server: "
            "RELGRAPH_NEO4J_TX_MEMORY)")


def without_prefix(message: str, prefix: str) -> tuple[str, tuple[int, int, int] | None]:
    """Neo4j's message with ``prefix`` (sent in front of line 1) taken out of the echoed query
    and the position moved back by its length; and the position as (line, column, offset)."""
    where = _POSITION.search(message)
    if where is None:
        return message, None
    line, column, offset = (int(g) for g in where.groups())
    if not prefix:
        return message, (line, column, offset)
    offset = max(offset - len(prefix), 0)
    if line == 1:
        column = max(column - len(prefix), 1)
    message = (message[:where.start()] + f"(line {line}, column {column} (offset: {offset}))"
               + message[where.end():])
    echoed = f'"{prefix}'
    lines = message.split("\n")
    for i, text in enumerate(lines):
        if text.startswith(echoed):
            lines[i] = '"' + text[len(echoed):]
            if i + 1 < len(lines) and lines[i + 1].startswith(" " * len(prefix)):
                lines[i + 1] = lines[i + 1][len(prefix):]  # the caret under the column
            break
    return "\n".join(lines), (line, column, offset)


def needs_implicit_transaction(exc: StoreError) -> bool:
    cause = exc.__cause__
    return (isinstance(cause, neo4j_errors.Neo4jError)
            and (cause.code or "").endswith("TransactionStartFailed")
            and "IN TRANSACTIONS" in (cause.message or ""))


class Connection:
    """A driver for one server and database, with relgraph's error handling around every use."""

    def __init__(self, settings: Neo4jSettings | None = None):
        self.settings = settings or Neo4jSettings.from_env()
        self._driver = self._new_driver(self.settings)

    @classmethod
    def open(cls, settings: Neo4jSettings | None = None, timeout: float = 10.0) -> Connection:
        """Connect after checking, within ``timeout`` seconds, that the server answers,
        accepts the credentials and has the database.

        Raises :class:`Neo4jUnavailable` when nothing (or no Bolt server) answers, and
        :class:`StoreError` when the server answers but refuses.
        """
        settings = settings or Neo4jSettings.from_env()
        probe_driver = cls._new_driver(settings, connection_timeout=timeout,
                                       connection_acquisition_timeout=timeout, max_connection_pool_size=1)
        try:
            with probe_driver.session(database=settings.database) as session:
                session.run("RETURN 1").consume()
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise Neo4jUnavailable(settings.uri, unavailable_reason(exc)) from exc
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
            raise Neo4jUnavailable(settings.uri, unavailable_reason(exc)) from exc
        except ValueError as exc:  # e.g. a port that is not a number, found only when resolving
            raise StoreError(f"bad Neo4j URI {settings.uri!r}: {exc}") from exc
        finally:
            probe_driver.close()
        return cls(settings)

    @staticmethod
    def _new_driver(settings: Neo4jSettings, **options: Any) -> neo4j.Driver:
        """A driver for ``settings``; a URI the driver cannot take is a StoreError saying so.

        The server's warnings (unknown labels, types and property keys, deprecations) come
        with each result and relgraph passes them on (``Result.notifications``); the
        informational ones (cartesian products...) are not asked for. The driver also logs
        each one, which without a handler would reach stderr through logging's last-resort
        handler (the null handler above keeps that log for those who configure logging),
        and in Python's development mode would raise each as a Python warning: not here."""
        check_uri(settings.uri)
        try:
            return neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth,
                                              notifications_min_severity="WARNING",
                                              warn_notification_severity="OFF", **options)
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"bad Neo4j URI {settings.uri!r}: {exc}") from exc

    @property
    def driver(self) -> neo4j.Driver:
        """The underlying driver, for tools that must bypass the store (the benchmark's baseline)."""
        return self._driver

    def server_agent(self) -> str:
        """The server's product and version, e.g. "Neo4j/5.26.30"."""
        with self.errors():
            return str(self._driver.get_server_info().agent)

    def close(self) -> None:
        self._driver.close()

    @contextmanager
    def errors(self, timeout: float | None = None) -> Iterator[None]:
        """Driver errors as relgraph's: QueryError for what the query did, StoreError for the rest;
        a transaction that ran past ``timeout`` or was terminated, as QueryTimeout/QueryCancelled."""
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StoreError(f"Neo4j at {self.settings.uri} refused the credentials: {exc.message}") from exc
        except neo4j_errors.Neo4jError as exc:
            raise self.translate(exc, timeout) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise Neo4jUnavailable(self.settings.uri, unavailable_reason(exc)) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.settings.uri}: {exc}") from exc
        except OverflowError as exc:  # the driver packs integers as 64-bit, Python's are unbounded
            raise QueryError(f"a value does not fit Neo4j's 64-bit integers ({exc}); "
                             "nothing was changed") from exc

    def translate(self, exc: neo4j_errors.Neo4jError, timeout: float | None = None, *,
                  prefix: str = "") -> StoreError:
        """The relgraph error for a server's refusal. ``prefix``: query options relgraph put in
        front of the user's statement (``CYPHER replan=skip``), taken out of the message and its
        position again, since the user never wrote them."""
        code = exc.code or ""
        message = exc.message or ""
        if code == "Neo.ClientError.Statement.AccessMode":
            return ReadOnlyError("this query writes to the graph and was refused in a read-only "
                                 "transaction, so nothing changed; run it with --write "
                                 "(write=True) to allow changes")
        if code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreError(f"Neo4j at {self.settings.uri} has no database {self.settings.database!r}")
        if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut") and timeout is not None:
            return QueryTimeout(timeout)
        if code.endswith("Transaction.Terminated"):
            return QueryCancelled()
        if code == MEMORY_ERROR:
            return QueryError(memory_message(message), "MemoryPoolOutOfMemoryError")
        if code.startswith("Neo.ClientError."):
            message, position = without_prefix(message, prefix)
            kind = code.rsplit(".", 1)[-1]
            error = QueryError(f"{message} (Neo4j {kind})", kind)
            if position:  # Neo4j says "(line 1, column 15 (offset: 14))"
                error.line, error.column, error.offset = position
            return error
        return StoreError(f"Neo4j at {self.settings.uri} failed: {message} ({code})")

    def read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self.errors(), self._driver.session(database=self.settings.database,
                                                  default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self.errors(), self._driver.session(database=self.settings.database,
                                                  default_access_mode=neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    def once(self, work: Callable[[Any], T], *, write: bool, timeout: float | None,
             metadata: dict[str, str] | None) -> T:
        """``work`` in one explicit transaction with a server-side time limit and metadata, and no
        retry: a query that timed out or was cancelled must not quietly run again."""
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        with (self.errors(timeout),
              self._driver.session(database=self.settings.database, default_access_mode=mode) as session,
              session.begin_transaction(timeout=timeout, metadata=metadata) as tx):
            done = work(tx)
            tx.commit()
            return done

    def terminate(self, metadata_key: str, value: str) -> bool:
        """Terminate this user's transactions whose metadata has ``metadata_key: value``."""
        with self.errors(), self._driver.session(database=self.settings.database) as session:
            ids = [row[0] for row in session.run(
                "SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData[$key] = $value "
                "RETURN transactionId", key=metadata_key, value=value)]
            if ids:
                session.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
            return bool(ids)

    def write_checked(self, work: Callable[[neo4j.Transaction], T],
                      committed: Callable[[neo4j.Session], bool]) -> tuple[T, str]:
        """``work`` in one explicit write transaction that the driver never runs again, and the
        truth about its commit when the connection is lost at that moment.

        A managed transaction (:meth:`write`) would be retried by the driver after a lost
        connection, and a lost answer to COMMIT leaves the client not knowing whether the
        server committed. So: no retry, and when the commit's answer does not arrive,
        reconnect (for up to ``verify_timeout`` seconds) and ask ``committed`` (a check
        that reads what the transaction wrote, such as a marker). Returns what ``work``
        returned and a note ("" normally; a sentence when the commit had to be checked);
        raises StoreError saying "nothing was loaded" or "cannot tell" otherwise.
        """
        with (self.errors(),
              self._driver.session(database=self.settings.database,
                                   default_access_mode=neo4j.WRITE_ACCESS) as session,
              session.begin_transaction() as tx):
            done = work(tx)
            try:
                tx.commit()
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
                reason = unavailable_reason(exc)
                lost = f"the connection to Neo4j at {self.settings.uri} was lost while committing ({reason})"
                outcome = self.ask_again(committed)
                if outcome is None:
                    raise StoreError(
                        f"{lost}, and the server did not answer again within {self.verify_timeout:g} s, "
                        "so relgraph cannot tell whether the commit happened: the data may or may not "
                        "be there. Once the server is back, 'relgraph stats' shows what it holds, and "
                        "running the same load again is safe (loads merge: a second run leaves the "
                        "same graph)") from exc
                if not outcome:
                    raise StoreError(f"{lost}; relgraph reconnected and checked: the commit did not "
                                     "happen, so nothing was loaded") from exc
                return done, f"{lost}; relgraph reconnected and checked: the commit happened"
            return done, ""

    #: How long :meth:`write_checked` keeps trying to reach the server again (a restart takes ~10 s).
    verify_timeout = 20.0

    def ask_again(self, check: Callable[[neo4j.Session], bool]) -> bool | None:
        """``check`` on a fresh connection (the old ones may be dead), trying until
        ``verify_timeout``; None when the server never answered."""
        deadline = time.monotonic() + self.verify_timeout
        while True:
            probe = self._new_driver(self.settings, connection_timeout=2.0,
                                     connection_acquisition_timeout=2.0, max_connection_pool_size=1)
            try:
                with probe.session(database=self.settings.database) as session:
                    return check(session)
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError):
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.5)
            finally:
                probe.close()

    def auto_commit(self, work: Callable[[Any], T], timeout: float | None = None) -> T:
        """``work`` on a session of its own, outside any managed transaction (what
        ``CALL { ... } IN TRANSACTIONS`` needs); ``timeout`` is the limit ``work`` gave its
        query, for the error that says it was met."""
        with self.errors(timeout), self._driver.session(database=self.settings.database,
                                                 default_access_mode=neo4j.WRITE_ACCESS) as session:
            return work(session)
