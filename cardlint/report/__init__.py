"""Output formats: one module per format, each with render(results, ctx) -> str."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Summary:
    files: int = 0  # files checked: a Hub card that could not be fetched is not one
    not_fetched: int = 0
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, results) -> "Summary":
        s = cls()
        for r in results:
            if r.fetch_error:
                s.not_fetched += 1
                continue
            s.files += 1
            for f in r.findings:
                s.findings += 1
                if f.severity == "error":
                    s.errors += 1
                elif f.severity == "warning":
                    s.warnings += 1
                else:
                    s.infos += 1
        return s

    def as_dict(self) -> dict:
        return {"files": self.files, "findings": self.findings, "errors": self.errors, "warnings": self.warnings,
                "info": self.infos, "not_fetched": self.not_fetched}


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
