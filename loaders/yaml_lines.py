"""YAML parsing that remembers line numbers, so errors can say "file:line: what is wrong".

It also refuses, with the line, what PyYAML would otherwise turn into a traceback or
pass on silently: a key given twice in one mapping (the last would win), nesting deeper
than :data:`MAX_DEPTH` (PyYAML recurses, and 100,000 ``[`` end in a RecursionError), and
integers longer than any 64-bit integer (Python refuses to parse more than 4,300 digits
with a ValueError of its own).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from relgraph.graph.formats.reading import MAX_DEPTH, MAX_INT_DIGITS


class LineDict(dict[Hashable, Any]):
    """A mapping from YAML that knows the line (1-based) it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # Every collection is composed by a recursive call: count them on the way down.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"lists or mappings nested deeper than {MAX_DEPTH} levels",
                    self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        own = Counter(k.value for k, _ in node.value
                      if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge")
        duplicates = sorted(k for k, n in own.items() if n > 1)
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key(s) {', '.join(map(repr, duplicates))} in one mapping",
                node.start_mark)
        self.flatten_mapping(node)  # "<<" merges may override; only own keys must be unique
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = str(node.value).lstrip("+-").lstrip("0_")
        if len(digits.replace("_", "")) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {len(digits):,} digits is outside the 64-bit integers "
                            "relgraph stores", node.start_mark)
        return super().construct_yaml_int(node)


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)


class YamlError(ValueError):
    pass


def read_yaml(path: Path) -> Any:
    """Parse ``path``; syntax errors become YamlError('file:line: problem')."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise YamlError(f"{path}: {exc.strerror}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise YamlError(f"{where}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"{path}: {exc}") from exc


def line_of(value: Any) -> int:
    return getattr(value, "line", 0)
