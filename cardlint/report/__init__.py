"""Output formats: one module per format, each with render(results, ...) -> str; `summary` counts findings
and writes the GitHub job summary."""
from __future__ import annotations

def render(fmt: str, results, registry, *, color: bool = False, quiet: bool = False, docs_url: str | None = None,
           source: bool = True) -> str:
    if fmt == "json":
        from . import json_format as mod
    elif fmt == "github":
        from . import github as mod
    elif fmt == "sarif":
        from . import sarif as mod
    else:
        from . import text as mod
    return mod.render(results, registry=registry, color=color, quiet=quiet, docs_url=docs_url, source=source)
