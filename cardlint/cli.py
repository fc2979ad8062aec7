"""The command line: check | fix | report | rules | explain | config."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys

from ._version import __version__
from .config import ConfigError, selector_known
from .files import UsageError, collect
from .packs import PackError
from .report.escape import say

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like every other user error
        raise UsageError(message)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="card files, folders (searched for cards) or - for stdin; default: .")
    p.add_argument("--config", metavar="FILE", help="use this configuration file instead of searching upward")
    p.add_argument("--select", type=_csv, metavar="RULES", help="only these rules (codes, prefixes, names or tags)")
    p.add_argument("--extend-select", type=_csv, metavar="RULES", help="add these rules to the selection")
    p.add_argument("--ignore", type=_csv, metavar="RULES", help="skip these rules")
    p.add_argument("--profile", help="hold cards against this template profile (see `cardlint rules --profiles`)")
    p.add_argument("--template", metavar="FILE", help="derive the profile from a hub's own template file")
    p.add_argument("--card-type", choices=("auto", "model", "dataset"), help="model or dataset card (default: detect)")
    p.add_argument("--stdin-filename", metavar="PATH", help="the path to report for a card read from stdin")
    p.add_argument("--no-color", action="store_true", help="never colour the output")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="less output: findings only, no summary (check, fix); one line per card (report)")
    p.add_argument("--no-source", action="store_true",
                   help="on a terminal, do not show each finding's source line and carets under it")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="processes to use (default: all cores for many cards)")
    p.add_argument("--include", type=_csv, action="extend", metavar="GLOBS",
                   help="also lint files with these names when searching folders (e.g. '*.md'), besides the card names")
    p.add_argument("--force-exclude", action="store_true",
                   help="apply the configuration's exclude to files named on the command line too (for pre-commit)")
    p.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                   help="when searching folders, lint files that git ignores too")
    p.add_argument("--show-files", action="store_true", help="list the files that would be linted, and exit")


def _many_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="from_file", metavar="FILE",
                   help="read cards from a dump: JSON Lines or Parquet with an id and a card-text column")
    p.add_argument("--id-column", metavar="NAME", help="the dump's id column (default: id, modelId, ...)")
    p.add_argument("--text-column", metavar="NAME", help="the dump's card-text column (default: card, text, ...)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on an existing Dask cluster (pip install 'cardlint[dask]')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cardlint", description="Lint machine-learning model cards and score their completeness.")
    parser.add_argument("--version", action="version", version=f"cardlint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="report findings on cards")
    _selection_options(check)
    check.add_argument("--format", choices=("text", "json", "github", "sarif"),
                       help="output format (default: github under GitHub Actions, else text)")
    check.add_argument("--strict", action="store_true", help="warnings (and info) fail the run too")
    check.add_argument("--min-score", type=float, metavar="N", help="fail for cards whose completeness is below N")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply unsafe fixes")
    check.add_argument("--diff", action="store_true", help="with --fix, print a unified diff and write nothing")
    check.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    check.add_argument("--baseline", metavar="FILE", help="report (and fail on) only findings not recorded in FILE")
    check.add_argument("--diff-base", metavar="REF", help="lint only the cards changed since this git ref")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule has (and how many are fixable) instead of the findings")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings (2 still means cardlint could not do its job)")
    _many_options(check)

    fix = sub.add_parser("fix", help="repair what can be repaired, then report what remains")
    _selection_options(fix)
    fix.add_argument("--format", choices=("text", "json", "github", "sarif"), help="output format for what remains")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--strict", action="store_true", help="remaining warnings fail the run too")

    report = sub.add_parser("report", help="completeness report: sections, statuses, scores")
    _selection_options(report)
    _many_options(report)
    report.add_argument("--format", choices=("text", "json", "html"), default="text")
    report.add_argument("--min-score", type=float, metavar="N", help="fail for cards whose completeness is below N")
    report.add_argument("--top", type=int, default=5, metavar="N", help="findings shown per card (default 5; 0: none)")
    report.add_argument("--summary", action="store_true",
                        help="print only the summary over all cards (text format; for a hub's whole dump)")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rules.add_argument("--profiles", action="store_true",
                       help="list the template profiles instead (with those of the configuration's rule-packs)")
    rules.add_argument("--config", metavar="FILE", help="the configuration whose rule-packs to list (default: found here)")
    rules.add_argument("--docs", metavar="DIR", help="write one Markdown page per rule, and an index, into DIR")

    explain = sub.add_parser("explain", help="print one rule's documentation")
    explain.add_argument("rule", help="a rule code or name")

    config = sub.add_parser("config", help="show the configuration that applies to a path")
    config.add_argument("--show", action="store_true", help="print the effective configuration (the default)")
    config.add_argument("--schema", action="store_true",
                        help="print the JSON Schema of the configuration (for editors)")
    config.add_argument("path", nargs="?", default=".")
    config.add_argument("--config", metavar="FILE")

    sub.add_parser("server", help="run the language server on stdio (pip install 'cardlint[lsp]')")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return EXIT_ERROR
        if getattr(args, "show_files", False):
            return cmd_show_files(args)
        return {"check": cmd_check, "fix": cmd_fix, "report": cmd_report, "rules": cmd_rules,
                "explain": cmd_explain, "config": cmd_config, "server": cmd_server}[args.command](args)
    except (UsageError, ConfigError, PackError) as exc:
        say(f"error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


# -- shared set-up ------------------------------------------------------------------------------------------
def _registry():
    from . import registry as reg_mod
    reg = reg_mod.load()
    for err in reg.errors:
        say(f"warning: {err}")
    return reg


def _finder(args, registry):
    from .config import ConfigFinder
    for opt in ("select", "extend_select", "ignore"):
        for sel in getattr(args, opt, None) or []:
            if not selector_known(sel, registry):
                raise UsageError(f"--{opt.replace('_', '-')}: {sel!r} is no rule code, prefix, name or tag "
                                 "(see `cardlint rules`)")
    overrides = {k: getattr(args, k, None) for k in ("select", "extend_select", "ignore", "profile", "template",
                                                      "min_score", "card_type", "include")}
    if args.template and not os.path.isfile(args.template):
        raise UsageError(f"template {args.template!r} not found")
    if overrides.get("template"):
        overrides["template"] = os.path.abspath(overrides["template"])
    return ConfigFinder(args.config, registry, overrides)


def _targets(args, finder):
    """The files, stdin and Hub ids the arguments name; what was skipped and why goes to stderr."""
    targets, warnings = collect(args.paths, finder, args.stdin_filename, force_exclude=args.force_exclude,
                                respect_gitignore=args.respect_gitignore)
    for w in warnings:
        say(f"warning: {w}")
    return targets


def _check_profile(config) -> None:
    """A profile or template that cannot be used is a usage error before any card is read."""
    if config.template:
        from .completeness import template_profile
        template_profile(config.template)  # PackError when it cannot be read
    if config.profile:
        from .packs import profiles
        known = profiles(tuple(config.rule_packs))
        if config.profile not in known:
            raise UsageError(f"unknown profile {config.profile!r}; known: {', '.join(sorted(known))}")


def _jobs(args, finder):
    from .pipeline import Job, iter_dump
    if getattr(args, "from_file", None):
        for job in iter_dump(args.from_file, args.id_column, args.text_column):
            job.config_path = "."
            yield job
        if not args.paths:
            return
    targets = _targets(args, finder)
    if getattr(args, "diff_base", None) is not None:
        from .baseline import changed_files
        changed = changed_files(args.diff_base)
        targets = [t for t in targets if t.stdin or t.hub or os.path.realpath(t.path) in changed]
    for t in targets:
        if t.stdin:
            limit = finder.for_path(args.stdin_filename or ".").max_file_size  # read no more than that
            yield Job(t.path, data=sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read(),
                      config_path=args.stdin_filename or ".")
        elif t.hub:
            yield Job(t.path, hub=True, config_path=".")
        else:
            yield Job(t.path)


def iter_results(args, registry, *, with_score: bool = True):
    """Lint every card the arguments name, on all cores for many cards; results stream in input order."""
    from .pipeline import run
    finder = _finder(args, registry)
    _check_profile(finder.for_folder())
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return run(_jobs(args, finder), finder, registry, processes=jobs, with_score=with_score,
               dask=getattr(args, "dask", None))


def lint_targets(args, registry, *, with_score: bool = True):
    return list(_progress(iter_results(args, registry, with_score=with_score), args))


def _progress(results, args):
    """A progress bar on a terminal, for text output only, after the first second."""
    fmt = getattr(args, "format", None) or "text"
    if fmt != "text" or args.output or not sys.stderr.isatty() or getattr(args, "quiet", False):
        yield from results
        return
    import time
    # how long a run must last before the bar appears; tests set 0 to see it whatever the machine's speed
    delay = float(os.environ.get("CARDLINT_PROGRESS_DELAY", "1.0"))
    start, bar, done = time.monotonic(), None, 0
    try:
        for r in results:
            done += 1
            if bar is None and time.monotonic() - start >= delay:
                from rich.console import Console
                from rich.progress import Progress
                bar = Progress(transient=True, console=Console(stderr=True))
                bar.start()
                task = bar.add_task("linting cards", total=None)
            if bar is not None:
                bar.update(task, completed=done, description=f"linting cards ({done})")
            yield r
    finally:
        if bar is not None:
            bar.stop()


def _fetch_errors(results) -> bool:
    failed = [r.fetch_error for r in results if r.fetch_error]
    for message in failed:
        say(f"error: {message}")
    return bool(failed)


def _write(text: str, output: str | None) -> None:
    if output:
        from .paths import output_file
        try:
            with output_file(output) as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {output!r}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _color(args) -> bool:
    if args.no_color or os.environ.get("NO_COLOR") or args.output:
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def _format(args) -> str:
    if args.format:
        return args.format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _exit_code(results, strict: bool) -> int:
    code = EXIT_OK
    for r in results:
        if r.fetch_error:
            return EXIT_ERROR
        for f in r.findings:
            if f.name == "internal-error":
                return EXIT_ERROR
            if f.severity == "error" or strict:
                code = EXIT_FINDINGS
        if r.score is not None and getattr(r, "min_score", None) is not None and r.score < r.min_score:
            code = EXIT_FINDINGS
    return code


def _below_min(results) -> list[str]:
    return [f"{r.path}: completeness {r.score:g} is below the minimum {r.min_score:g}" for r in results
            if r.score is not None and getattr(r, "min_score", None) is not None and r.score < r.min_score]


# -- commands ------------------------------------------------------------------------------------------------
def cmd_show_files(args) -> int:
    """--show-files: what check, fix or report would lint, one path per line (as ruff --show-files)."""
    from .report.escape import line_start
    targets = _targets(args, _finder(args, _registry()))
    _write("".join(f"{line_start(t.path)}\n" for t in targets), args.output)
    return EXIT_OK


def cmd_check(args) -> int:
    if args.fix or args.diff:
        return cmd_fix(args)
    from .report import render
    registry = _registry()
    results = lint_targets(args, registry)
    if args.write_baseline:
        from . import baseline
        n = baseline.write(args.write_baseline, results)
        say(f"recorded {n} finding{'s' if n != 1 else ''} of {len(results)} card"
              f"{'s' if len(results) != 1 else ''} in {args.write_baseline}")
        return EXIT_OK
    if args.baseline:
        from . import baseline
        known = baseline.apply(args.baseline, results)
        if known:
            say(f"{known} finding{'s' if known != 1 else ''} recorded in the baseline not shown")
    fmt = _format(args)
    if args.statistics:
        text = statistics(results)
    else:
        text = render(fmt, results, registry, color=_color(args) and fmt == "text", quiet=args.quiet,
                      docs_url=_finder(args, registry).for_folder().docs_url, source=not args.no_source)
    _write(text, args.output)
    _fetch_errors(results)
    if fmt == "text" and not args.quiet and not args.output:
        hint = fixable_hint(results)
        if hint:
            say(hint)
    code = _exit_code(results, args.strict)
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


def cmd_fix(args) -> int:
    from .fixer import run_fix
    registry = _registry()
    return run_fix(args, registry)


def cmd_report(args) -> int:
    from .paths import output_file
    registry = _registry()
    results = _Kept(_progress(iter_results(args, registry), args))
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
    from .report import completeness
    if args.format == "json":
        completeness.write_json(results, out)
    elif args.format == "html":
        from .report import html
        html.write(results, out)
    else:
        completeness.write_text(results, out, color=_color(args), top=args.top, quiet=args.quiet,
                                summary_only=args.summary)


class _Kept:
    """Passes results through, keeping only what the exit code needs (memory stays flat)."""

    def __init__(self, results):
        self.results = results
        self.below_min: list[str] = []
        self.fetch_failed = self.internal = False

    def __iter__(self):
        for r in self.results:
            self.below_min += _below_min([r])
            if r.fetch_error:
                say(f"error: {r.fetch_error}")
                self.fetch_failed = True
            self.internal = self.internal or any(f.name == "internal-error" for f in r.findings)
            yield r


def cmd_rules(args) -> int:
    registry = _registry()
    if args.docs:
        from .docs import write_docs
        try:
            written = write_docs(args.docs, registry)
        except OSError as exc:
            raise UsageError(f"cannot write {args.docs!r}: {exc.strerror}") from None
        say(f"wrote {len(written)} pages to {args.docs}")
        return EXIT_OK
    if args.profiles:  # the built-in ones and those of the rule packs the configuration here names
        from .config import ConfigFinder
        from .packs import data_dir, profiles
        packs = tuple(ConfigFinder(args.config, registry).for_folder().rule_packs)
        from .topics import DATASET_TOPICS, MEANING, MODEL_TOPICS
        known = profiles(packs)
        width = max(map(len, known)) + 1
        for name, prof in sorted(known.items()):
            covered = ", ".join(dict.fromkeys(e.topic for e in prof.sections if e.topic != "other"))
            print(f"{name:{width}} {prof.title} ({len(prof.sections)} sections, {len(prof.fields)} fields; "
                  f"topics: {covered})" + ("" if str(prof.origin).startswith(str(data_dir())) else f"  [{prof.origin}]"))
        print("\ndocumentation topics (model cards: " + ", ".join(MODEL_TOPICS) + "; dataset cards: "
              + ", ".join(DATASET_TOPICS) + "):")
        for topic, meaning in MEANING.items():
            print(f"  {topic:21} {meaning}")
        return EXIT_OK
    if args.format == "json":
        import json
        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity, "fixable": r.fixable,
                           "tags": list(r.tags), "summary": r.summary, "origin": r.origin} for r in registry.rules],
                         indent=2))
    elif args.format == "markdown":
        print(rules_markdown(registry))
    else:
        for r in registry.rules:
            print(f"{r.code}  {r.name:26} {r.severity:8} {'fixable' if r.fixable else '       '}  {r.summary}")
    return EXIT_OK


def rules_markdown(registry) -> str:
    """The rule table, then one line per rule on what it deliberately does not flag (from its docs)."""
    from .docs import doc_sections
    rows = ["| code | name | severity | fix | what it finds |", "| --- | --- | --- | --- | --- |"]
    for r in registry.rules:
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {r.code} | `{r.name}` | {r.severity} | {'yes' if r.fixable else ''} | {summary} |")
    rows += ["", "What each rule deliberately does not flag:", ""]
    for r in registry.rules:
        quiet = " ".join(doc_sections(r.doc).get("Not flagged", "").split())
        if quiet:
            rows.append(f"- `{r.name}`: {quiet}")
    return "\n".join(rows)


def cmd_explain(args) -> int:
    registry = _registry()
    rule = registry.get(args.rule)
    if rule is None:
        if _explain_key(args.rule):
            return EXIT_OK
        raise UsageError(f"no rule or front matter key {args.rule!r}; see `cardlint rules`")
    from .config import ConfigFinder
    from .docs import rule_markdown
    print(rule_markdown(rule, ConfigFinder(None, registry).for_folder().docs_url), end="")
    return EXIT_OK


def _explain_key(name: str) -> bool:
    """`cardlint explain pipeline_tag`: what a front matter key holds and every value the Hub accepts."""
    from .metadata_help import completion_values, key_help, top_level_keys
    for kind in ("model", "dataset"):
        for key in (name, name.replace("-", "_")):
            if key in top_level_keys(kind):
                print(key_help(key, kind).split("\n\nOne of")[0].replace("**", ""))
                values = completion_values(key, kind)
                if values:
                    print(f"\n{len(values):,} values the Hub accepts ({kind} cards):")
                    print("\n".join(f"  {v}" for v in values))
                return True
    return False


def cmd_server(args) -> int:
    try:
        from .server import main as serve
    except ImportError as exc:
        raise UsageError(f"the language server needs pygls ({exc.name} is not installed): "
                         "pip install 'cardlint[lsp]'") from None
    return serve()


def cmd_config(args) -> int:
    import json
    from .config import ConfigFinder
    registry = _registry()
    if args.schema:
        from .config import config_schema
        print(json.dumps(config_schema(registry), indent=2))
        return EXIT_OK
    cfg = ConfigFinder(args.config, registry).for_path(os.path.join(args.path, "README.md")
                                                       if os.path.isdir(args.path) else args.path)
    print(f"# configuration for {args.path}: {cfg.source or 'defaults (no configuration file found)'}")
    print(json.dumps(cfg.as_dict(), indent=2))
    return EXIT_OK
