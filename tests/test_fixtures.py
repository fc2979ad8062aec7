"""One parametrized test over fixtures/<rule>/*: each card carries its expected findings inside it."""
from __future__ import annotations

import re

import pytest

from cardlint.config import Config, read_file
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
        for card in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
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
    own = card.parent / ".cardlint.yaml"  # a folder's own configuration, when its rule needs one
    config = read_file(own, registry) if own.exists() else Config()
    result = lint_bytes(data, str(card), config, registry)
    assert not [f for f in result.findings if f.name == "internal-error"], result.findings
    got = {(f.name, f.line) for f in result.findings if f.name == rule}
    want = expectations(text, rule)
    assert got == want, "\n".join(
        [f"missing  line {l}" for _, l in sorted(want - got)] +
        [f"unexpected line {f.line}: {f.message}" for f in result.findings if f.name == rule and (rule, f.line) not in want])


def test_quick_schema_check_agrees_with_jsonschema():
    """The start-up shortcut must never call valid what jsonschema rejects (and vice versa)."""
    import jsonschema
    from hypothesis import given, settings, strategies as st

    from cardlint.checks.metadata import quick_valid
    from cardlint.packs import schema

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                        st.sampled_from(["mit", "", "text-classification", "10K<n<100K", "found", "x"]))
    values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(st.sampled_from(["config_name", "data_files", "split", "path", "parameters", "emissions", "a"]), inner, max_size=3)),
                          max_leaves=8)
    for name in ("model-card", "dataset-card"):
        keys = list(schema(name)["properties"])
        validator = jsonschema.Draft202012Validator(schema(name))

        @settings(max_examples=300, deadline=None)
        @given(st.dictionaries(st.sampled_from(keys), values, max_size=4))
        def agree(data):
            assert quick_valid(data, schema(name), schema(name)) == validator.is_valid(data), data
        agree()
