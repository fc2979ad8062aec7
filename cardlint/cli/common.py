"""What the commands share: the registry, the configuration finder and the jobs the arguments name, the
results streamed (with a progress bar on a terminal), output written whole, and the exit code."""
from __future__ import annotations

import os
import sys

from ..config import require_selectors
from ..engine_rules import internal_error
from ..errors import UsageError
from ..report.escape import say
from ..sources import collect

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def load_registry():
    from .. import registry as reg_mod
    reg = reg_mod.load()
    for err in reg.errors:
        say(f"warning: {err}")
    return reg


def finder_for(args, registry):
    from ..config import ConfigFinder
    for opt in ("select", "extend_select", "ignore"):
        require_selectors(getattr(args, opt, None), registry, f"--{opt.replace('_', '-')}", UsageError)
    overrides = {k: getattr(args, k, None) for k in ("select", "extend_select", "ignore", "profile", "template",
                                                      "min_score", "card_type", "include")}
    if args.template and not os.path.isfile(args.template):
        raise UsageError(f"template {args.template!r} not found")
    if overrides.get("template"):
        overrides["template"] = os.path.abspath(overrides["template"])
    return ConfigFinder(args.config, registry, overrides)


def cli_targets(args, finder):
    """The files, stdin and Hub ids the arguments name; what was skipped and why goes to stderr."""
    targets, warnings = collect(args.paths, finder, args.stdin_filename, force_exclude=args.force_exclude,
                                respect_gitignore=args.respect_gitignore)
    for w in warnings:
        say(f"warning: {w}")
    return targets


def check_profile(config) -> None:
    """A profile or template that cannot be used is a usage error before any card is read."""
    if config.template:
        from ..score import template_profile
        template_profile(config.template)  # PackError when it cannot be read
    if config.profile:
        from ..score import named_profile
        named_profile(config)  # PackError when no profile has the name


def jobs_for(args, finder):
    from ..sources import Job, iter_dump
    if getattr(args, "from_file", None):
        for job in iter_dump(args.from_file, args.id_column, args.text_column):
            job.config_path = "."
            yield job
        if not args.paths:
            return
    targets = cli_targets(args, finder)
    if getattr(args, "diff_base", None) is not None:
        from ..baseline import changed_files
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
    from ..pipeline import run
    finder = finder_for(args, registry)
    check_profile(finder.for_folder())
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return run(jobs_for(args, finder), finder, registry, processes=jobs, with_score=with_score,
               dask=getattr(args, "dask", None))


def lint_targets(args, registry, *, with_score: bool = True):
    return list(progress(iter_results(args, registry, with_score=with_score), args))


def progress(results, args):
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


def fetch_errors(results) -> bool:
    failed = [r.fetch_error for r in results if r.fetch_error]
    for message in failed:
        say(f"error: {message}")
    return bool(failed)


def write(text: str, output: str | None) -> None:
    if output:
        from ..paths import output_file
        try:
            with output_file(output) as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {output!r}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def use_color(args) -> bool:
    if args.no_color or os.environ.get("NO_COLOR") or args.output:
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def output_format(args) -> str:
    if args.format:
        return args.format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def exit_code(results, strict: bool) -> int:
    code = EXIT_OK
    for r in results:
        if r.fetch_error:
            return EXIT_ERROR
        for f in r.findings:
            if internal_error.owns(f):
                return EXIT_ERROR
            if f.severity == "error" or strict:
                code = EXIT_FINDINGS
        if r.score is not None and getattr(r, "min_score", None) is not None and r.score < r.min_score:
            code = EXIT_FINDINGS
    return code


def below_min(results) -> list[str]:
    return [f"{r.path}: completeness {r.score:g} is below the minimum {r.min_score:g}" for r in results
            if r.score is not None and getattr(r, "min_score", None) is not None and r.score < r.min_score]
