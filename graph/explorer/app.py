"""The explorer's web application: the page, its static files and a JSON API, on Starlette.

Every route is a thin shell around :class:`~.service.Explorer`: it checks the request
(:mod:`.security`), reads and validates the JSON body, runs the call in a worker
thread (so a long query never blocks other requests), and answers JSON. Errors are
JSON too, with a status code that says what kind of failure it was, never a traceback
page. docs/serve.md documents the API for scripts that want to use it directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relgraph.graph.explorer import security
from relgraph.graph.explorer.service import Explorer, RequestError
from relgraph.graph.values.errors import (
    ExportError,
    QueryCancelled,
    QueryError,
    QueryTimeout,
    ReadOnlyError,
    RelgraphError,
    SelectionError,
    StoreError,
    nearest,
)
from relgraph.graph.views import assets

#: Only these scripts and styles run on the page, all from the explorer itself.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

#: Status code per error class; the nearest class in an error's ancestry wins.
STATUS: dict[type[BaseException], int] = {
    RelgraphError: 400,
    SelectionError: 422,
    ExportError: 422,
    QueryError: 422,
    ReadOnlyError: 403,
    QueryTimeout: 504,
    QueryCancelled: 409,
    StoreError: 503,
}

STATIC = {  # file name -> media type
    "explorer.js": "text/javascript", "explorer.css": "text/css", "editor.js": "text/javascript",
    "editor.LICENSES.txt": "text/plain",
}


def status_of(exc: BaseException) -> int:
    return nearest(STATUS, exc, 500)


def error_body(exc: BaseException) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
    if getattr(exc, "short_message", None):
        body["message"] = exc.short_message  # type: ignore[attr-defined]
        body["detail"] = str(exc)
    line, column, offset = (getattr(exc, name, None) for name in ("line", "column", "offset"))
    if line is not None:
        body["position"] = {"line": line, "column": column, "offset": offset}
    if isinstance(exc, RelgraphError) and getattr(exc, "code", None):
        body["code"] = exc.code  # type: ignore[attr-defined]
    return {"error": body}


def error_response(exc: BaseException) -> JSONResponse:
    status = status_of(exc)
    if status == 500:  # a bug: say what failed, never how (no traceback leaves the server)
        return JSONResponse({"error": {"type": "InternalError",
                                       "message": f"the explorer failed: {type(exc).__name__}"}}, 500)
    return JSONResponse(error_body(exc), status)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class Guard:
    """Refuses foreign hosts, cross-site requests and API calls without the token; adds the
    security headers to every answer. A plain ASGI middleware: it passes the answer on as the
    route sends it (headers and body together), so nothing waits on the network."""

    def __init__(self, app: ASGIApp, token: str, hosts: set[str]):
        self.app = app
        self.token = token
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        refused = security.refusal(Request(scope), self.token, self.hosts)
        if refused is not None:
            status, reason = refused
            await JSONResponse({"error": {"type": "Forbidden", "message": reason}}, status)(
                scope, receive, send_secured)
            return
        try:
            await self.app(scope, receive, send_secured)
        except Exception as exc:
            if started:
                raise
            await error_response(exc)(scope, receive, send_secured)


Handler = Callable[[Request], Awaitable[Response]]


def api(path: str, explorer: Explorer, work: Callable[[Explorer, dict[str, Any]], Any], *,
        method: str = "POST") -> Route:
    """A route that reads the body (or the query string), then in a worker thread takes up
    another process's changes and runs ``work``; it answers JSON (or ``work``'s Response)."""

    async def handle(request: Request) -> Response:
        if method == "POST":
            try:
                body = await request.json()
            except (ValueError, UnicodeDecodeError):
                return error_response(RequestError("the request body is not JSON"))
            if not isinstance(body, dict):
                return error_response(RequestError("the request body must be a JSON object"))
        else:
            body = dict(request.query_params)

        def run() -> Any:
            explorer.refresh()
            return work(explorer, body)

        try:
            result = await anyio.to_thread.run_sync(run)
        except Exception as exc:
            return error_response(exc)
        return result if isinstance(result, Response) else JSONResponse(result)

    return Route(path, handle, methods=[method])


# --- reading a request's fields --------------------------------------------------------------


def text(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise RequestError(f"'{name}' must be a non-empty string")
    return value


def texts(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RequestError(f"'{name}' must be a list of strings")
    return list(value)


def number(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RequestError(f"'{name}' must be a whole number")
    return value


def mapping(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name) or {}
    if not isinstance(value, dict):
        raise RequestError(f"'{name}' must be a JSON object")
    return value


def run_options(body: dict[str, Any]) -> dict[str, Any]:
    return {"rows": number(body, "rows"), "nodes": number(body, "nodes"),
            "connect": bool(body.get("connect", False)), "query_id": text(body, "id", required=False)}


# --- the routes -----------------------------------------------------------------------------


def _query(e: Explorer, b: dict[str, Any]) -> Any:
    return e.query(text(b, "query") or "", mapping(b, "parameters"), **run_options(b))


def _script(e: Explorer, b: dict[str, Any]) -> Any:
    return e.script(text(b, "name") or "", mapping(b, "parameters"), **run_options(b))


def _expand(e: Explorer, b: dict[str, Any]) -> Any:
    return e.expand(text(b, "id") or "", types=texts(b, "types"), limit=number(b, "limit"),
                    present=texts(b, "present"))


def _path(e: Explorer, b: dict[str, Any]) -> Any:
    return e.path(text(b, "from") or "", text(b, "to") or "")


def _nodes(e: Explorer, b: dict[str, Any]) -> Any:
    return e.nodes(texts(b, "ids") or [])


def _cancel(e: Explorer, b: dict[str, Any]) -> Any:
    return {"cancelled": e.cancel(text(b, "id") or "")}


def _search(e: Explorer, b: dict[str, Any]) -> Any:
    limit = number(b, "limit") or 20
    if not 1 <= limit <= 200:
        raise RequestError("'limit' must be from 1 to 200")
    return {"results": e.search(b.get("q", ""), label=b.get("label") or None, limit=limit)}


def _export(e: Explorer, b: dict[str, Any]) -> Any:
    fmt = text(b, "format") or ""
    if "query" in b or "script" in b:
        data, media, name = e.export_result(fmt, query=text(b, "query", required=False),
                                            script=text(b, "script", required=False),
                                            parameters=mapping(b, "parameters"),
                                            connect=bool(b.get("connect", False)))
    else:
        data, media, name = e.export(fmt, texts(b, "nodes") or [], texts(b, "relationships") or [])
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def page(token: str) -> Handler:
    async def handle(request: Request) -> Response:
        given = request.query_params.get("token")
        if given is not None:
            if not security.token_matches(given, token):
                return HTMLResponse(FORBIDDEN_PAGE, 403)
            # the token becomes a cookie, and leaves the address bar (history, bookmarks, Referer)
            response: Response = RedirectResponse("/", 303)
            response.set_cookie(security.COOKIE, token, httponly=True, samesite="strict", path="/")
            return response
        if not security.token_matches(request.cookies.get(security.COOKIE), token):
            return HTMLResponse(FORBIDDEN_PAGE, 403)
        return HTMLResponse(_own("index.html"))

    return handle


FORBIDDEN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>relgraph explorer</title></head><body><h1>relgraph explorer</h1>
<p>Open the address that <code>relgraph serve</code> printed: it carries the token that lets
your browser in.</p></body></html>"""


def _own(name: str) -> str:
    return (resources.files("relgraph.graph.explorer") / "static" / name).read_text(encoding="utf-8")


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name in ("vis-network.js", "vis-network.css"):
        js, css = assets.vis_network()
        body, media = (js, "text/javascript") if name.endswith(".js") else (css, "text/css")
    elif name in STATIC:
        body, media = _own(name), STATIC[name]
    else:
        return not_found_response(f"no file {name!r}")
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


def not_found_response(message: str) -> Response:
    return JSONResponse({"error": {"type": "NotFound", "message": message}}, 404)


async def not_found(request: Request, exc: Exception) -> Response:
    return not_found_response(f"no route {request.url.path!r}")


async def not_allowed(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": {"type": "MethodNotAllowed",
                                   "message": f"{request.method} is not allowed on {request.url.path}"}}, 405)


def create_app(explorer: Explorer, *, token: str, host: str, port: int) -> Starlette:
    """The application over ``explorer``, answering only requests to ``host:port`` with ``token``."""
    routes = [
        Route("/", page(token), methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
        api("/api/info", explorer, lambda e, b: e.info(), method="GET"),
        api("/api/schema", explorer, lambda e, b: e.schema(), method="GET"),
        api("/api/scripts", explorer, lambda e, b: {"scripts": e.scripts()}, method="GET"),
        api("/api/search", explorer, _search, method="GET"),
        api("/api/query", explorer, _query),
        api("/api/script", explorer, _script),
        api("/api/expand", explorer, _expand),
        api("/api/path", explorer, _path),
        api("/api/nodes", explorer, _nodes),
        api("/api/cancel", explorer, _cancel),
        api("/api/export", explorer, _export),
    ]
    hosts = security.allowed_hosts(host, port)
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token, hosts=hosts)],
                     exception_handlers={404: not_found, 405: not_allowed})


__all__ = ["create_app"]
