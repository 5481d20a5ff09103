"""A built wheel holds every module and data file of the source tree, or installs would lack them.

The repository keeps graph/, loaders/, queries/ and data/ at the top; relgraph/ reaches
them through symbolic links (see pyproject.toml). This builds a real wheel from the
checkout and compares its files with what the links lead to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_SUFFIXES = {".py", ".cypher", ".yaml", ".html", ".js", ".css", ".txt", ".md"}


#: The local Neo4j launcher's sources, which relgraph/neo4j-launcher/ links to; its build
#: outputs (lib/, target/, run/) stay out of the wheel.
LAUNCHER_SOURCES = ("neo4j-server", "pom.xml", "README.md", "src/main/java/relgraph/neo4j/RelgraphNeo4j.java")


def build_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy, links kept as links, so the build leaves nothing in the checkout."""
    tree = tmp_path_factory.mktemp("source")
    for name in ("relgraph", "graph", "loaders", "queries", "data"):
        shutil.copytree(ROOT / name, tree / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    # Only the launcher's sources, as a clean clone has them (the checkout may hold ~125 MB of
    # jars in lib/, which the wheel must not pick up either way).
    for name in LAUNCHER_SOURCES:
        (tree / "tools" / "neo4j" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "tools" / "neo4j" / name, tree / "tools" / "neo4j" / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(tree)],
                   check=True, capture_output=True, text=True)
    (wheel,) = out.glob("relgraph-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory)


@pytest.fixture(scope="module")
def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if not name.startswith("relgraph-")}


def source_files() -> set[str]:
    """Files under relgraph/, following the links, that an installed relgraph needs."""
    found = set()
    for folder, dirs, files in os.walk(ROOT / "relgraph", followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        base = Path(folder).relative_to(ROOT)
        found.update((base / name).as_posix() for name in files if Path(name).suffix in SHIPPED_SUFFIXES)
    return found


def test_the_links_lead_to_the_top_level_folders():
    for name in ("graph", "loaders", "queries", "data"):
        link = ROOT / "relgraph" / name
        assert link.is_symlink() and link.resolve() == ROOT / name, link


def test_the_wheel_holds_every_module_and_data_file(wheel_files: set[str]):
    expected = source_files()
    assert "relgraph/graph/store.py" in expected and "relgraph/queries/visits.cypher" in expected
    assert expected - wheel_files == set(), "missing from the wheel (package-data in pyproject.toml?)"


def test_the_wheel_ships_the_neo4j_launchers_sources_not_its_build(wheel: Path, wheel_files: set[str]):
    """An installed relgraph builds the launcher from these (relgraph/commands/neo4j_launcher.py)."""
    shipped = {f"relgraph/neo4j-launcher/{name}" for name in LAUNCHER_SOURCES}
    assert shipped <= wheel_files
    assert {name for name in wheel_files if name.startswith("relgraph/neo4j-launcher/")} == shipped
    with zipfile.ZipFile(wheel) as archive:
        mode = archive.getinfo("relgraph/neo4j-launcher/neo4j-server").external_attr >> 16
    assert mode & 0o100, "the launcher script should install executable"
