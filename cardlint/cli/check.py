"""`cardlint check`: findings on cards (and --show-files, --statistics, baselines)."""
from __future__ import annotations

from ..report.escape import say
from ..wording import plural
from .common import (EXIT_FINDINGS, EXIT_OK, cli_targets, exit_code, fetch_errors, finder_for, lint_targets,
                     load_registry, output_format, use_color, write)


def cmd_show_files(args) -> int:
    """--show-files: what check, fix or report would lint, one path per line (as ruff --show-files)."""
    from ..report.escape import line_start
    targets = cli_targets(args, finder_for(args, load_registry()))
    write("".join(f"{line_start(t.path)}\n" for t in targets), args.output)
    return EXIT_OK


def cmd_check(args) -> int:
    if args.fix or args.diff:
        from .fix import cmd_fix
        return cmd_fix(args)
    from ..report import render
    registry = load_registry()
    results = lint_targets(args, registry)
    if args.write_baseline:
        from .. import baseline
        n = baseline.write(args.write_baseline, results)
        say(f"recorded {plural(n, 'finding')} of {plural(len(results), 'card')} in {args.write_baseline}")
        return EXIT_OK
    if args.baseline:
        from .. import baseline
        known = baseline.apply(args.baseline, results)
        if known:
            say(f"{plural(known, 'finding')} recorded in the baseline not shown")
    fmt = output_format(args)
    if args.statistics:
        text = statistics(results)
    else:
        text = render(fmt, results, registry, color=use_color(args) and fmt == "text", quiet=args.quiet,
                      docs_url=finder_for(args, registry).for_folder().docs_url, source=not args.no_source)
    write(text, args.output)
    fetch_errors(results)
    if fmt == "text" and not args.quiet and not args.output:
        hint = fixable_hint(results)
        if hint:
            say(hint)
    code = exit_code(results, args.strict)
    return EXIT_OK if args.exit_zero and code == EXIT_FINDINGS else code


def statistics(results) -> str:
    """One line per rule, most findings first: count, code, name, how many are fixable (as ruff prints)."""
    from collections import Counter
    counts, fixable, names = Counter(), Counter(), {}
    for r in results:
        for f in r.findings:
            counts[f.code] += 1
            fixable[f.code] += f.fixable
            names[f.code] = f.name
    width = len(str(max(counts.values(), default=0)))
    return "".join(f"{n:>{width}}  {code}  {names[code]}{f'  ({fixable[code]} fixable)' if fixable[code] else ''}\n"
                   for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def fixable_hint(results) -> str | None:
    """'N fixable with `cardlint fix`' (and how many more need --unsafe-fixes), as ruff says it."""
    safe = sum(1 for r in results for f in r.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for r in results for f in r.findings if f.fix is not None and not f.fix.safe)
    if not safe and not unsafe:
        return None
    parts = [f"{safe} fixable with `cardlint fix`"] if safe else []
    if unsafe:
        parts.append(f"{unsafe} {'more' if safe else 'fixable'} with `cardlint fix --unsafe-fixes`")
    return "; ".join(parts)
