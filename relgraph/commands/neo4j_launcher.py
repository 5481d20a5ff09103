"""Where the local Neo4j launcher (tools/neo4j) runs from, and where its server keeps its data.

In a source checkout (an editable install included) the launcher is tools/neo4j itself, as
it always was: tools/run-tests, the test suite and bench/ build it and run it there, and the
server's default home is tools/neo4j/run/.

An installed relgraph (a wheel in site-packages) ships only the launcher's sources, as
package data in relgraph/neo4j-launcher/. site-packages is no place to build 125 MB of jars
into: it may be read-only or shared between users, and every upgrade replaces it. So the
first use copies those sources into the per-user cache, in a folder named after their
content hash, and the launcher builds itself there (Maven, on the first start). An upgrade
with an unchanged launcher finds its jars again; a changed one gets a folder of its own.
The server's default home is then a per-user data folder, beside the embedded store.

The two cases are told apart by the package's launcher files: in a checkout they are
symbolic links into tools/neo4j, in a wheel they are copies.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from relgraph.connect import user_folder
from relgraph.graph.values.errors import StoreError

#: The launcher's sources as the package holds them (links in a checkout, files in a wheel).
PACKAGED = Path(__file__).resolve().parents[1] / "neo4j-launcher"
SCRIPT = "neo4j-server"

#: What to install, said once for every message that needs it.
JAVA_HINT = "Java 17 or newer, a JDK (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless)"
MAVEN_HINT = "Maven 3 (Debian/Ubuntu: apt-get install maven)"
DOCKER_HINT = ("With Docker instead: the docker-compose.yml of relgraph's source repository runs "
               "the official Neo4j 5.26 image ('docker compose up -d'); or point NEO4J_URI at any "
               "Neo4j 5 server")


class ServerError(StoreError):
    """The local server could not be started, stopped or found."""


def in_checkout() -> bool:
    """True when relgraph runs from its source tree, where the launcher is tools/neo4j."""
    return (PACKAGED / SCRIPT).is_symlink()


def launcher_sources() -> list[Path]:
    """The files of the packaged launcher (script, pom.xml, Java source, README), sorted."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(PACKAGED, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(Path(folder) / name for name in files)
    return sorted(found)


def launcher_hash() -> str:
    """A digest of the launcher's sources: the cache folder's name, so a build is reused
    exactly as long as what it was built from is the same."""
    digest = hashlib.sha256()
    for path in launcher_sources():
        name = path.relative_to(PACKAGED).as_posix().encode()
        data = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()[:16]


def cache_folder() -> Path:
    """Where installed copies build the launcher: $RELGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/relgraph."""
    override = os.environ.get("RELGRAPH_CACHE_DIR")
    return Path(override).expanduser() if override else user_folder("cache")


def default_home() -> Path:
    """The server's home when neither --home nor $RELGRAPH_NEO4J_HOME names one."""
    if in_checkout():
        return (PACKAGED / SCRIPT).resolve().parent / "run"
    return user_folder("data") / "neo4j"


def installed_launcher(note: Callable[[str], None] | None = None) -> Path:
    """The cached copy of the packaged launcher, made on first use; returns its folder.

    The copy is made in a temporary folder beside it and renamed into place, so that a
    copy cut short is never taken for a launcher and two first starts at once both succeed.
    """
    target = cache_folder() / f"neo4j-launcher-{launcher_hash()}"
    if (target / SCRIPT).is_file():
        return target
    if note:
        note(f"relgraph neo4j: copying the Neo4j launcher into {target}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=target.parent))
        try:
            for source in launcher_sources():
                copy = staging / source.relative_to(PACKAGED)
                copy.parent.mkdir(parents=True, exist_ok=True)
                # New modification times: the script rebuilds when a source is newer than its build.
                shutil.copyfile(source, copy)
            (staging / SCRIPT).chmod(0o755)
            try:
                staging.rename(target)
            except OSError:
                if not (target / SCRIPT).is_file():  # not merely another process that was faster
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ServerError(f"cannot set up the Neo4j launcher in {target}: {exc.strerror or exc}; "
                          "set RELGRAPH_CACHE_DIR to a folder you can write") from None
    return target


def server_script(note: Callable[[str], None] | None = None) -> Path:
    """The launcher script to run: $RELGRAPH_NEO4J_SERVER, tools/neo4j's in a checkout, else the
    cached copy of the packaged one (made now if missing)."""
    override = os.environ.get("RELGRAPH_NEO4J_SERVER")
    if override:
        script = Path(override)
    elif in_checkout():
        script = (PACKAGED / SCRIPT).resolve()
    elif (PACKAGED / SCRIPT).is_file():
        script = installed_launcher(note) / SCRIPT
    else:
        script = PACKAGED / SCRIPT
    if not script.is_file():
        raise ServerError(f"the local Neo4j launcher is not at {script} (an incomplete installation?). "
                          + DOCKER_HINT)
    return script


def needs_first_build(script: Path) -> bool:
    """True before the launcher's jars were ever fetched, when 'start' runs Maven first."""
    return not (script.parent / "lib" / ".build-stamp").exists()


def java_version(java: str) -> int | None:
    """The major version of that Java (8 for "1.8.0_x"), or None if it does not run."""
    try:
        proc = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if proc.returncode or not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def check_build_tools() -> None:
    """Before the first build: Java 17+ with a compiler and Maven, or one error naming what to
    install, rather than a Maven failure forty lines long."""
    java = os.environ.get("RELGRAPH_NEO4J_JAVA", "java")
    missing = []
    version = java_version(java)
    java_home = os.environ.get("JAVA_HOME")
    has_javac = shutil.which("javac") or (java_home and (Path(java_home) / "bin" / "javac").is_file())
    if version is None:
        missing.append(f"{JAVA_HINT}; '{java}' does not run")
    elif version < 17:
        missing.append(f"{JAVA_HINT}; '{java}' is Java {version}")
    elif not has_javac:
        missing.append(f"{JAVA_HINT}; there is a Java runtime but no compiler (javac)")
    if not shutil.which("mvn"):
        missing.append(MAVEN_HINT)
    if missing:
        raise ServerError("the first 'relgraph neo4j start' builds a local Neo4j 5.26 with Maven and "
                          f"needs {' and '.join(missing)}. {DOCKER_HINT}")
