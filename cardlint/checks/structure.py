"""Structure rules: mangled files, tables, joined lines, encoding, links, fences, headings (CL3xx)."""
from __future__ import annotations

import re

from ..card import MAX_SCAN, Section
from ..rule import Edit, Fix, Option, Problem, rule
from ..patterns import lazy

TAGS = ("structure",)


@rule("CL301", "pipe-mangled-file", "The whole file was copied from a rendered table view (every line ends in \" |\").",
      severity="error", tags=TAGS, fix="safe")
def pipe_mangled_file(card, ctx):
    """The whole file was copied out of a rendered view: every line is wrapped as `text |` with a `|`
    line between each pair. cardlint recovers the card (line k of the card is line 2k of the file),
    reports this once at line 1, and lints the recovered card, with every finding at its line in the
    file as it is.

    Why: the Hub shows one broken table and finds no metadata.

    Example:
        |
        --- |
        |
        license: mit |

    Not flagged: files where only some lines end in ` |` (tables, or a partly mangled card).

    Fix: the safe fix writes the recovered card back, byte for byte, with the file's line endings."""
    if not card.line_map or card.original is None:
        return
    orig = card.original
    last = len(orig.lines)
    # card.text has "\n" breaks; the fixer writes them as the file's own line ending
    fix = Fix((Edit(1, 1, last, len(orig.lines[-1]) + 1, card.text),), description="recover the pipe-mangled card",
              whole_file=True)
    yield Problem(1, 1, f"every line of this file is wrapped as \"text |\" with \"|\" lines between (copied from a "
                  f"rendered view); the card inside has {len(card.lines)} lines: run `cardlint fix` to recover it", fix=fix)


_CELL = lazy(r"((?:\\.|[^\\|])*)(\||$)")


def split_cells(row: str) -> list[str]:
    """GFM cell splitting: unescaped pipes split (inside code spans too); outer pipes are optional."""
    row = row.strip()
    if "\\" in row:
        cells = []
        for m in _CELL.finditer(row):
            cells.append(m.group(1))
            if not m.group(2):
                break
    else:
        cells = row.split("|")  # what the pattern finds when nothing is escaped
    if row.startswith("|"):
        cells = cells[1:]
    if len(cells) > 1 and cells[-1] == "" and row.endswith("|"):
        cells = cells[:-1]
    return cells


_QUOTE_MARKS = lazy(r"^\s{0,3}(?:>\s?)+")


def _strip_container(line: str) -> str:
    return _QUOTE_MARKS.sub("", line).strip() if ">" in line else line.strip()


@rule("CL302", "malformed-table", "A table row has the wrong number of cells, or pipe lines do not render as a table.",
      tags=TAGS)
def malformed_table(card, ctx):
    """A table row that loses cells (more cells than the header: GFM drops the extra ones), a cell value
    that runs on over several lines (each continuation line renders as a broken row, or outside the
    table), or lines laid out with pipes that do not render as a table (no delimiter row such as
    `|---|---|`, or no blank line before it).

    Why: a row with one cell too many loses data without a sign; a cell cannot span lines, so a value
    spread over lines (a scikit-learn pipeline in a skops hyperparameter table) falls apart; pipe lines
    without a delimiter row render as one run-on paragraph. An unescaped `|` splits a cell even inside a
    code span.

    Example: a header `| a | b |` with a row `| 1 | 2 | 3 |`.

    Not flagged: short rows (GFM pads them with empty cells, so nothing is lost: a spacer row, a group
    label, a side-by-side list that is longer on one side); extra cells that are empty; escaped pipes
    (`\\|`); blank rows; a single pipe line inside a paragraph (two in a row are needed to look like a
    table).

    A line right after a table with no blank line between (a footnote, a closing `</font>`) is read as
    one more row, and is flagged too.

    Fix: remove or merge the extra cells; put a cell's value on one line (`<br>` for a break); add a
    blank line after the table; add the delimiter row; escape pipes."""
    covered: set[int] = set()
    toks = card.tokens
    for tok in toks:
        if tok.type != "table_open" or not tok.map:
            continue
        a, b = tok.map
        covered.update(range(a, b))
        head = _strip_container(card.lines[a])
        header = split_cells(head)
        piped = head.startswith("|") and head.endswith("|")  # rows are written | a | b |
        for idx in range(a + 2, b):
            raw = _strip_container(card.lines[idx])
            if not raw:
                continue
            cells = split_cells(raw)
            if piped and not raw.startswith("|") and len(cells) < len(header):
                above = _strip_container(card.lines[idx - 1])
                if above.startswith("|") and (not above.endswith("|") or len(split_cells(above)) < len(header)):
                    yield Problem(idx, 1, "this cell's value runs on over the next lines, but a table cell cannot span "
                                  "lines: each continuation line renders as a broken row; put the value on one line "
                                  "(<br> for a break)")
                    break
                if "|" not in raw:
                    yield Problem(idx + 1, 1, "this line renders as a row of the table above (a table ends only at a "
                                  "blank line); put a blank line before it")
                    break
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                code_pipe = " (an unescaped | inside a code span splits the cell: write \\|)" if re.search(r"`[^`|]*\|[^`]*`", raw) else ""
                yield Problem(idx + 1, 1, f"table row has {len(cells)} cells but the header has {len(header)}; GFM drops "
                              f"the extra cells{code_pipe}")
        last = _strip_container(card.lines[b - 1])
        after = _strip_container(card.lines[b]) if b < len(card.lines) else ""
        if piped and last.startswith("|") and not last.endswith("|") and after.strip():
            yield Problem(b, 1, "this cell's value runs on over the next lines, but a table cell cannot span lines: the "
                          "rest renders outside the table; put the value on one line (<br> for a break)")
    for tok in toks:
        if tok.type != "inline" or not tok.map or tok.map[0] in covered:
            continue
        a, b = tok.map
        run = 0
        for idx in range(a, b):
            s = _strip_container(card.lines[idx])
            if s.startswith("|") and s.endswith("|") and s.count("|") >= 3:
                run += 1
                if run == 2:
                    yield Problem(idx, 1, "these lines are laid out as a table but do not render as one (no delimiter row "
                                  "such as |---|---| under the header, or no blank line before it)")
                    break
            else:
                run = 0


_BR_END = lazy(r"<br\s*/?>\s*$", re.I)
_KV = lazy(r"^\s*(?:[-*+]\s+)?([^:|\n]{1,48}?)\s*:\s+\S")
_ALIGNED = lazy(r"\S(?: {2,}|\t+)\S")


def _tabular(line: str) -> bool:
    line = line[:MAX_SCAN]
    if line.strip().startswith("|") and line.strip().endswith("|"):
        return False  # a table that does not render is malformed-table's to report
    m = _KV.match(line)
    if m and len(m.group(1).split()) <= 6 and not m.group(1).strip().lower().startswith(("http", "note", "see")):
        return True
    return bool(_ALIGNED.search(line.strip()))


@rule("CL303", "joined-lines", "Lines laid out as a table or key/value list that render as one paragraph.", tags=TAGS,
      fix="unsafe")
def joined_lines(card, ctx):
    """Three or more "Label: value" lines, or lines with aligned columns, in one paragraph.

    Why: Markdown joins the lines of a paragraph, so they render as a single run-on line:
    "MAE: 1.89 RMSE: 2.54 R2: 0.37".

    Example:
        MAE: 1.89
        RMSE: 2.54
        R2: 0.37

    Not flagged: ordinary prose on consecutive lines; lines that end with a hard break (two spaces, a
    backslash or `<br>`); pipe rows (malformed-table reports those).

    Fix: make it a table, a bullet list, or a code block; the unsafe fix writes a table."""
    toks = card.tokens
    for i, tok in enumerate(toks):
        if tok.type != "inline" or not tok.map or i == 0 or toks[i - 1].type != "paragraph_open":
            continue
        a, b = tok.map
        if b - a < 3:
            continue
        tabular = [_tabular(line) for line in card.lines[a:b]]
        if sum(tabular) < 3:
            continue  # no run of three, whatever the line breaks: the paragraph's inline content is not needed
        hard = {n for n, c in enumerate(_line_breaks(card.inline(tok))) if c == "hardbreak"}
        run_start, run = a, 0
        for off, idx in enumerate(range(a, b)):
            line = card.lines[idx]
            if tabular[off]:
                run_start = idx if run == 0 else run_start
                run += 1
            else:
                run = 0
            joined_to_next = idx < b - 1 and off not in hard and not _BR_END.search(line)
            if run >= 3 and not (joined_to_next and tabular[off + 1]):
                yield Problem(run_start + 1, 1, f"{run} lines laid out as a table or list render as one run-on line; "
                              "use a table, a bullet list or a code block",
                              fix=_as_table(card, run_start, idx, first=run_start == a, last=idx == b - 1))
            if not joined_to_next or run >= 3 and not tabular[off + 1]:
                run = 0


def _as_table(card, start: int, end: int, *, first: bool, last: bool) -> Fix | None:
    """Lines start..end (0-based, inclusive) as a GFM table: "Label: value" rows, or aligned columns."""
    lines = [card.lines[i].strip() for i in range(start, end + 1)]
    if any("|" in l for l in lines):
        return None
    kv = [re.match(r"^(?:[-*+]\s+)?([^:]{1,48}?)\s*:\s+(.*)$", l) for l in lines]
    if all(kv):
        rows = [[m.group(1).strip(), m.group(2).strip()] for m in kv]
        header = ["Field", "Value"]
    else:
        rows = [re.split(r" {2,}|\t+", l) for l in lines]
        if len({len(r) for r in rows}) != 1 or len(rows[0]) < 2:
            return None
        header, rows = rows[0], rows[1:]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]
    text = ("" if first else "\n") + "\n".join(table) + ("" if last else "\n")
    return Fix((Edit(start + 1, 1, end + 1, len(card.lines[end]) + 1, text),), safe=False,
               description="turn the lines into a table")


def _line_breaks(children) -> list[str]:
    return [c.type for c in children if c.type in ("softbreak", "hardbreak")]


_LEAD = "\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00e2\u00ef\u00f0"  # what UTF-8's lead bytes read as in cp1252
_SUSPECT = lazy(f"[{_LEAD}]"
                "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\ufffd")
_SUSPECT_START = lazy(f"[{_LEAD}\ufffd]")  # one character class: scanned several times faster than _SUSPECT


@rule("CL304", "mojibake", "Text that was UTF-8 decoded as Latin-1/cp1252 (\"RÂ²\", \"Ã©\"), or U+FFFD.",
      tags=TAGS, fix="safe")
def mojibake(card, ctx):
    """Text that was UTF-8 decoded as Latin-1 or Windows-1252 ("RÂ²" for "R²", "Ã©" for "é"), or
    the replacement character U+FFFD (�) that a lossy conversion leaves.

    Why: readers see garbage where a symbol or a name was.

    Example: `RÂ² score: 0.91`

    Not flagged: text in code blocks, code spans and comments; suspicious characters that ftfy does
    not repair (only U+FFFD is reported without a repair).

    Fix: the safe fix applies ftfy's repair to the text a reader sees; code spans and URLs stay as they are."""
    text = card.rendered_text
    if text.isascii() or not _SUSPECT_START.search(text):
        return  # most cards: no suspect character anywhere
    for idx, line in enumerate(card.rendered_lines):
        if not line.strip() or not _SUSPECT.search(line[:MAX_SCAN]):
            continue
        import ftfy  # only cards with suspicious characters pay for the import
        raw = card.lines[idx]
        fixed = _repair_visible(raw, line, ftfy.fix_encoding)
        m = _SUSPECT.search(line)
        if fixed != raw:
            start = next((i for i, (x, y) in enumerate(zip(raw, fixed)) if x != y), m.start())
            bad = raw[start:start + 12].split(" ")[0] or raw[start:start + 3]
            good_end = len(fixed) - (len(raw) - (start + len(bad)))
            yield Problem(idx + 1, start + 1, f"mojibake \"{bad}\" (UTF-8 read as Latin-1/cp1252); did you mean "
                          f"\"{fixed[start:good_end]}\"?", fix=Fix((Edit(idx + 1, 1, idx + 1, len(raw) + 1, fixed, expect=raw),),
                                                                    description="repair mojibake with ftfy"))
        elif "\ufffd" in line:
            col = line.index("\ufffd")
            yield Problem(idx + 1, col + 1, "replacement character U+FFFD: a character was lost in a bad conversion; "
                          "restore the original character")


def _repair_visible(raw: str, visible: str, repair) -> str:
    """Repair each run of text a reader sees; code spans, comments and URLs (blanked in `visible`) stay."""
    out, start, i, n = [], 0, 0, min(len(raw), len(visible))
    while i < n:
        if raw[i] == visible[i] and raw[i] != " ":
            j = i
            while j < n and raw[j] == visible[j]:
                j += 1
            out += [raw[start:i], repair(raw[i:j])]
            start = i = j
        else:
            i += 1
    return "".join(out) + raw[start:]


# Each pattern starts with the bracket and looks behind it (not before it): a pattern that starts with a literal
# character is searched several times faster.
_NESTED = lazy(r"\[(?<!!\[)([^\[\]\n]{0,200})\]\(\s*\[([^\[\]\n]{0,200})\]\(")
# the link text may be an image: a badge `[![CI](badge.svg)]()` whose link goes nowhere
_EMPTY_DEST = lazy(r"\[(?<!!\[)((?:!\[[^\[\]\n]{0,200}\]\([^()\s]{0,500}\)|[^\[\]\n]){1,200})\]\(\s*\)")
_PLACEHOLDER_DEST = lazy(r"\[(?<!!\[)([^\[\]\n]{0,200})\]\(\s*(url|link|todo|tbd|your[-_ ]?url|link[-_ ]?here|"
                         r"insert[-_ ]?link|<url>|<link>|\.\.\.)\s*\)|"
                         # a template's named slot: CODE_REPO_LINK, IMAGE_URL, YOUR_PAPER (not LICENSE_WEIGHTS)
                         r"\[(?<!!\[)([^\[\]\n]{0,200})\]\(\s*(?-i:(?:[A-Z0-9]+_)+(?:LINK|URL|URI|HREF)|"
                         r"(?:YOUR|INSERT|ADD)_[A-Z0-9_]+)\s*\)", re.I)
_EMPTY_TEXT = lazy(r"\[(?<![!\]]\[)\s*\]\(\s*(https?://[^/\s)]+/?)\s*\)")


@rule("CL305", "malformed-link", "A link with a nested, empty or placeholder destination, or no text.", tags=TAGS)
def malformed_link(card, ctx):
    """Links that cannot work: a link written inside another link's destination
    (`[a]([url](https://...))`), an empty destination `[text]()` (a badge `[![CI](badge.svg)]()` too),
    a placeholder destination (`[paper](url)`, a template's slot such as `(CODE_REPO_LINK)`), or a link
    with no text to a bare host (`[](https://huggingface.co/)`).

    Why: the link goes nowhere, or renders as nothing.

    Example: `[Paper](url)`

    Not flagged: images (`![alt](src)`), links in code or comments, in-page links (broken-toc-link
    checks those), relative links to files in upper case (`(LICENSE_WEIGHTS)`).

    Fix: write the real URL as the destination, and give the link text."""
    rendered = card.rendered_lines
    for idx in range(card.body_index, len(card.lines)):
        if "](" not in card.lines[idx] or not rendered[idx].strip():
            continue
        line = card.lines[idx][:MAX_SCAN]
        for pattern, message in ((_NESTED, "link destination holds another link; write the URL itself"),
                                 (_EMPTY_DEST, "link has an empty destination"),
                                 (_PLACEHOLDER_DEST, "link destination is a placeholder"),
                                 (_EMPTY_TEXT, "link has no text, so it renders as nothing")):
            for m in pattern.finditer(line):
                if rendered[idx][m.start()] != line[m.start()]:
                    continue  # inside a code span or comment
                yield Problem(idx + 1, m.start() + 1, f"{message}: \"{m.group(0)[:80]}\"",
                              end_column=m.end() + 1)


# Markdown a reader was meant to see: a heading below the title level (a "# " line is a comment in
# most code), a table row, a link or an image, an HTML block tag
_MARKDOWN_LINE = lazy(r"^\s{0,3}#{2,6}\s+\S|^\s*\|.*\|\s*$|!?\[[^\]]+\]\((?:https?://|#|\.?/)|^\s*</?(?:details|div|p|table|img)\b", re.I)


@rule("CL306", "unclosed-code-fence", "A fenced code block is never closed and swallows the rest of the card.",
      severity="error", tags=TAGS, fix="safe")
def unclosed_code_fence(card, ctx):
    """A ``` (or ~~~) fence opened and never closed, so it runs to the end of the file and the text
    after it renders as code.

    Why: everything after it renders as code: headings, tables and links vanish from the card.

    Example: a "## Usage" fence with no closing ``` before "## Training".

    Not flagged: fences closed by a longer fence of the same character, or inside a block quote; and not
    as an error a fence that hides no Markdown (a stray fence with only blank lines after it; a last code
    block or BibTeX entry that only lacks its closing fence), which loses nothing: a warning says so.

    Fix: the safe fix closes the fence at the end of the file; better, close it where the code ends (or
    remove a stray fence)."""
    last = len(card.lines) - (1 if card.lines and card.lines[-1] == "" else 0)
    for tok in card.tokens:
        if tok.type != "fence" or not tok.map or tok.map[1] < last:
            continue
        a, b = tok.map
        char, n = tok.markup[0], len(tok.markup)
        closing = re.compile(r"^\s*" + re.escape(char) + "{" + str(n) + r",}\s*$")
        body = [re.sub(r"^\s{0,3}(?:>\s?)+", "", l) for l in card.lines[a + 1:b]]
        if body and closing.match(body[-1]):
            continue
        end = len(card.lines)
        tail = card.lines[-1]
        insert = ("" if tail == "" else "\n") + tok.markup + "\n"
        fix = Fix((Edit(end, len(tail) + 1, end, len(tail) + 1, insert),), description="close the code fence at the end of the file")
        swallowed = [l for l in body if l.strip()]
        if not swallowed:
            yield Problem(a + 1, 1, f"stray code fence {tok.markup}: nothing follows it, so it only adds an empty code "
                          "box at the end of the card; remove it or close it", fix=fix, severity="warning")
            continue
        hidden = [l for l in swallowed if _MARKDOWN_LINE.search(l)]
        if not hidden:
            yield Problem(a + 1, 1, f"code fence {tok.markup} is never closed; only code follows, so the card renders "
                          "as meant here, but close it for renderers and editors that differ", fix=fix, severity="warning")
            continue
        yield Problem(a + 1, 1, f"code fence {tok.markup} opened here is never closed: the Markdown after it renders "
                      f"as code (\"{hidden[0].strip()[:40]}\" and the rest)", fix=fix)


@rule("CL307", "duplicate-heading", "Two sibling headings with the same text.", tags=TAGS,
      options={"allow": Option([], "Heading texts that may repeat under one parent (compared without case), "
                                   "for a template that repeats them.")})
def duplicate_heading(card, ctx):
    """Two headings with the same text under the same parent heading, over different content.

    Why: it reads as a copy-paste slip (two versions of one section), and the anchors collide: links
    reach only the first unless they use the -1 suffix.

    Example: two "## Training" headings in a row, each with its own text.

    Not flagged: the same heading text under different parents ("### Results" under two models);
    headings with no text; the card's title repeated as a banner further down; a heading repeated over
    the same content (two empty placeholders: empty-section reports those), where no reader or link
    loses anything; headings listed in the `allow` option (a hub whose template repeats "Results" per
    dataset sets `allow = ["Results"]` in `[tool.cardlint.rules.duplicate-heading]`).

    Fix: merge the sections, or give them distinct titles."""
    allowed = {" ".join(text.lower().split()) for text in ctx.options["allow"]}
    for parent in [card.root, *card.sections]:
        seen: dict[str, Section] = {}
        for child in parent.children:
            key = " ".join(child.title.lower().split())
            if not key or key in allowed:
                continue
            first = seen.get(key)
            if first is None:
                seen[key] = child
            elif first is not card.sections[0] and _span_text(card, first) != _span_text(card, child):
                yield Problem(child.line, 1, f"heading \"{child.title}\" repeats the one at line {first.line} under the "
                              f"same parent, over different content; its anchor becomes #{child.slug}")


def _span_text(card, sec) -> str:
    """What a reader sees under a heading, subsections included, whitespace folded."""
    return " ".join(" ".join(card.rendered_lines[sec.line:sec.end_line]).split())

@rule("CL308", "card-title", "The card has no title (H1), or several where its template has one.", tags=TAGS)
def card_title(card, ctx):
    """For a card whose template gives it one title (the Hugging Face dataset templates, `# Dataset Card
    for ...` with H2 sections under it; a profile says so with `one-title: true`): the card has no H1
    heading, or several. The datasets library's card validator checked the same.

    Why: the title names the model or dataset; with no H1 the card starts mid-way, and several H1s
    break the template's outline (sections meant to sit under the title stand beside it).

    Example: a dataset card whose sections are all `# Dataset Description`, `# Dataset Structure`, ...

    Not flagged: cards of other profiles, where several H1s or none are common and harmless (the
    Hugging Face model template of 2022 made every section an H1); H1s in code or comments.

    Fix: give the card one `# <name>` title and make the sections below it H2."""
    if not ctx.profile.one_title:
        return
    titles = [s for s in card.sections if s.level == 1]
    if not titles:
        first = next(iter(card.sections), None)
        line = first.line if first else card.body_index + 1
        yield Problem(line, 1, f"the card has no title: the {ctx.profile.name} template starts with one `# <name>` "
                      "heading; add it above the sections")
    elif len(titles) > 1:
        extra = titles[1]
        yield Problem(extra.line, 1, f"the card has {len(titles)} H1 headings, and the {ctx.profile.name} template has "
                      f"one title: make \"{extra.title}\" and the other sections below the title H2")
