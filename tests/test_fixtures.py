"""One parametrized test over fixtures/<rule>/*: each card carries its expected findings inside it."""
from __future__ import annotations

import re

import pytest

from cardlint.config import Config
from cardlint.engine import lint_bytes
from cardlint.registry import load

from conftest import FIXTURES

EXPECT = re.compile(r"(?:<!--\s*|#\s*)expect:\s*([a-z0-9-]+)(?:@(\d+))?\s*(?:-->)?")


def expectations(text: str, rule: str) -> set[tuple[str, int]]:
    out = set()
    for number, line in enumerate(text.splitlines(), 1):
        for m in EXPECT.finditer(line):
            if m.group(1) == rule:
                out.add((rule, int(m.group(2)) if m.group(2) else number))
    return out


def cases():
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for card in sorted(folder.iterdir()):
            yield pytest.param(folder.name, card, id=f"{folder.name}/{card.name}")


def test_every_rule_has_fixtures():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    untested = [r.name for r in load().rules if r.name not in folders
                and r.name not in ("internal-error", "unreadable-file", "file-too-large")]
    assert not untested, f"rules without fixture cards: {untested}"


@pytest.mark.parametrize("rule,card", list(cases()))
def test_fixture(rule, card):
    registry = load()
    assert registry.get(rule) is not None, f"fixtures/{rule} names no rule"
    data = card.read_bytes()
    text = data.decode("utf-8", "replace")
    result = lint_bytes(data, str(card), Config(), registry)
    assert not [f for f in result.findings if f.name == "internal-error"], result.findings
    got = {(f.name, f.line) for f in result.findings if f.name == rule}
    want = expectations(text, rule)
    assert got == want, "\n".join(
        [f"missing  line {l}" for _, l in sorted(want - got)] +
        [f"unexpected line {f.line}: {f.message}" for f in result.findings if f.name == rule and (rule, f.line) not in want])
