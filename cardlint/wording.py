"""How counts read in messages and summaries: one place for plurals and for counting findings by severity."""
from __future__ import annotations

from .rule import SEVERITIES


def noun(n: int, word: str) -> str:
    """The word for n of it: "card" for 1, "cards" for the rest ("info" has no plural)."""
    return word if n == 1 or word == "info" else word + "s"


def plural(n: int, word: str, *, thousands: bool = False) -> str:
    """"1 card", "2 cards", "3 info"; with thousands, "1,500 cards"."""
    return f"{n:,} {noun(n, word)}" if thousands else f"{n} {noun(n, word)}"


def severity_counts(findings) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n} over some findings."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts
