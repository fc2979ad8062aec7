"""`cardlint report`: the completeness report (text, JSON, HTML), streamed card by card."""
from __future__ import annotations

import contextlib
import sys

from ..engine_rules import internal_error
from ..errors import UsageError
from ..report.escape import say
from .common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, below_min, iter_results, load_registry, progress, use_color


def cmd_report(args) -> int:
    from ..paths import output_file
    registry = load_registry()
    results = _Kept(progress(iter_results(args, registry), args))
    try:
        with output_file(args.output) if args.output else contextlib.nullcontext(sys.stdout) as out:
            _write_report(args, results, out)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output!r}: {exc.strerror or exc}") from None
    for line in results.below_min:
        say(line)
    if results.fetch_failed or results.internal:
        return EXIT_ERROR
    return EXIT_FINDINGS if results.below_min else EXIT_OK


def _write_report(args, results, out) -> None:
    from ..report import completeness
    if args.format == "json":
        completeness.write_json(results, out)
    elif args.format == "html":
        from ..report import html
        html.write(results, out)
    else:
        completeness.write_text(results, out, color=use_color(args), top=args.top, quiet=args.quiet,
                                summary_only=args.summary)


class _Kept:
    """Passes results through, keeping only what the exit code needs (memory stays flat)."""

    def __init__(self, results):
        self.results = results
        self.below_min: list[str] = []
        self.fetch_failed = self.internal = False

    def __iter__(self):
        for r in self.results:
            self.below_min += below_min([r])
            if r.fetch_error:
                say(f"error: {r.fetch_error}")
                self.fetch_failed = True
            self.internal = self.internal or any(internal_error.owns(f) for f in r.findings)
            yield r
