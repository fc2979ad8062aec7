"""One parametrized test over fixtures/<rule>/*: each card carries its expected findings inside it."""
from __future__ import annotations

import pytest

from cardlint.engine_rules import file_too_large, internal_error, unreadable_file
from cardlint.registry import load
from cardlint.testing import check_fixture, expectations, fixture_cases

from conftest import FIXTURES


def test_every_rule_has_fixtures():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    untested = [r.name for r in load().rules if r.name not in folders
                and r not in (unreadable_file, internal_error, file_too_large)]  # these need a broken file or cardlint
    assert not untested, f"rules without fixture cards: {untested}"


@pytest.mark.parametrize("rule,card", [pytest.param(r, c, id=f"{r}/{c.name}") for r, c in fixture_cases(FIXTURES)])
def test_fixture(rule, card):
    problems = check_fixture(card, rule)
    assert not problems, "\n".join(problems)


def test_markers_point_here_below_above_or_at_a_line():
    text = ("line one <!-- expect: a -->\n<!-- expect[+1]: a -->\nline three\nline four <!-- expect[-3]: b -->\n"
            "<!-- expect: a@9 --> # expect: a\n")
    assert expectations(text, "a") == {1, 3, 9, 5}
    assert expectations(text, "b") == {1}


def test_the_harness_fails_what_is_wrong(tmp_path):
    """A fixture that expects too much, too little, or a wrong fixed text is reported; a config block applies."""
    folder = tmp_path / "empty-section"
    folder.mkdir()
    card = folder / "case.md"
    card.write_text("---\nlicense: mit\n---\n\n# Title\n\nText.\n\n<!-- expect[+1]: empty-section -->\n"
                    "## Empty\n\n## Filled <!-- expect: empty-section -->\n\nText.\n")
    problems = check_fixture(card)
    assert len(problems) == 1 and "case.md:12: expected empty-section" in problems[0]
    card.write_text(card.read_text().replace(" <!-- expect: empty-section -->", "") +
                    "\n<!-- fixture-config\nignore: [empty-section]\n-->\n")
    assert check_fixture(card) == [f"{card}:10: expected empty-section, not reported"]

    fix_folder = tmp_path / "optional-marker"
    fix_folder.mkdir()
    fixable = fix_folder / "case.md"
    fixable.write_text("---\nlicense: mit\n---\n\n# Title\n\n<!-- expect[+1]: optional-marker -->\n"
                       "## Training Data [optional]\n\nText.\n")
    assert check_fixture(fixable) == []
    (fix_folder / "case.fixed.md").write_text("not what fix writes\n")
    assert [p for p in check_fixture(fixable) if "differs from what `cardlint fix` makes" in p]
    (fix_folder / "case.fixed.md").write_text(fixable.read_text().replace(" [optional]", ""))
    assert check_fixture(fixable) == []


def test_quick_schema_check_agrees_with_jsonschema():
    """The start-up shortcut must never call valid what jsonschema rejects (and vice versa)."""
    import jsonschema
    from hypothesis import given, settings, strategies as st

    from cardlint.card.schema import quick_valid
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


def test_model_index_problems_are_the_schema_errors():
    """The messages are worded in Python, the shape is the schema's: no problem exactly when the schema
    holds, and every problem points inside the model-index."""
    import jsonschema
    from hypothesis import given, settings, strategies as st

    from cardlint.checks.schema import model_index_problems
    from cardlint.packs import schema

    node = schema("model-card")["properties"]["model-index"]
    keys = st.sampled_from(["name", "results", "task", "dataset", "metrics", "type", "value", "source", "url",
                            "config", "split", "args"])
    leaf = st.one_of(st.none(), st.text(max_size=2), st.integers(0, 3), st.booleans())
    values = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(keys, inner, max_size=5)), max_leaves=25)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(values, max_size=2) | values)
    def agree(mi):
        problems = list(model_index_problems(mi))
        assert (not problems) == (mi is None or jsonschema.Draft202012Validator(node).is_valid(mi)), (mi, problems)
        assert all(path[0] == "model-index" and message.startswith(("must", "is empty")) for path, message in problems)
    agree()
