"""Who may talk to the explorer: the person who started it, from this machine's browser.

The explorer can read (and with ``--write`` change) the whole graph, so every request
has to prove it comes from the page its user opened:

* **A token**, random per start, in the URL that ``relgraph serve`` prints (as Jupyter
  does). Opening that URL sets it as a cookie (HttpOnly, SameSite=Strict) and redirects
  to the bare address, so the token stays out of the history, bookmarks and Referer
  headers. Every ``/api`` call needs it, as that cookie or as ``Authorization: Bearer``
  (for scripts). Without it the page and the API answer 403.
* **The Host header** must name the address the server listens on (``127.0.0.1:PORT``,
  ``localhost:PORT``...): a web page elsewhere that points a DNS name of its own at
  127.0.0.1 (DNS rebinding) is refused even before the token is looked at.
* **Cross-site requests** are refused: an ``Origin`` (or, without one, a
  ``Sec-Fetch-Site`` other than same-origin) that is not the explorer's own, and, for
  calls authenticated by the cookie, a missing ``X-Relgraph`` header, which a foreign
  page cannot add without a CORS preflight that the explorer never grants.

Nothing here is a substitute for binding to 127.0.0.1, which is the default; binding
elsewhere prints a warning.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.requests import Request

COOKIE = "relgraph_token"
HEADER = "x-relgraph"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers a request to this server may carry."""
    names = {host, "127.0.0.1", "localhost", "[::1]"} if host in ("127.0.0.1", "localhost", "::1") else {host}
    if host in ("0.0.0.0", "::"):  # listening everywhere: only addresses are safe names
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def origin_of(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), token.encode())


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def refusal(request: Request, token: str, hosts: Iterable[str]) -> tuple[int, str] | None:
    """Why a request is refused (status, reason), or None when it may go on."""
    if request.headers.get("host", "") not in set(hosts):
        return 403, ("this explorer answers only requests addressed to the address it listens on "
                     f"(not {request.headers.get('host', '')!r})")
    origin = request.headers.get("origin")
    if origin is not None and origin != origin_of(request):
        return 403, f"cross-site request from {origin!r} refused"
    fetch_site = request.headers.get("sec-fetch-site")
    if origin is None and fetch_site not in (None, "same-origin", "none"):
        return 403, f"cross-site request ({fetch_site}) refused"
    if not request.url.path.startswith("/api/"):
        return None
    if token_matches(bearer(request), token):
        return None
    if token_matches(request.cookies.get(COOKIE), token):
        if request.headers.get(HEADER) != "1":
            return 403, f"API calls from the page carry the {HEADER} header"
        return None
    return 403, ("this API needs the token of the URL that 'relgraph serve' printed "
                 "(open that URL, or send Authorization: Bearer TOKEN)")
