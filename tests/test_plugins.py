"""Third-party rules arrive through the `cardlint.rules` entry point, with no change to cardlint."""
from __future__ import annotations

import json
import textwrap

from conftest import run_cli

PLUGIN = textwrap.dedent('''\
    """A tiny third-party rule pack."""
    from cardlint.rule import Problem, rule


    @rule("XY101", "shouting-heading", "A heading written in capitals.", tags=("style",))
    def shouting_heading(card, ctx):
        """Headings in capitals read as shouting."""
        for sec in card.sections:
            if sec.title.isupper():
                yield Problem(sec.line, 1, f"heading {sec.title!r} is in capitals")
    ''')


def make_distribution(site, name, module_source, entry_points):
    (site / f"{name}.py").write_text(module_source)
    dist = site / f"{name}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[cardlint.rules]\n" + entry_points)
    (dist / "RECORD").write_text("")


def test_entry_point_rule_runs_and_broken_plugin_is_skipped(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    make_distribution(site, "cardlint_shouting", PLUGIN, "shouting = cardlint_shouting\n")
    make_distribution(site, "cardlint_broken", "raise RuntimeError('boom')\n", "broken = cardlint_broken\n")
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: Apache-2.0\n---\n\n# LOUD TITLE\n\ntext\n")
    env = {"PYTHONPATH": str(site)}

    rules = run_cli("rules", env=env)
    assert b"XY101  shouting-heading" in rules.stdout
    assert b"plugin 'broken'" in rules.stderr and b"boom" in rules.stderr

    proc = run_cli("check", "--format", "json", str(card), env=env)
    findings = json.loads(proc.stdout)["files"][0]["findings"]
    names = {f["name"] for f in findings}
    assert "shouting-heading" in names and "unknown-license" in names  # built-ins still run
    assert proc.returncode == 1

    explained = run_cli("explain", "XY101", env=env)
    assert b"Headings in capitals read as shouting." in explained.stdout
    ignored = run_cli("check", "--format", "json", "--ignore", "style", str(card), env=env)
    assert "shouting-heading" not in {f["name"] for f in json.loads(ignored.stdout)["files"][0]["findings"]}


def test_plugin_crash_becomes_internal_error_and_the_run_goes_on(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    crashing = PLUGIN.replace("if sec.title.isupper():", "if 1 / 0:")
    make_distribution(site, "cardlint_crashing", crashing, "crashing = cardlint_crashing\n")
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: Apache-2.0\n---\n\n# Title\n")
    proc = run_cli("check", "--format", "json", str(card), env={"PYTHONPATH": str(site)})
    findings = json.loads(proc.stdout)["files"][0]["findings"]
    internal = [f for f in findings if f["name"] == "internal-error"]
    assert internal and "ZeroDivisionError" in internal[0]["message"]
    assert "unknown-license" in {f["name"] for f in findings}
    assert proc.returncode == 2


def _shouting_rule():
    namespace: dict = {}
    exec(PLUGIN, namespace)
    return namespace["shouting_heading"]


def test_lint_text_with_extra_rules_leaves_the_registry_alone():
    import cardlint
    from cardlint.registry import load
    shouting = _shouting_rule()
    text = "---\nlicense: mit\n---\n\n# LOUD TITLE\n\ntext\n"
    names = {f.name for f in cardlint.lint_text(text, rules=[shouting])}
    assert {"shouting-heading", "missing-metrics"} <= names  # the extra rule and the built-ins
    assert load().get("shouting-heading") is None
    assert "shouting-heading" not in {f.name for f in cardlint.lint_text(text)}
    only = cardlint.lint_text(text, rules=[shouting], select=["style"])
    assert {f.name for f in only} == {"shouting-heading"}
    fixed, remaining = cardlint.fix_text(text, rules=[shouting])
    assert "shouting-heading" in {f.name for f in remaining}


def test_the_api_checks_its_arguments():
    import pytest
    import cardlint
    from cardlint.rule import Problem, rule
    with pytest.raises(ValueError, match="placeholder-txt"):
        cardlint.lint_text("# Title\n", select=["placeholder-txt"])
    with pytest.raises(ValueError, match="placeholder-txt"):
        cardlint.lint_text("# Title\n", ignore=["placeholder-txt"])

    @rule("XY001", "empty-section", "Clashes with a built-in name.")
    def clash(card, ctx):
        return ()
    with pytest.raises(ValueError, match="clashes"):
        cardlint.lint_text("# Title\n", rules=[clash])
    with pytest.raises(TypeError):
        cardlint.lint_text("# Title\n", rules=["not a rule"])


def test_a_registry_of_one_rule_still_reports_its_crash():
    """The engine's own findings are in every registry: no rule module needs loading for them."""
    from cardlint.config import Config
    from cardlint.engine import lint_bytes
    from cardlint.registry import Registry
    from cardlint.rule import rule

    @rule("XY002", "always-crashes", "Crashes.")
    def crashes(card, ctx):
        raise KeyError("x")
    registry = Registry()
    registry.add(crashes, "test")
    findings = lint_bytes(b"# Title\n", "README.md", Config(), registry, with_score=False).findings
    assert [(f.name, f.code) for f in findings] == [("internal-error", "CL002")]
    assert "always-crashes crashed: KeyError" in findings[0].message
    assert {r.name for r in registry.rules} >= {"unreadable-file", "internal-error", "file-too-large"}


def readme_rule_source() -> str:
    """The complete rule of the README's "Writing a rule", as the README has it."""
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Writing a rule"):readme.index("## Security")]
    blocks = [b.split("\n", 1)[1] for b in section.split("```python")[1:]]
    return next(b[:b.index("```")] for b in blocks if "@rule(" in b)


FIXTURE = """\
---
license: mit
---

# Sorter

<!-- expect[+1]: shouting-heading -->
## LOUD\\_NAME

Text.

## FAQ

Short headings may be capitals.

<!-- expect[+1]: shouting-heading -->
## TRAINING DATA

Text.

## Evaluation

Text.
"""


def test_the_readme_rule_works_as_written(tmp_path):
    """The README's example rule, copied as a plugin: its fixtures (with a fixed text) pass under
    cardlint.testing, and the installed plugin runs from the command line with its option configured."""
    from cardlint.testing import check_fixture, fixture_cases
    site = tmp_path / "site"
    site.mkdir()
    make_distribution(site, "cardlint_style", readme_rule_source(), "style = cardlint_style\n")
    namespace: dict = {}
    exec(readme_rule_source(), namespace)
    shouting = namespace["shouting_heading"]

    folder = tmp_path / "fixtures" / "shouting-heading"
    folder.mkdir(parents=True)
    (folder / "headings.md").write_text(FIXTURE)
    (folder / "headings.fixed.md").write_text(FIXTURE.replace("## LOUD\\_NAME", "## Loud\\_name")
                                              .replace("## TRAINING DATA", "## Training data"))
    (folder / "short.md").write_text(FIXTURE.replace("## FAQ", "<!-- expect[+1]: shouting-heading -->\n## FAQ")
                                     + "\n<!-- fixture-config\nrules: {shouting-heading: {min-length: 3}}\n-->\n")
    cases = fixture_cases(tmp_path / "fixtures")
    assert [c.name for _, c in cases] == ["headings.md", "short.md"]
    for rule_name, card in cases:
        assert check_fixture(card, rule_name, rules=[shouting]) == [], card.name
    # the harness is not a rubber stamp: a wrong fixed text fails it
    (folder / "headings.fixed.md").write_text(FIXTURE)
    assert check_fixture(folder / "headings.md", rules=[shouting])

    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "README.md").write_text(FIXTURE)
    env = {"PYTHONPATH": str(site)}
    lines = lambda proc: sorted(f["line"] for f in json.loads(proc.stdout)["files"][0]["findings"]
                                if f["name"] == "shouting-heading")
    assert lines(run_cli("check", "--format", "json", str(project / "README.md"), env=env)) == [8, 17]
    (project / "pyproject.toml").write_text("[tool.cardlint.rules.shouting-heading]\nmin-length = 20\n")
    assert lines(run_cli("check", "--format", "json", str(project / "README.md"), env=env)) == []
    (project / "pyproject.toml").write_text("[tool.cardlint.rules.shouting-heading]\nmin-lenght = 2\n")
    bad = run_cli("check", str(project / "README.md"), env=env)
    assert bad.returncode == 2 and b"has no option 'min-lenght' (its options: min-length)" in bad.stderr
