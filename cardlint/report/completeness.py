"""`cardlint report`: per-card section statuses and scores, and a summary over many cards, streamed."""
from __future__ import annotations

import json
from collections import Counter

BUCKETS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
STATUS_STYLE = {"filled": "green", "stub": "yellow", "placeholder": "yellow", "boilerplate": "yellow",
                "empty": "red", "missing": "red"}


class Aggregate:
    """What the summary needs, kept as counters so that memory does not grow with the number of cards."""

    def __init__(self) -> None:
        self.cards = 0
        self.scores: Counter = Counter()  # bucket -> cards
        self.score_sum = 0.0
        self.scored = 0
        self.sections: dict[str, list[int]] = {}
        self.rules: Counter = Counter()
        self.profiles: Counter = Counter()
        self.fallback = 0  # scored cards whose profile was not detected (the fallback, or one set by hand)
        self.topics: dict[str, Counter] = {}  # "model: evaluation" -> status -> cards
        self.profile_topics: dict[str, Counter] = {}  # profile -> topic -> cards where it is filled
        self.severities: Counter = Counter()

    def add(self, r) -> None:
        self.cards += 1
        for f in r.findings:
            self.rules[f"{f.code} {f.name}"] += 1
            self.severities[f.severity] += 1
        if r.score is None:
            return
        self.scored += 1
        self.score_sum += r.score
        self.profiles[r.profile] += 1
        self.fallback += not r.profile_detected
        kind = r.card_type or "model"
        by_profile = self.profile_topics.setdefault(r.profile, Counter())
        for t in r.topics:
            self.topics.setdefault(f"{kind}: {t.topic}", Counter())[t.status] += 1
            by_profile[t.topic] += t.status == "filled"
        for lo, hi in BUCKETS:
            if lo <= r.score < hi:
                self.scores[f"{lo}-{min(hi, 100)}"] += 1
        for row in r.sections:
            if row.kind == "section":
                cell = self.sections.setdefault(f"{r.profile}: {row.title}", [0, 0])
                cell[0] += row.status == "filled"
                cell[1] += 1

    def summary(self) -> dict:
        return {
            "cards": self.cards,
            "mean_score": round(self.score_sum / self.scored, 1) if self.scored else None,
            "score_distribution": {f"{lo}-{min(hi, 100)}": self.scores[f"{lo}-{min(hi, 100)}"] for lo, hi in BUCKETS},
            "topic_fill_rates": {k: {"filled": round(c["filled"] / sum(c.values()), 3),
                                     "stub": round(c["stub"] / sum(c.values()), 3), "cards": sum(c.values())}
                                 for k, c in self.topics.items()},
            "profile_topic_fill_rates": {p: {t: round(n / self.profiles[p], 3) for t, n in c.items()}
                                         for p, c in sorted(self.profile_topics.items(), key=lambda kv: -self.profiles[kv[0]])},
            "section_fill_rates": {k: round(v[0] / v[1], 3) for k, v in sorted(self.sections.items())},
            "section_cards": {k: v[1] for k, v in sorted(self.sections.items())},
            "profiles_not_detected": self.fallback,
            "top_findings": dict(self.rules.most_common(15)),
            "profiles": dict(self.profiles),
            "findings": dict(self.severities),
        }


def card_dict(r, top: int | None = None) -> dict:
    findings = [f.as_dict() for f in r.findings]
    return {"path": r.path, "profile": r.profile, "profile_detected": r.profile_detected, "score": r.score,
            "sections": [{"kind": row.kind, "title": row.title, "topic": row.topic, "required": row.required,
                          "status": row.status, "words": row.words, "line": row.line} for row in r.sections],
            "topics": {t.topic: {"status": t.status, "line": t.line, "where": t.where} for t in r.topics},
            "findings": findings if top is None else findings[:top]}


def write_json(results, out) -> Aggregate:
    agg = Aggregate()
    out.write('{"version": 1, "cards": [')
    for i, r in enumerate(results):
        agg.add(r)
        out.write(("," if i else "") + "\n" + json.dumps(card_dict(r), ensure_ascii=False))
    out.write('\n], "summary": ' + json.dumps(agg.summary(), ensure_ascii=False) + "}\n")
    return agg


def write_text(results, out, color: bool = False, top: int = 5, quiet: bool = False,
               summary_only: bool = False) -> Aggregate:
    """Per card: a header line, its section table, its topics and its top findings (quiet: the header line
    only; summary_only: nothing); over several cards, the summary. As wide as the terminal; unwrapped when
    not a terminal."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .escape import line_start, terminal
    width = None if _is_terminal(out) else 10_000  # Rich takes the terminal's width; a file gets whole lines
    console = Console(file=out, force_terminal=color, no_color=not color, width=width, highlight=False)
    agg = Aggregate()
    for r in results:
        agg.add(r)
        if summary_only:
            continue
        how = "detected" if r.profile_detected else "configured or default"
        if r.score is None:
            console.print(Text.assemble((line_start(r.path), "bold"), ": not scored"))
            for f in r.findings[:0 if quiet else top]:
                console.print(Text(f"  {f.line}:{f.column} {f.code} {f.name} {terminal(f.message)}"))
            console.print()
            continue
        console.print(Text.assemble((line_start(r.path), "bold"), "  profile ", (terminal(r.profile), "cyan"),
                                    f" ({how})  completeness ", (f"{r.score:g}", "bold"), "/100"))
        if quiet:
            continue
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for name, justify in (("section / field", "left"), ("required", "left"), ("status", "left"),
                              ("words", "right"), ("line", "right")):
            table.add_column(name, justify=justify)
        for row in r.sections:
            style = STATUS_STYLE.get(row.status, "")
            table.add_row(Text(("" if row.kind == "section" else "  field: ") + terminal(row.title)),
                          "yes" if row.required else "", Text(row.status, style=style), str(row.words) if row.status != "missing" else "",
                          str(row.line or ""))
        console.print(table)
        console.print(Text("  topics: " + ", ".join(
            f"{t.topic} {t.status}" + (f" (line {t.line})" if t.line else f" ({terminal(t.where)})" if t.where else "")
            for t in r.topics)))
        if r.findings and top > 0:
            console.print(f"  top findings ({len(r.findings)} in all):")
            for f in r.findings[:top]:
                console.print(Text(f"    {f.line}:{f.column} {f.code} {f.name} {terminal(f.message)}"))
        console.print()
    if agg.cards > 1 or summary_only:
        s = agg.summary()
        console.print(f"[bold]{s['cards']} cards[/bold], mean completeness {s['mean_score']}")
        profiles = ", ".join(f"{k} {v}" for k, v in sorted(s["profiles"].items(), key=lambda kv: -kv[1]))
        console.print(f"profiles: {terminal(profiles)}; {s['profiles_not_detected']} matched no profile's signature "
                      "and took the fallback (or the one configured)")
        topics = Table(title="documentation topics", box=None, show_header=True, header_style="bold")
        for name, justify in (("topic", "left"), ("filled", "right"), ("stub", "right"), ("cards", "right")):
            topics.add_column(name, justify=justify)
        for k, v in s["topic_fill_rates"].items():
            topics.add_row(k, f"{v['filled']:.0%}", f"{v['stub']:.0%}", str(v["cards"]))
        console.print(topics)
        per = s["profile_topic_fill_rates"]
        names = list(dict.fromkeys(t for c in per.values() for t in c))
        table = Table(title="topics filled, per profile", box=None, show_header=True, header_style="bold")
        table.add_column("profile")
        table.add_column("cards", justify="right")
        for name in names:
            table.add_column(name, justify="right")
        for prof, rates in per.items():
            table.add_row(terminal(str(prof)), str(s["profiles"][prof]),
                          *[f"{rates[n]:.0%}" if n in rates else "" for n in names])
        console.print(table)
        sections = sorted(s["section_fill_rates"].items(), key=lambda kv: kv[1])
        for title, rows, head in (("score distribution", s["score_distribution"].items(), ("score", "cards")),
                                  ("section fill rates", [(k, f"{v:.0%} of {s['section_cards'][k]}") for k, v in sections],
                                   ("profile: section", "filled")),
                                  ("most frequent findings", s["top_findings"].items(), ("rule", "findings"))):
            table = Table(title=title, box=None, show_header=True, header_style="bold")
            table.add_column(head[0])
            table.add_column(head[1], justify="right")
            for k, v in rows:
                table.add_row(Text(terminal(str(k))), str(v))
            console.print(table)
    return agg


def _is_terminal(out) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
