"""Reader for curated article files (data/articles/*.yaml): the human-reviewed source of truth.

A curated file names one source text and lists nodes (with their outgoing
``out`` and incoming ``in`` relationships) and free-standing relationships.
Every fact carries the section and the exact sentence of the source that
states it; this reader refuses a quote that does not occur verbatim in that
section, so provenance cannot drift from the text. docs/schema.md documents
the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError, ModelError
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelKeys,
    RelSpec,
    year_problems,
)
from relgraph.graph.values.text import surrogate_problem
from relgraph.loaders.yaml_lines import YamlError, line_of, read_yaml

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", re.ASCII)

#: Labels whose ``kind`` also becomes a second label, so Cypher can say (:Visit) or (:Airport).
KIND_LABELLED = ("Event", "Institution")
LEAD_SECTION = "Lead"
NODE_FIELDS = {"key", "label", "name", "kind", "aliases", "section", "quote", "also", "in", "out"}
REL_FIELDS = {"type", "from", "to", "key", "section", "quote", "also"}
# every property of the curated data that holds a year: integers in the article's range
ARTICLE_YEARS = ("year", "yearFrom", "yearTo", "since", "completionYear", "closedYear",
                 "firstExportYear")
#: The folder beside the articles' folder that holds their texts (data/articles, data/sources).
SOURCES_FOLDER = "sources"
#: How many problems get "did you mean" hints (a LoadError shows the first 20).
HINTED = 20


def kind_label(kind: str) -> str:
    """'cultural centre' -> 'CulturalCentre': the extra label derived from a kind."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[\s\-/]+", kind) if word)


def split_sections(text: str) -> dict[str, str]:
    """Section heading -> section text. The text before the first heading is the 'Lead'."""
    sections: dict[str, list[str]] = {LEAD_SECTION: []}
    current = LEAD_SECTION
    for line in text.splitlines():
        heading = re.match(r"^\s*(=+)\s*(.*?)\s*\1\s*$", line)
        if heading:
            if len(heading.group(1)) == 1:  # the article title line "= Title ="
                continue
            current = heading.group(2)
            sections[current] = []
        else:
            sections[current].append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}


def normalise_date(value: Any) -> tuple[str, int, str]:
    """ISO text (YYYY, YYYY-MM or YYYY-MM-DD) -> (text, year, precision); ValueError if invalid."""
    if isinstance(value, bool) or not isinstance(value, str | int | dt.date):
        raise ValueError(f"date must be text (YYYY, YYYY-MM or YYYY-MM-DD), not {type(value).__name__}")
    text = str(value)
    match = DATE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"date {text[:40]!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    dt.date(int(year), int(month or 1), int(day or 1))  # raises ValueError on 2024-02-30
    return text, int(year), "day" if day else "month" if month else "year"


def range_problem(props: Mapping[str, Any]) -> str | None:
    """What is wrong with an uncertain date, ``yearFrom``..``yearTo`` (both inclusive), if anything.

    A range stands for one date the source does not pin down ("the late 1930s"), so it
    comes whole and alone: a ``year`` or ``date`` beside it would be a guess that queries
    filtering on ``year`` take for a fact (docs/schema.md, "Uncertainty")."""
    given = [name for name in ("yearFrom", "yearTo") if name in props]
    if not given:
        return None
    if len(given) == 1:
        other = "yearTo" if given[0] == "yearFrom" else "yearFrom"
        return f"{given[0]} needs {other} (a range has both ends)"
    if "year" in props or "date" in props:
        return "a date is either a year/date or a range yearFrom..yearTo, not both"
    start, end = props["yearFrom"], props["yearTo"]
    if isinstance(start, int) and isinstance(end, int) and start > end:
        return f"yearFrom {start} is after yearTo {end}"
    return None


class CuratedReader:
    """Turns one curated YAML file into a GraphBatch, collecting every problem first."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []
        self.batch = GraphBatch(source=str(path))
        self.sections: dict[str, str] = {}
        self.source_key = ""
        self.labels_by_key: dict[str, str] = {}
        self.rel_keys = RelKeys()

    def problem(self, where: Any, message: str) -> None:
        line = line_of(where)
        self.problems.append(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    # --- top level ------------------------------------------------------------------

    def read(self) -> GraphBatch:
        try:
            doc = read_yaml(self.path)
        except YamlError as exc:
            raise LoadError([str(exc)]) from exc
        if not isinstance(doc, Mapping) or "source" not in doc or "nodes" not in doc:
            raise LoadError([f"{self.path}: a curated file needs top-level 'source' and 'nodes'"])
        self.refuse_surrogates(doc)
        self.read_source(doc["source"])
        nodes = doc.get("nodes") or []
        rels = doc.get("relationships") or []
        if not isinstance(nodes, list) or not isinstance(rels, list):
            raise LoadError([f"{self.path}: 'nodes' and 'relationships' must be lists"])
        # First pass: every key and its primary label, so references may point forward.
        for entry in nodes:
            if isinstance(entry, Mapping) and isinstance(entry.get("key"), str):
                if entry["key"] in self.labels_by_key:
                    self.problem(entry, f"duplicate node key {entry['key']!r}")
                self.labels_by_key.setdefault(entry["key"], str(entry.get("label")))
        for index, entry in enumerate(nodes):
            self.read_node(entry, index)
        for index, entry in enumerate(rels):
            if not isinstance(entry, Mapping):
                self.problem(rels, f"relationships[{index}] is not a mapping")
                continue
            start, end = entry.get("from"), entry.get("to")
            self.read_rel(entry, start, end, f"relationships[{index}]", {})
        if self.problems:
            raise LoadError(self.problems)
        self.batch.validate()
        return self.batch

    def refuse_surrogates(self, doc: Any) -> None:
        """Lone surrogates (``"\\ud800"`` is valid YAML) anywhere in the file, names included,
        refused at the door with the line of the mapping that holds them."""
        problems = []
        pending: list[tuple[Any, int]] = [(doc, line_of(doc))]
        seen: set[int] = set()  # aliases share their values: each is looked at once
        while pending:
            item, line = pending.pop()
            if isinstance(item, str):
                problem = surrogate_problem(item)
                if problem:
                    problems.append((line, problem))
            elif id(item) not in seen and isinstance(item, Mapping | list):
                seen.add(id(item))
                line = line_of(item) or line
                children = [*item.keys(), *item.values()] if isinstance(item, Mapping) else item
                pending.extend((child, line) for child in children)
        if problems:
            raise LoadError(f"{self.path}:{line}: {problem}" for line, problem in sorted(problems))

    def read_source(self, source: Any) -> None:
        if not isinstance(source, Mapping):
            raise LoadError([f"{self.path}: 'source' must be a mapping"])
        missing = [f for f in ("key", "title", "file", "sections") if f not in source]
        if missing:
            raise LoadError([f"{self.path}:{line_of(source)}: source lacks {', '.join(missing)}"])
        wrong = [f"'{name}' must be a non-empty string" for name in ("key", "title", "file")
                 if not isinstance(source[name], str) or not source[name]]
        if "origin" in source and not isinstance(source["origin"], str):
            wrong.append("'origin' must be a string")
        sections = source["sections"]
        if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
            wrong.append("'sections' must be a list of section headings (strings)")
        if wrong:
            raise LoadError([f"{self.path}:{line_of(source)}: source: {w}" for w in wrong])
        text_path = self.source_text_path(source["file"], line_of(source))
        try:
            text = text_path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError([f"{self.path}:{line_of(source)}: source text {text_path} is not UTF-8 "
                             f"({exc.reason} at byte {exc.start})"]) from exc
        except OSError as exc:
            raise LoadError(
                [f"{self.path}:{line_of(source)}: cannot read source text {text_path}: {exc.strerror}"]
            ) from exc
        self.sections = split_sections(text)
        declared = list(sections)
        unknown = [s for s in declared if s not in self.sections]
        if unknown:
            raise LoadError([f"{self.path}:{line_of(source)}: sections {unknown} are not headings "
                             f"of {text_path.name} (it has {list(self.sections)})"])
        self.source_key = str(source["key"])
        props = {
            "key": self.source_key,
            "name": str(source["title"]),
            "file": text_path.name,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "sections": declared,
        }
        if source.get("origin"):
            props["origin"] = " ".join(str(source["origin"]).split())
        self.add_node(["Source"], props, source, "source")

    def source_text_path(self, name: str, line: int) -> Path:
        """The source text ``file`` names, which must be a regular file in the YAML's folder or
        in the ``sources`` folder beside it (the shipped layout, ``../sources/...``), symbolic
        links resolved: a curated file says which text it quotes, not which file of the machine
        to read (``/dev/zero``, ``../../.ssh/id_rsa``)."""
        where = f"{self.path}:{line}: source file {name!r}"
        if Path(name).is_absolute():
            raise LoadError([f"{where}: give a path relative to the YAML file, not an absolute one"])
        folder = self.path.parent.resolve()
        allowed = [folder, (folder.parent / SOURCES_FOLDER).resolve()]
        target = (folder / name).resolve()
        if not any(target.is_relative_to(root) for root in allowed):
            raise LoadError([f"{where}: the text must be in the YAML file's folder ({folder}) or in "
                             f"{folder.parent / SOURCES_FOLDER}; it resolves to {target}"])
        if target.exists() and not target.is_file():
            raise LoadError([f"{where}: {target} is not a regular file"])
        return target

    # --- provenance -----------------------------------------------------------------

    def provenance(self, entry: Mapping[str, Any], inherited: Mapping[str, Any], what: str) -> dict[str, Any]:
        """sourceId/section/quote (+ otherQuotes/otherSections) checked against the text."""
        section = entry.get("section", inherited.get("section"))
        quote = entry.get("quote", inherited.get("quote"))
        if not isinstance(section, str) or not isinstance(quote, str):
            self.problem(entry, f"{what}: needs 'section' and 'quote' (the sentence that states it)")
            return {}
        if "quote" in entry or "section" in entry:  # inherited ones were checked with their node
            self.check_quote(entry, what, section, quote)
        props: dict[str, Any] = {"sourceId": self.source_key, "section": section, "quote": quote}
        also = entry.get("also") if "also" in entry else None
        if also is not None:
            if not isinstance(also, list) or not all(isinstance(a, Mapping) for a in also):
                self.problem(entry, f"{what}: 'also' must be a list of {{section, quote}}")
                return props
            for extra in also:
                if not isinstance(extra.get("section"), str) or not isinstance(extra.get("quote"), str):
                    self.problem(extra, f"{what}: each 'also' entry needs section and quote")
                    continue
                self.check_quote(extra, what, extra["section"], extra["quote"])
            props["otherQuotes"] = [str(a.get("quote")) for a in also]
            props["otherSections"] = [str(a.get("section")) for a in also]
        return props

    def check_quote(self, where: Any, what: str, section: str, quote: str) -> None:
        if section not in self.sections:
            self.problem(where, f"{what}: unknown section {section!r} (sections: {list(self.sections)})")
        elif quote not in self.sections[section]:
            elsewhere = [name for name, text in self.sections.items() if quote in text]
            hint = f"; it is in section {elsewhere[0]!r}" if elsewhere else ""
            self.problem(where, f"{what}: quote does not occur verbatim in section {section!r}{hint}: "
                                f"{quote[:80]!r}")

    # --- nodes and relationships ----------------------------------------------------

    def read_node(self, entry: Any, index: int) -> None:
        if not isinstance(entry, Mapping):
            self.problem(entry, f"nodes[{index}] is not a mapping")
            return
        key = entry.get("key")
        what = f"node {key!r}" if key else f"nodes[{index}]"
        for required in ("key", "label", "name"):
            if not isinstance(entry.get(required), str) or not entry.get(required):
                self.problem(entry, f"{what}: '{required}' must be a non-empty string")
                return
        if not KEY_RE.fullmatch(str(key)):
            self.problem(entry, f"{what}: key must be lower-case kebab-case (e.g. 'islam-karimov')")
        label = entry["label"]
        labels = [label]
        props: dict[str, Any] = {"key": key, "name": entry["name"]}
        if "kind" in entry:
            if not isinstance(entry["kind"], str) or not entry["kind"].strip():
                self.problem(entry, f"{what}: 'kind' must be a non-empty string")
                return
            props["kind"] = entry["kind"]
            if label in KIND_LABELLED:
                labels.append(kind_label(entry["kind"]))
        elif label in KIND_LABELLED:
            self.problem(entry, f"{what}: {label} nodes need a 'kind' (e.g. 'visit', 'embassy')")
        if "aliases" in entry:
            aliases = entry["aliases"]
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem(entry, f"{what}: 'aliases' must be a list of strings")
            else:
                props["aliases"] = aliases
        props.update(self.properties(entry, NODE_FIELDS, what))
        props.update(self.provenance(entry, {}, what))
        self.add_node(labels, props, entry, what)
        inherited = {"section": entry.get("section"), "quote": entry.get("quote")}
        for direction in ("out", "in"):
            rels = entry.get(direction) or []
            if not isinstance(rels, list):
                self.problem(entry, f"{what}: '{direction}' must be a list")
                continue
            for position, rel in enumerate(rels):
                if not isinstance(rel, Mapping):
                    self.problem(entry, f"{what}: {direction}[{position}] is not a mapping")
                    continue
                other_field = "to" if direction == "out" else "from"
                if ("from" if direction == "out" else "to") in rel:
                    self.problem(rel, f"{what}: an '{direction}' relationship names only '{other_field}'")
                other = rel.get(other_field)
                start, end = (key, other) if direction == "out" else (other, key)
                self.read_rel(rel, start, end, f"{what} {direction}[{position}]", inherited)

    def properties(self, entry: Mapping[str, Any], reserved: set[str], what: str) -> dict[str, Any]:
        """The entry's free-form properties, with dates normalised and years checked."""
        props: dict[str, Any] = {}
        for name, value in entry.items():
            if name in reserved:
                continue
            if isinstance(value, str):
                value = " ".join(value.split()) if "\n" in value else value
            props[name] = value
        if "date" in props:
            try:
                text, year, precision = normalise_date(props["date"])
            except ValueError as exc:
                self.problem(entry, f"{what}: {exc}")
                return props
            if isinstance(props.get("year"), int) and props["year"] != year:
                self.problem(entry, f"{what}: year {props['year']} contradicts date {text}")
            props.update(date=text, year=year)
            props.setdefault("datePrecision", precision)
        elif "year" in props:
            props.setdefault("datePrecision", "year")
        for problem in year_problems(props, ARTICLE_YEARS):
            self.problem(entry, f"{what}: {problem}")
        wrong_range = range_problem(props)
        if wrong_range:
            self.problem(entry, f"{what}: {wrong_range}")
        elif "yearFrom" in props:
            props.setdefault("datePrecision", "range")
        for name in ARTICLE_YEARS:  # the article's years; other data may reach further
            if isinstance(props.get(name), int) and not 1000 <= props[name] <= 2100:
                self.problem(entry, f"{what}: {name} {props[name]!r} is not a year between 1000 and 2100")
        return props

    def add_node(self, labels: list[str], props: dict[str, Any], where: Any, what: str) -> None:
        try:
            self.batch.nodes.append(NodeSpec(labels, props, origin=f"{self.path}:{line_of(where)}"))
        except ModelError as exc:
            self.problem(where, f"{what}: {exc}")

    def read_rel(self, rel: Mapping[str, Any], start: Any, end: Any, what: str,
                 inherited: Mapping[str, Any]) -> None:
        rel_type = rel.get("type")
        if not isinstance(rel_type, str):
            self.problem(rel, f"{what}: relationship needs a 'type'")
            return
        refs = []
        for end_name, key in (("from", start), ("to", end)):
            if not isinstance(key, str) or key not in self.labels_by_key:
                # Suggestions cost a look at every key: only for the problems a LoadError shows.
                close = _close_keys(key, self.labels_by_key) if len(self.problems) < HINTED else []
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                self.problem(rel, f"{what}: {rel_type} '{end_name}' refers to unknown node {key!r}{hint}")
                return
            refs.append(NodeKey(self.labels_by_key[key], key))
        props = self.properties(rel, REL_FIELDS, f"{what} {rel_type}")
        props.update(self.provenance(rel, inherited, f"{what} {rel_type}"))
        if "key" in rel:
            props["key"] = rel["key"]
        else:
            props["key"] = self.rel_keys(refs[0], rel_type, refs[1])
        try:
            self.batch.relationships.append(
                RelSpec(rel_type, refs[0], refs[1], props, origin=f"{self.path}:{line_of(rel)}")
            )
        except ModelError as exc:
            self.problem(rel, f"{what}: {exc}")


def _close_keys(key: Any, known: Mapping[str, str]) -> list[str]:
    if not isinstance(key, str):
        return []
    return difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)


def read_curated(path: Path | str) -> GraphBatch:
    """Read a curated article file; raises LoadError listing every problem (file:line)."""
    return CuratedReader(Path(path)).read()
