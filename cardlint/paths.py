"""Reading files cardlint did not write: only regular files, never blocking, never more than a limit, and
for paths that come from a configuration file, never outside the repository that holds it."""
from __future__ import annotations

import os
import stat
from contextlib import contextmanager, suppress
from pathlib import Path

# A template or a rule-pack file is a few kilobytes; this is far above any real one.
SIDE_FILE_LIMIT = 5_000_000


class NotRegular(OSError):
    """The path is a FIFO, a device, a socket or a folder: never read as a card."""


def open_regular(path: str) -> tuple[int, os.stat_result]:
    """(fd, stat) of a regular file, opened without blocking (a FIFO would wait for a writer forever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegular(f"not a regular file (a {kind(st.st_mode)})")
    return fd, st


def kind(mode: int) -> str:
    return ("FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "folder" if stat.S_ISDIR(mode) else "socket" if stat.S_ISSOCK(mode) else "special file")


def read_regular(path: str | Path, limit: int = SIDE_FILE_LIMIT) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; OSError (with a reason) otherwise."""
    fd, _ = open_regular(str(path))
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than {limit:,} bytes")
    return data


def reason(exc: OSError) -> str:
    return str(exc) if isinstance(exc, NotRegular) or not exc.strerror else exc.strerror


def repository_root(folder: Path) -> Path:
    """The nearest folder at or above `folder` that holds .git; `folder` itself when there is none."""
    folder = Path(os.path.realpath(folder))
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def within(path: str, root: Path) -> bool:
    """Whether `path`, once every symbolic link is followed, is inside `root`."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


@contextmanager
def output_file(path: str):
    """A text file for an output (-o, SARIF): written beside its target and renamed into place only when
    complete, so that a run that fails half-way leaves no truncated report behind (nor an old one altered)."""
    import tempfile  # only when an output file is written: not at start-up
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".cardlint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
