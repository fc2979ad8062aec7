"""The one place that makes card text safe for each output it reaches.

Card text (paths, headings, values, messages that quote them) comes from strangers. Each function here
turns it into inert text for one destination: a terminal (no escape sequences, no line breaks), a GitHub
workflow command, a Markdown job summary (no images, links, HTML or code-span break-outs). JSON, SARIF
and HTML escape through json.dumps and html.escape where they are written."""
from __future__ import annotations

import re
import sys
from ..patterns import lazy

# C0 controls but tab (ESC starts ANSI and OSC sequences; CR and LF split a record), DEL, C1 controls
# (CSI, OSC, ST on their own), line and paragraph separators, and the bidirectional overrides that
# reorder what a reader sees.
_CONTROL = lazy("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal(text: str) -> str:
    """One line of plain text: every control character shown as a \\xNN or \\uNNNN escape."""
    return _CONTROL.sub(_visible, str(text))


def say(line: str) -> None:
    """A `cardlint: ...` message on stderr, one line whatever it quotes (also safe for Actions logs)."""
    print(f"cardlint: {terminal(line)}", file=sys.stderr)


def line_start(text: str) -> str:
    """Text that starts a line of output: a path such as `::error::x/README.md` would otherwise be read by
    GitHub Actions as a workflow command."""
    text = terminal(text)
    return "./" + text if text.lstrip().startswith("::") else text


def workflow_data(text: str) -> str:
    """The message part of a workflow command (::error ...::message), as GitHub specifies."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a workflow command (file=..., title=...)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


_MD_PUNCT = lazy(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=:$@^])")
# Bare URLs, www. names and e-mail addresses become links on GitHub (extended autolinks) even with every
# punctuation mark escaped; a word joiner inside the marker keeps them text without changing what shows.
_AUTOLINK = lazy(r"(?i)(?<=[a-z])(?=\\:/)|(?<=www)(?=\\\.)|(?=\\@)")


def markdown(text: str) -> str:
    """Card text inside a Markdown table cell, shown exactly as text: every punctuation mark that Markdown
    or HTML could read is backslash-escaped, autolinks are broken, line breaks become spaces."""
    text = _CONTROL.sub(" ", str(text))
    return _AUTOLINK.sub("\u2060", _MD_PUNCT.sub(r"\\\1", text))
