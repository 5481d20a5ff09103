"""One self-contained HTML file per view: every script, style and datum inline, text escaped.

The file must open from a USB stick on a machine without network, and must
not run anything a name in the data smuggles in. So:

* vis-network, its stylesheet and our script and style are inline; the page
  references no URL at all, and a Content-Security-Policy allows only these
  exact scripts (by hash) and no connection, image or font from anywhere.
* Title and caption go through Jinja's autoescaping; the data goes in as JSON
  inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
  written as ``\\u003c``-style escapes, so no text can close that element.
* The file is written as UTF-8 whatever the platform's default encoding.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from relgraph.graph.formats.types import json_text
from relgraph.graph.formats.writing import atomic_writer
from relgraph.graph.values.version import VERSION
from relgraph.graph.views import assets
from relgraph.graph.views.data import ViewData

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(value: Any) -> str:
    """JSON that can sit inside a <script> element: no '<', '>' or '&' left unescaped."""
    text = json_text(value)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(scripts: list[str]) -> str:
    """Only our inline scripts run; nothing is fetched from anywhere (data: images are vis's icons)."""
    return ("default-src 'none'; "
            f"script-src {' '.join(_sha256(s) for s in scripts)}; "
            "style-src 'unsafe-inline'; img-src data:; font-src data:; "
            "connect-src 'none'; form-action 'none'; base-uri 'none'")


def render_html(view: ViewData) -> str:
    """The whole page as text."""
    vis_js, vis_css = assets.vis_network()
    view_js = assets.own("view.js")
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(assets.own("template.html"))
    return template.render(
        title=view.title, caption=view.caption, version=VERSION,
        csp=content_security_policy([vis_js, view_js]),
        vis_css=Markup(vis_css), view_css=Markup(assets.own("view.css")),
        vis_js=Markup(vis_js), view_js=Markup(view_js),
        data=Markup(json_for_script(view.to_json())),
    )


def write_view(view: ViewData, path: Path, *, overwrite: bool = False) -> int:
    """Write the page to ``path`` as UTF-8, atomically; returns the size in bytes."""
    page = render_html(view).encode("utf-8")
    with atomic_writer(path, binary=True, overwrite=overwrite) as fh:
        fh.write(page)
    return len(page)


def embedded_html(page: str, *, height: int = 620, title: str = "relgraph view") -> str:
    """The page inside a sandboxed ``<iframe srcdoc>``: how a notebook shows a view.

    Each view gets a document of its own, so several views in one notebook never share
    element ids, scripts or styles, and the page's Content-Security-Policy applies inside
    it as in a file. ``sandbox="allow-scripts"`` without ``allow-same-origin`` gives the
    frame an opaque origin: its scripts cannot reach the notebook, its cookies or its
    kernel. The page is escaped into the attribute whole, quotes and ampersands included.
    """
    return (f'<iframe sandbox="allow-scripts" title="{html_escape(title)}" '
            f'style="width: 100%; height: {int(height)}px; border: 1px solid #dde3ea;" '
            f'srcdoc="{html_escape(page, quote=True)}"></iframe>')
