"""The GitHub Action's run step: annotations (most severe first), SARIF, a Markdown job summary, outputs.

Run as `python -m cardlint.gha`; inputs come from INPUT_PATHS, INPUT_ARGS, INPUT_SARIF_FILE and
INPUT_MIN_SCORE, as action.yml sets them."""
from __future__ import annotations

import os
import shlex
import sys

from .cli import EXIT_ERROR, _exit_code, _finder, _registry, build_parser, lint_targets
from .config import ConfigError
from .files import UsageError
from .packs import PackError
from .report import Summary, render
from .report.escape import markdown as _md, workflow_data
from .report.github import RANK


# GitHub drops a job summary over 1 MiB and shows nothing; this leaves room for other steps' summaries.
SUMMARY_BUDGET = 512 * 1024
WORST_CARDS = 50


def summary_markdown(results, budget: int = SUMMARY_BUDGET, sarif: str | None = None) -> str:
    """Totals, the worst cards, then findings (most severe first) while they fit in the budget, and a line
    that says how many were left out and where to find them."""
    s = Summary.of(results)
    out = ["## cardlint", "",
           f"{s.files} card{'s' if s.files != 1 else ''}: **{s.errors}** error{'s' if s.errors != 1 else ''}, "
           f"**{s.warnings}** warning{'s' if s.warnings != 1 else ''}, {s.infos} info", ""]
    flagged = [(r, c) for r in results if (c := Summary.of([r])).findings]
    flagged.sort(key=lambda rc: (-rc[1].errors, -rc[1].warnings, 101 if rc[0].score is None else rc[0].score))
    worst = flagged[:WORST_CARDS]
    if worst:
        title = "Cards with findings" if len(flagged) <= WORST_CARDS else f"The {WORST_CARDS} cards with the most findings"
        out += [f"### {title}", "", "| card | score | errors | warnings | info |", "| --- | ---: | ---: | ---: | ---: |"]
        for r, c in worst:
            score = "" if r.score is None else f"{r.score:g}"
            out.append(f"| {_md(r.path)} | {score} | {c.errors} | {c.warnings} | {c.infos} |")
    findings = sorted((f for r in results for f in r.findings), key=lambda f: (RANK[f.severity], f.sort_key()))
    if findings:
        out += ["", "### Findings", "", "| severity | location | rule | message |", "| --- | --- | --- | --- |"]
        size = sum(len(line.encode("utf-8")) + 1 for line in out)
        for shown, f in enumerate(findings):
            row = f"| {f.severity} | {_md(f.path)}:{f.line}:{f.column} | {f.code} {f.name} | {_md(f.message)} |"
            size += len(row.encode("utf-8")) + 1
            if size > budget - 400:  # room for the closing line
                where = f"the SARIF file ({_md(sarif)}), " if sarif else ""
                out += ["", f"{len(findings) - shown:,} more finding{'s' if len(findings) - shown != 1 else ''} not "
                            f"shown here (GitHub keeps job summaries under 1 MiB): see {where}the annotations, or run "
                            "`cardlint check` locally."]
                break
            out.append(row)
    return "\n".join(out) + "\n"


def main() -> int:
    paths = shlex.split(os.environ.get("INPUT_PATHS", "") or ".")
    argv = ["check", *shlex.split(os.environ.get("INPUT_ARGS", "")), *paths]
    min_score = os.environ.get("INPUT_MIN_SCORE", "").strip()
    if min_score:
        argv[1:1] = ["--min-score", min_score]
    try:
        args = build_parser().parse_args(argv)
        registry = _registry()
        results = lint_targets(args, registry)
    except (UsageError, ConfigError, PackError) as exc:
        print(f"::error title=cardlint::{workflow_data(str(exc))}")
        return EXIT_ERROR
    sys.stdout.write(render("github", results, registry))
    sarif = os.environ.get("INPUT_SARIF_FILE", "").strip()
    if sarif:
        from .paths import output_file
        with output_file(sarif) as fh:
            fh.write(render("sarif", results, registry, docs_url=_finder(args, registry).for_folder().docs_url))
    code = _exit_code(results, args.strict)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(summary_markdown(results, sarif=sarif or None))
    output_file = os.environ.get("GITHUB_OUTPUT")
    if output_file:
        s = Summary.of(results)
        with open(output_file, "a", encoding="utf-8") as fh:
            fh.write(f"errors={s.errors}\nwarnings={s.warnings}\nfiles={s.files}\nexit-code={code}\n")
            if sarif:
                fh.write(f"sarif-file={sarif}\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
