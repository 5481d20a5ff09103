"""YAML parsing that remembers line numbers, so errors can say "file:line: what is wrong"."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[Hashable, Any]):
    """A mapping from YAML that knows the line (1-based) it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        own = [k.value for k, _ in node.value
               if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge"]
        duplicates = sorted({k for k in own if own.count(k) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key(s) {', '.join(duplicates)} in one mapping", node.start_mark
            )
        self.flatten_mapping(node)  # "<<" merges may override; only own keys must be unique
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)


class YamlError(ValueError):
    pass


def read_yaml(path: Path) -> Any:
    """Parse ``path``; syntax errors become YamlError('file:line: problem')."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{path}: not UTF-8 text ({exc})") from exc
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
