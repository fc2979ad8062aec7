"""Regular expressions compiled on first use. cardlint's modules hold some 110 of them; a one-card run (a
pre-commit hook's) meets fewer than half, and compiling the rest cost 7 ms of its start-up."""
from __future__ import annotations

import re

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """Stands for `re.compile(pattern, flags)` and compiles it when one of its methods or attributes is
    first read; from then on the compiled pattern's bound methods are plain attributes of this object."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str):  # only for what is not set yet: the first use
        if name.startswith("__"):
            raise AttributeError(name)  # copy, pickle and friends: this object as it is
        compiled = re.compile(self.pattern, self.flags)
        self.__dict__.update({m: getattr(compiled, m) for m in _METHODS}, compiled=compiled,
                             groups=compiled.groups, groupindex=compiled.groupindex)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags!r})"


lazy = LazyPattern  # as modules write it: lazy(r"...", re.I)
