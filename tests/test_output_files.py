"""Files relgraph replaces (the store, exports, views): no quiet damage, and one clear line when
the system says no (permission denied, file too large).

The CLI runs as real subprocesses: under ``ulimit -f`` (Python ignores SIGXFSZ, so a write
past the limit fails with EFBIG) and, when the tests run as root, without the capabilities
that let root write anywhere (``setpriv``), so that a read-only folder really is one.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.values.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534
#: The capabilities that let root ignore file permissions.
DROPPED = "-dac_override,-dac_read_search,-fowner"


def relgraph(store: Path, *args: str, fsize: int | None = None,
             unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.RLIM_INFINITY))

    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: root may write into read-only folders")
        prefix = ["setpriv", f"--bounding-set={DROPPED}", f"--inh-caps={DROPPED}", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "relgraph.cli", "--backend", "networkx", "--store", str(store),
         "-q", *args],
        capture_output=True, text=True, timeout=300, preexec_fn=limits, cwd=store.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(store.parent)})


@pytest.fixture
def work() -> Iterator[Path]:
    """A fresh folder of the test's own."""
    folder = Path(tempfile.mkdtemp(prefix="relgraph-output-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def store(work: Path) -> Path:
    path = work / "g.snapshot"
    done = relgraph(path, "load")
    assert done.returncode == 0, done.stderr
    path.chmod(0o666)
    return path


def one_error_line(done: subprocess.CompletedProcess[str], *texts: str) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for text in texts:
        assert text in lines[0], lines[0]
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- permissions and kinds of files ----------------------------------------------------------


def test_a_store_write_keeps_mode_and_group_and_a_new_store_gets_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    NetworkxStore(path).run("CREATE (:A)", write=True)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o664)
    group = NOBODY if os.geteuid() == 0 else path.stat().st_gid
    os.chown(path, -1, group)
    NetworkxStore(path).run("CREATE (:B)", write=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert path.stat().st_gid == group


def test_a_read_only_store_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    with NetworkxStore(path) as store:  # closed: its log is in the file before the bytes are taken
        store.run("CREATE (:A)", write=True)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=f"{path} is read-only"):
        NetworkxStore(path).run("CREATE (:B)", write=True)
    assert path.read_bytes() == before
    assert NetworkxStore(path).counts().nodes == 1  # reading it still works


def make_non_regular(path: Path, kind: str, work: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        (work / "target.txt").write_text("keep me")
        path.symlink_to(work / "target.txt")
    elif kind == "dangling symlink":
        path.symlink_to(work / "nowhere")
    else:
        path.mkdir()


def unchanged(path: Path, kind: str, work: Path) -> bool:
    mode = os.lstat(path).st_mode
    if kind == "fifo":
        return stat.S_ISFIFO(mode)
    if kind == "symlink":
        return stat.S_ISLNK(mode) and (work / "target.txt").read_text() == "keep me"
    if kind == "dangling symlink":
        return stat.S_ISLNK(mode) and not (work / "nowhere").exists()
    return stat.S_ISDIR(mode)


@pytest.mark.parametrize("kind", ["fifo", "symlink", "dangling symlink", "folder"])
@pytest.mark.parametrize("command", ["export", "view"])
def test_force_never_replaces_what_is_not_a_regular_file(store: Path, work: Path, kind: str,
                                                         command: str) -> None:
    target = work / ("out.json" if command == "export" else "out.html")
    make_non_regular(target, kind, work)
    done = relgraph(store, command, "-o", str(target), "--force")
    one_error_line(done, str(target))
    assert unchanged(target, kind, work)
    assert not leftovers(work)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_store_path_that_is_not_a_regular_file_is_refused(work: Path, kind: str) -> None:
    path = work / "g.snapshot"
    make_non_regular(path, kind, work)
    done = relgraph(path, "load")
    one_error_line(done, str(path), "not a regular file")
    assert unchanged(path, kind, work)


def test_a_store_behind_a_symlink_is_read_but_never_replaced(store: Path, work: Path) -> None:
    link = work / "link.snapshot"
    link.symlink_to(store)
    before = store.read_bytes()
    assert relgraph(link, "stats").returncode == 0
    done = relgraph(link, "load", "--replace")
    one_error_line(done, str(link), "symbolic link")
    assert link.is_symlink() and store.read_bytes() == before


# --- the system says no -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["export", "view", "load"])
def test_file_too_large_is_one_line_naming_the_file_and_keeps_the_old_one(store: Path, work: Path,
                                                                         command: str) -> None:
    target = {"export": work / "out.json", "view": work / "out.html", "load": store}[command]
    if command != "load":
        target.write_text("old")
    before = target.read_bytes()
    args = ["load", "--replace"] if command == "load" else [command, "-o", str(target), "--force"]
    # export, view: room for the store's shared-memory index (32 KiB), not for the output
    done = relgraph(store, *args, fsize=65536 if command != "load" else 4096)
    if command == "load":  # SQLite reports the file it cannot extend as an I/O error
        one_error_line(done, f"{target}: cannot", "ulimit -f")
    else:
        one_error_line(done, f"{target}: File too large")
    assert target.read_bytes() == before
    assert not [name for name in leftovers(work) if not name.endswith(".lock")]


def read_only_folder(work: Path) -> Path:
    folder = work / "ro"
    folder.mkdir()
    (folder / "out.json").write_text("old")
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("command", ["export", "view"])
def test_permission_denied_on_an_output_is_one_line_naming_it(store: Path, work: Path, command: str) -> None:
    folder = read_only_folder(work)
    target = folder / "out.json"
    done = relgraph(store, command, "-o", str(target), "--force", unprivileged=True)
    one_error_line(done, f"{target}: Permission denied")
    assert target.read_text() == "old"
    assert sorted(p.name for p in folder.iterdir()) == ["out.json"]


def test_permission_denied_on_the_store_is_one_line_naming_it(store: Path, work: Path) -> None:
    folder = work / "ro"
    folder.mkdir()
    shutil.copy(store, folder / "g.snapshot")
    (folder / "g.snapshot").chmod(0o666)
    folder.chmod(0o555)
    done = relgraph(folder / "g.snapshot", "load", "--replace", unprivileged=True)
    one_error_line(done, f"{folder / 'g.snapshot'}: ", "Permission denied")
    assert (folder / "g.snapshot").read_bytes() == store.read_bytes()
    assert relgraph(folder / "g.snapshot", "stats", unprivileged=True).returncode == 0
