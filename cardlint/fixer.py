"""Apply fixes safely: non-overlapping edits bottom-up, re-lint until stable, verify, write atomically."""
from __future__ import annotations

import bisect
import contextlib
import difflib
import os
import signal
import stat
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field

from .config import Config
from .card import Card, Unreadable, decode, load_card
from .engine_rules import internal_error
from .engine import FileResult, Timeout, budget_spent, card_budget, lint_bytes, lint_card, lint_file
from .paths import open_regular, reason, within
from .registry import Registry
from .rule import Edit, Finding
from .patterns import lazy

MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    text: str  # the fixed text (BOM not included)
    changed: bool
    applied: Counter = field(default_factory=Counter)  # rule name -> fixes applied
    refused: list[str] = field(default_factory=list)  # why a rule's fixes were not applied
    result: FileResult | None = None  # findings that remain


class EditMismatch(ValueError):
    """An edit's range no longer holds the text the finding was about: nothing is written."""


def apply_edits(card: Card, edits: list[Edit]) -> str:
    """Replace each edit's range in the card's raw text (its own line endings kept); edits must not overlap,
    and an edit that names the text it replaces (`expect`) is applied only over exactly that text.
    Text outside the ranges is copied unchanged, piece by piece."""
    newline = card.newline
    spans = sorted(((card.offset(e.line, e.column), card.offset(e.end_line, e.end_column),
                     e.text.replace("\n", newline) if newline != "\n" else e.text, e.expect) for e in edits),
                   key=lambda s: (s[0], s[1]))
    out, pos = [], 0
    for start, end, text, expect in spans:
        if start < pos or end < start:
            raise ValueError("overlapping edits")
        if expect is not None and _LINE_BREAK.sub("\n", card.raw[start:end]) != expect:
            raise EditMismatch(f"the text at line {card.raw.count(chr(10), 0, start) + 1} is not what the finding "
                               "was about")
        out.append(card.raw[pos:start])
        out.append(text)
        pos = end
    out.append(card.raw[pos:])
    return "".join(out)


_LINE_BREAK = lazy(r"\r\n|\r")


def _protected_lines(card: Card) -> set[int]:
    """0-based lines that only some fixes may change: the front matter (closed or merely opened, whose
    YAML the Hub then shows as text) and code blocks."""
    lines = set(card.code_indexes)
    fm = card.front_matter
    if fm is not None:
        lines.update(range(fm.start_line - 1, fm.end_line))
    else:
        first = next((i for i, l in enumerate(card.lines) if l.strip()), None)
        if first is not None and card.lines[first] == "---" and not card.bom:
            end = next((i for i in range(first + 1, len(card.lines)) if card.lines[i].startswith("#")), len(card.lines))
            lines.update(range(first, end))
    return lines


def _allowed(fix, card: Card, protected: set[int]) -> bool:
    """A fix may replace text in the front matter only if it declares the values it sets, and text in
    code never (inserting at a position, as closing a fence does, is no replacement)."""
    if fix.whole_file:
        return True
    fm_lines = set(range(card.front_matter.start_line - 1, card.front_matter.end_line)) if card.front_matter else set()
    for e in fix.edits:
        if (e.line, e.column) == (e.end_line, e.end_column):
            continue
        touched = set(range(e.line - 1, e.end_line))
        if touched & protected and not (fix.metadata and touched <= fm_lines):
            return False
    return True


def _pick(findings: list[Finding], unsafe: bool, card: Card) -> tuple[list[Finding], list[str]]:
    """Fixes whose edits overlap no fix chosen before (a fix's edits are all or nothing), and the names of
    the rules whose fixes would change what they may not (see _allowed)."""
    chosen, taken, disallowed = [], [], []
    protected = _protected_lines(card)
    for f in sorted(findings, key=lambda f: not (f.fix and f.fix.safe)):  # safe fixes first
        if f.fix is None or not (f.fix.safe or unsafe):
            continue
        if not _allowed(f.fix, card, protected):
            disallowed.append(f.name)
            continue
        ranges = [((e.line, e.column), (e.end_line, e.end_column)) for e in f.fix.edits]
        if any(_overlaps(taken, a, b) for a, b in ranges):
            continue
        chosen.append(f)
        for r in ranges:
            bisect.insort(taken, r)
    return chosen, disallowed


def _overlaps(taken: list, a, b) -> bool:
    """Whether [a, b) overlaps a range of `taken` (sorted, not overlapping each other); two insertions at
    one position overlap too. Only the neighbours need a look: O(log n)."""
    i = bisect.bisect_left(taken, (a, b))
    for c, d in taken[max(0, i - 1):i + 1]:
        if a < d and c < b or a == c:
            return True
    return False


def _worse(before: FileResult, after: FileResult, fixes) -> str | None:
    """Why `after` is worse than `before` by cardlint's own measure, or None: a rule with more findings
    than before (except the one finding per fix that the fix declares it leaves), another profile, a
    lower score."""
    allowance = Counter(fix.leaves for fix in fixes if fix.leaves)
    had = Counter(f.name for f in before.findings)
    grown = sorted(name for name, n in Counter(f.name for f in after.findings).items()
                   if n > had[name] + allowance[name])
    if grown:
        return f"new findings would appear ({', '.join(grown)})"
    if before.profile is not None and after.profile != before.profile:
        return f"the card would match another profile ({before.profile} -> {after.profile})"
    if before.score is not None and after.score is not None and after.score < before.score:
        return f"the completeness score would drop ({before.score:g} -> {after.score:g})"
    return None


def _verify(before: Card, original: FileResult, after_text: str, path: str, config: Config,
            registry: Registry, fixes, applied=()) -> tuple[tuple[Card, FileResult] | None, str | None]:
    """Lint the new text (`before`: the card this round starts from); refuse it if the front matter stopped
    parsing, if its parsed values changed other than the fixes declare (same values, same types), or if the
    card got worse (_worse) than `original`, the findings before any fix (`applied`: the fixes of the
    rounds before).
    On success, the new card and its findings, which the next round starts from."""
    try:
        after = load_card(after_text, path)
    except Unreadable as exc:
        return None, str(exc)
    if before.front_matter is not None and isinstance(before.front_matter.data, dict):
        fm = after.front_matter
        if fm is None or not isinstance(fm.data, dict) or len(fm.problems) > len(before.front_matter.problems):
            return None, "the front matter would no longer parse"
        expected = _with_changes(before.front_matter.data, [c for fix in fixes for c in fix.metadata])
        if not _same(fm.data, expected):
            return None, "the front matter would read differently than the fix intends"
    result = lint_card(after, config, registry)
    problem = _worse(original, result, [*applied, *fixes])
    return (None, problem) if problem else ((after, result), None)


def _with_changes(data: dict, changes) -> dict:
    import copy
    out = copy.deepcopy(data)
    for path, value in changes:
        node = out
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return out


def _same(a, b) -> bool:
    """Equal values of equal types all the way down (1 is not True, "1.10" is not 1.1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)  # NaN equals NaN here


def verify_fix(card: Card, result: FileResult, finding: Finding, config: Config, registry: Registry) -> bool:
    """Whether one finding's fix, applied alone, passes the same verification as a round of `fix`."""
    base = card.original if card.line_map else card
    if not _allowed(finding.fix, card, _protected_lines(card)):
        return False
    try:
        new = apply_edits(base, list(finding.fix.edits))
    except ValueError:
        return False
    _, problem = _verify(card, result, new, card.path, config, registry, [finding.fix])
    return problem is None


def fix_text_outcome(text: str, path: str, config: Config, registry: Registry, *, unsafe: bool = False) -> FixOutcome:
    outcome = FixOutcome(text=text, changed=False)
    try:
        with card_budget(config.timeout):  # one budget for every round
            _fix_rounds(text, path, config, registry, unsafe, outcome)
    except Timeout:
        outcome.refused.append(f"fixing took longer than the time budget ({config.timeout:g} s of CPU); "
                               "only the fixes verified before then are kept")
    if outcome.result is None:
        outcome.result = lint_bytes(outcome.text, path, config, registry)
    outcome.changed = outcome.text != text
    return outcome


def _fix_rounds(text: str, path: str, config: Config, registry: Registry, unsafe: bool, outcome: FixOutcome) -> None:
    current = text
    refused_rules: set[str] = set()
    card = load_card(current, path)
    result = original = lint_card(card, config, registry)
    outcome.result = result
    applied: list = []  # the fixes of the rounds kept so far: the card must stay better than the original
    for _ in range(MAX_ROUNDS):
        if budget_spent():
            raise Timeout()
        if any(internal_error.owns(f) for f in result.findings):
            break  # a card that was not fully checked is not fixed further
        candidates = [f for f in result.findings if f.name not in refused_rules]
        chosen, disallowed = _pick(candidates, unsafe, card)
        for name in dict.fromkeys(disallowed):
            refused_rules.add(name)
            outcome.refused.append(f"{name}: fix not applied: it would change text in the front matter or in code")
        if not chosen:
            break
        base = card.original if card.line_map else card
        try:
            new = apply_edits(base, [e for f in chosen for e in f.fix.edits])
            verified, problem = _verify(card, original, new, path, config, registry, [f.fix for f in chosen], applied)
        except EditMismatch as exc:
            new, verified, problem = None, None, str(exc)
        if new == current:
            break
        if problem:
            # find the rule whose fix breaks the card, drop its fixes, and try the rest again
            for name in dict.fromkeys(f.name for f in chosen):
                mine = [f.fix for f in chosen if f.name == name]
                try:
                    _, why = _verify(card, original, apply_edits(base, [e for fix in mine for e in fix.edits]), path,
                                     config, registry, mine, applied)
                except EditMismatch as exc:
                    why = str(exc)
                if why:
                    refused_rules.add(name)
                    outcome.refused.append(f"{name}: fix not applied: {why}")
            continue
        outcome.applied.update(f.name for f in chosen)
        applied += [f.fix for f in chosen]
        current = new
        card, result = verified  # parsed and linted once: the next round starts from it
        outcome.text, outcome.result = current, result


# -- files --------------------------------------------------------------------------------------------
class FixError(Exception):
    pass


@dataclass(frozen=True)
class _Read:
    """A card as fix read it: where it really is, which file that was, and its bytes."""
    target: str
    device: int
    inode: int
    data: bytes


def read_card(path: str, root: str, max_size: int | None) -> _Read | None:
    """Read a card to fix it; None when it is larger than max_size. Only a regular file is read (never a
    FIFO, a device or a link out of the tree), without blocking and without reading past the limit."""
    if os.path.islink(path) and not within(path, root):
        raise FixError(f"{path}: a symbolic link out of the tree ({os.path.realpath(path)}); not fixed")
    target = os.path.realpath(path)
    try:
        fd, st = open_regular(target)
    except OSError as exc:
        raise FixError(f"{path}: cannot read: {reason(exc)}") from None
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_size + 1) if max_size else fh.read()
    if max_size and len(data) > max_size:
        return None
    return _Read(target, st.st_dev, st.st_ino, data)


def write_card(card: _Read, new: bytes) -> None:
    """The one place `fix` writes a file. It writes only if the file is still the one it read, holding the
    bytes it read (an edit saved meanwhile is never overwritten, a link swapped in is never followed),
    through a temporary file and a rename that keep mode and owner, or in place for a file with several
    hard links. A full disk, a read-only folder or a signal leaves the card as it was and no temporary file."""
    path = card.target
    try:
        st = os.lstat(path)
        with open(path, "rb") as fh:
            current = fh.read(len(card.data) + 1)
    except OSError as exc:
        raise FixError(f"{path}: cannot read it again before writing: {exc.strerror}; not fixed") from None
    if stat.S_ISLNK(st.st_mode) or (st.st_dev, st.st_ino) != (card.device, card.inode):
        raise FixError(f"{path}: the file was replaced while cardlint was fixing it; not fixed")
    if current != card.data:
        raise FixError(f"{path}: the file changed while cardlint was fixing it; not fixed (run fix again)")
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:  # even root must not overwrite a read-only file
        raise FixError(f"{path}: the file is read-only; not fixed")
    with _signals_as_exceptions():
        if st.st_nlink > 1:
            _write_in_place(path, card, new)
        else:
            _write_replacing(path, st, new)


def _write_in_place(path: str, card: _Read, new: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "wb") as fh:
            if (os.fstat(fh.fileno()).st_ino) != card.inode:
                raise FixError(f"{path}: the file was replaced while cardlint was fixing it; not fixed")
            fh.write(new)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise FixError(f"{path}: cannot write: {exc.strerror}") from None


def _write_replacing(path: str, st: os.stat_result, new: bytes) -> None:
    folder = os.path.dirname(path) or "."
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cardlint-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()) and hasattr(os, "chown"):
            os.chown(tmp, st.st_uid, st.st_gid)  # keep the owner (root can; others own their files anyway)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise FixError(f"{path}: cannot write: {exc.strerror}; the card is unchanged") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


class _Interrupted(BaseException):
    pass


@contextlib.contextmanager
def _signals_as_exceptions():
    """While a card is written, SIGTERM and SIGHUP unwind like Ctrl-C, so the temporary file is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise _Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    except _Interrupted as exc:
        raise SystemExit(128 + exc.args[0]) from None
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def unified_diff(path: str, before: str, after: str) -> str:
    """A diff that `patch -p0` and `git apply` take, line endings and a missing final newline kept."""
    out = []
    for line in difflib.unified_diff(_patch_lines(before), _patch_lines(after), fromfile=path, tofile=path):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _patch_lines(text: str) -> list[str]:
    """Lines as patch and git see them: ended by LF alone (a form feed, CR or U+2028 is text in a line)."""
    lines = text.split("\n")
    out = [l + "\n" for l in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


def fix_file(path: str, config: Config, registry: Registry, *, unsafe: bool, diff: bool, root: str) -> tuple[FixOutcome | None, FileResult, str]:
    """(outcome or None, remaining findings, diff text). Raises FixError for a file it must not touch."""
    read = read_card(path, root, config.max_file_size)
    if read is None:
        return None, lint_file(path, config, registry), ""
    try:
        text, bom = decode(read.data)
    except Unreadable:
        return None, lint_bytes(read.data, path, config, registry), ""
    outcome = fix_text_outcome(text, path, config, registry, unsafe=unsafe)
    patch = ""
    if outcome.changed:
        prefix = "\ufeff" if bom else ""
        if diff:
            patch = unified_diff(path, prefix + text, prefix + outcome.text)
        else:
            write_card(read, (prefix + outcome.text).encode("utf-8"))
    return outcome, outcome.result, patch
