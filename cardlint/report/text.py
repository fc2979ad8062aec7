"""Text output for people: grouped by file, `path:line:col severity CODE name message`, and a summary."""
from __future__ import annotations

from . import Summary
from .escape import line_start, terminal

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def lines_of(results):
    for res in results:
        for f in res.findings:
            yield res, f, f"{f.path}:{f.line}:{f.column}", f"{f.code} {f.name}"


def summary_line(results) -> str:
    s = Summary.of(results)
    return (f"{s.files} file{'s' if s.files != 1 else ''} checked: {s.errors} error{'s' if s.errors != 1 else ''}, "
            f"{s.warnings} warning{'s' if s.warnings != 1 else ''}, {s.infos} info")


def render(results, color: bool = False, quiet: bool = False, **_) -> str:
    if color:
        return _render_rich(results, quiet)
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


def _render_rich(results, quiet: bool) -> str:
    from rich.console import Console
    from rich.text import Text
    console = Console(record=True, force_terminal=True, width=200, highlight=False)
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
            if res.score is not None and not quiet:
                console.print(Text(f"completeness {res.score:g}/100 ({terminal(res.profile)})", style="dim"))
            console.print()
        if not quiet:
            console.print(Text(summary_line(results), style="bold"))
    return cap.get()
