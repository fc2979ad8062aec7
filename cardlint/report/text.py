"""Text output for people: grouped by file, `path:line:col severity CODE name message`, and a summary."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..wording import plural
from .escape import line_start, terminal
from .summary import Summary

if TYPE_CHECKING:
    from rich.text import Text

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def summary_line(results) -> str:
    s = Summary.of(results)
    return (f"{plural(s.files, 'file')} checked: {plural(s.errors, 'error')}, {plural(s.warnings, 'warning')}, "
            f"{s.infos} info" + (f"; {plural(s.not_fetched, 'Hub card')} not fetched" if s.not_fetched else ""))


def render(results, color: bool = False, quiet: bool = False, source: bool = True, **_) -> str:
    """Plain lines for pipes and files (never wrapped); on a terminal, colour and each finding's source
    line with carets under its range (source=False: the finding lines only)."""
    if color:
        return _render_rich(results, quiet, source)
    out = []
    for res in results:
        if not res.findings:
            continue
        for f in res.findings:
            out.append(f"{line_start(f.path)}:{f.line}:{f.column} {f.severity} {f.code} {f.name} {terminal(f.message)}"
                       + (" [fixable]" if f.fixable else ""))
        if quiet:
            continue
        if res.score is not None:
            out.append(f"{line_start(res.path)}: completeness {res.score:g}/100 ({terminal(res.profile)})")
        out.append("")
    if not quiet:
        out.append(summary_line(results))
    return "\n".join(out) + "\n" if out else ""


def _render_rich(results, quiet: bool, source: bool = True) -> str:
    import shutil

    from rich.console import Console
    from rich.text import Text
    width = shutil.get_terminal_size((100, 24)).columns
    console = Console(record=True, force_terminal=True, width=width, highlight=False, soft_wrap=True)
    with console.capture() as cap:
        for res in results:
            if not res.findings:
                continue
            console.print(Text(line_start(res.path), style="bold underline"))
            for f in res.findings:
                line = Text()
                line.append(f"{line_start(f.path)}:{f.line}:{f.column}", style="bold")
                line.append(" ")
                line.append(f.severity, style=STYLE[f.severity])
                line.append(" ")
                line.append(f"{f.code} {f.name}", style="magenta")
                line.append(" ")
                line.append(terminal(f.message))
                if f.fixable:
                    line.append(" [fixable]", style="green")
                console.print(line)
                if source and f.line_text.strip():
                    console.print(_source(f, width), style="dim")
            if res.score is not None and not quiet:
                console.print(Text(f"completeness {res.score:g}/100 ({terminal(res.profile)})", style="dim"))
            console.print()
        if not quiet:
            console.print(Text(summary_line(results), style="bold"))
    return cap.get()


def _source(f, width: int) -> "Text":
    """The finding's line under it, with carets under its range (as ruff and cargo show it): a window of
    the line around the range when the line is longer than the terminal is wide."""
    from rich.cells import cell_len
    from rich.text import Text
    text = f.line_text.rstrip("\r")
    start = max(0, f.column - 1)
    end = max(start + 1, f.end_column - 1) if f.end_line == f.line else len(text)
    room = max(20, width - 10)
    lo = max(0, start - room // 3) if cell_len(terminal(text)) > room else 0
    head = ("…" if lo else "") + terminal(text[lo:start])
    span = terminal(text[start:end]) or " "
    body = ("…" if lo else "") + terminal(text[lo:])
    if cell_len(body) > room:
        body = body[:room] + "…"
    gutter = f"{f.line:>5} | "
    caret = " " * len(gutter[:-2]) + "| " + " " * cell_len(head) + "^" * max(1, min(cell_len(span), room - cell_len(head)))
    out = Text(gutter + body + "\n")
    out.append(caret, style="bold red")
    return out
