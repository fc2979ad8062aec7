"""`cardlint fix` (and `check --fix`): repair what can be repaired, write each card whole, report what remains."""
from __future__ import annotations

import os
import shutil
import sys
from collections import Counter

from ..card import Unreadable, decode
from ..engine import lint_bytes, lint_file
from ..errors import UsageError
from ..fixer import FixError, fix_file, fix_text_outcome, unified_diff
from ..report import render
from ..report.escape import say
from ..wording import plural
from .common import EXIT_ERROR, cli_targets, exit_code, finder_for, load_registry, output_format, use_color, write


def cmd_fix(args) -> int:
    registry = load_registry()
    finder = finder_for(args, registry)
    targets = cli_targets(args, finder)
    hub = [t.path for t in targets if t.hub]
    if hub:
        raise UsageError(f"fix changes files: it takes card files, folders and - (stdin), not Hub ids such as "
                         f"{hub[0]}; `cardlint check {hub[0]}` lints it")
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    results, patches, failed = [], [], False
    applied: Counter = Counter()
    root = os.getcwd()
    for t in targets:
        config = finder.for_path(t.path if not t.stdin else (args.stdin_filename or "."))
        if t.stdin:
            limit = config.max_file_size
            data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
            if limit and len(data) > limit:  # too large to fix: passed through, and reported
                sys.stdout.buffer.write(data)
                shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)
                results.append(lint_bytes(data, t.path, config, registry))
                continue
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
                say(f"{t.path}: {r}")
            continue
        try:
            outcome, result, patch = fix_file(t.path, config, registry, unsafe=unsafe, diff=args.diff, root=root)
        except FixError as exc:
            say(f"error: {exc}")
            failed = True
            results.append(lint_file(t.path, config, registry))  # still report what it has
            continue
        results.append(result)
        if outcome is not None:
            applied.update(outcome.applied)
            for r in outcome.refused:
                say(f"{t.path}: {r}")
        if patch:
            patches.append(patch)
        results[-1].min_score = config.min_score
    if args.diff:
        sys.stdout.write("".join(patches))
    else:
        fmt = output_format(args)
        report = render(fmt, results, registry, color=use_color(args) and fmt == "text", quiet=args.quiet,
                        source=not args.no_source)
        if any(t.stdin for t in targets):
            sys.stderr.write(report)
        else:
            write(report, args.output)
    total = sum(applied.values())
    if total:
        verb = "would fix" if args.diff else "fixed"
        say(f"{verb} {plural(total, 'finding')} "
              f"({', '.join(f'{n} {k}' for k, n in sorted(applied.items()))})")
    if failed:
        return EXIT_ERROR
    if args.diff:  # as ruff --diff: 1 when there is something to change, so that it can gate CI
        return 1 if any(patches) else 0
    return exit_code(results, getattr(args, "strict", False))
