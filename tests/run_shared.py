"""What the test processes of one run make once and share.

The controller (or the only process, without pytest-xdist) makes a directory for the run
and removes it at the end, dropping the databases made for it. ``made_once`` runs its
function in whichever process asks first, under a file lock; the others wait and read
what it returned. For example, the seeded database every security worker's live server
copies: seeded once, not once per worker (about 8 s of CPU each).
"""

import contextlib
import fcntl
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_DIRECTORY = pytest.StashKey[Path]()


def run_directory_make(config: pytest.Config) -> None:
    """In the controller or the only process: the run's directory, removed at the end."""
    if hasattr(config, "workerinput"):
        return
    directory = Path(tempfile.mkdtemp(prefix="blog-test-run-"))
    config.stash[_DIRECTORY] = directory

    def remove() -> None:
        from tests.servers import database_drop

        databases = directory / "databases"
        for url in databases.read_text().split() if databases.exists() else []:
            database_drop(url=url)
        shutil.rmtree(directory, ignore_errors=True)

    config.add_cleanup(remove)


def run_directory_hand_over(node) -> None:
    """Tell a pytest-xdist worker where the run's directory is."""
    node.workerinput["run_directory"] = str(node.config.stash[_DIRECTORY])


def run_directory(config: pytest.Config) -> Path:
    workerinput = getattr(config, "workerinput", None)
    return Path(workerinput["run_directory"]) if workerinput else config.stash[_DIRECTORY]


@contextlib.contextmanager
def run_lock(config: pytest.Config, name: str) -> Iterator[Path]:
    """Hold the run-wide lock ``name`` (a file lock: one test process at a time)."""
    root = run_directory(config)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield root


def made_once(config: pytest.Config, name: str, make: Callable[[Path], str]) -> str:
    """``make(directory)``'s result, computed by the first process of the run to ask
    (``directory`` is its own, kept for the run); it is made again only if that failed.
    Hold ``run_lock(config, name)`` to use what it made while no other process does."""
    with run_lock(config, name) as root:
        directory, made = root / name, root / f"{name}.made"
        if not made.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            made.write_text(make(directory))
        return made.read_text()


def database_drop_at_end(config: pytest.Config, url: str) -> None:
    """Drop the database copy ``url`` when the run ends."""
    with open(run_directory(config) / "databases", "a") as databases:
        databases.write(url + "\n")
