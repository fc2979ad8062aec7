"""Apply fixes safely: non-overlapping edits bottom-up, re-lint until stable, verify, write atomically."""
from __future__ import annotations

import difflib
import os
import stat
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from .config import Config
from .document import Card, Unreadable, decode, load_card
from .engine import FileResult, lint_bytes, lint_card, lint_file
from .registry import Registry
from .rule import Edit, Finding

MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    text: str  # the fixed text (BOM not included)
    changed: bool
    applied: Counter = field(default_factory=Counter)  # rule name -> fixes applied
    refused: list[str] = field(default_factory=list)  # why a rule's fixes were not applied
    result: FileResult | None = None  # findings that remain


def apply_edits(card: Card, edits: list[Edit]) -> str:
    """Replace each edit's range in the card's raw text (its own line endings kept); edits must not overlap.
    Text outside the ranges is copied unchanged, piece by piece."""
    newline = card.newline
    spans = sorted(((card.offset(e.line, e.column), card.offset(e.end_line, e.end_column),
                     e.text.replace("\n", newline) if newline != "\n" else e.text) for e in edits),
                   key=lambda s: (s[0], s[1]))
    out, pos = [], 0
    for start, end, text in spans:
        if start < pos or end < start:
            raise ValueError("overlapping edits")
        out.append(card.raw[pos:start])
        out.append(text)
        pos = end
    out.append(card.raw[pos:])
    return "".join(out)


def _pick(findings: list[Finding], unsafe: bool) -> list[Finding]:
    """Fixes whose edits overlap no fix chosen before (a fix's edits are all or nothing)."""
    chosen, taken = [], []
    for f in sorted(findings, key=lambda f: not (f.fix and f.fix.safe)):  # safe fixes first
        if f.fix is None or not (f.fix.safe or unsafe):
            continue
        ranges = [((e.line, e.column), (e.end_line, e.end_column)) for e in f.fix.edits]
        if any(a < d and c < b or a == c for a, b in ranges for c, d in taken):
            continue
        chosen.append(f)
        taken.extend(ranges)
    return chosen


def _errors(result: FileResult) -> Counter:
    return Counter(f.name for f in result.findings if f.severity == "error")


def _verify(before: Card, before_result: FileResult, after_text: str, path: str, config: Config,
            registry: Registry, *, with_score: bool = False) -> tuple[tuple[Card, FileResult] | None, str | None]:
    """Lint the new text; refuse it if the front matter stopped parsing or a new error appeared.
    On success, the new card and its findings, which the next round starts from."""
    try:
        after = load_card(after_text, path)
    except Unreadable as exc:
        return None, str(exc)
    if before.front_matter is not None and isinstance(before.front_matter.data, dict):
        fm = after.front_matter
        if fm is None or not isinstance(fm.data, dict) or len(fm.problems) > len(before.front_matter.problems):
            return None, "the front matter would no longer parse"
    result = lint_card(after, config, registry, with_score=with_score)
    grown = [name for name, n in _errors(result).items() if n > _errors(before_result)[name]]
    if grown:
        return None, f"new error findings would appear ({', '.join(sorted(grown))})"
    return (after, result), None


def verify_fix(card: Card, result: FileResult, finding: Finding, config: Config, registry: Registry) -> bool:
    """Whether one finding's fix, applied alone, passes the same verification as a round of `fix`."""
    base = card.original if card.line_map else card
    try:
        new = apply_edits(base, list(finding.fix.edits))
    except ValueError:
        return False
    _, problem = _verify(card, result, new, card.path, config, registry)
    return problem is None


def fix_text_outcome(text: str, path: str, config: Config, registry: Registry, *, unsafe: bool = False) -> FixOutcome:
    current = text
    outcome = FixOutcome(text=text, changed=False)
    refused_rules: set[str] = set()
    card = load_card(current, path)
    result = lint_card(card, config, registry)
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in result.findings if f.name not in refused_rules]
        chosen = _pick(candidates, unsafe)
        if not chosen:
            break
        base = card.original if card.line_map else card
        new = apply_edits(base, [e for f in chosen for e in f.fix.edits])
        if new == current:
            break
        verified, problem = _verify(card, result, new, path, config, registry, with_score=True)
        if problem:
            # find the rule whose fix breaks the card, drop its fixes, and try the rest again
            for name in dict.fromkeys(f.name for f in chosen):
                only = [e for f in chosen if f.name == name for e in f.fix.edits]
                _, why = _verify(card, result, apply_edits(base, only), path, config, registry)
                if why:
                    refused_rules.add(name)
                    outcome.refused.append(f"{name}: fix not applied: {why}")
            continue
        outcome.applied.update(f.name for f in chosen)
        current = new
        card, result = verified  # parsed and linted once: the next round starts from it
    outcome.text = current
    outcome.changed = current != text
    outcome.result = result
    return outcome


# -- files --------------------------------------------------------------------------------------------
class FixError(Exception):
    pass


def _inside(path: str, root: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(root)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def write_atomic(path: str, text: str, bom: bool) -> None:
    """Write via a temporary file in the same folder and a rename; keep the file's permissions."""
    target = os.path.realpath(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=".cardlint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def unified_diff(path: str, before: str, after: str) -> str:
    """A diff that `patch -p0` and `git apply` take, line endings and a missing final newline kept."""
    out = []
    for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     fromfile=path, tofile=path):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def fix_file(path: str, config: Config, registry: Registry, *, unsafe: bool, diff: bool, root: str) -> tuple[FixOutcome | None, FileResult, str]:
    """(outcome or None, remaining findings, diff text). Raises FixError for a file it must not touch."""
    if os.path.islink(path) and not _inside(path, root):
        raise FixError(f"{path}: a symbolic link out of the tree ({os.path.realpath(path)}); not fixed")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise FixError(f"{path}: cannot read: {exc.strerror}") from None
    if config.max_file_size and len(data) > config.max_file_size:
        return None, lint_bytes(data, path, config, registry), ""
    try:
        text, bom = decode(data)
    except Unreadable:
        return None, lint_bytes(data, path, config, registry), ""
    outcome = fix_text_outcome(text, path, config, registry, unsafe=unsafe)
    patch = ""
    if outcome.changed:
        if diff:
            prefix = "\ufeff" if bom else ""
            patch = unified_diff(path, prefix + text, prefix + outcome.text)
        else:
            # even root must not overwrite a file its owner marked read-only
            if not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222:
                raise FixError(f"{path}: the file is read-only; not fixed")
            write_atomic(path, outcome.text, bom)
    return outcome, outcome.result, patch


def run_fix(args, registry: Registry) -> int:
    from .cli import EXIT_ERROR, _below_min, _color, _exit_code, _finder, _format, _write
    from .files import collect
    from .report import render
    finder = _finder(args, registry)
    targets, warnings = collect(args.paths, finder, args.stdin_filename)
    for w in warnings:
        print(f"cardlint: warning: {w}", file=sys.stderr)
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    results, patches, failed = [], [], False
    applied: Counter = Counter()
    root = os.getcwd()
    for t in targets:
        config = finder.for_path(t.path if not t.stdin else (args.stdin_filename or "."))
        if t.stdin:
            data = sys.stdin.buffer.read()
            try:
                text, bom = decode(data)
            except Unreadable:
                sys.stdout.buffer.write(data)
                results.append(lint_bytes(data, t.path, config, registry))
                continue
            outcome = fix_text_outcome(text, t.path, config, registry, unsafe=unsafe)
            if args.diff:
                patches.append(unified_diff(t.path, text, outcome.text))
            else:
                sys.stdout.buffer.write((b"\xef\xbb\xbf" if bom else b"") + outcome.text.encode("utf-8"))
            results.append(outcome.result)
            applied.update(outcome.applied)
            for r in outcome.refused:
                print(f"cardlint: {t.path}: {r}", file=sys.stderr)
            continue
        try:
            outcome, result, patch = fix_file(t.path, config, registry, unsafe=unsafe, diff=args.diff, root=root)
        except FixError as exc:
            print(f"cardlint: error: {exc}", file=sys.stderr)
            failed = True
            results.append(lint_file(t.path, config, registry))  # still report what it has
            continue
        results.append(result)
        if outcome is not None:
            applied.update(outcome.applied)
            for r in outcome.refused:
                print(f"cardlint: {t.path}: {r}", file=sys.stderr)
        if patch:
            patches.append(patch)
        results[-1].min_score = config.min_score
    if args.diff:
        sys.stdout.write("".join(patches))
    else:
        fmt = _format(args)
        report = render(fmt, results, registry, color=_color(args) and fmt == "text", quiet=args.quiet)
        if any(t.stdin for t in targets):
            sys.stderr.write(report)
        else:
            _write(report, args.output)
    total = sum(applied.values())
    if total:
        verb = "would fix" if args.diff else "fixed"
        print(f"cardlint: {verb} {total} finding{'s' if total != 1 else ''} "
              f"({', '.join(f'{n} {k}' for k, n in sorted(applied.items()))})", file=sys.stderr)
    for line in _below_min(results):
        print(f"cardlint: {line}", file=sys.stderr)
    code = _exit_code(results, getattr(args, "strict", False))
    return EXIT_ERROR if failed else code
