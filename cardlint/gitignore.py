"""Which files git ignores, for folder search: the .gitignore files of the work tree and .git/info/exclude,
with git's precedence (a deeper .gitignore overrides a shallower one, .gitignore overrides info/exclude;
an ignored folder is not entered, so nothing inside it comes back). Patterns are matched by pathspec,
which implements git's wildmatch rules. Only inside a git work tree, as git does; the global
core.excludesFile is not read."""
from __future__ import annotations

import os

from .paths import repository_root


class GitIgnore:
    def __init__(self, root: str):
        self.root = root
        self._specs: dict[str, object] = {}
        self._exclude = self._read(os.path.join(root, ".git", "info", "exclude"))

    @classmethod
    def for_folder(cls, folder: str) -> GitIgnore | None:
        root = str(repository_root(folder))
        return cls(root) if os.path.exists(os.path.join(root, ".git")) else None

    @staticmethod
    def _read(path: str):
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                lines = fh.read().splitlines()
        except OSError:
            return None
        import pathspec
        # last match wins, as in git; GitIgnoreSpec is not used because it ranks `*` above a later `!*/`
        # for folders, and folder pruning (git's "no re-including inside an ignored folder") is done here
        return pathspec.PathSpec.from_lines("gitignore", lines) if lines else None

    def _spec(self, folder: str):
        if folder not in self._specs:
            self._specs[folder] = self._read(os.path.join(folder, ".gitignore"))
        return self._specs[folder]

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        path = os.path.realpath(path)
        rel = os.path.relpath(path, self.root)
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return False
        suffix = "/" if is_dir else ""
        parts = rel.split(os.sep)
        for depth in range(len(parts) - 1, -1, -1):  # the nearest .gitignore first
            spec = self._spec(os.path.join(self.root, *parts[:depth]))
            if spec is not None:
                verdict = spec.check_file("/".join(parts[depth:]) + suffix).include
                if verdict is not None:
                    return verdict
        if self._exclude is not None:
            return bool(self._exclude.check_file("/".join(parts) + suffix).include)
        return False
