"""Fixture cards that carry their own expectations: the harness of cardlint's rules, for rule packs too.

A fixture is a card in a folder named after the rule it tests (`fixtures/<rule-name>/<case>.md`). Inside it:

- `<!-- expect: rule-name -->` on a Markdown line, or `# expect: rule-name` at the end of a front-matter
  line: a finding of that rule on this line;
- `<!-- expect[+1]: rule-name -->` (or `[-2]`, ...): a finding that many lines below (above) the marker, so
  that a marker never has to sit on the heading or table line the rule reads;
- `<!-- expect: rule-name@12 -->`: a finding on line 12 (for files no comment fits in);
- a block `<!-- fixture-config ... -->` holding configuration keys in YAML (as in `.cardlint.yaml`), for
  this card alone; a folder's `.cardlint.yaml` applies to all its cards;
- beside it, `<case>.fixed.md`: the card exactly as `cardlint fix` leaves it (safe fixes); the fixed text is
  linted again and must hold no fixable finding of the rule.

The findings of the folder's rule must be exactly the expected ones (other rules are not looked at), and no
rule may crash. In a test suite:

    from cardlint.testing import fixture_cases, check_fixture

    @pytest.mark.parametrize("rule,card", fixture_cases("tests/fixtures"))
    def test_fixture(rule, card):
        assert check_fixture(card, rule, rules=[my_rule]) == []
"""
from __future__ import annotations

import re
from pathlib import Path

from .config import Config, ConfigError, parse, read_file
from .engine import lint_bytes
from .engine_rules import internal_error
from .registry import Registry, load_with
from .patterns import lazy

EXPECT = lazy(r"(?:<!--\s*|#\s*)expect(?:\[([+-]\d+)\])?:\s*([a-z0-9-]+)(?:@(\d+))?\s*(?:-->)?")
CONFIG_BLOCK = lazy(r"<!--\s*fixture-config\s*\n(.*?)-->", re.S)
FIXED = ".fixed.md"


def expectations(text: str, rule: str) -> set[int]:
    """The lines (1-based) on which the card expects a finding of `rule`."""
    out = set()
    for line, content in enumerate(text.splitlines(), 1):
        for m in EXPECT.finditer(content):
            if m.group(2) == rule:
                out.add(int(m.group(3)) if m.group(3) else line + int(m.group(1) or 0))
    return out


def fixture_config(card: Path, text: str, registry: Registry) -> Config:
    """The folder's .cardlint.yaml, then the card's own fixture-config block over it."""
    own = card.parent / ".cardlint.yaml"
    config = read_file(own, registry) if own.exists() else Config()
    block = CONFIG_BLOCK.search(text)
    if block:
        from .card import safe_yaml
        raw = safe_yaml(block.group(1)) or {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{card}: the fixture-config block must be a mapping")
        local = parse(raw, str(card), registry)
        for key in raw:
            attr = key.replace("-", "_")
            setattr(config, attr, getattr(local, attr))
    return config


def fixture_cases(root) -> list[tuple[str, Path]]:
    """(rule name, card) for every fixture card under root/<rule-name>/ (not the .fixed.md files)."""
    cases = []
    for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        for card in sorted(folder.glob("*.md")):
            if not card.name.endswith(FIXED) and not card.name.startswith("."):
                cases.append((folder.name, card))
    return cases


def check_fixture(card, rule: str | None = None, *, rules=(), registry: Registry | None = None) -> list[str]:
    """What is wrong with the fixture, one line each; [] when the rule does exactly what the card expects.
    `rule` defaults to the folder's name; `rules` are extra Rule objects (a pack's own) to run with the
    registered ones."""
    from .fixer import fix_text_outcome
    card = Path(card)
    rule = rule or card.parent.name
    registry = registry or load_with(rules)
    if registry.get(rule) is None:
        return [f"{card}: {rule!r} names no rule"]
    data = card.read_bytes()
    text = data.decode("utf-8", "replace")
    config = fixture_config(card, text, registry)
    result = lint_bytes(data, str(card), config, registry)
    problems = [f"{card}:{f.line}: {f.message}" for f in result.findings if internal_error.owns(f)]
    target = registry.get(rule)
    got = {f.line for f in result.findings if target.owns(f)}
    want = expectations(text, rule)
    problems += [f"{card}:{line}: expected {rule}, not reported" for line in sorted(want - got)]
    problems += [f"{card}:{f.line}: unexpected {rule}: {f.message}" for f in result.findings
                 if target.owns(f) and f.line not in want]
    fixed = card.with_name(card.name[:-3] + FIXED)
    if fixed.exists():
        outcome = fix_text_outcome(text, str(card), config, registry)
        if outcome.text != fixed.read_text(encoding="utf-8"):
            problems.append(f"{fixed}: differs from what `cardlint fix` makes of {card.name}")
        again = lint_bytes(outcome.text, str(card), config, registry)
        problems += [f"{fixed}:{f.line}: still fixable after fixing: {f.message}" for f in again.findings
                     if target.owns(f) and f.fix is not None and f.fix.safe]
    return problems
