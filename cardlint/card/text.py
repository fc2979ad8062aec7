"""A card's bytes as text: decoding (UTF-8, BOM, the first bad byte), line breaks, and the recovery of a
card copied from a rendered table view ("pipe-mangled")."""
from __future__ import annotations

from ..patterns import lazy

BOM = "\ufeff"
_BREAK = lazy(r"\r\n|\r|\n")

# Pattern rules read at most this many characters of a line: no card line written by a person is
# longer, and it bounds the cost of every regular expression on hostile input.
MAX_SCAN = 10_000


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




def recover_pipe_mangled(text: str) -> tuple[str, list[int]] | None:
    """If the text was copied from a rendered table view (every line "x |" with "|" lines between),
    return the recovered text and, for each recovered line, its original 1-based line."""
    first = _BREAK.search(text)
    if (text[:first.start()] if first else text).strip() != "|":
        return None  # a card copied from a rendered view starts with a lone "|" line; this one does not
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

