"""Interactive HTML views of a subgraph: one self-contained, offline file per view.

``build_view`` turns a :class:`~relgraph.graph.values.subgraph.Subgraph` into view data
(styles, captions, layout), ``render_html`` into one HTML file with vis-network
and every asset inline, and ``write_view`` writes it as UTF-8, atomically.
Limits on what a browser can draw are checked by ``check_size`` before anything
is built, so a view is never silently cut.
"""

from __future__ import annotations

from relgraph.graph.views.data import ViewData, build_view
from relgraph.graph.views.html import embedded_html, render_html, write_view
from relgraph.graph.views.limits import (
    Limits,
    ViewTooLarge,
    check_size,
    keep_best_connected,
)

__all__ = [
    "Limits", "ViewData", "ViewTooLarge", "build_view", "check_size", "embedded_html", "keep_best_connected",
    "render_html", "write_view",
]
