"""The Card: one parsed card with its line table, front matter, markdown-it tokens, section tree and the
"rendered" view that content rules read."""
from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass, field
from functools import cached_property

from .frontmatter import _FRONT_MATTER, FrontMatter, _load_yaml
from .markdown import _HTML_SKIP, _mask, inline_text, markdown_parser, mask_inline, parse_inline, slugify
from .text import _BREAK, BOM, MAX_SCAN, decode, recover_pipe_mangled


@dataclass
class Section:
    level: int
    title: str
    line: int  # heading line, 1-based; 0 for the root
    slug: str = ""
    # where the heading's text is written on its line, Markdown source and all (`LOUD\_NAME`, not the title
    # `LOUD_NAME`): card.lines[line - 1][title_column - 1:title_end_column - 1]; 1-based, the end exclusive
    title_column: int = 0
    title_end_column: int = 0
    end_line: int = 0  # last line of the whole span, subsections included
    content_end: int = 0  # last line of its own content, before its first subsection
    token_start: int = 0  # own content tokens: tokens[token_start:token_end]
    token_end: int = 0
    parent: "Section | None" = None
    children: list["Section"] = field(default_factory=list)

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()



class Card:
    """One parsed card. Lines and columns are 1-based and refer to the file as the user has it."""

    def __init__(self, text: str, path: str = "<text>", bom: bool = False, line_map: list[int] | None = None,
                 original: "Card | None" = None):
        self.path = path
        self.bom = bom
        self.raw = text  # decoded, BOM removed, original line endings
        self.line_map = line_map  # for a recovered pipe-mangled card: recovered line -> original line
        self.original = original
        if "\r" in text:
            breaks = [m for m in _BREAK.finditer(text)]
            self.raw_line_starts = [0] + [m.end() for m in breaks]
            self.line_endings = [m.group(0) for m in breaks]
            self.text = _BREAK.sub("\n", text)
            self.lines = self.text.split("\n")
        else:  # "\n" breaks only (most cards): the same tables from the lines' lengths
            self.text = text
            self.lines = text.split("\n")
            self.line_endings = ["\n"] * (len(self.lines) - 1)
            self.raw_line_starts = [0, *accumulate(len(line) + 1 for line in self.lines[:-1])]
        self.front_matter = self._find_front_matter()
        self.body_index = self.front_matter.end_line if self.front_matter else 0  # 0-based index of first body line
        self._env: dict = {}  # markdown-it's parse environment (link references), for inline content

    # -- line endings -------------------------------------------------------------------------
    @property
    def newline(self) -> str:
        if not self.line_endings:
            return "\n"
        counts: dict[str, int] = {}
        for e in self.line_endings:
            counts[e] = counts.get(e, 0) + 1
        return max(counts, key=lambda e: (counts[e], e == "\n"))

    def offset(self, line: int, column: int) -> int:
        """Offset in `raw` of a 1-based (line, column); column len+1 is the end of the line."""
        if line > len(self.raw_line_starts):
            return len(self.raw)
        start = self.raw_line_starts[line - 1]
        return min(start + column - 1, start + len(self.lines[line - 1]))

    # -- front matter --------------------------------------------------------------------------
    def _find_front_matter(self) -> FrontMatter | None:
        if self.bom:
            return None
        m = _FRONT_MATTER.match(self.raw)
        if not m:
            return None
        starts = self.raw_line_starts
        start_line = bisect.bisect_right(starts, m.end(1)) or 1  # the line holding the opening fence
        close_at = m.end(2)
        end_line = bisect.bisect_right(starts, close_at) + 1  # the closing fence is on the next line
        body = "\n".join(self.lines[start_line:end_line - 1]) if end_line - 1 > start_line else ""
        fm = FrontMatter(start_line=start_line, end_line=end_line, text=body)
        _load_yaml(fm)
        return fm

    def hidden_front_matter(self) -> int | None:
        """Line of a metadata block the Hub does not see (after a BOM or text); None if there is none."""
        if self.front_matter:
            return None
        for i, line in enumerate(self.lines[:200]):
            if line == "---" and i + 1 < len(self.lines):
                following = self.lines[i + 1: i + 40]
                if any(re.match(r"^(license|language|tags|library_name|pipeline_tag|datasets|base_model)\s*:", l) for l in following) \
                        and "---" in [l.rstrip() for l in following]:
                    return i + 1
        return None

    @property
    def metadata(self) -> dict:
        fm = self.front_matter
        return fm.data if fm and isinstance(fm.data, dict) else {}

    # -- Markdown --------------------------------------------------------------------------------
    @cached_property
    def tokens(self):
        """markdown-it-py's block tokens of the body (line numbers as in the file); an inline token's
        children are parsed on first use: `card.inline(token)`."""
        source = "\n" * self.body_index + "\n".join(self.lines[self.body_index:])
        return markdown_parser().parse(source, self._env)

    def inline(self, token) -> list:
        """The children of an inline token (text, links, emphasis, breaks ...)."""
        return parse_inline(token, self._env)

    @cached_property
    def code_indexes(self) -> set[int]:
        """0-based indexes of lines inside fenced or indented code blocks."""
        out: set[int] = set()
        for tok in self.tokens:
            if tok.type in ("fence", "code_block") and tok.map:
                out.update(range(tok.map[0], tok.map[1]))
        return out

    @cached_property
    def rendered_lines(self) -> list[str]:
        """Each line with everything a reader does not see as text blanked out: front matter, code,
        HTML comments and tags, link URLs. Same lengths as `lines`, so columns stay true."""
        view = [_mask(l) for l in self.lines]
        covered: list[tuple[int, int]] = []
        for tok in self.tokens:
            if tok.type == "inline" and tok.map:
                covered.append((tok.map[0], tok.map[1]))
            elif tok.type == "html_block" and tok.map:
                block = "\n".join(self.lines[tok.map[0]:tok.map[1]])
                if _HTML_SKIP.match(block):
                    continue
                masked = mask_inline(block).split("\n")
                for i, l in enumerate(masked):
                    view[tok.map[0] + i] = l
        # inline blocks: paragraphs, headings, table rows; several cells share a row, so merge first
        merged: list[list[int]] = []
        for a, b in sorted(set(covered)):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            block = mask_inline("\n".join(self.lines[a:b])).split("\n")
            view[a:b] = block
        return view

    @cached_property
    def rendered_text(self) -> str:
        """The rendered lines as one text, for a whole-card test before work line by line."""
        return "\n".join(self.rendered_lines)

    @cached_property
    def scan(self):
        """Template expressions, stubs and placeholders per line, and the visible text they leave (card.scan)."""
        from .scan import scan_card
        return scan_card(self)

    @cached_property
    def naming_indexes(self) -> set[int]:
        """Indexes of the lines that name rather than tell: headings and table header rows."""
        return {s.line - 1 for s in self.sections} | {t.map[0] for t in self.tokens if t.type == "thead_open" and t.map}

    def _title_span(self, line: int, source: str) -> tuple[int, int]:
        """Columns of a heading's text on its line (a setext heading's first line); after the #s when the
        parser changed the text."""
        raw = self.lines[line - 1]
        first = source.split("\n", 1)[0]
        at = raw.find(first) if first else -1
        if at < 0:
            at = len(raw) - len(raw.lstrip().lstrip("#").lstrip())
            return at + 1, len(raw.rstrip()) + 1
        return at + 1, at + len(first) + 1

    @cached_property
    def root(self) -> Section:
        root = Section(level=0, title="", line=0)
        root.end_line = len(self.lines)
        stack = [root]
        toks = self.tokens
        seen: dict[str, int] = {}
        pending = root  # the section whose own content has not been closed yet
        for i, tok in enumerate(toks):
            if tok.type != "heading_open" or tok.level != 0:
                continue
            level = int(tok.tag[1])
            title = inline_text(self.inline(toks[i + 1])).strip()
            line = tok.map[0] + 1
            base = slugify(title)
            n = seen.get(base, 0)
            seen[base] = n + 1
            slug = base if n == 0 else f"{base}-{n}"
            sec = Section(level=level, title=title, line=line, slug=slug, token_start=i + 3)
            sec.title_column, sec.title_end_column = self._title_span(line, toks[i + 1].content)
            pending.token_end, pending.content_end = i, line - 1
            while stack[-1].level >= level:
                stack.pop().end_line = line - 1
            sec.parent = stack[-1]
            stack[-1].children.append(sec)
            stack.append(sec)
            pending = sec
        pending.token_end, pending.content_end = len(toks), len(self.lines)
        for sec in stack:
            sec.end_line = len(self.lines)
        # trailing blank lines do not belong to a section's visible span
        for sec in [root, *root.walk()]:
            while sec.end_line > sec.line and not self.lines[sec.end_line - 1].strip():
                sec.end_line -= 1
            sec.content_end = min(sec.content_end, sec.end_line) if sec.content_end else sec.end_line
        return root

    @cached_property
    def sections(self) -> list[Section]:
        return list(self.root.walk())

    @cached_property
    def anchors(self) -> set[str]:
        """Every in-page target: heading slugs and explicit HTML ids and names."""
        found = {s.slug for s in self.sections}
        for line_no, line in enumerate(self.lines):
            if line_no < self.body_index or "<" not in line:
                continue
            for m in re.finditer(r"""<[A-Za-z][^<>]{0,500}?\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""", line[:MAX_SCAN]):
                found.add(m.group(1))
        return found

    def resolves(self, target: str) -> bool:
        """Whether an in-page link target ("uses", without "#") reaches a heading or an HTML id."""
        if not target:
            return True  # "#" is the top of the page
        if target.startswith("user-content-"):
            target = target[len("user-content-"):]
        anchors = self.anchors
        return target in anchors or target.lower() in {a.lower() for a in anchors}

    def in_comment(self, index: int, column: int) -> bool:
        """Whether the 0-based (line index, column) is inside an HTML comment, opened on that line or on one of
        the 200 lines before it."""
        before = self.lines[index][:column]
        opened, closed = before.rfind("<!--"), before.rfind("-->")
        if opened > closed:
            return True
        if closed >= 0:
            return False
        for back in range(index - 1, max(self.body_index, index - 200) - 1, -1):
            prev = self.lines[back]
            if "-->" in prev:
                return False
            if "<!--" in prev:
                return True
        return False

    @cached_property
    def links(self):
        """Every link to an in-page anchor, in order (card.links)."""
        from .links import in_page_links
        return in_page_links(self)

    @cached_property
    def tocs(self):
        """The tables of contents: top-level lists whose items start with in-page links (card.tocs)."""
        from .links import tables_of_contents
        return tables_of_contents(self)

    def section_at(self, line: int) -> Section:
        best = self.root
        for sec in self.sections:
            if sec.line <= line <= sec.end_line and sec.level >= best.level:
                best = sec
        return best



def load_card(data: bytes | str, path: str = "<text>") -> Card:
    """Bytes (or text) -> Card. A pipe-mangled card comes back recovered, with its line map."""
    if isinstance(data, bytes):
        text, bom = decode(data)
    else:
        bom = data.startswith(BOM)
        text = data[1:] if bom else data
    rec = recover_pipe_mangled(text)
    if rec is not None:
        recovered, line_map = rec
        original = Card(text, path, bom)
        return Card(recovered, path, bom, line_map=line_map, original=original)
    return Card(text, path, bom)
