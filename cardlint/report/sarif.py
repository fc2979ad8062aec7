"""SARIF 2.1.0 for code scanning: one reportingDescriptor per rule, one result per finding."""
from __future__ import annotations

import json
from pathlib import Path

from .._version import __version__
from ..docs import rule_url

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return p.as_uri()
    return p.as_posix()


def render(results, registry, docs_url: str | None = None, **_) -> str:
    rules = list(registry.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [{
        "id": r.code, "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "helpUri": rule_url(r, docs_url),
        "defaultConfiguration": {"level": LEVEL[r.severity]},
        "properties": {"tags": list(r.tags)},
    } for r in rules]
    out_results = []
    for res in results:
        for f in res.findings:
            region = {"startLine": f.line, "startColumn": f.column}
            if f.end_line:
                region["endLine"] = f.end_line
            if f.end_column and (f.end_line != f.line or f.end_column > f.column):
                region["endColumn"] = f.end_column
            item = {"ruleId": f.code, "level": LEVEL[f.severity], "message": {"text": f.message},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.path)}, "region": region}}]}
            if f.code in index:
                item["ruleIndex"] = index[f.code]
            out_results.append(item)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "cardlint", "version": __version__, "informationUri":
                                      "https://github.com/cardlint/cardlint", "rules": descriptors}},
                  "results": out_results}],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
