"""``relgraph serve``: a local graph explorer, one page to query, see, expand, cite and export.

:mod:`.service` is what it does (no HTTP), :mod:`.payload` what it sends, :mod:`.app` the
web application over it, :mod:`.security` who may use it, :mod:`.server` how it runs, and
``static/`` the page (its editor built by tools/explorer-editor). docs/serve.md is the
manual and the API reference.
"""

from relgraph.graph.explorer.server import ExplorerServer, ServeError
from relgraph.graph.explorer.service import Explorer, ExplorerOptions

__all__ = ["Explorer", "ExplorerOptions", "ExplorerServer", "ServeError"]
