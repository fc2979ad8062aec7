"""Rules precise on real cards, and severities that mean one thing: error = the Hub rejects the card at
push time or it renders broken; warning = incomplete or misleading; info = worth knowing."""
from __future__ import annotations

from cardlint.config import Config
from cardlint.engine import lint_bytes
from cardlint.registry import load


def findings(text: str, rule: str, **config):
    return [f for f in lint_bytes(text, "README.md", Config(**config), load()).findings if f.name == rule]


FM = "---\nlicense: mit\n---\n\n# Sorter\n\nA model that sorts photos.\n\n"


def test_unclosed_fence_is_an_error_only_when_it_hides_markdown():
    hides = findings(FM + "## Usage\n\n```python\nimport sorter\n\n## Training\n\nTen epochs.\n", "unclosed-code-fence")
    assert [(f.severity, f.line) for f in hides] == [("error", 11)] and "## Training" in hides[0].message
    stray = findings(FM + "```\n", "unclosed-code-fence")
    assert [f.severity for f in stray] == ["warning"] and "stray" in stray[0].message
    code_only = findings(FM + "```bibtex\n@misc{x,\n  year = {2026}\n}\n", "unclosed-code-fence")
    assert [f.severity for f in code_only] == ["warning"] and "only code follows" in code_only[0].message
    # a severity set in the configuration wins over the finding's own
    assert [f.severity for f in findings(FM + "```\n", "unclosed-code-fence", severity={"CL306": "error"})] == ["error"]
    assert [f.severity for f in findings(FM + "```python\nx\n\n## T\n\ny\n", "unclosed-code-fence",
                                         severity={"unclosed-code-fence": "info"})] == ["info"]


def test_vocabulary_rules_the_hub_does_not_enforce_are_warnings():
    registry = load()
    for name in ("unknown-library-name", "unknown-pipeline-tag", "invalid-language"):
        rule = registry.get(name)
        assert rule.severity == "warning" and "hub" not in rule.tags, name
    # what the Hub is known to reject stays an error tagged hub
    for name in ("invalid-front-matter", "unknown-license", "local-path-as-hub-id", "invalid-model-index"):
        rule = registry.get(name)
        assert rule.severity == "error" and "hub" in rule.tags, name


def test_unknown_library_says_what_is_lost_and_the_nearest_id():
    (f,) = findings("---\nlibrary_name: sentence-transformer\n---\n# M\n", "unknown-library-name")
    assert "no widget or code snippet" in f.message and 'did you mean "sentence-transformers"?' in f.message
    (f,) = findings("---\nlibrary_name: cleanrl\n---\n# M\n", "unknown-library-name")
    assert f.severity == "warning" and "no widget or code snippet" in f.message


def test_languages_the_hub_accepts():
    text = "---\nlanguage: [en, eng, fre, ger, sem, zle, multilingual, code]\n---\n# M\n"
    assert findings(text, "invalid-language") == []
    bad = findings("---\nlanguage: [EN, zh-CN, german, false]\n---\n# M\n", "invalid-language")
    assert len(bad) == 4


def test_one_yaml_verdict_with_and_without_libyaml(monkeypatch):
    """The same front matter gets the same problems and values whether libyaml is installed or not."""
    import random

    import yaml

    from cardlint import card as document
    from cardlint.card import frontmatter

    if getattr(yaml, "CSafeLoader", None) is None:
        import pytest
        pytest.skip("libyaml is not installed: there is only one loader to compare")
    rng = random.Random(7)
    atoms = ["license: mit", "a: 'x y'", "- x", "tags:", "  - y", "a: [x, y]", "a: {k: v}", "a: b # c", "a: 1",
             "metrics: |", "  text", "a: &x 1", "b: *x", "language: no"]
    texts = ["license: mit\t", "a:\t b", "tags:\n- a\t", "a: b\t# c", "\ta: b"]
    for _ in range(300):
        lines = [rng.choice(atoms) for _ in range(rng.randint(1, 4))]
        k = rng.randrange(len(lines))
        pos = rng.randint(0, len(lines[k]))
        lines[k] = lines[k][:pos] + "\t" + lines[k][pos:]
        texts.append("\n".join(lines))

    def verdicts():
        out = []
        for t in texts:
            fm = document.load_card(f"---\n{t}\n---\n# M\n", "README.md").front_matter
            out.append((fm.data, [(p.kind, p.message, p.line, p.column) for p in fm.problems]))
        return out

    fast = verdicts()
    monkeypatch.setattr(frontmatter, "_FAST_LOADER", None)
    assert verdicts() == fast
    tab = document.load_card("---\nlicense: mit\t\n---\n# M\n", "README.md").front_matter
    assert "huggingface_hub" in tab.problems[0].message


def test_front_matter_that_the_hub_does_not_see_says_why():
    says = {
        "---\n---\n# M\n\ntext\n": "'---' right after '---'",
        "---\r\r\nlicense: mit\r\r\n---\r\r\n# M\r\r\n": "CR CR LF",
        "---\nlicense: mit\n  ---\n# M\n": "the closing '---' at line 3 is indented",
        "---\nlicense: mit\n\n# M\n": "never closed",
    }
    for text, needle in says.items():
        (f,) = findings(text, "invalid-front-matter")
        assert needle in f.message and f.line == 1, (text, f.message)
        assert "never closed" not in f.message or needle == "never closed"


def test_a_null_metric_value_is_an_empty_result_not_a_missing_key():
    mi = ("---\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n"
          "    dataset: {type: imdb, name: IMDB}\n    metrics:\n    - type: accuracy\n      value: null\n"
          "    - type: f1\n---\n# M\n")
    null, missing = findings(mi, "invalid-model-index")
    assert (null.line, null.severity) == (9, "warning") and "empty (null)" in null.message
    assert (missing.line, missing.severity) == (10, "error") and "must have property 'value'" in missing.message


def test_model_keys_make_a_model_card_whatever_dataset_keys_it_carries():
    autotrain = "---\ntags: [autotrain]\ndatasets: [org/cats]\ntrain-eval-index:\n- task: text-classification\n---\n# Sorter\n"
    result = lint_bytes(autotrain, "README.md", Config(), load())
    assert result.profile in ("minimal", "hf-model")
    dataset = "---\ntask_categories: [text-classification]\ntrain-eval-index:\n- task: text-classification\n---\n# Cats\n"
    assert lint_bytes(dataset, "README.md", Config(), load()).profile.startswith("hf-dataset")
