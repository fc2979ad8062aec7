"""Table-of-contents rules: duplicated, dead and stale entries (CL4xx)."""
from __future__ import annotations

import difflib
import os
import re

from ..card.links import Link, Toc
from ..rule import Edit, Fix, Problem, rule
from ..patterns import lazy

TAGS = ("toc",)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


@rule("CL401", "duplicate-toc-entry", "A table of contents lists the same entry twice.", tags=TAGS, fix="safe")
def duplicate_toc_entry(card, ctx):
    """A table of contents lists the same entry twice: the same text, or the same target.

    Why: it was pasted or generated twice; readers meet the same link again.

    Example:
        - [Uses](#uses)
        - [Uses](#uses)

    Not flagged: the same text leading to different headings of that name (#ax, #ax-1); lists that
    are not tables of contents (their items do not start with an in-page link).

    Fix: the safe fix removes the repeated entry's line when it holds nothing else."""
    by_slug = {s.slug: s for s in card.sections}
    for toc in card.tocs:
        texts: dict[str, int] = {}
        targets: dict[str, int] = {}
        for link in toc.links:
            text, target = _norm(link.text), link.target.lower()
            # the same text is fine when it leads to another heading of that name (#ax, #ax-1)
            own_heading = by_slug.get(link.target)
            same_text = text in texts and not (own_heading and _norm(own_heading.title) == text)
            first = targets.get(target) or (texts[text] if same_text else None)
            if first:
                what = "target" if target in targets else "text"
                yield Problem(link.line, link.column, f"table of contents lists \"{link.text}\" again (same {what} as "
                              f"line {first}); remove the repeat", fix=_remove_entry(card, link))
                continue
            texts.setdefault(text, link.line)
            targets.setdefault(target, link.line)


def _remove_entry(card, link: Link) -> Fix | None:
    line = card.lines[link.line - 1]
    if not re.fullmatch(r"\s*(?:[-*+]|\d+[.)])\s+" + re.escape(line[link.column - 1:link.end_column - 1]) + r"\s*", line):
        return None
    indent = len(line) - len(line.lstrip())
    nxt = card.lines[link.line] if link.line < len(card.lines) else ""
    if nxt.strip() and len(nxt) - len(nxt.lstrip()) > indent:
        return None  # it has nested entries: removing it would re-parent them
    return Fix((Edit(link.line, 1, link.line + 1, 1, ""),), description="remove the repeated entry")


def _closest_slug(target: str, slugs: list[str]) -> list[str]:
    """The heading a dead link most likely meant: similar spelling, and the same beginning counts most."""
    def score(slug: str) -> float:
        prefix = len(os.path.commonprefix([target, slug]))
        return difflib.SequenceMatcher(None, target, slug).ratio() + prefix / max(len(target), 1)
    best = max(slugs, key=score, default=None)
    return [best] if best is not None and score(best) >= 0.8 else []


@rule("CL402", "broken-toc-link", "An in-page link whose anchor matches no heading or HTML anchor.", tags=TAGS,
      fix="unsafe")
def broken_toc_link(card, ctx):
    """An in-page link (`[Uses](#uses)`) whose anchor is neither the GitHub-style slug of a heading
    (lowercase, punctuation removed, spaces to hyphens, -1, -2 ... for repeats) nor an explicit
    `<a name=...>` / `id=`.

    Why: headings that were renamed, or a template's `#model-card-for--model_id-`, leave dead links.

    Example: `[Training](#training-details)` in a card whose heading is "## Training".

    Not flagged: links to other pages or files; anchors defined in HTML.

    Fix: point the link at the heading's slug. The unsafe fix rewrites it to the closest heading."""
    slugs = [s.slug for s in card.sections]
    for link in card.links:
        if card.resolves(link.target):
            continue
        guess = _closest_slug(link.target.lower(), slugs)
        hint = f"; did you mean #{guess[0]}?" if guess else ""
        fix = None
        if guess:
            line = card.lines[link.line - 1]
            pos = line.find("#" + link.target, link.column - 1) if "%" not in line[link.column - 1:link.end_column] else -1
            if pos >= 0:
                fix = Fix((Edit(link.line, pos + 2, link.line, pos + 2 + len(link.target), guess[0]),), safe=False,
                          description=f"link to #{guess[0]}")
        yield Problem(link.line, link.column, f"link to #{link.target} matches no heading or anchor in this card{hint}",
                      end_column=link.end_column, fix=fix)


@rule("CL403", "toc-out-of-sync", "A table of contents misses headings or lists them out of order.",
      severity="info", tags=TAGS, fix="unsafe")
def toc_out_of_sync(card, ctx):
    """A table of contents that no longer matches the headings: a heading at a level it covers is not
    listed, or its entries are not in the order of the headings.

    Why: readers trust the table of contents to show what the card holds.

    Example: a TOC listing "Uses, Training" for a card whose headings are "Training, Uses, Citation".

    Not flagged: headings at levels the TOC does not cover; cards without a TOC.

    Fix: update the table of contents. The unsafe fix regenerates it from the headings."""
    by_slug = {s.slug: s for s in card.sections}
    lower = {s.slug.lower(): s for s in card.sections}
    for toc in card.tocs:
        hit = []
        for link in toc.links:
            sec = by_slug.get(link.target) or lower.get(link.target.lower())
            if sec is not None:
                hit.append((link, sec))
        if len(hit) < 2:
            continue
        levels = {sec.level for _, sec in hit}
        lo, hi = min(levels), max(levels)
        listed = {sec.line for _, sec in hit}
        own = card.section_at(toc.first_line)
        wanted = [sec for sec in card.sections if lo <= sec.level <= hi and sec.line > toc.last_line and sec is not own]
        fix = _regenerate(card, toc, wanted, lo)
        for sec in wanted:
            if sec.line not in listed:
                yield Problem(toc.first_line, 1, f"table of contents does not list \"{sec.title}\" (line {sec.line})",
                              fix=fix)
        last = 0
        for link, sec in hit:
            if sec.line < last and sec is not own:
                yield Problem(link.line, link.column, f"entry \"{link.text}\" is out of the headings' order", fix=fix)
                break
            last = max(last, sec.line)


_ENTRY_LINE = lazy(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*|__)?\[(?:[^\[\]\n]|\\.|\[[^\[\]\n]*\])*\]\(\s*<?#[^)\s>]*>?\s*\)"
                   r"(?:\*\*|__)?\s*$")


def _regenerate(card, toc: Toc, headings, lo: int) -> Fix | None:
    """A new list of the headings, in the TOC's place, with its bullet and indentation."""
    first = card.lines[toc.first_line - 1]
    m = re.match(r"(\s*)([-*+]|\d+[.)])\s+", first)
    if not m or not headings:
        return None
    base, bullet = m.group(1), m.group(2)
    nested = next((l for l in card.lines[toc.first_line:toc.last_line] if re.match(r"\s+(?:[-*+]|\d+[.)])\s", l)), None)
    step = len(nested) - len(nested.lstrip()) - len(base) if nested else 2
    step = step if step > 0 else 2
    last = toc.last_line
    while last > toc.first_line and not card.lines[last - 1].strip():
        last -= 1
    if not all(_ENTRY_LINE.match(l) for l in card.lines[toc.first_line - 1:last] if l.strip()):
        return None  # the list holds more than its links (prose, a nested body): regenerating would lose it
    entries = []
    for sec in headings:
        title = sec.title.replace("[", "\\[").replace("]", "\\]")
        marker = "1." if bullet[0].isdigit() else bullet
        entries.append(f"{base}{' ' * (step * (sec.level - lo))}{marker} [{title}](#{sec.slug})")
    return Fix((Edit(toc.first_line, 1, last, len(card.lines[last - 1]) + 1, "\n".join(entries)),), safe=False,
               description="regenerate the table of contents from the headings")
