"""Markdown as cardlint reads it: the one markdown-it-py parser, inline text of tokens, masking of what a
reader never sees (code spans, HTML, link destinations), GitHub's heading slugs."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from ..patterns import lazy

def _mask(s: str) -> str:
    return " " * len(s)


# an escape, a backtick run, a comment's opening, an HTML tag, an autolink, a link destination's opening; written as
# one class of first characters, each alternative looking behind at its own (searched twice as fast as alternatives)
_INLINE_SPECIAL = lazy(
    r"[\\`<\]](?:(?<=\\).|(?<=`)`*|(?<=<)(?:!--|/?[A-Za-z][A-Za-z0-9-]{0,40}(?:[\s/][^<>\n]{0,2000})?>|"
    r"(?:https?|ftp|mailto):[^\s<>]{0,2000}>)|(?<=\])\()", re.S)


def mask_inline(s: str) -> str:
    """Blank out what a reader never sees as text: code spans, HTML comments and tags, autolinks,
    link destinations. Columns are kept (masked characters become spaces, line breaks stay)."""
    m = _INLINE_SPECIAL.search(s)
    if not m:
        return s  # most lines: nothing to blank
    out = list(s)
    pos, n = 0, len(s)
    no_comment_close = False
    no_closer: set[int] = set()  # backtick run lengths with no closing run further on

    def blank(a: int, b: int) -> None:
        part = s[a:b]
        out[a:b] = " " * (b - a) if "\n" not in part else [c if c == "\n" else " " for c in part]

    while m:
        tok = m.group(0)
        if tok[0] == "\\":
            pos = m.end()
        elif tok[0] == "`":
            c = None
            if len(tok) not in no_closer:
                c = re.compile(r"(?<!`)" + "`" * len(tok) + r"(?!`)").search(s, m.end())
                if c is None:
                    no_closer.add(len(tok))
            if c:
                blank(m.start(), c.end())
                pos = c.end()
            else:
                pos = m.end()
        elif tok == "<!--":
            end = -1 if no_comment_close else s.find("-->", m.end())
            if end < 0:
                no_comment_close = True
                pos = m.end()
            else:
                blank(m.start(), end + 3)
                pos = end + 3
        elif tok == "](":
            depth, i = 1, m.end()
            limit = min(n, i + 2000)
            while i < limit and s[i] != "\n":
                if s[i] == "\\":
                    i += 2
                    continue
                if s[i] == "(":
                    depth += 1
                elif s[i] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            if i < limit and i < n and s[i] == ")":
                blank(m.end(), i)  # keep "](" and ")" so rules still see that a link was there
                pos = i + 1
            else:
                pos = m.end()
        else:  # inline HTML tag or autolink
            blank(m.start(), m.end())
            pos = m.end()
        m = _INLINE_SPECIAL.search(s, pos) if pos < n else None
    return "".join(out)


# a field written as a bold label, "**Developed by:** text" or "- __License__: text": (label, value)
BOLD_LABEL = lazy(r"^\s*(?:[-*+]\s+|\d+\.\s+)?(?:\*\*|__)([^*_\n]{1,80}?)(?:\s*:\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(.*)$")
# a plain bullet label, "- License: MIT"
PLAIN_LABEL = lazy(r"^\s*[-*+]\s+([A-Z][^:\n]{0,40}?):\s+(.*)$")


_OPTIONAL = lazy(r"\[\s*optional\s*\]", re.I)
_NUMBERING = lazy(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+\.)\s+")
_PUNCTUATION = lazy(r"[^\w\s]")


@lru_cache(maxsize=4096)
def norm_heading(text: str) -> str:
    """Compare headings loosely: case, "[optional]", numbering, emoji and punctuation do not matter."""
    text = _OPTIONAL.sub(" ", text)
    text = text.replace("&", " and ")
    text = _NUMBERING.sub("", text.lower())
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.replace("_", " ").split())


@lru_cache(maxsize=4096)
def heading_words(title: str) -> str:
    """A heading as the families read it: no numbering, emoji, markup or punctuation; parentheses kept as
    words ("Training (with the RL Zoo)" is still training). Unlike norm_heading, which compares whole
    headings with a profile's names, hyphens, dots and slashes stay, so that "Meta-Llama-3.1-8B" is one word
    when a heading is told apart from a sentence."""
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivx]+[.)])\s+", "", title.lower())
    text = re.sub(r"[*_`~#>\[\]()|:!?,;\"“”]", " ", text).replace("&", " and ")
    text = re.sub(r"[^\w\s/+.@-]", " ", text)
    return " ".join(text.split())


_HTML_SKIP = lazy(r"^\s*<(script|style|pre|textarea)\b", re.I)


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """GitHub's heading anchor: lowercase, drop punctuation and symbols (emoji included), spaces to '-'
    (cached: a card's headings are mostly those of the cards before it)."""
    text = text.strip().lower()
    kept = []
    for ch in text:
        if ch in " -_":
            kept.append("-" if ch == " " else ch)
        elif ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc"):
            kept.append(ch)
    return "".join(kept)



def inline_text(children) -> str:
    """Plain text of inline content (an inline token's children) as a reader sees it."""
    parts = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


_MD = None


def markdown_parser():
    """The one parser: CommonMark with tables and strikethrough, block structure only. Inline content
    (emphasis, links, breaks inside a paragraph, heading or table cell) is parsed per token on demand by
    `parse_inline`: most rules read lines, and the inline pass is half of a full parse."""
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt
        _MD = MarkdownIt("commonmark", {"maxNesting": 40}).enable(["table", "strikethrough"])
        _MD.disable(["inline", "text_join"])
    return _MD


def parse_inline(token, env: dict) -> list:
    """An inline token's children, as the full parse would have made them (the core rules `inline` and
    `text_join` on this token alone); parsed once, kept on the token."""
    if "inline" not in token.meta:  # block rules leave children empty; parse them once
        md = markdown_parser()
        if not (getattr(md.inline, "terminator_re", None) or _TERMINATOR).search(token.content):
            # no character that can start inline markup: the parser's text rule takes it all as one token
            from markdown_it.token import Token
            token.children = [Token("text", "", 0, content=token.content)] if token.content else []
        else:
            from markdown_it.rules_core import StateCore, inline, text_join
            token.children = []
            state = StateCore("", md, env)
            state.tokens = [token]
            inline(state)
            text_join(state)
        token.meta["inline"] = True
    return token.children


# the characters that stop markdown-it's text rule (its ParserInline.terminator_re, from 4.0 on)
_TERMINATOR = lazy(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")

