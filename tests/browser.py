"""Headless Chromium for the tests that use a real browser (views, the explorer, notebooks).

Debian's chromium package is driven through Playwright's driver; Playwright's own
browser download cannot reach its servers from here. Chromium must be installed
(tools/run-tests installs it when it is missing); without it these tests fail rather
than skip, so that a CI machine without a browser cannot pass silently. One browser
serves the whole run (the ``browser`` fixture in conftest.py): two Playwright
instances in one process would fight over its event loop.
"""

from __future__ import annotations

import os
import shutil

import pytest

#: The flags the project uses for headless Chromium: no sandbox (we run as root in CI), no GPU,
#: and none of the background traffic (updates, sync, safe browsing) a fresh profile would start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
READY_TIMEOUT = 60.0  # generous for a loaded CI machine; the benchmarks report real times


def chromium_executable() -> str:
    path = os.environ.get("RELGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("the browser tests need headless Chromium: apt-get install chromium "
                    "(tools/run-tests installs it when it is missing)", pytrace=False)
    return path
