"""`cardlint report`: per-card section statuses and scores, and a summary over many cards."""
from __future__ import annotations

import json
from collections import Counter

BUCKETS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


def aggregate(results) -> dict:
    scored = [r for r in results if r.score is not None]
    dist = {f"{lo}-{min(hi, 100)}": sum(1 for r in scored if lo <= r.score < hi) for lo, hi in BUCKETS}
    sections: dict[str, list[int]] = {}
    for r in scored:
        for row in r.sections:
            if row.kind != "section":
                continue
            filled, total = sections.setdefault(f"{r.profile}: {row.title}", [0, 0])
            sections[f"{r.profile}: {row.title}"] = [filled + (row.status == "filled"), total + 1]
    rules = Counter(f"{f.code} {f.name}" for r in results for f in r.findings)
    return {
        "cards": len(results),
        "mean_score": round(sum(r.score for r in scored) / len(scored), 1) if scored else None,
        "score_distribution": dist,
        "section_fill_rates": {k: round(v[0] / v[1], 3) for k, v in sorted(sections.items())},
        "top_findings": dict(rules.most_common(15)),
        "profiles": dict(Counter(r.profile for r in scored)),
    }


def card_dict(r, top: int | None = None) -> dict:
    findings = [f.as_dict() for f in r.findings]
    return {"path": r.path, "profile": r.profile, "profile_detected": r.profile_detected, "score": r.score,
            "sections": [{"kind": row.kind, "title": row.title, "required": row.required, "status": row.status,
                          "words": row.words, "line": row.line} for row in r.sections],
            "findings": findings if top is None else findings[:top]}


def render_json(results) -> str:
    doc = {"version": 1, "cards": [card_dict(r) for r in results], "summary": aggregate(results)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


STATUS_STYLE = {"filled": "green", "stub": "yellow", "placeholder": "yellow", "boilerplate": "yellow",
                "empty": "red", "missing": "red"}


def render_text(results, color: bool = False, top: int = 5) -> str:
    from rich.console import Console
    from rich.table import Table
    console = Console(record=True, force_terminal=color, no_color=not color, width=110, highlight=False)
    with console.capture() as cap:
        for r in results:
            how = "detected" if r.profile_detected else "configured or default"
            if r.score is None:
                console.print(f"[bold]{r.path}[/bold]: not scored")
                for f in r.findings[:top]:
                    console.print(f"  {f.line}:{f.column} {f.code} {f.name} {f.message}")
                console.print()
                continue
            console.print(f"[bold]{r.path}[/bold]  profile [cyan]{r.profile}[/cyan] ({how})  "
                          f"completeness [bold]{r.score:g}[/bold]/100")
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            table.add_column("section / field")
            table.add_column("required")
            table.add_column("status")
            table.add_column("words", justify="right")
            table.add_column("line", justify="right")
            for row in r.sections:
                style = STATUS_STYLE.get(row.status, "")
                table.add_row(("" if row.kind == "section" else "  field: ") + row.title, "yes" if row.required else "",
                              f"[{style}]{row.status}[/{style}]", str(row.words) if row.status != "missing" else "",
                              str(row.line or ""))
            console.print(table)
            if r.findings:
                console.print(f"  top findings ({len(r.findings)} in all):")
                for f in r.findings[:top]:
                    console.print(f"    {f.line}:{f.column} {f.code} {f.name} {f.message}", markup=False)
            console.print()
        if len(results) > 1:
            agg = aggregate(results)
            console.print(f"[bold]{agg['cards']} cards[/bold], mean completeness {agg['mean_score']}")
            dist = Table(title="score distribution", box=None, show_header=True, header_style="bold")
            dist.add_column("score")
            dist.add_column("cards", justify="right")
            for bucket, n in agg["score_distribution"].items():
                dist.add_row(bucket, str(n))
            console.print(dist)
            fill = Table(title="section fill rates", box=None, show_header=True, header_style="bold")
            fill.add_column("profile: section")
            fill.add_column("filled", justify="right")
            for name, rate in sorted(agg["section_fill_rates"].items(), key=lambda kv: kv[1]):
                fill.add_row(name, f"{rate:.0%}")
            console.print(fill)
            freq = Table(title="most frequent findings", box=None, show_header=True, header_style="bold")
            freq.add_column("rule")
            freq.add_column("findings", justify="right")
            for name, n in agg["top_findings"].items():
                freq.add_row(name, str(n))
            console.print(freq)
    return cap.get()
