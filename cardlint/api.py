"""The Python API for tools that embed cardlint: lint_text, lint_paths, fix_text."""
from __future__ import annotations

from dataclasses import replace

from .config import Config, ConfigFinder
from .engine import FileResult, lint_bytes, lint_file
from .sources import collect
from .registry import load


def _config(config: Config | None, select, ignore) -> Config:
    cfg = config or Config()
    changes = {}
    if select:
        changes.update(select=list(select), extend_select=[])
    if ignore:
        changes["ignore"] = list(cfg.ignore) + list(ignore)
    return replace(cfg, **changes) if changes else cfg


def lint_text(text, path: str = "README.md", config: Config | None = None, *, select=None, ignore=None):
    return lint_bytes(text, path, _config(config, select, ignore), load()).findings


def lint_paths(paths, config: Config | None = None, *, select=None, ignore=None) -> list[FileResult]:
    registry = load()
    if isinstance(paths, str):
        paths = [paths]
    finder = ConfigFinder(None, registry)
    targets, _ = collect([str(p) for p in paths], finder)
    out = []
    for t in targets:
        cfg = _config(config or finder.for_path(t.path), select, ignore)
        out.append(lint_file(t.path, cfg, registry))
    return out


def fix_text(text, path: str = "README.md", config: Config | None = None, *, unsafe: bool = False,
             select=None, ignore=None):
    from .fixer import fix_text_outcome
    outcome = fix_text_outcome(text, path, _config(config, select, ignore), load(), unsafe=unsafe)
    return outcome.text, outcome.result.findings
