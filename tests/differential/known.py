"""The listed differences from Neo4j: the classes docs/cypher.md names in its "Differences
from Neo4j" section, each as a list item beginning with the class in backquotes::

    - `round-ties`: round() of a tie ...

A disagreement whose case names one of these classes (``known:``) is accepted; any other
fails tests/test_differential.py.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "cypher.md"
HEADING = "## Differences from Neo4j"


def listed_classes(doc: Path = DOC) -> set[str]:
    """The classes of the section (empty if the section is missing)."""
    text = doc.read_text(encoding="utf-8")
    start = text.find(HEADING)
    if start < 0:
        return set()
    end = text.find("\n## ", start + len(HEADING))
    section = text[start:end if end > 0 else len(text)]
    return set(re.findall(r"^- `([a-z0-9][a-z0-9-]*)`", section, flags=re.MULTILINE))
