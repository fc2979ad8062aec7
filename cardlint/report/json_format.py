"""JSON output: the stable shape other tools (and our own checks) consume."""
from __future__ import annotations

import json

from .summary import Summary


def file_dict(result) -> dict:
    out = {"path": result.path, "score": result.score, "findings": [f.as_dict() for f in result.findings]}
    if result.profile:
        out["profile"] = result.profile
    if result.fetch_error:  # not checked at all: say so rather than look clean
        out["error"] = result.fetch_error
    return out


def render(results, **_) -> str:
    doc = {"version": 1, "files": [file_dict(r) for r in results], "summary": Summary.of(results).as_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
