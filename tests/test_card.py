"""Reading a card: front matter found exactly as the Hub finds it, YAML positions, slugs, the rendered view."""
from __future__ import annotations

import pytest

from cardlint.card import Unreadable, decode, load_card, recover_pipe_mangled, slugify


@pytest.mark.parametrize("text,found,data", [
    ("---\nlicense: mit\n---\nbody", True, {"license": "mit"}),
    ("---\nlicense: mit\n---", True, {"license": "mit"}),
    ("---\n---\nbody", False, None),
    ("---\n\n---\nbody", True, {}),
    ("\n\n  \n---\nlicense: mit\n---\n", True, {"license": "mit"}),
    ("\ufeff---\nlicense: mit\n---\n", False, None),
    ("---\nlicense: mit\n--- \nbody", True, {"license": "mit"}),
    ("--- \nlicense: mit\n---\nbody", False, None),
    ("----\nlicense: mit\n---\nbody", False, None),
    ("---\nlicense: mit\n---x\nbody", False, None),
    ("---\nlicense: mit\n...\nbody", False, None),
    ("---\r\nlicense: mit\r\n---\r\nbody", True, {"license": "mit"}),
    ("---\rlicense: mit\r---\rbody", False, None),
    ("---\n---\nlanguage: en\n---\nbody", True, {"language": "en"}),
    ("text\n---\nlicense: mit\n---\n", False, None),
])
def test_front_matter_found_as_the_hub_finds_it(text, found, data):
    card = load_card(text)
    assert (card.front_matter is not None) == found
    if found:
        assert card.front_matter.data == data


def test_front_matter_lines_and_positions():
    card = load_card("\n---\nlicense: mit\ntags:\n- a\n- b\nmodel-index:\n- name: x\n---\n# T\n")
    fm = card.front_matter
    assert (fm.start_line, fm.end_line) == (2, 9)
    assert fm.positions[("license",)] == (3, 10)
    assert fm.key_positions[("tags",)] == (4, 1)
    assert fm.positions[("tags", 1)] == (6, 3)
    assert fm.positions[("model-index", 0, "name")] == (8, 9)
    assert card.sections[0].line == 10


def test_yaml_values_stay_safe_data():
    card = load_card("---\nlanguage: no\ndate: 2024-01-01\nn: 0123\nv: 1.10\ne: 1e3\n---\n")
    data = card.front_matter.data
    assert data == {"language": False, "date": "2024-01-01", "n": 83, "v": 1.1, "e": "1e3"}


def test_yaml_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    card = load_card(f"---\nx: !!python/object/apply:os.system [\"touch {marker}\"]\n---\n")
    assert not marker.exists()
    assert [p.kind for p in card.front_matter.problems] == ["tag"]


def test_duplicate_and_non_string_keys_are_problems():
    card = load_card("---\na: 1\na: 2\n1: x\n---\n")
    kinds = [(p.kind, p.line) for p in card.front_matter.problems]
    assert ("duplicate-key", 3) in kinds and ("non-string-key", 4) in kinds


@pytest.mark.parametrize("title,slug", [
    ("Model Details", "model-details"),
    ("Bias, Risks, and Limitations", "bias-risks-and-limitations"),
    ("Testing Data, Factors & Metrics", "testing-data-factors--metrics"),
    ("Downstream Use [Optional]", "downstream-use-optional"),
    ("🚀 Quick Start", "-quick-start"),
    ("Résumé", "résumé"),
    ("日本語の説明", "日本語の説明"),
    ("model_name v1.0", "model_name-v10"),
])
def test_github_slugs(title, slug):
    assert slugify(title) == slug


def test_repeated_headings_get_suffixes():
    card = load_card("# A\n## Results\n## Results\n## Results\n")
    assert [s.slug for s in card.sections] == ["a", "results", "results-1", "results-2"]


def test_section_tree_spans():
    card = load_card("# T\nintro\n## A\ntext\n### A1\nmore\n## B\nlast\n\n")
    t = card.sections[0]
    assert [c.title for c in t.children] == ["A", "B"]
    a = t.children[0]
    assert (a.line, a.content_end, a.end_line) == (3, 4, 6)
    assert a.children[0].parent is a


def test_rendered_view_hides_what_a_reader_does_not_see():
    text = ("# T\n\nvisible `code` <!-- comment --> [link](https://url) <b>bold</b>\n\n"
            "<!--\nmulti [Model Name]\n-->\n\n```\nfenced\n```\n\n    indented\n")
    card = load_card(text)
    view = card.rendered_lines
    assert all(len(a) == len(b) for a, b in zip(view, card.lines))
    assert "visible" in view[2] and "code" not in view[2] and "comment" not in view[2]
    assert "https" not in view[2] and "link" in view[2] and "<b>" not in view[2] and "bold" in view[2]
    assert "Model Name" not in view[5] and not view[9].strip() and not view[12].strip()


def test_crlf_and_cr_keep_line_numbers():
    card = load_card("a\r\nb\r\n\r\n# H\r\n")
    assert card.lines[:4] == ["a", "b", "", "# H"] and card.newline == "\r\n"
    assert card.sections[0].line == 4
    assert load_card("a\rb\r# H\r").sections[0].line == 3


def test_decode_reports_the_byte_offset():
    with pytest.raises(Unreadable) as err:
        decode(b"ok\nline two \xff here")
    assert "byte offset 12" in str(err.value) and err.value.line == 2
    with pytest.raises(Unreadable):
        decode(b"\xff\xfeh\x00i\x00")
    assert decode(b"\xef\xbb\xbfhi") == ("hi", True)


def test_pipe_mangled_recovery_maps_lines():
    text = "|\n--- |\n|\nlicense: mit |\n|\n--- |\n|\n|\n|\n# T |\n|"
    recovered, line_map = recover_pipe_mangled(text)
    assert recovered == "---\nlicense: mit\n---\n\n# T"
    assert line_map[:5] == [2, 4, 6, 8, 10]
    assert recover_pipe_mangled("| a | b |\n|---|---|\n| 1 | 2 |\n|\n| 3 | 4 |\n|\n") is None
