"""Which files to lint: paths as given, folders searched for card files, stdin."""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass

from .config import DEFAULT_INCLUDE, ConfigFinder
from .paths import within

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"}


class UsageError(Exception):
    """A user error on the command line: one line on stderr, exit code 2."""


@dataclass
class Target:
    path: str  # as shown in output
    stdin: bool = False
    hub: bool = False


def is_card_name(name: str, extra: list[str]) -> bool:
    return name in DEFAULT_INCLUDE or any(fnmatch.fnmatch(name, pat) for pat in extra)


def collect(paths: list[str], finder: ConfigFinder, stdin_filename: str | None = None, *,
            force_exclude: bool = False, respect_gitignore: bool = True) -> tuple[list[Target], list[str]]:
    """(targets, warnings). Raises UsageError for a missing path or a folder with no cards. Files named
    explicitly are linted even when the configuration excludes them, unless force_exclude (pre-commit
    names every file it passes). Folder search skips what git ignores, unless respect_gitignore is off
    (here or in the folder's configuration) or the folder itself is ignored (then it was named on purpose)."""
    targets: list[Target] = []
    warnings: list[str] = []
    seen: set[str] = set()
    skipped_md = 0
    for p in paths or ["."]:
        if p == "-":
            targets.append(Target(stdin_filename or "-", stdin=True))
            continue
        if p.startswith("hf://"):
            from .pipeline import parse_hub_id
            parse_hub_id(p)
            targets.append(Target(p, hub=True))
            continue
        if os.path.isfile(p):
            if force_exclude and finder.for_path(p).is_excluded(p):
                continue
            if p not in seen:
                seen.add(p)
                targets.append(Target(p))
            continue
        if os.path.isdir(p):
            found = 0
            tree = os.path.realpath(p)
            git = _gitignore(p, finder) if respect_gitignore else None
            for root, dirs, files in os.walk(p, onerror=lambda e: warnings.append(f"cannot read {e.filename}: {e.strerror}")):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not os.path.isfile(os.path.join(root, d, "pyvenv.cfg"))
                                 and not (git and git.ignored(os.path.join(root, d), is_dir=True)))
                cfg = None
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if cfg is None:
                        cfg = finder.for_path(full)
                    if not is_card_name(name, cfg.include):
                        skipped_md += name.lower().endswith((".md", ".markdown"))
                        continue
                    if cfg.is_excluded(full) or git and git.ignored(full):
                        continue
                    if os.path.islink(full) and not os.path.exists(full):
                        warnings.append(f"{full}: broken symbolic link, skipped")
                        continue
                    if os.path.islink(full) and not within(full, tree):
                        warnings.append(f"{full}: symbolic link to a file outside {p}, skipped (name it to lint it)")
                        continue
                    if full not in seen:
                        seen.add(full)
                        targets.append(Target(full))
                        found += 1
            if not found:
                raise UsageError(f"no cards found in {p!r} (looked for {', '.join(DEFAULT_INCLUDE)}"
                                 f" and the config's include patterns){_skipped_note(skipped_md)}")
            continue
        if os.path.exists(p):
            raise UsageError(f"{p!r} is not a regular file or folder")
        if os.path.islink(p):
            raise UsageError(f"{p!r} is a broken symbolic link")
        raise UsageError(f"path {p!r} does not exist")
    if skipped_md:
        warnings.append(_skipped_note(skipped_md).lstrip("; "))
    return targets, warnings


def _gitignore(folder: str, finder: ConfigFinder):
    from .gitignore import GitIgnore
    if not finder.for_path(os.path.join(folder, "README.md")).respect_gitignore:
        return None
    git = GitIgnore.for_folder(folder)
    return None if git is None or git.ignored(folder, is_dir=True) else git


def _skipped_note(n: int) -> str:
    return (f"; {n} Markdown file{'s' if n != 1 else ''} not named like a card skipped: lint them with "
            "--include '*.md' or `include:` in the configuration") if n else ""
