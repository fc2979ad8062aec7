"""Baselines for repositories with many existing cards: record today's findings, report only new ones.

A finding matches a recorded one by rule code, file and the text of its line (not the line number),
so edits elsewhere in a card do not bring old findings back."""
from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

from .engine_rules import internal_error
from .errors import UsageError

VERSION = 1


def _key(finding, root: Path) -> tuple[str, str, str]:
    try:
        rel = Path(os.path.abspath(finding.path)).relative_to(root).as_posix()
    except ValueError:
        rel = Path(finding.path).as_posix()
    return finding.code, rel, finding.line_text.strip()


def write(path: str, results) -> int:
    root = Path(os.path.abspath(path)).parent
    counts = Counter(_key(f, root) for r in results for f in r.findings)
    entries = [{"code": c, "path": p, "line_text": t, "count": n} for (c, p, t), n in sorted(counts.items())]
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"version": VERSION, "findings": entries}, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path!r}: {exc.strerror}") from None
    return sum(counts.values())


def read(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        return Counter({(e["code"], e["path"], e["line_text"]): int(e.get("count", 1)) for e in data["findings"]})
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path!r}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"baseline {path!r} is not a cardlint baseline: {exc}") from None


def apply(path: str, results) -> int:
    """Drop the findings the baseline records (each recorded occurrence absorbs one); return how many."""
    remaining = read(path)
    root = Path(os.path.abspath(path)).parent
    dropped = 0
    for r in results:
        kept = []
        for f in r.findings:
            key = _key(f, root)
            if remaining[key] > 0 and not internal_error.owns(f):
                remaining[key] -= 1
                dropped += 1
            else:
                kept.append(f)
        r.findings = kept
    return dropped


def changed_files(ref: str) -> set[str]:
    """Absolute paths of files changed since a git ref (committed, staged or not, and untracked)."""
    def git(*args: str, failure: str | None = None) -> str:
        try:
            proc = subprocess.run(["git", *args], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"--diff-base needs git: {exc}") from None
        if proc.returncode != 0:
            raise UsageError(f"--diff-base {ref}: {failure or (proc.stderr.strip().splitlines() or ['git failed'])[-1]}")
        return proc.stdout
    if not ref or ref.startswith("-"):  # git would read it as an option (--output=FILE writes a file)
        raise UsageError(f"--diff-base {ref!r}: not a git ref")
    top = git("rev-parse", "--show-toplevel").strip()
    commit = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                 failure="no such commit in this repository").strip()
    names = git("diff", "-z", "--name-only", "--diff-filter=d", commit, "--").split("\0")
    names += git("ls-files", "-z", "--others", "--exclude-standard", "--full-name").split("\0")
    return {os.path.realpath(os.path.join(top, n)) for n in names if n}
