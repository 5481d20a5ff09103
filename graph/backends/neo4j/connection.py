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
              "'docker compose up -d', or point NEO4J_URI / --neo4j-uri at your server")

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
                           ("handshake", "no Bolt handshake")):
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
            code = exc.code or ""
            if code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyError("this query writes to the graph and was refused in a read-only "
                                    "transaction, so nothing changed; run it with --write "
                                    "(write=True) to allow changes") from exc
            if code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(f"Neo4j at {self.settings.uri} has no database "
                                 f"{self.settings.database!r}") from exc
            if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut") and timeout is not None:
                raise QueryTimeout(timeout) from exc
            if code.endswith("Transaction.Terminated"):
                raise QueryCancelled() from exc
            if code.startswith("Neo.ClientError."):
                kind = code.rsplit(".", 1)[-1]
                error = QueryError(f"{exc.message} (Neo4j {kind})", kind)
                where = _POSITION.search(exc.message or "")
                if where:  # Neo4j says "(line 1, column 15 (offset: 14))"
                    error.line, error.column, error.offset = (int(g) for g in where.groups())
                raise error from exc
            raise StoreError(f"Neo4j at {self.settings.uri} failed: {exc.message} ({code})") from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise Neo4jUnavailable(self.settings.uri, unavailable_reason(exc)) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.settings.uri}: {exc}") from exc
        except OverflowError as exc:  # the driver packs integers as 64-bit, Python's are unbounded
            raise QueryError(f"a value does not fit Neo4j's 64-bit integers ({exc}); "
                             "nothing was changed") from exc

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

    def auto_commit(self, work: Callable[[Any], T], timeout: float | None = None) -> T:
        """``work`` on a session of its own, outside any managed transaction (what
        ``CALL { ... } IN TRANSACTIONS`` needs); ``timeout`` is the limit ``work`` gave its
        query, for the error that says it was met."""
        with self.errors(timeout), self._driver.session(database=self.settings.database,
                                                 default_access_mode=neo4j.WRITE_ACCESS) as session:
            return work(session)
