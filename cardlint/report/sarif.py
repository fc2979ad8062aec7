"""SARIF 2.1.0 for code scanning: one reportingDescriptor per rule, one result per finding."""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .._version import __version__
from ..docs import rule_url

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def source_root() -> Path:
    """Where code scanning roots its paths: GITHUB_WORKSPACE under Actions, else the git repository
    around the working folder (or the working folder itself)."""
    from ..paths import repository_root
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(os.path.realpath(workspace)) if workspace else repository_root(Path.cwd())


def _location(path: str, root: Path) -> dict:
    """An artifactLocation: relative to %SRCROOT% and percent-encoded when the card is under it, else an
    absolute file URI (or the hf:// id as it is)."""
    if path.startswith("hf://"):
        return {"uri": quote(path, safe="/:@")}
    real = Path(os.path.realpath(path))
    try:
        return {"uri": quote(real.relative_to(root).as_posix(), safe="/"), "uriBaseId": "SRCROOT"}
    except ValueError:
        return {"uri": real.as_uri()}


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
    root = source_root()
    out_results, notifications = [], []
    for res in results:
        if res.fetch_error:
            notifications.append({"level": "error", "message": {"text": res.fetch_error},
                                  "locations": [{"physicalLocation": {"artifactLocation": _location(res.path, root)}}]})
        for f in res.findings:
            region = {"startLine": f.line, "startColumn": f.column}
            if f.end_line:
                region["endLine"] = f.end_line
            if f.end_column and (f.end_line != f.line or f.end_column > f.column):
                region["endColumn"] = f.end_column
            item = {"ruleId": f.code, "level": LEVEL[f.severity], "message": {"text": f.message},
                    "locations": [{"physicalLocation": {"artifactLocation": _location(f.path, root), "region": region}}]}
            if f.code in index:
                item["ruleIndex"] = index[f.code]
            out_results.append(item)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "cardlint", "version": __version__, "informationUri":
                                      "https://github.com/cardlint/cardlint", "rules": descriptors}},
                  "originalUriBaseIds": {"SRCROOT": {"uri": root.as_uri().rstrip("/") + "/"}},
                  "invocations": [{"executionSuccessful": not notifications,
                                   "toolExecutionNotifications": notifications}],
                  "results": out_results}],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
