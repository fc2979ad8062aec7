"""Links to in-page anchors and the tables of contents made of them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from .text import MAX_SCAN
from ..patterns import lazy

_LINK = lazy(r"\[(?<!!\[)((?:[^\[\]\n]|\[[^\[\]\n]{0,100}\]){0,300})\]\(\s*<?#([^)\s>]*)>?\s*\)")
_HREF = lazy(r"""<a\b[^<>]{0,500}?\bhref\s*=\s*["']#([^"']*)["']""", re.I)


@dataclass
class Link:
    line: int  # 1-based
    column: int
    end_column: int
    text: str
    target: str  # decoded, without '#'


def in_page_links(card) -> list[Link]:
    """Every link to an in-page anchor (read it as `card.links`)."""
    out: list[Link] = []
    rendered = card.rendered_lines
    for idx in range(card.body_index, len(card.lines)):
        if "#" not in card.lines[idx] or idx in card.code_indexes:
            continue
        line = card.lines[idx][:MAX_SCAN]
        for m in _LINK.finditer(line):
            if rendered[idx][m.start()] != "[":
                continue  # in a code span or comment
            out.append(Link(idx + 1, m.start() + 1, m.end() + 1, m.group(1), unquote(m.group(2))))
        for m in _HREF.finditer(line):
            if rendered[idx][m.start():m.end()].strip() or card.in_comment(idx, m.start()):
                continue
            out.append(Link(idx + 1, m.start() + 1, m.end() + 1, "", unquote(m.group(1))))
    return out


@dataclass
class Toc:
    first_line: int
    last_line: int
    links: list[Link]


def tables_of_contents(card) -> list[Toc]:
    """Top-level lists whose items are mostly links to in-page anchors (read them as `card.tocs`)."""
    links = card.links
    if not links:
        return []  # most cards: no in-page link, no table of contents
    by_line: dict[int, list[Link]] = {}
    for link in links:
        by_line.setdefault(link.line, []).append(link)
    out = []
    toks = card.tokens
    for i, tok in enumerate(toks):
        if tok.type not in ("bullet_list_open", "ordered_list_open") or tok.level != 0 or not tok.map:
            continue
        a, b = tok.map
        item_lines = [t.map[0] for t in _items_of(toks, i) if t.map]
        # a TOC item starts with its in-page link ("- [Uses](#uses)"), not merely mentions one
        with_link = [ln for ln in item_lines if any(_starts_item(card.lines[ln], l) for l in by_line.get(ln + 1, []))]
        if len(with_link) >= 2 and len(with_link) * 2 >= len(item_lines):
            toc_links = [l for ln in range(a + 1, b + 1) for l in by_line.get(ln, []) if l.text]
            out.append(Toc(a + 1, b, toc_links))
    return out


def _starts_item(line: str, link: Link) -> bool:
    return bool(re.fullmatch(r"\s*(?:[-*+]|\d+[.)])\s+(?:\*\*|__)?", line[:link.column - 1]))


def _items_of(toks, start: int):
    depth = 0
    for tok in toks[start:]:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return
        elif tok.type == "list_item_open":
            yield tok
