"""The fast paths of bench/'s optimisations held to the plain formulations they replace: each pattern
rewritten to be searched faster finds what the readable pattern finds, the inline shortcut makes the
children markdown-it makes, and the line tables of an LF-only card are those of the regex pass."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from cardlint import context, topics
from cardlint.card import core, links, markdown, scan
from cardlint.card.text import _BREAK
from cardlint.checks import structure

SETTINGS = settings(max_examples=300, deadline=None)

# Characters the patterns turn on, and words they look for, so that random text meets them often.
PIECES = st.sampled_from(["[", "]", "(", ")", "!", "#", "<", ">", "`", "``", "*", "_", "\\", " ", "\n", "-", ":",
                          "/", ".", ",", "%", "\u2019", "a", "Ab", "x", "X", "0", "12", "3.5", "co2", "CO\u2082",
                          "Carbon", "kWh", "wh", "kg", "of", "tons", "https://h.co/", "<!--", "-->", "<b>", "</a>",
                          "<https://x.y>", "mailto:", "#top", "](", "[]", "![", "url", "TODO", "f1", "F1-score",
                          "accuracy", "rouge-l", "exact match", "top-5", "pass@1", "loss", "é", "\u0130", "ſ"])
TEXT = st.lists(PIECES, max_size=40).map("".join)


def found(pattern: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


# (the pattern as the code has it, the plain pattern it stands for)
EQUIVALENT = [
    (markdown._INLINE_SPECIAL, re.compile(
        r"\\.|`+|<!--|</?[A-Za-z][A-Za-z0-9-]{0,40}(?:[\s/][^<>\n]{0,2000})?>|<(?:https?|ftp|mailto):[^\s<>]{0,2000}>|"
        r"\]\(", re.S)),
    (context._MARKS, re.compile(r"[*_>`#]|\[|\]\([^)]*\)|\]")),
    (links._LINK, re.compile(r"(?<!!)\[((?:[^\[\]\n]|\[[^\[\]\n]{0,100}\]){0,300})\]\(\s*<?#([^)\s>]*)>?\s*\)")),
    (scan._BRACKET, re.compile(r"(?<![\\!\]\w\[])\[([^\[\]\n]{1,160})\](?![(\[:\uff08\]])")),
    (topics._NUMBER, re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*%?(?![\w])")),
    (structure._NESTED, re.compile(r"(?<!!)\[([^\[\]\n]{0,200})\]\(\s*\[([^\[\]\n]{0,200})\]\(")),
    (structure._EMPTY_TEXT, re.compile(r"(?<![!\]])\[\s*\]\(\s*(https?://[^/\s)]+/?)\s*\)")),
    (topics._METRIC, re.compile(
        r"\b(?:loss|accuracy|acc|f1|precision|recall|bleu|rouge\w*|wer|cer|auc|roc|map|mae|mse|rmse|perplexity|ppl|"
        r"exact[_ ]match|em|reward|mean_reward|ndcg|mrr|pearson|spearman|matthews|mcc|iou|psnr|ssim|fid|score|top-?[15]|"
        r"meteor|chrf|ter|elo|pass@\d+)\b", re.I)),
]


@pytest.mark.parametrize("fast,plain", EQUIVALENT,
                         ids=["inline-special", "marks", "toc-link", "bracket", "number", "nested-link", "empty-link-text",
                              "metric"])
@SETTINGS
@given(text=TEXT)
def test_rewritten_patterns_find_what_the_plain_ones_find(fast, plain, text):
    assert found(fast, text) == found(plain, text)


@SETTINGS
@given(text=TEXT)
def test_co2_figures_and_their_prefilter(text):
    plain = re.compile(r"\d[\d.,]*\s*(?:k?g|kilograms?|t|tons?|tonnes?|lbs?|pounds?)\s*(?:of\s+)?(?:co2|co₂|carbon)|"
                       r"\d[\d.,]*\s*(?:k|m|g)?wh\b|co2(?:[ _-]?eq)?(?: emissions?)?\s*[:=]?\s*\**\s*\d", re.I)
    assert topics._co2_figure(text) == bool(plain.search(text))
    assert bool(topics._CO2_WORD.search(text)) == bool(re.search(r"co[2₂]|carbon|wh\b", text, re.I))


@SETTINGS
@given(text=TEXT)
def test_the_suspect_character_prefilter_misses_no_mojibake(text):
    text = text.replace("a", "\u00c3").replace("x", "\u00a9")  # a lead character and a trailing one
    if structure._SUSPECT.search(text):
        assert not text.isascii() and structure._SUSPECT_START.search(text)


@SETTINGS
@given(text=TEXT)
def test_inline_content_without_markup_characters_becomes_the_parsers_children(text):
    from markdown_it.rules_core import StateCore, inline, text_join
    from markdown_it.token import Token
    fast, full = Token("inline", "", 0, content=text, children=[]), Token("inline", "", 0, content=text, children=[])
    state = StateCore("", markdown.markdown_parser(), {})
    state.tokens = [full]
    inline(state)
    text_join(state)
    assert [c.as_dict() for c in markdown.parse_inline(fast, {})] == [c.as_dict() for c in full.children]


@SETTINGS
@given(text=st.lists(st.sampled_from(["a", "bc", " ", "\n", "\r\n", "\r", "é", ""]), max_size=30).map("".join))
def test_line_tables_are_those_of_the_regex_pass(text):
    card = core.Card(text)
    breaks = list(_BREAK.finditer(text))
    assert card.raw_line_starts == [0] + [m.end() for m in breaks]
    assert card.line_endings == [m.group(0) for m in breaks]
    assert card.lines == _BREAK.sub("\n", text).split("\n")


def test_a_lazy_pattern_compiles_on_first_use_and_then_is_the_pattern():
    import copy
    from cardlint.patterns import lazy
    pattern = lazy(r"(a)(?P<b>b)?", re.I)
    assert "compiled" not in vars(pattern) and pattern.pattern == r"(a)(?P<b>b)?"
    assert copy.deepcopy(pattern).pattern == pattern.pattern and "compiled" not in vars(pattern)
    plain = re.compile(r"(a)(?P<b>b)?", re.I)
    assert [m.span() for m in pattern.finditer("xAbab")] == [m.span() for m in plain.finditer("xAbab")]
    assert "compiled" in vars(pattern) and pattern.groups == 2 and pattern.groupindex == {"b": 2}
    assert pattern.sub("-", "AbA") == plain.sub("-", "AbA") and pattern.split("xay") == plain.split("xay")
