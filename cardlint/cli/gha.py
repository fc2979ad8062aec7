"""The GitHub Action's run step: annotations (most severe first), SARIF, a Markdown job summary, outputs.

Run as `python -m cardlint.cli.gha`; inputs come from INPUT_PATHS, INPUT_ARGS, INPUT_SARIF_FILE and
INPUT_MIN_SCORE, as action.yml sets them."""
from __future__ import annotations

import os
import shlex
import sys

from ..config import ConfigError
from ..errors import UsageError
from ..packs import PackError
from ..report import render
from ..report.escape import workflow_data
from ..report.summary import Summary, job_summary
from . import build_parser
from .common import EXIT_ERROR, exit_code, finder_for, lint_targets, load_registry


def main() -> int:
    paths = shlex.split(os.environ.get("INPUT_PATHS", "") or ".")
    argv = ["check", *shlex.split(os.environ.get("INPUT_ARGS", "")), *paths]
    min_score = os.environ.get("INPUT_MIN_SCORE", "").strip()
    if min_score:
        argv[1:1] = ["--min-score", min_score]
    try:
        args = build_parser().parse_args(argv)
        registry = load_registry()
        results = lint_targets(args, registry)
    except (UsageError, ConfigError, PackError) as exc:
        print(f"::error title=cardlint::{workflow_data(str(exc))}")
        return EXIT_ERROR
    sys.stdout.write(render("github", results, registry))
    sarif = os.environ.get("INPUT_SARIF_FILE", "").strip()
    if sarif:
        from ..paths import output_file
        with output_file(sarif) as fh:
            fh.write(render("sarif", results, registry, docs_url=finder_for(args, registry).for_folder().docs_url))
    code = exit_code(results, args.strict)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(job_summary(results, sarif=sarif or None))
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
