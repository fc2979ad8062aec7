"""Inline directives: <!-- cardlint-disable ... --> comments and "# cardlint: disable-line" in YAML."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import CODE_PREFIX
from .card import MAX_SCAN
from .patterns import lazy

_HTML = lazy(r"<!--\s*cardlint-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->")
_YAML = lazy(r"#\s*cardlint:\s*disable-line\b(.*)$")


@dataclass
class Directives:
    file_off: set[str] = field(default_factory=set)  # rule keys ("*" = all)
    line_off: dict[int, set[str]] = field(default_factory=dict)
    ranges: list[tuple[int, int, set[str]]] = field(default_factory=list)  # (first, last, keys)
    unknown: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column, name)

    def suppresses(self, line: int, keys: tuple[str, ...]) -> bool:
        def hit(off: set[str]) -> bool:
            return "*" in off or any(k in off for k in keys)
        if hit(self.file_off) or hit(self.line_off.get(line, set())):
            return True
        return any(a <= line <= b and hit(off) for a, b, off in self.ranges)


def parse(card, registry) -> Directives:
    d = Directives()
    if "cardlint" not in card.text:
        return d  # most cards: no directive to look for, line by line
    code = card.code_indexes
    open_ranges: dict[frozenset, int] = {}  # the keys of one rule (or "*") -> first line
    last = len(card.lines)

    def groups(text: str, line: int, col: int) -> list[frozenset]:
        out = []
        for raw in re.split(r"[\s,]+", text.strip()):
            if not raw:
                continue
            if raw == "ALL":
                out.append(frozenset({"*"}))
                continue
            # what --select accepts: a code, a name, a tag or a code prefix (each rule it covers)
            rules = [registry.get(raw)] if registry.get(raw) else \
                [r for r in registry.rules if raw in r.tags or (CODE_PREFIX.match(raw) and r.code.startswith(raw))]
            if not rules:
                d.unknown.append((line, col, raw))
                continue
            out.append(frozenset(k for r in rules for k in (r.code, r.name, *r.aliases)))
        return out if out or text.strip() else [frozenset({"*"})]  # no names: every rule; unknown names: none

    def names(text: str, line: int, col: int) -> set[str]:
        return set().union(set(), *groups(text, line, col))

    for idx, line in enumerate(card.lines):
        if idx in code:
            continue
        if card.front_matter and card.front_matter.start_line <= idx + 1 < card.front_matter.end_line:
            m = _YAML.search(line[:MAX_SCAN])
            if m:
                d.line_off.setdefault(idx + 1, set()).update(names(m.group(1), idx + 1, m.start() + 1))
            continue
        if "cardlint-" not in line or "-->" not in line:
            continue
        for m in _HTML.finditer(line[:MAX_SCAN]):
            kind, arg = m.group(1), m.group(2)
            lineno = idx + 1
            if kind == "enable":
                keys = names(arg, lineno, m.start() + 1) if arg.strip() else {"*"}
                for group in list(open_ranges):
                    if "*" in keys or group & keys:
                        d.ranges.append((open_ranges.pop(group), lineno, set(group)))
            elif kind == "disable":
                for group in groups(arg, lineno, m.start() + 1):
                    open_ranges.setdefault(group, lineno)
            elif kind == "disable-line":
                d.line_off.setdefault(lineno, set()).update(names(arg, lineno, m.start() + 1))
            elif kind == "disable-next-line":
                target = lineno + 1
                while target <= last and not card.lines[target - 1].strip():
                    target += 1
                d.line_off.setdefault(target, set()).update(names(arg, lineno, m.start() + 1))
            else:
                d.file_off |= names(arg, lineno, m.start() + 1)
    for group, first in open_ranges.items():
        d.ranges.append((first, last, set(group)))
    return d
