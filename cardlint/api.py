"""The Python API for tools that embed cardlint: lint_text, lint_paths, fix_text.

Each takes `select` and `ignore` (rule selectors, checked as the command line checks them: an unknown one is
a ValueError) and `rules`: extra Rule objects to run besides the registered ones, for this call only (the
process-wide registry is not changed)."""
from __future__ import annotations

from .config import Config, ConfigFinder, require_selectors, with_overrides
from .engine import FileResult, lint_bytes, lint_file
from .registry import Registry, load_with
from .sources import collect


def _config(config: Config | None, select, ignore, registry: Registry) -> Config:
    """The configuration with select and ignore over it, as the command line puts --select and --ignore."""
    require_selectors(select, registry, "select", ValueError)
    require_selectors(ignore, registry, "ignore", ValueError)
    return with_overrides(config or Config(), {"select": select, "ignore": ignore})


def lint_text(text, path: str = "README.md", config: Config | None = None, *, select=None, ignore=None, rules=()):
    registry = load_with(rules)
    return lint_bytes(text, path, _config(config, select, ignore, registry), registry).findings


def lint_paths(paths, config: Config | None = None, *, select=None, ignore=None, rules=()) -> list[FileResult]:
    registry = load_with(rules)
    if isinstance(paths, str):
        paths = [paths]
    finder = ConfigFinder(None, registry)
    targets, _ = collect([str(p) for p in paths], finder)
    return [lint_file(t.path, _config(config or finder.for_path(t.path), select, ignore, registry), registry)
            for t in targets]


def fix_text(text, path: str = "README.md", config: Config | None = None, *, unsafe: bool = False,
             select=None, ignore=None, rules=()):
    from .fixer import fix_text_outcome
    registry = load_with(rules)
    outcome = fix_text_outcome(text, path, _config(config, select, ignore, registry), registry, unsafe=unsafe)
    return outcome.text, outcome.result.findings
