"""What is not real content in the text a reader sees: unrendered template expressions, "[More Information
Needed]" stubs and template placeholders, per line, with the visible text they leave. Read by the content
rules, the score and the topics through `Card.scan`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import MAX_SCAN
from ..patterns import lazy

# Every pattern here is bounded ({0,n}) so that a hostile line cannot make it backtrack for long.
TEMPLATE = lazy(
    r"\{\{[^\n]{0,500}?\}\}|\{%[^\n]{0,500}?%\}|<< ?[A-Za-z_][^<>\n]{0,200}>>"
    r"|(?<![\w\\$^_={}])\{(?=[A-Za-z_]{0,60}[_\d])[A-Za-z_][A-Za-z0-9_]{0,60}\}(?!\})")
STUB = lazy(
    r"\[\s{0,5}(?:more\s+info(?:rmation)?\s+needed|needs\s+more\s+info(?:rmation)?)[^\]\n]{0,200}\]"
    r"|\b(?:more\s+info(?:rmation)?\s+needed|needs\s+more\s+info(?:rmation)?)\b", re.I)
_STUB_WORD = lazy(r"more\s+info", re.I)  # in every match of STUB
_BRACKET = lazy(r"\[(?<![\\!\]\w\[]\[)([^\[\]\n]{1,160})\](?![(\[:\uff08\]])")
_ANGLE = lazy(r"<(>|[A-Za-z][\w-]{0,60}(?: [A-Za-z][\w-]{0,30}){0,5}>)")
_ANGLE_WORDS = {"name", "model", "your", "path", "filepath", "url", "repo", "user", "username", "org", "organization",
                "dataset", "author", "email", "date", "year", "title", "version", "link", "here", "insert", "value",
                "description", "project", "placeholder", "caption"}
_FAKE_NUMBER = lazy(r"(?<![\w.])(?:\d{1,3}\.X{1,4}|X{1,4}\.X{1,4}|X{1,4}\.\d{1,3}|XX{1,3}%|\d{1,3}\.x{2,4})(?![\w.])")
_TODO = lazy(r"\b(?:TODO|TBD|FIXME|TBA)\b")
_SPECIAL_TOKENS = lazy(r"^/?(?:CLS|SEP|MASK|PAD|UNK|BOS|EOS|INST|SYS|S|/S|E|START|END|SEP\d*|unused\d+)$")
_PLACEHOLDER_WORDS = lazy(
    r"\b(?:name|names|url|link|your|insert|here|todo|tbd|date|e-?mail|author|authors|title|model|dataset|repo|"
    r"repository|description|citation|organi[sz]ation|institution|year|version|paper|demo|license|details?|"
    r"specify|describe|add|fill|example|e\.g|if applicable|number|info)\b", re.I)
OPTIONAL_MARKER = lazy(r"\s?\[\s?optional\s?\]", re.I)
HTML_ELEMENTS = frozenset("""a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br
button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed
fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img
input ins kbd label legend li link main map mark marquee math menu meta meter nav nobr noscript object ol optgroup
option output p param picture pre progress q rp rt ruby s samp script section select slot small source span strike
strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var
video wbr g path rect circle line polyline polygon text tspan""".split())


WORD = lazy(r"[^\W\d_]{2,}")


@dataclass
class Scan:
    """Per-line spans of what is not real content, shared by the content rules and the score."""
    templates: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    stubs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    placeholders: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    visible: list[str] = field(default_factory=list)  # rendered lines with template expressions blanked

    def blank(self, idx: int, text: str) -> str:
        """A visible line with its stubs and placeholders (`0.XX`, `[Model Name]`) blanked out."""
        if idx not in self.stubs and idx not in self.placeholders:
            return text
        chars = list(text)
        for a, b in self.stubs.get(idx, []):
            chars[a:b] = " " * (b - a)
        for a, b, _ in self.placeholders.get(idx, []):
            chars[a:b] = " " * (b - a)
        return "".join(chars)


_REFERENCE = lazy(r"^\s{0,3}\[([^\]]{1,200})\]:\s*\S")


def _reference_labels(card) -> set[str]:
    labels = set()
    for line in card.lines:
        m = "]:" in line and _REFERENCE.match(line)
        if m:
            labels.add(" ".join(m.group(1).lower().split()))
    return labels


_STRONG_WORDS = lazy(r"\b(?:your|insert|here|todo|tbd|specify|describe|fill|e\.g|if applicable|name\(s\)|"
                     r"(?:model|dataset|project|company|author|paper) (?:name|title|link|url))\b", re.I)
# an "owner/name" id with a hyphen or a digit on one side: a Hub id, not a "Name/Institution" instruction
_HUB_ID = lazy(r"[\w.]*[-\d][\w.-]*/[\w.-]+|[\w.-]+/[\w.]*[-\d][\w.-]*")
_LIST_GAP = lazy(r"\s*[;,]\s*")


def _is_bracket_placeholder(inner: str, labels: set[str], emphasized: bool = False, *, alone: bool = False,
                            named: bool = False) -> bool:
    """Whether `[inner]` is a template's slot. `alone`: the bracket is all its line holds (a label such as
    "[Left Eye]" above its text); `named`: where brackets hold names meant as reference links (one of several
    joined by ";" or ",", or a table cell, such as a list of datasets): only a slot's own wording
    ("your", "insert", "model name") counts there."""
    text = inner.strip()
    if len(text) < 2 or not re.search(r"[A-Za-z]{2}", text):
        return False
    low = " ".join(text.lower().split())
    if low in labels or low.startswith("^") or OPTIONAL_MARKER.fullmatch("[" + text + "]") or STUB.search("[" + text + "]"):
        return False
    if re.fullmatch(r"[xX ]", text) or _SPECIAL_TOKENS.match(text) or text.startswith(("!", "@", "#", "$", "\\")):
        return False
    if re.search(r"[=\\^{}]", text):  # math
        return False
    if text.isupper() and " " not in text and len(text) <= 12:  # special tokens such as [MASK] or [NEWLINE]
        return False
    if re.search(r"['\"]|\w\(\)", text):  # quoted items or calls: a Python value shown as text
        return False
    if re.match(r"(?:https?://|www\.)\S+$", text):  # a bare URL in brackets is a link written by hand
        return False
    if emphasized or re.search(r"\b(?:etc|e\.g|i\.e)\.", text):  # *[...]*: a template's instruction
        return True
    if named or _HUB_ID.search(text):
        return bool(_STRONG_WORDS.search(text))  # names (or Hub ids such as "owner/model") meant as links
    if re.search(r"\w/\w", text):  # "[Name/Institution]": a choice the template leaves to the author
        return True
    if _PLACEHOLDER_WORDS.search(text):
        return True
    words = text.split()
    # "[Model Name]", "[Project Repo]": a short Title Case name where a value goes, no version numbers or
    # shouted words (on a line of its own, it is a label)
    return not alone and 1 < len(words) <= 8 and all(w[0].isupper() for w in words if w[0].isalpha()) and \
        not re.search(r"\d", text) and not any(w.isupper() and len(w) > 2 for w in words)


def _emphasized(line: str, a: int, b: int) -> bool:
    return a > 0 and b < len(line) and line[a - 1] in "*_" and line[b] == line[a - 1]


def scan_card(card) -> Scan:
    """The card's Scan (read it as `card.scan`, computed once)."""
    result = Scan()
    rendered = card.rendered_lines
    visible = list(rendered)
    labels = None
    stubbed = _STUB_WORD.search(card.rendered_text)  # most cards hold no stub: skip its search on every line
    for idx, line in enumerate(rendered):
        if not line.strip():
            continue
        full, line = line, line[:MAX_SCAN]
        if "{" in line or "<<" in line:
            spans = [(m.start(), m.end()) for m in TEMPLATE.finditer(line)]
            if spans:
                result.templates[idx] = spans
                chars = list(full)
                for a, b in spans:
                    chars[a:b] = " " * (b - a)
                visible[idx] = "".join(chars)
                line = visible[idx][:MAX_SCAN]
        if stubbed and (stubs := [(m.start(), m.end()) for m in STUB.finditer(line)]):
            result.stubs[idx] = stubs
        found: list[tuple[int, int, str]] = []
        if "[" in line:
            if labels is None:
                labels = _reference_labels(card)
            raw = card.lines[idx]
            brackets = [m for m in _BRACKET.finditer(line) if not STUB.search(m.group(0))]
            listed = {i for i in range(len(brackets) - 1)
                      if _LIST_GAP.fullmatch(line[brackets[i].end():brackets[i + 1].start()])}
            listed |= {i + 1 for i in listed}
            found += [(m.start(), m.end(), m.group(0)) for i, m in enumerate(brackets)
                      if raw[m.start():m.end()] == m.group(0)  # nothing hidden inside (HTML, code)
                      and _is_bracket_placeholder(m.group(1), labels, _emphasized(line, m.start(), m.end()),
                                                  alone=not (line[:m.start()] + line[m.end():]).strip(" *_-"),
                                                  named=i in listed or raw.lstrip().startswith("|"))]
        if ".X" in line or "X." in line or "X%" in line or ".xx" in line:  # in every match of _FAKE_NUMBER
            found += [(m.start(), m.end(), m.group(0)) for m in _FAKE_NUMBER.finditer(line)]
        if "TODO" in line or "TB" in line or "FIXME" in line:
            found += [(m.start(), m.end(), m.group(0)) for m in _TODO.finditer(line)]
        if found:
            result.placeholders[idx] = sorted(found)
    # angle placeholders: raw text outside code, where the tag name is no HTML element
    for idx, line in enumerate(card.lines):
        if "<" not in line or idx < card.body_index or idx in card.code_indexes:
            continue
        for m in _ANGLE.finditer(line[:MAX_SCAN]):
            inner = m.group(1)
            name = re.match(r"[\w-]*", inner).group(0).lower()
            parts = set(re.split(r"[_\- ]", inner[:-1].lower()))
            if inner != ">" and (name in HTML_ELEMENTS or not parts & _ANGLE_WORDS):
                continue
            start = m.start()
            if rendered[idx][start:m.end()] != line[start:m.end()] and _in_comment_or_span(card, idx, start):
                continue
            result.placeholders.setdefault(idx, []).append((start, m.end(), m.group(0)))
            result.placeholders[idx].sort()
    result.visible = visible
    return result


def _in_comment_or_span(card, idx: int, col: int) -> bool:
    """Whether a masked position is inside an HTML comment or code span, not merely an unknown tag."""
    return card.lines[idx][:col].count("`") % 2 == 1 or card.in_comment(idx, col)
