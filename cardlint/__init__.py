"""cardlint: a linter and completeness checker for machine-learning model cards."""
from __future__ import annotations

from ._version import __version__

__all__ = ["__version__", "lint_text", "lint_paths", "fix_text"]


def lint_text(text, path: str = "README.md", config=None, *, select=None, ignore=None, rules=()):
    """Lint one card given as text (or bytes); returns its list of Finding objects. `rules`: extra Rule
    objects for this call only; an unknown selector in `select` or `ignore` is a ValueError."""
    from .api import lint_text as impl
    return impl(text, path=path, config=config, select=select, ignore=ignore, rules=rules)


def lint_paths(paths, config=None, *, select=None, ignore=None, rules=()):
    """Lint files and folders; returns one FileResult (path, findings, score, profile) per card."""
    from .api import lint_paths as impl
    return impl(paths, config=config, select=select, ignore=ignore, rules=rules)


def fix_text(text, path: str = "README.md", config=None, *, unsafe: bool = False, select=None, ignore=None,
             rules=()):
    """Apply fixes to a card's text; returns (fixed_text, remaining findings)."""
    from .api import fix_text as impl
    return impl(text, path=path, config=config, unsafe=unsafe, select=select, ignore=ignore, rules=rules)
