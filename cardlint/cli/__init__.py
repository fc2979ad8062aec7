"""The command line: check | fix | report | rules | explain | config | server.

Each command is a module of this package (check, fix, report, info); `common` holds what they share:
reading the arguments into a configuration finder and jobs, writing output, the exit code."""
from __future__ import annotations

import argparse

from .._version import __version__
from ..config import ConfigError
from ..errors import UsageError
from ..packs import PackError
from ..report.escape import say
from .common import EXIT_ERROR


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
        return command(args)(args)
    except (UsageError, ConfigError, PackError) as exc:
        say(f"error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


def command(args):
    """The function that runs the parsed command (imported only when it runs: start-up stays short)."""
    if getattr(args, "show_files", False):
        from .check import cmd_show_files
        return cmd_show_files
    if args.command == "check":
        from .check import cmd_check  # imports the fixer only for --fix
        return cmd_check
    if args.command == "fix":
        from .fix import cmd_fix
        return cmd_fix
    if args.command == "report":
        from .report import cmd_report
        return cmd_report
    from . import info
    return getattr(info, f"cmd_{args.command}")
