"""GitHub workflow commands (::error file=...::message), the most severe first, escaped as GitHub specifies."""
from __future__ import annotations

from .escape import workflow_data as escape_data, workflow_property as escape_property
from .summary import Summary, most_severe_first

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def workspace_path(path: str) -> str:
    """A path as GitHub places annotations: relative to the workspace (the checkout), with / separators."""
    import os
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    root = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def command(f) -> str:
    props = [f"file={escape_property(workspace_path(f.path))}", f"line={f.line}", f"col={f.column}"]
    if f.end_line and f.end_line != f.line:
        props.append(f"endLine={f.end_line}")
    elif f.end_column and f.end_column > f.column:
        props.append(f"endColumn={f.end_column}")
    props.append(f"title={escape_property(f'{f.code} {f.name}')}")
    return f"::{LEVEL[f.severity]} {','.join(props)}::{escape_data(f.message)}"


def render(results, **_) -> str:
    # GitHub shows only the first 10 error and 10 warning annotations of a step: most severe first.
    findings = most_severe_first(results)
    lines = [command(f) for f in findings]
    s = Summary.of(results)
    lines.append(f"cardlint: {s.files} file(s), {s.errors} error(s), {s.warnings} warning(s), {s.infos} info")
    return "\n".join(lines) + "\n"
