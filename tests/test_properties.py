"""Property tests: for generated cards, check never raises and stays in bounds; fix is idempotent
and leaves every line no fix targeted unchanged."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from cardlint.config import Config
from cardlint.engine import lint_bytes
from cardlint.card import Unreadable, load_card
from cardlint.fixer import fix_text_outcome
from cardlint.registry import load

from conftest import changed_lines, safe_fix_lines

REGISTRY = load()

WORDS = st.sampled_from(["model", "Model Name", "[Model Name]", "[More Information Needed]", "{{ x }}", "TODO",
                         "RÂ²", "caf\u00e9", "\ufffd", "<model_name>", "0.XX", "|", "`a|b`", "\\|", "[x](#y)",
                         "[](https://huggingface.co/)", "<!--", "-->", "**bold**", "*it*", "日本", "🤗", "{", "[",
                         "<", "-", "  ", "\t", "\x00", "\x07", "[optional]", "Accuracy:", "0.91", "<b>", "</b>"])
LINE = st.lists(WORDS, max_size=8).map(" ".join)
BLOCK = st.one_of(
    LINE,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), LINE),
    st.builds(lambda rows: "\n".join("| " + " | ".join(r) + " |" for r in rows),
              st.lists(st.lists(st.sampled_from(["a", "1", "", "x y", "`p|q`"]), min_size=1, max_size=4), min_size=1, max_size=4)),
    st.builds(lambda rows: "| h | i |\n|---|---|\n" + "\n".join(rows), st.lists(LINE, max_size=3)),
    st.builds(lambda items: "\n".join("- " + i for i in items), st.lists(LINE, min_size=1, max_size=4)),
    st.builds(lambda t, close: "```\n" + t + ("\n```" if close else ""), LINE, st.booleans()),
    st.builds(lambda t: "<!-- " + t + " -->", LINE),
    st.builds(lambda t: "> " + t, LINE),
    st.just("---"),
)
FRONT = st.one_of(
    st.just(""),
    st.just("---\nlicense: mit\n---\n"),
    st.just("---\nlicense: Apache-2.0\nlanguage:\n- EN\n- no\ntags: foo\n---\n"),
    st.just("---\nlicense: [unclosed\n---\n"),
    st.just("---\n- a list\n---\n"),
    st.just("---\nlicense: mit\n"),
    st.just("\ufeff---\nlicense: mit\n---\n"),
    st.just("---\na: &x [1, 2]\nb: *x\nc: !!python/object:os.system x\n---\n"),
)
CARD = st.builds(lambda fm, blocks, sep: fm + sep.join(blocks), FRONT, st.lists(BLOCK, max_size=12),
                 st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n\r\n"]))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(CARD)
def test_check_never_raises_and_positions_lie_inside_the_file(text):
    result = lint_bytes(text.encode("utf-8"), "README.md", Config(), REGISTRY)
    assert not [f for f in result.findings if f.name == "internal-error"], result.findings
    n = max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    for f in result.findings:
        assert 1 <= f.line <= f.end_line <= n, f
        assert f.column >= 1 and f.end_column >= 1


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data):
    result = lint_bytes(data, "README.md", Config(), REGISTRY)
    assert not [f for f in result.findings if f.name == "internal-error"]


@SETTINGS
@given(CARD)
def test_fix_is_idempotent_and_keeps_untargeted_lines(text):
    try:
        card = load_card(text.encode("utf-8"))
    except Unreadable:
        return
    first = fix_text_outcome(card.raw, "README.md", Config(), REGISTRY)
    second = fix_text_outcome(first.text, "README.md", Config(), REGISTRY)
    assert second.text == first.text
    if card.line_map:
        return
    extra = changed_lines(card.raw, first.text) - safe_fix_lines(card) - {len(card.raw.splitlines()) + 1}
    assert not extra, sorted(extra)
