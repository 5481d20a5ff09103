"""The scripts and styles a view inlines: vis-network (shipped by pyvis) and our own.

pyvis is how vis-network reaches a machine without a CDN or npm: its wheel
carries vis-network 9.1.2 as plain files. We take only those files. pyvis's
own page template is not used, because in every mode it still links Bootstrap
from a CDN (pyvis issues #228, #229) and writes the data into a script without
escaping ``</script>``; and its ``Network`` class, which checks each new edge
against a list of all nodes, adds nothing our view data needs.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from importlib import resources
from pathlib import Path

from relgraph.graph.values.errors import RelgraphError

VIS_VERSION = "9.1.2"

#: Text that would end or confuse an inline <script>/<style> element if an asset held it.
_BREAKS_INLINE = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


class AssetError(RelgraphError):
    """A bundled asset is missing or cannot be inlined safely."""


def _pyvis_folder() -> Path:
    """pyvis's package folder, found without importing pyvis (which imports IPython)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise AssetError("pyvis is not installed; it ships the vis-network script views need "
                         "(pip install pyvis)")
    return Path(next(iter(spec.submodule_search_locations)))


def _checked(name: str, text: str) -> str:
    match = _BREAKS_INLINE.search(text)
    if match:
        raise AssetError(f"{name} contains {match.group(0)!r} and cannot be inlined")
    return text


@cache
def vis_network() -> tuple[str, str]:
    """vis-network's (script, stylesheet) text."""
    folder = _pyvis_folder() / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise AssetError(f"vis-network {VIS_VERSION} is missing from pyvis at {folder}: {exc.strerror}; "
                         "reinstall pyvis 0.3.x") from exc
    return _checked("vis-network.min.js", script), _checked("vis-network.css", style)


@cache
def own(name: str) -> str:
    """One of our files in graph/views/static/: template.html, view.js, view.css."""
    text = resources.files("relgraph.graph.views").joinpath("static", name).read_text(encoding="utf-8")
    return text if name.endswith(".html") else _checked(name, text)
