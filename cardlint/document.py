"""Turn a card's bytes into a Card: decoded text, line table, front matter with node positions,
markdown-it tokens, the section tree and the "rendered" view that content rules read."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

BOM = "\ufeff"
_BREAK = re.compile(r"\r\n|\r|\n")
# How the Hugging Face Hub finds front matter (reference/hf-card-metadata.md section 2.1): only
# whitespace before an opening "---" that ends its line, the shortest body, a closing "---" that may
# carry trailing blanks and ends with CRLF, LF or the end of the file.
_FRONT_MATTER = re.compile(r"\A(\s*)---(?:\r\n|\r|\n)(.*?)(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|\Z)", re.S)

# Pattern rules read at most this many characters of a line: no card line written by a person is
# longer, and it bounds the cost of every regular expression on hostile input.
MAX_SCAN = 10_000

# Limits that keep a hostile front matter from costing minutes or gigabytes.
YAML_MAX_NODES = 20_000
YAML_MAX_DEPTH = 60
YAML_MAX_CHARS = 1_000_000

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}
_STRINGY_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:value"}


# libyaml's loader composes the same nodes with the same marks, several times faster. Its composer
# recurses in C, so a deeply nested block would overflow the C stack: text that could nest deeply goes
# to the Python loader, whose recursion limit turns into a clean "nested too deeply" finding.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_FAST_MAX_DEPTH = 200


def _loader_for(text: str):
    # libyaml accepts tabs (after a value, before a comment, after "key:") that the pure-Python scanner
    # refuses; huggingface_hub reads cards with the pure-Python loader, and one verdict on every machine
    # needs one scanner: text with a tab goes to the Python loader
    if _FAST_LOADER is not None and "\t" not in text:
        # every opening bracket, quoted or not: a "]" inside a string must not hide deep nesting after it
        deepest = text.count("[") + text.count("{")
        # an upper bound of block nesting on any line: its indentation plus every "-", "?" and ":"
        block = max((len(l) - len(l.lstrip(" ")) + l.count("-") + l.count("?") + l.count(":")
                     for l in text.split("\n")), default=0)
        if deepest + block <= _FAST_MAX_DEPTH:
            return _FAST_LOADER(text)
    return yaml.SafeLoader(text)


def _compose(text: str):
    """(loader, root node); the caller disposes the loader."""
    loader = _loader_for(text)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


class Unreadable(Exception):
    """The bytes are not a UTF-8 text card."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


def decode(data: bytes) -> tuple[str, bool]:
    """Return (text, had_bom); raise Unreadable with the position of the first bad byte."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("the file is UTF-16 encoded; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        raise Unreadable(f"binary content (NUL byte at byte offset {nul + (3 if bom else 0)})", line, col)
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        raise Unreadable(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start + (3 if bom else 0)}; "
            "save the file as UTF-8", line, col) from None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    head = data[:offset]
    line = head.count(b"\n") + 1
    start = head.rfind(b"\n") + 1
    return line, len(head[start:].decode("utf-8", "replace")) + 1


@dataclass
class YamlProblem:
    kind: str  # syntax, not-mapping, duplicate-key, non-string-key, tag, bomb
    message: str
    line: int
    column: int


@dataclass
class FrontMatter:
    start_line: int  # line of the opening fence (1-based)
    end_line: int  # line of the closing fence
    text: str  # the YAML between the fences, "\n" line breaks
    data: dict | None = None  # None when the YAML is unusable
    problems: list[YamlProblem] = field(default_factory=list)
    # JSON-style paths (tuples of keys and indexes) -> (line, column) of the value node / the key
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    ends: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # end of scalar value nodes
    sources: dict[tuple, str] = field(default_factory=dict)  # the YAML text of scalar value nodes

    @cached_property
    def _starts(self) -> list[int]:
        return [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def at(self, mark) -> tuple[int, int]:
        """(line, column) in the card of a YAML mark, from its character index: YAML also breaks lines at
        NEL, U+2028 and U+2029, which are no line breaks for Markdown, editors or the Hub."""
        index = max(0, min(mark.index, len(self.text)))
        k = bisect.bisect_right(self._starts, index) - 1
        return self.start_line + 1 + k, index - self._starts[k] + 1

    def where(self, path: tuple) -> tuple[int, int]:
        """Best position for a path: its value when it starts on the key's line, else its key (a
        block mapping or list below `key:`), else the value, else its nearest ancestor."""
        path = tuple(path)
        while path:
            value, key = self.positions.get(path), self.key_positions.get(path)
            if value and key:
                return value if value[0] == key[0] else key
            if value or key:
                return value or key
            path = path[:-1]
        return self.start_line, 1

    def key_line(self, key: str) -> int:
        return self.key_positions.get((key,), (self.start_line, 1))[0]


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_scalar(value: str, quote: str = "", *, flow: bool = False) -> str:
    """`value` written as a YAML scalar that reads back as this very string: plain when YAML would read
    the plain text as the same string, else quoted (the original's quote style when it had one)."""
    wrap = (lambda t: "k: [" + t + "]") if flow else (lambda t: "k: " + t)
    want = {"k": [value] if flow else value}

    def reads_back(text: str) -> bool:
        try:
            return yaml.safe_load(wrap(text)) == want and type(yaml.safe_load(wrap(text))["k"]) is type(want["k"])
        except yaml.YAMLError:
            return False

    if not quote and value and "\n" not in value and reads_back(value):
        return value
    single = "'" + value.replace("'", "''") + "'"
    if quote == "'" and reads_back(single):
        return single
    return '"' + "".join(_YAML_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if not ch.isprintable() or ch in "\x85\u2028\u2029\ufeff"
                                                   else ch) for ch in value) + '"'


class _Bomb(Exception):
    pass


def _check_expansion(root, what: str = "the front matter") -> None:
    """Raise _Bomb when the node graph is nested too deeply, or when aliases and merge keys (`<<`) would
    expand it past YAML_MAX_NODES values and to more than twice its own size, before anything is built:
    the expansion itself is what costs gigabytes. A large block without aliases is no bomb."""
    memo: dict[int, int | None] = {}

    def size(node, depth: int) -> int:
        if depth > YAML_MAX_DEPTH:
            raise _Bomb(f"{what} is nested more than {YAML_MAX_DEPTH} levels deep")
        key = id(node)
        if key in memo:
            if memo[key] is None:
                raise _Bomb(f"{what} holds an alias that contains itself")
            return memo[key]
        memo[key] = None
        if isinstance(node, yaml.ScalarNode):
            total = 1
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child, depth + 1) for child in node.value)
        else:
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > YAML_MAX_NODES and total > 2 * len(memo):
            raise _Bomb(f"YAML aliases or merge keys expand {what} to more than {YAML_MAX_NODES} values "
                        "(an alias bomb?)")
        memo[key] = total
        return total

    size(root, 0)


class YamlLimit(ValueError):
    """A YAML file (configuration, rule pack) that is too deep or expands too much to read safely."""


def safe_yaml(text: str):
    """Parse a configuration or rule-pack YAML file with the same limits as a card's front matter."""
    try:
        loader, node = _compose(text)
    except RecursionError:
        raise YamlLimit("nested too deeply to read") from None
    try:
        if node is None:
            return None
        _check_expansion(node, "the file")
        return loader.construct_document(node)
    except RecursionError:
        raise YamlLimit("nested too deeply to read") from None
    except _Bomb as exc:
        raise YamlLimit(str(exc)) from None
    finally:
        loader.dispose()


def _load_yaml(fm: FrontMatter) -> None:
    if len(fm.text) > YAML_MAX_CHARS:
        fm.problems.append(YamlProblem("bomb", f"front matter is larger than {YAML_MAX_CHARS} characters", fm.start_line, 1))
        return
    try:
        loader, node = _compose(fm.text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = fm.at(mark) if mark else (fm.start_line, 1)
        line = max(fm.start_line, min(line, fm.end_line - 1))  # an error at the end of the stream: its last line
        problem = (exc.problem or str(exc)).strip()
        if "'\\t'" in problem:
            problem += (" (a tab: some YAML parsers take it here, but PyYAML, which huggingface_hub reads cards with, "
                        "does not; use spaces)")
        fm.problems.append(YamlProblem("syntax", f"YAML syntax error: {problem}", line, col))
        return
    except yaml.YAMLError as exc:  # the reader refuses control characters before parsing starts
        fm.problems.append(YamlProblem("syntax", f"YAML error: {exc}".split("\n")[0], fm.start_line, 1))
        return
    except RecursionError:
        fm.problems.append(YamlProblem("bomb", "front matter is nested too deeply", fm.start_line, 1))
        return
    try:
        if node is None:
            fm.data = {}
            return
        try:
            _check_expansion(node)
            value = _build(loader, node, (), fm)
        except _Bomb as exc:
            fm.problems.append(YamlProblem("bomb", str(exc), fm.start_line, 1))
            fm.positions.clear()
            fm.key_positions.clear()
            return
        if not isinstance(value, dict):
            kind = "a list" if isinstance(value, list) else "a single value"
            fm.problems.append(YamlProblem(
                "not-mapping", f"front matter is {kind}, not a mapping of keys to values",
                *fm.at(node.start_mark)))
            return
        fm.data = value
    finally:
        loader.dispose()


def _build(loader, node, path, fm: FrontMatter):
    """The node's value, with positions and problems recorded; _check_expansion has bounded its depth."""
    line, col = fm.at(node.start_mark)
    fm.positions.setdefault(path, (line, col))
    if isinstance(node, yaml.ScalarNode):
        fm.ends[path] = fm.at(node.end_mark)
        fm.sources[path] = fm.text[node.start_mark.index:node.end_mark.index]
        if node.tag in _SAFE_SCALAR_TAGS:
            try:
                return loader.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError):
                return node.value
        if node.tag not in _STRINGY_TAGS:
            fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
        return node.value  # dates stay text: JSON has no date type and the Hub compares text
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
        return [_build(loader, item, path + (i,), fm) for i, item in enumerate(node.value)]
    if node.tag != "tag:yaml.org,2002:map":
        fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
    try:
        loader.flatten_mapping(node)  # resolves "<<" merge keys the way safe_load does
    except yaml.YAMLError as exc:
        fm.problems.append(YamlProblem("syntax", f"YAML error: {getattr(exc, 'problem', exc)}", line, col))
    result: dict = {}
    for key_node, value_node in node.value:
        kline, kcol = fm.at(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            fm.problems.append(YamlProblem("non-string-key", "a key is a list or mapping, not a string", kline, kcol))
            continue
        key = _build(loader, key_node, path + ("<key>",), fm)
        if not isinstance(key, str):
            fm.problems.append(YamlProblem(
                "non-string-key", f"key {key_node.value!r} is read as {type(key).__name__}, not a string; quote it", kline, kcol))
            key = str(key_node.value)
        if key in result:
            fm.problems.append(YamlProblem(
                "duplicate-key", f"key {key!r} appears twice (line {fm.key_positions[path + (key,)][0]} and line {kline}); "
                "YAML keeps only the last one", kline, kcol))
        fm.key_positions[path + (key,)] = (kline, kcol)
        fm.positions.pop(path + (key,), None)
        result[key] = _build(loader, value_node, path + (key,), fm)
    fm.positions.pop(path + ("<key>",), None)
    return result


def _mask(s: str) -> str:
    return " " * len(s)


_INLINE_SPECIAL = re.compile(
    r"\\.|`+|<!--|</?[A-Za-z][A-Za-z0-9-]{0,40}(?:[\s/][^<>\n]{0,2000})?>|<(?:https?|ftp|mailto):[^\s<>]{0,2000}>|\]\(",
    re.S)


def mask_inline(s: str) -> str:
    """Blank out what a reader never sees as text: code spans, HTML comments and tags, autolinks,
    link destinations. Columns are kept (masked characters become spaces, line breaks stay)."""
    out = list(s)
    pos, n = 0, len(s)
    no_comment_close = False
    no_closer: set[int] = set()  # backtick run lengths with no closing run further on

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            if out[i] != "\n":
                out[i] = " "

    while pos < n:
        m = _INLINE_SPECIAL.search(s, pos)
        if not m:
            break
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
    return "".join(out)


_HTML_SKIP = re.compile(r"^\s*<(script|style|pre|textarea)\b", re.I)


def slugify(text: str) -> str:
    """GitHub's heading anchor: lowercase, drop punctuation and symbols (emoji included), spaces to '-'."""
    text = text.strip().lower()
    kept = []
    for ch in text:
        if ch in " -_":
            kept.append("-" if ch == " " else ch)
        elif ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc"):
            kept.append(ch)
    return "".join(kept)


@dataclass
class Section:
    level: int
    title: str
    line: int  # heading line, 1-based; 0 for the root
    slug: str = ""
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


def inline_text(token) -> str:
    """Plain text of an inline token as a reader sees it."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


_MD = None


def markdown_parser():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt
        _MD = MarkdownIt("commonmark", {"maxNesting": 40}).enable(["table", "strikethrough"])
    return _MD


class Card:
    """One parsed card. Lines and columns are 1-based and refer to the file as the user has it."""

    def __init__(self, text: str, path: str = "<text>", bom: bool = False, line_map: list[int] | None = None,
                 original: "Card | None" = None):
        self.path = path
        self.bom = bom
        self.raw = text  # decoded, BOM removed, original line endings
        self.line_map = line_map  # for a recovered pipe-mangled card: recovered line -> original line
        self.original = original
        self.cache: dict[str, Any] = {}
        breaks = [m for m in _BREAK.finditer(text)]
        self.raw_line_starts = [0] + [m.end() for m in breaks]
        self.line_endings = [m.group(0) for m in breaks]
        self.text = _BREAK.sub("\n", text)
        self.lines = self.text.split("\n")
        self.front_matter = self._find_front_matter()
        self.body_start = self.front_matter.end_line if self.front_matter else 0  # 0-based index of first body line

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
        source = "\n" * self.body_start + "\n".join(self.lines[self.body_start:])
        return markdown_parser().parse(source)

    @cached_property
    def code_lines(self) -> set[int]:
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
            title = inline_text(toks[i + 1]).strip()
            line = tok.map[0] + 1
            base = slugify(title)
            n = seen.get(base, 0)
            seen[base] = n + 1
            slug = base if n == 0 else f"{base}-{n}"
            sec = Section(level=level, title=title, line=line, slug=slug, token_start=i + 3)
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
            if line_no < self.body_start or "<" not in line:
                continue
            for m in re.finditer(r"""<[A-Za-z][^<>]{0,500}?\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""", line[:MAX_SCAN]):
                found.add(m.group(1))
        return found

    def section_at(self, line: int) -> Section:
        best = self.root
        for sec in self.sections:
            if sec.line <= line <= sec.end_line and sec.level >= best.level:
                best = sec
        return best


def recover_pipe_mangled(text: str) -> tuple[str, list[int]] | None:
    """If the text was copied from a rendered table view (every line "x |" with "|" lines between),
    return the recovered text and, for each recovered line, its original 1-based line."""
    lines = _BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) % 2 == 1:
        lines = lines[:-1]
    if len(lines) < 6:
        return None
    odd = lines[0::2]
    even = lines[1::2]
    if any(l.strip() != "|" for l in odd):
        return None
    if any(not (l == "|" or l.endswith(" |")) for l in even):
        return None
    if sum(1 for l in even if l != "|") < 2:
        return None
    recovered = [l[:-2] if l.endswith(" |") else "" for l in even]
    endings = _BREAK.findall(text)
    newline = endings[0] if endings else "\n"
    return newline.join(recovered), [2 * (k + 1) for k in range(len(recovered))]


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
