"""How values and counts read in messages and summaries: quoting, plurals, findings counted by severity."""
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


def quoted(value, limit: int = 80) -> str:
    """A value as a message shows it: in double quotes (escaped inside), cut to `limit` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return '"' + text.replace('"', '\\"') + '"'


def quoted_list(texts, limit: int = 60, shown: int = 3) -> str:
    """Distinct texts quoted, the first `shown` of them, then how many more."""
    texts = list(dict.fromkeys(t.strip() for t in texts))
    return ", ".join(quoted(t, limit) for t in texts[:shown]) + (f" and {len(texts) - shown} more" if len(texts) > shown else "")
