"""What a rule declares is held to: options typed and validated from the declaration, fixes only of the
declared applicability, Problems inside the card."""
from __future__ import annotations

import json

import pytest

import cardlint
from cardlint.config import ConfigError, ConfigFinder, config_schema, parse
from cardlint.registry import load
from cardlint.rule import Edit, Fix, Option, Problem, rule

from conftest import run_cli

CARD = "---\nlicense: mit\n---\n\n# Title\n\n## Results\n\nOne.\n\n## Results\n\nTwo.\n"


def names(findings):
    return [f.name for f in findings]


def test_a_configured_option_reaches_the_rule(tmp_path):
    assert "duplicate-heading" in names(cardlint.lint_text(CARD))
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.cardlint.rules.duplicate-heading]\nallow = ["results"]\n')
    card = tmp_path / "README.md"
    card.write_text(CARD)
    config = ConfigFinder(None, load()).for_path(str(card))
    assert config.options_of(load().get("CL307")) == {"allow": ["results"]}
    assert "duplicate-heading" not in names(cardlint.lint_text(CARD, config=config))
    proc = run_cli("check", "--format", "json", str(card))
    assert "duplicate-heading" not in {f["name"] for f in json.loads(proc.stdout)["files"][0]["findings"]}


@pytest.mark.parametrize("raw, message", [
    ({"rules": {"duplicate-heading": {"allow": "Results"}}}, "option 'allow' of duplicate-heading must be a list of strings"),
    ({"rules": {"duplicate-heading": {"alow": []}}}, "rule duplicate-heading has no option 'alow' (its options: allow)"),
    ({"rules": {"empty-section": {"allow": []}}}, "rule empty-section has no option 'allow' (its options: none)"),
    ({"rules": {"no-such-rule": {}}}, "'rules' names 'no-such-rule', which is no rule"),
    ({"rules": {"duplicate-heading": ["Results"]}}, "'rules' must map rule names to tables of options"),
])
def test_options_are_validated_from_the_declaration(raw, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(raw, "pyproject.toml", load())


def test_the_configuration_schema_describes_each_option():
    schema = config_schema(load())
    assert schema["properties"]["rules"]["$ref"] == "#/$defs/rule-options"
    rules = schema["$defs"]["rule-options"]["properties"]
    assert rules["duplicate-heading"]["properties"]["allow"] == {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": load().get("duplicate-heading").options["allow"].help}
    assert "empty-section" not in rules  # no options, nothing to set


def test_declarations_are_checked():
    with pytest.raises(ValueError, match="fix must be one of"):
        rule("XY100", "a-rule", "s", fix="sometimes")(lambda card, ctx: ())
    with pytest.raises(ValueError, match="option 'Bad Name'"):
        rule("XY100", "a-rule", "s", options={"Bad Name": Option(1, "h")})(lambda card, ctx: ())
    with pytest.raises(ValueError, match="option 'limit'"):
        rule("XY100", "a-rule", "s", options={"limit": Option(None, "h")})(lambda card, ctx: ())
    assert Option(3, "h").problem(True) and Option(3, "h").problem(2.5) and not Option(3, "h").problem(4)
    assert Option(0.5, "h").problem(1) is None and Option(True, "h").problem(1)


def _one(problem, fix="none"):
    @rule("XY200", "declared-rule", "A rule under test.", fix=fix)
    def check(card, ctx):
        yield problem
    return check


EDIT = (Edit(5, 3, 5, 8, "Name"),)


@pytest.mark.parametrize("problem, fix, complaint", [
    (Problem(99, 1, "past the end"), "none", "points outside the card (line 99"),
    (Problem(0, 1, "line zero"), "none", "points outside the card (line 0"),
    (Problem(5, 0, "column zero"), "none", "column 0"),
    (Problem(7, 1, "ends before it starts", end_line=5), "none", "end line 5"),
    (Problem(5, 1, "fix from a rule without fixes", fix=Fix(EDIT)), "none", "yielded a fix, but declares fix='none'"),
    (Problem(5, 1, "unsafe fix from a safe rule", fix=Fix(EDIT, safe=False)), "safe",
     "yielded an unsafe fix, but declares fix='safe'"),
])
def test_output_the_declaration_does_not_allow_is_rejected(problem, fix, complaint):
    findings = cardlint.lint_text(CARD, rules=[_one(problem, fix)])
    assert "declared-rule" not in names(findings)
    internal = [f for f in findings if f.name == "internal-error"]
    assert len(internal) == 1 and "rule XY200 declared-rule" in internal[0].message
    assert complaint in internal[0].message


@pytest.mark.parametrize("problem, fix", [
    (Problem(5, 1, "a safe fix", fix=Fix(EDIT)), "safe"),
    (Problem(5, 1, "a safe fix from an unsafe rule", fix=Fix(EDIT)), "unsafe"),
    (Problem(5, 1, "an unsafe fix", fix=Fix(EDIT, safe=False)), "unsafe"),
    (Problem(13, 5, "the last line, one past its end"), "none"),
])
def test_output_the_declaration_allows_is_kept(problem, fix):
    findings = cardlint.lint_text(CARD, rules=[_one(problem, fix)])
    assert "internal-error" not in names(findings) and "declared-rule" in names(findings)

