"""Hostile inputs for every loader, generated from the seeds, seeded and deterministic.

Each generator yields :class:`Case` objects: the files of one input and the one to load.
Mutations of real exports (truncations, byte flips, re-encodings) find what a reader assumes
about its input; the templates (:data:`TEMPLATES`) put one chosen value into the positions
that matter in each format (a node's id, key, labels, a relationship's type, a typed
property), which is how nulls, lone surrogates, huge numbers and duplicates reach every
reader the same way. Bombs and external entities run isolated (``Case.isolated``): in a
child process with a memory limit, so a reader without a limit fails the test instead of
the machine.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from .seeds import Seed, seeds

#: Every format a loader reads: exported files, the neo4j-admin CSV folder and zip, curated YAML.
FORMATS = ("json", "jsonl", "graphml", "csv", "zip", "cypher", "yaml")


@dataclass(frozen=True)
class Case:
    """One hostile input: ``files`` written into a fresh folder, then ``entry`` loaded."""

    category: str
    fmt: str
    name: str
    files: dict[str, bytes] = field(repr=False)
    entry: str
    isolated: bool = False  # run in a child process with a memory limit (bombs)

    @property
    def label(self) -> str:
        return f"{self.category}/{self.fmt}/{self.name}"


def _with(
    seed: Seed, category: str, name: str, data: bytes, *, file: str | None = None, isolated: bool = False
) -> Case:
    """The seed with one file replaced (its main file unless named)."""
    files = dict(seed.files)
    files[file or seed.main] = data
    return Case(category, seed.fmt, name, files, seed.entry, isolated)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_members(seed: Seed) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(seed.files[seed.entry])) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _text_mutants(
    seed: Seed, category: str, name: str, change: Callable[[bytes], bytes], *, archive: bool = True
) -> Iterator[Case]:
    """``change`` applied to the seed's main file; for the zip, to a member inside the archive
    too (only there when ``archive`` is false), since the archive's own checks (CRC) would
    otherwise catch most damage first."""
    if archive or seed.fmt != "zip":
        yield _with(seed, category, name, change(seed.files[seed.main]))
    if seed.fmt == "zip":
        members = _zip_members(seed)
        target = sorted(members)[-1]
        members[target] = change(members[target])
        yield _with(seed, category, f"{name}-member", _zip(members))


# --- truncations and byte flips -----------------------------------------------------------------


def truncations(rng: random.Random, per_format: int) -> Iterator[Case]:
    """The main file cut at the first bytes, the last bytes and ``per_format`` random offsets."""
    for seed in seeds().values():
        data = seed.files[seed.main]
        offsets = {0, 1, len(data) // 2, len(data) - 1}
        offsets.update(rng.randrange(len(data)) for _ in range(per_format))
        for offset in sorted(offsets):
            yield from _text_mutants(seed, "truncation", f"cut-at-{offset}", lambda d, n=offset: d[:n])


def byte_flips(rng: random.Random, per_format: int) -> Iterator[Case]:
    """One to three bytes replaced by random ones, at random offsets."""
    for seed in seeds().values():
        for index in range(per_format):
            size = len(seed.files[seed.main])
            spots = [(rng.randrange(size), rng.randrange(256)) for _ in range(rng.randint(1, 3))]

            def flip(data: bytes, spots: list[tuple[int, int]] = spots) -> bytes:
                out = bytearray(data)
                for at, value in spots:
                    out[at % len(out)] = value
                return bytes(out)

            where = ",".join(f"{at}={value:02x}" for at, value in spots)
            yield from _text_mutants(seed, "byte-flip", f"{index}:{where}", flip)


# --- encodings -----------------------------------------------------------------------------------


def _accented(data: bytes) -> str:
    """The seed's text with non-ASCII letters in a name, so that a wrong encoding shows."""
    text = data.decode("utf-8")
    for plain in ("Navoi", "Alphaland"):
        if plain in text:
            return text.replace(plain, "Navoïy–Ñ" if plain == "Navoi" else "Älphaländ", 1)
    return text


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-32": lambda t: t.encode("utf-32"),
    "latin-1": lambda t: t.replace("–", "-").encode("latin-1", errors="replace"),
    "cp1252": lambda t: t.encode("cp1252", errors="replace"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "double-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8-sig"),
    "bom-then-latin-1": lambda t: b"\xef\xbb\xbf" + t.replace("–", "-").encode("latin-1", errors="replace"),
    "nul-bytes": lambda t: t.encode().replace(b"\n", b"\x00\n", 3),
    "cesu-surrogate": lambda t: t.encode().replace(b"\xc3\xaf", b"\xed\xa0\x80", 1),
    "overlong-slash": lambda t: t.encode().replace(b"\xc3\xaf", b"\xc0\xaf", 1),
    "crlf": lambda t: t.replace("\n", "\r\n").encode(),
    "cr-only": lambda t: t.replace("\n", "\r").encode(),
    "empty": lambda t: b"",
    "bom-only": lambda t: b"\xef\xbb\xbf",
    "whitespace-only": lambda t: b" \n\t\n",
}


def encodings(rng: random.Random, per_format: int) -> Iterator[Case]:
    """Every seed in every encoding of :data:`ENCODINGS` (``per_format`` is not used: each is one case)."""
    for seed in seeds().values():
        for name, encode in ENCODINGS.items():
            yield from _text_mutants(
                seed, "encoding", name, lambda d, e=encode: e(_accented(d)), archive=False
            )


# --- templates: one value in the positions that matter ----------------------------------------------


@dataclass(frozen=True)
class Slots:
    """Raw text for each position of a template, in the format's own syntax."""

    id: str = '"a"'
    key: str = '"a"'
    labels: str = '["A"]'
    type: str = '"R"'
    value: str = "1"
    value_type: str = "long"  # for formats that type their columns (GraphML, CSV)
    name: str = '"v"'  # a property name


def _unquote(raw: str) -> str:
    return raw[1:-1] if raw.startswith('"') and raw.endswith('"') else raw


def _labels(s: Slots) -> list[str]:
    """The labels slot (JSON text) as the names formats without JSON spell out themselves."""
    return [] if s.labels == "null" else [_unquote(x.strip()) for x in s.labels.strip("[]").split(",")]


def _json_doc(s: Slots) -> bytes:
    return (
        f'{{"directed": true, "multigraph": true, "graph": {{}}, "nodes": ['
        f'{{"id": {s.id}, "labels": {s.labels}, "key": {s.key}, {s.name}: {s.value}}}, '
        f'{{"id": "b", "labels": ["B"]}}], "links": ['
        f'{{"source": {s.id}, "target": "b", "type": {s.type}, {s.name}: {s.value}}}]}}\n'
    ).encode()


def _jsonl_doc(s: Slots) -> bytes:
    return (
        f'{{"type": "node", "id": {s.id}, "labels": {s.labels}, "properties": {{"key": {s.key}, '
        f"{s.name}: {s.value}}}}}\n"
        f'{{"type": "node", "id": "b", "labels": ["B"], "properties": {{"key": "b"}}}}\n'
        f'{{"type": "relationship", "id": "r", "label": {s.type}, "properties": {{{s.name}: {s.value}}}, '
        f'"start": {{"id": {s.id}, "labels": {s.labels}}}, '
        f'"end": {{"id": "b", "labels": ["B"]}}}}\n'
    ).encode()


def _graphml_doc(s: Slots) -> bytes:
    labels = "".join(f":{label}" for label in _labels(s))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        f'  <key id="n.key" for="node" attr.name="key" attr.type="string"/>\n'
        f'  <key id="n.v" for="node" attr.name="{_unquote(s.name)}" attr.type="{s.value_type}"/>\n'
        f'  <key id="e.v" for="edge" attr.name="{_unquote(s.name)}" attr.type="{s.value_type}"/>\n'
        f'  <graph id="G" edgedefault="directed">\n'
        f'    <node id="{_unquote(s.id)}" labels="{labels}"><data key="n.key">{_unquote(s.key)}</data>'
        f'<data key="n.v">{_unquote(s.value)}</data></node>\n'
        f'    <node id="b" labels=":B"/>\n'
        f'    <edge source="{_unquote(s.id)}" target="b" label="{_unquote(s.type)}">'
        f'<data key="e.v">{_unquote(s.value)}</data></edge>\n'
        f"  </graph>\n</graphml>\n"
    ).encode()


def _csv_files(s: Slots) -> dict[str, bytes]:
    labels = ";".join(_labels(s))
    name, value, node = _unquote(s.name), _unquote(s.value), _unquote(s.id)
    return {
        "nodes.csv": f"key:ID,:LABEL,{name}:{s.value_type}\n{node},{labels},{value}\nb,B,\n".encode(),
        "relationships.csv": (
            f":START_ID,:END_ID,:TYPE,{name}:{s.value_type}\n{_unquote(s.id)},b,{_unquote(s.type)},{value}\n"
        ).encode(),
    }


def _cypher_doc(s: Slots) -> bytes:
    labels = "".join(f":{label}" for label in _labels(s))
    key = "'" + _unquote(s.key) + "'" if s.key.startswith('"') else s.key
    value = "'" + _unquote(s.value) + "'" if s.value.startswith('"') else s.value
    return (
        f"CREATE (a{labels} {{key: {key}, {_unquote(s.name)}: {value}}})"
        f"-[:{_unquote(s.type)} {{{_unquote(s.name)}: {value}}}]->(b:B {{key: 'b'}});\n"
    ).encode()


def _yaml_doc(s: Slots) -> bytes:
    label = _unquote(s.labels.strip("[]").split(",")[0].strip()) if s.labels not in ("null", "[]") else "~"
    return (
        f"source:\n  key: fuzz-source\n  title: Fuzz relations\n  file: source.txt\n"
        f"  sections: [Lead, History]\nnodes:\n"
        f"  - key: {s.key}\n    label: {label}\n    name: Alphaland\n    {s.name}: {s.value}\n"
        f'    section: Lead\n    quote: "Alphaland and Betaland are neighbours."\n'
        f"    out:\n      - type: {s.type}\n        to: b\n        {s.name}: {s.value}\n"
        f"  - key: b\n    label: Country\n    name: Betaland\n    section: History\n"
        f'    quote: "Betaland was founded in 1991."\n'
    ).encode()


TEMPLATES: dict[str, Callable[[Slots], dict[str, bytes]]] = {
    "json": lambda s: {"t.json": _json_doc(s)},
    "jsonl": lambda s: {"t.jsonl": _jsonl_doc(s)},
    "graphml": lambda s: {"t.graphml": _graphml_doc(s)},
    "csv": _csv_files,
    "zip": lambda s: {"t.zip": _zip(_csv_files(s))},
    "cypher": lambda s: {"t.cypher": _cypher_doc(s)},
    "yaml": lambda s: {"t.yaml": _yaml_doc(s), "source.txt": seeds()["yaml"].files["source.txt"]},
}
ENTRIES = {
    "json": "t.json",
    "jsonl": "t.jsonl",
    "graphml": "t.graphml",
    "csv": ".",
    "zip": "t.zip",
    "cypher": "t.cypher",
    "yaml": "t.yaml",
}


def _templated(category: str, name: str, slots: Slots, formats: tuple[str, ...] = FORMATS) -> Iterator[Case]:
    for fmt in formats:
        yield Case(category, fmt, name, TEMPLATES[fmt](slots), ENTRIES[fmt])


def templates_valid(rng: random.Random, per_format: int) -> Iterator[Case]:
    """The templates with ordinary values: they must load, or the other template cases test nothing."""
    yield from _templated("template", "valid", Slots())


# --- lone surrogates --------------------------------------------------------------------------------


def surrogates(rng: random.Random, per_format: int) -> Iterator[Case]:
    """``\\ud800`` and friends where text goes: values, keys, ids, labels, types, property names."""
    for escape in ("\\ud800", "\\udfff", "x\\udc00y", "\\ud83d"):
        yield from _templated(
            "surrogate",
            f"value-{escape}",
            Slots(value=f'"{escape}"', value_type="string"),
            ("json", "jsonl", "cypher", "yaml"),
        )
        yield from _templated(
            "surrogate", f"list-{escape}", Slots(value=f'["ok", "{escape}"]'), ("json", "jsonl", "yaml")
        )
    lone = "\\ud800"
    yield from _templated("surrogate", "key", Slots(key=f'"k{lone}"'), ("json", "jsonl", "cypher"))
    yield from _templated("surrogate", "id", Slots(id=f'"a{lone}"'), ("json", "jsonl"))
    yield from _templated("surrogate", "label", Slots(labels=f'["A{lone}"]'), ("json", "jsonl"))
    yield from _templated("surrogate", "type", Slots(type=f'"R{lone}"'), ("json", "jsonl"))
    yield from _templated("surrogate", "property-name", Slots(name=f'"v{lone}"'), ("json", "jsonl", "yaml"))
    yield from _templated("surrogate", "cypher-label", Slots(labels=f"[`A{lone}`]"), ("cypher",))
    yield from _templated("surrogate", "yaml-key", Slots(key=f'"k{lone}"'), ("yaml",))
    # XML and CSV cannot spell a lone surrogate except as a character reference or as bytes
    yield from _templated(
        "surrogate", "xml-char-ref", Slots(value="&#xD800;", value_type="string"), ("graphml",)
    )
    yield from _templated("surrogate", "cesu-bytes", Slots(value="\udcff", value_type="string"), ())
    yield Case(
        "surrogate",
        "csv",
        "utf8-encoded-surrogate",
        {"nodes.csv": b"key:ID,:LABEL,v\na,A,x\xed\xa0\x80y\n"},
        ".",
    )
    yield from _templated(
        "surrogate",
        "valid-pair",
        Slots(value='"\\ud83d\\ude00"', value_type="string"),
        ("json", "jsonl", "cypher", "yaml"),
    )


# --- huge numbers -----------------------------------------------------------------------------------


HUGE = "9" * 5000


def huge_numbers(rng: random.Random, per_format: int) -> Iterator[Case]:
    """5,000-digit integers, 1e400, NaN and the 64-bit edges, as values in every typed position."""
    long_values = {
        "5000-digits": HUGE,
        "minus-5000-digits": "-" + HUGE,
        "2^63": str(2**63),
        "2^64": str(2**64),
        "-2^63-1": str(-(2**63) - 1),
        "2^63-1": str(2**63 - 1),
    }
    double_values = {
        "1e400": "1e400",
        "-1e400": "-1e400",
        "1e-400": "1e-400",
        "NaN": "NaN",
        "Infinity": "Infinity",
        "-Infinity": "-Infinity",
        "5000-digit-float": HUGE + ".5",
    }
    for name, text in long_values.items():
        yield from _templated("huge-number", name, Slots(value=text, value_type="long"))
    for name, text in double_values.items():
        yield from _templated(
            "huge-number",
            name,
            Slots(value=text, value_type="double"),
            ("json", "jsonl", "graphml", "csv", "zip", "cypher"),
        )
    yield from _templated("huge-number", "yaml-inf", Slots(value=".inf"), ("yaml",))
    yield from _templated("huge-number", "yaml-nan", Slots(value=".nan"), ("yaml",))
    yield from _templated("huge-number", "yaml-1e400", Slots(value="1.0e+400"), ("yaml",))
    yield from _templated(
        "huge-number", "list-of-huge", Slots(value=f"[1, {HUGE}]"), ("json", "jsonl", "cypher")
    )
    yield from _templated("huge-number", "huge-id", Slots(id=HUGE), ("json", "jsonl"))
    yield from _templated("huge-number", "huge-key", Slots(key=HUGE), ("json", "jsonl", "cypher"))
    yield from _templated(
        "huge-number",
        "graphml-int-list",
        Slots(value=f"[{HUGE}]", value_type='string" attr.list="long'),
        ("graphml",),
    )
    yield from _templated(
        "huge-number", "csv-long-array", Slots(value=f"1;{HUGE}", value_type="long[]"), ("csv",)
    )


# --- nulls and empties in identity positions ------------------------------------------------------------


def nulls(rng: random.Random, per_format: int) -> Iterator[Case]:
    """null (or nothing) where a node's id, key or labels or a relationship's type go."""
    json_like = ("json", "jsonl")
    for name, slots in {
        "id-null": Slots(id="null"),
        "key-null": Slots(key="null"),
        "labels-null": Slots(labels="null"),
        "label-item-null": Slots(labels="[null]"),
        "labels-empty": Slots(labels="[]"),
        "type-null": Slots(type="null"),
        "id-empty": Slots(id='""'),
        "key-empty": Slots(key='""'),
        "type-empty": Slots(type='""'),
        "label-empty": Slots(labels='[""]'),
        "id-object": Slots(id="{}"),
        "id-list": Slots(id="[1, 2]"),
        "id-bool": Slots(id="true"),
        "key-number": Slots(key="7"),
        "key-list": Slots(key='["a"]'),
        "value-null": Slots(value="null"),
        "list-with-null": Slots(value='["a", null]'),
        "name-empty": Slots(name='""'),
        "labels-string": Slots(labels='"A"'),
        "type-number": Slots(type="3"),
    }.items():
        yield from _templated("null-identity", name, slots, json_like)
    for name, doc in {
        "id-null-no-key": Slots(id="null"),
        "id-list-no-key": Slots(id="[1]"),
        "id-bool-no-key": Slots(id="false"),
    }.items():
        for fmt in json_like:
            files = {n: d.replace(b'"key": "a", ', b"") for n, d in TEMPLATES[fmt](doc).items()}
            yield Case("null-identity", fmt, name, files, ENTRIES[fmt])
    for name, slots in {
        "id-empty": Slots(id=""),
        "type-empty": Slots(type=""),
        "labels-empty": Slots(labels="[]"),
        "key-empty": Slots(key=""),
    }.items():
        yield from _templated("null-identity", name, slots, ("graphml", "csv", "zip"))
    for name, slots in {
        "key-null": Slots(key="null"),
        "key-empty": Slots(key="''"),
        "label-null": Slots(labels="null"),
        "type-null": Slots(type="~"),
        "key-tilde": Slots(key="~"),
        "value-null": Slots(value="~"),
    }.items():
        yield from _templated("null-identity", name, slots, ("yaml",))
    for name, slots in {
        "key-null": Slots(key="null"),
        "value-null": Slots(value="null"),
        "key-empty": Slots(key="''"),
    }.items():
        yield from _templated("null-identity", name, slots, ("cypher",))


# --- duplicates ---------------------------------------------------------------------------------------


def duplicates(rng: random.Random, per_format: int) -> Iterator[Case]:
    """Duplicate keys in one object, columns, GraphML keys, YAML keys, node ids and lines."""
    yield from _templated("duplicate", "json-key", Slots(key='"a", "key": "other"'), ("json", "jsonl"))
    yield from _templated("duplicate", "json-id", Slots(id='"a", "id": "b"'), ("json",))
    yield from _templated("duplicate", "json-labels", Slots(labels='["A"], "labels": ["B"]'), ("json",))
    yield from _templated("duplicate", "yaml-key", Slots(name="v", value="1\n    v: 2"), ("yaml",))
    yield from _templated("duplicate", "node-id", Slots(id='"b"'), ("json", "jsonl", "graphml", "csv", "zip"))
    yield from _templated("duplicate", "label-twice", Slots(labels='["A", "A"]'), FORMATS)
    csv = _csv_files(Slots())
    csv["nodes.csv"] = b"key:ID,:LABEL,v:long,v:long\na,A,1,2\nb,B,,\n"
    yield Case("duplicate", "csv", "column", csv, ".")
    csv2 = _csv_files(Slots())
    csv2["nodes.csv"] = b"key:ID,:LABEL,key:ID\na,A,b\nb,B,c\n"
    yield Case("duplicate", "csv", "id-column", csv2, ".")
    csv3 = _csv_files(Slots())
    csv3["nodes-2.csv"] = csv3["nodes.csv"]
    yield Case("duplicate", "csv", "same-file-twice", csv3, ".")
    graphml = _graphml_doc(Slots()).replace(
        b'<key id="n.v"', b'<key id="n.v" for="node" attr.name="w" attr.type="boolean"/>\n  <key id="n.v"', 1
    )
    yield Case("duplicate", "graphml", "key-id", {"t.graphml": graphml}, "t.graphml")
    graphml2 = _graphml_doc(Slots()).replace(
        b'<data key="n.v">1</data>', b'<data key="n.v">1</data><data key="n.v">2</data>'
    )
    yield Case("duplicate", "graphml", "data-twice", {"t.graphml": graphml2}, "t.graphml")
    jsonl = _jsonl_doc(Slots())
    yield Case("duplicate", "jsonl", "every-line-twice", {"t.jsonl": jsonl + jsonl}, "t.jsonl")
    cypher = _cypher_doc(Slots())
    yield Case("duplicate", "cypher", "script-twice", {"t.cypher": cypher + cypher}, "t.cypher")


# --- deep nesting ------------------------------------------------------------------------------------------


def nesting(rng: random.Random, per_format: int) -> Iterator[Case]:
    """Nesting far past any sane document: arrays in arrays, XML in XML, YAML flows, Cypher lists."""
    for depth in (50, 10_000):
        deep = "[" * depth + "]" * depth
        yield from _templated(
            "nesting", f"value-{depth}", Slots(value=deep), ("json", "jsonl", "yaml", "cypher")
        )
        yield from _templated(
            "nesting", f"map-{depth}", Slots(value='{"a": ' * depth + "1" + "}" * depth), ("json", "jsonl")
        )
        yield Case("nesting", "json", f"top-{depth}", {"t.json": deep.encode()}, "t.json")
        yield Case("nesting", "jsonl", f"line-{depth}", {"t.jsonl": deep.encode() + b"\n"}, "t.jsonl")
        yield from _templated(
            "nesting", f"cypher-parens-{depth}", Slots(value="(" * depth + "1" + ")" * depth), ("cypher",)
        )
        yield from _templated(
            "nesting", f"cypher-not-{depth}", Slots(value="NOT " * depth + "true"), ("cypher",)
        )
        yield from _templated("nesting", f"cypher-minus-{depth}", Slots(value="-" * depth + "1"), ("cypher",))
        xml = _graphml_doc(Slots()).replace(b"</graph>", b"<x>" * depth + b"</x>" * depth + b"</graph>")
        yield Case("nesting", "graphml", f"elements-{depth}", {"t.graphml": xml}, "t.graphml")
        yaml_block = "".join(f"\n{'  ' * (i + 3)}k:" for i in range(min(depth, 3000))) + " 1"
        yield from _templated("nesting", f"yaml-block-{min(depth, 3000)}", Slots(value=yaml_block), ("yaml",))


# --- bombs and external entities -------------------------------------------------------------------


@cache
def zip_bomb() -> bytes:
    """A 1.3 MB zip holding a nodes.csv of 1.3 GB: a header, then one row of a never-ending name."""
    head = b"key:ID,:LABEL,name\na,A,"
    chunk = b"x" * (1 << 20)
    size = 1300 << 20
    # a full flush ends each block on a byte boundary with no reference to earlier data, so the
    # compressed chunk can be repeated as is: seconds of compression become one
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    parts = [first, block * (size >> 20), compressor.flush(zlib.Z_FINISH)]
    crc = zlib.crc32(head)
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    body = b"".join(parts)
    total = len(head) + size
    name = b"nodes.csv"
    local = (
        b"PK\x03\x04"
        + (20).to_bytes(2, "little")
        + b"\x00\x00"
        + (8).to_bytes(2, "little")
        + b"\x00\x00\x21\x00"
        + crc.to_bytes(4, "little")
        + len(body).to_bytes(4, "little")
        + total.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + b"\x00\x00"
        + name
    )
    central = (
        b"PK\x01\x02"
        + (20).to_bytes(2, "little")
        + (20).to_bytes(2, "little")
        + b"\x00\x00"
        + (8).to_bytes(2, "little")
        + b"\x00\x00\x21\x00"
        + crc.to_bytes(4, "little")
        + len(body).to_bytes(4, "little")
        + total.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + b"\x00\x00" * 4
        + b"\x00\x00\x00\x00"
        + b"\x00\x00\x00\x00"
        + name
    )
    offset = len(local) + len(body)
    end = (
        b"PK\x05\x06"
        + b"\x00\x00" * 2
        + (1).to_bytes(2, "little") * 2
        + len(central).to_bytes(4, "little")
        + offset.to_bytes(4, "little")
        + b"\x00\x00"
    )
    return local + body + central + end


def _laughs(levels: int, fanout: int) -> str:
    lines = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        lines.append(f'<!ENTITY lol{level} "{("&lol" + str(level - 1) + ";") * fanout}">')
    return "\n".join(lines)


def _with_doctype(doctype: str, value: str) -> bytes:
    doc = _graphml_doc(Slots(value=value, value_type="string")).decode()
    head, rest = doc.split("\n", 1)
    return f"{head}\n<!DOCTYPE graphml [\n{doctype}\n]>\n{rest}".encode()


def bombs(
    rng: random.Random,
    per_format: int,
    *,
    secret_file: str = "/nonexistent/relgraph-fuzz-secret",
    listener: str = "http://127.0.0.1:9/relgraph-fuzz",
) -> Iterator[Case]:
    """Decompression and entity bombs, external entities pointing at ``secret_file`` and at
    ``listener`` (which must hear nothing), and YAML aliases that multiply. Only the bombs run
    isolated: the rest are dangerous for what they reach, not for what they cost."""
    yield Case("bomb", "zip", "zip-1.3GB-member", {"t.zip": zip_bomb()}, "t.zip", isolated=True)
    many = _zip({f"nodes-{i}.csv": b"key:ID,:LABEL\n" for i in range(5_000)})
    yield Case("bomb", "zip", "zip-5000-members", {"t.zip": many}, "t.zip", isolated=True)
    yield Case(
        "bomb",
        "graphml",
        "billion-laughs",
        {"t.graphml": _with_doctype(_laughs(9, 10), "&lol9;")},
        "t.graphml",
        isolated=True,
    )
    big = "x" * 100_000
    yield Case(
        "bomb",
        "graphml",
        "quadratic-blowup",
        {"t.graphml": _with_doctype(f'<!ENTITY big "{big}">', "&big;" * 20_000)},
        "t.graphml",
        isolated=True,
    )
    for name, doctype in {
        "external-file-entity": f'<!ENTITY xxe SYSTEM "file://{secret_file}">',
        "external-http-entity": f'<!ENTITY xxe SYSTEM "{listener}/entity">',
        "external-parameter-entity": f'<!ENTITY % ext SYSTEM "{listener}/dtd"> %ext;',
    }.items():
        value = "" if "parameter" in name else "&xxe;"
        yield Case("bomb", "graphml", name, {"t.graphml": _with_doctype(doctype, value)}, "t.graphml")
    doc = _graphml_doc(Slots()).decode().split("\n", 1)
    yield Case(
        "bomb",
        "graphml",
        "external-dtd",
        {"t.graphml": f'{doc[0]}\n<!DOCTYPE graphml SYSTEM "{listener}/graphml.dtd">\n{doc[1]}'.encode()},
        "t.graphml",
    )
    xinclude = _graphml_doc(
        Slots(
            value=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            f'href="file://{secret_file}" parse="text"/>',
            value_type="string",
        )
    )
    yield Case("bomb", "graphml", "xinclude", {"t.graphml": xinclude}, "t.graphml")
    aliases = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    aliases += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    yaml = _yaml_doc(Slots(value="*a8")).decode()
    yield Case(
        "bomb",
        "yaml",
        "alias-billion-laughs",
        {
            "t.yaml": ("\n".join(aliases) + "\n" + yaml).encode(),
            "source.txt": seeds()["yaml"].files["source.txt"],
        },
        "t.yaml",
        isolated=True,
    )
    cypher = b"LOAD CSV FROM 'file://" + secret_file.encode() + b"' AS row CREATE (:A {key: row[0]});\n"
    yield Case("bomb", "cypher", "load-csv-file", {"t.cypher": cypher}, "t.cypher")
    yaml_tag = _yaml_doc(Slots(value="!!python/object/apply:os.system ['touch /tmp/relgraph-fuzz-pwned']"))
    yield Case(
        "bomb",
        "yaml",
        "python-tag",
        {"t.yaml": yaml_tag, "source.txt": seeds()["yaml"].files["source.txt"]},
        "t.yaml",
    )


#: Category -> generator(rng, per_format): the cases of one kind.
GENERATORS: dict[str, Callable[[random.Random, int], Iterator[Case]]] = {
    "template": templates_valid,
    "truncation": truncations,
    "byte-flip": byte_flips,
    "encoding": encodings,
    "surrogate": surrogates,
    "huge-number": huge_numbers,
    "null-identity": nulls,
    "duplicate": duplicates,
    "nesting": nesting,
    "bomb": bombs,
}


def generate(category: str, seed: int, per_format: int, **options: str) -> list[Case]:
    """The cases of ``category``: the same list for the same seed and size."""
    rng = random.Random(f"{category}:{seed}")
    generator = GENERATORS[category]
    cases = generator(rng, per_format, **options) if options else generator(rng, per_format)  # type: ignore[call-arg]
    return list(cases)
