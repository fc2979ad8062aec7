"""Run the selected rules on a Card: stamp code, name and severity; apply directives; map lines; sort."""
from __future__ import annotations

import os
import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import directives as directives_mod
from .context import Context
from .config import Config
from .engine_rules import file_too_large, internal_error, unreadable_file
from .card import Card, Unreadable, load_card
from .paths import open_regular, reason
from .registry import Registry
from .rule import Finding, Problem, Rule
from .wording import plural

@dataclass
class FileResult:
    path: str
    findings: list[Finding]
    score: float | None = None
    profile: str | None = None
    profile_detected: bool = False
    sections: list = field(default_factory=list)  # completeness rows, for reports
    topics: list = field(default_factory=list)  # topics.TopicStatus of the card, for reports
    card_type: str | None = None  # model or dataset, as the card was scored
    min_score: float | None = None  # the configuration's min-score for this card
    fetch_error: str | None = None  # a Hub card that could not be fetched


class Timeout(BaseException):
    """Raised when a card's time budget is spent; a BaseException so that a rule's own `except Exception`
    cannot swallow it."""


_BUDGET = {"active": False, "spent": False}


@contextmanager
def card_budget(seconds: float):
    """The one CPU-time budget for everything done for one card: reading its YAML, the rules, the score,
    the directives, every round of fix. CPU time (ITIMER_PROF), not wall time, so that a busy machine
    does not time out healthy cards. Nested uses share the outermost budget; once it is spent, any further
    use raises at once. Main thread on POSIX only; elsewhere, no limit."""
    if _BUDGET["active"]:
        if _BUDGET["spent"]:
            raise Timeout()
        yield
        return
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def handler(signum, frame):
        _BUDGET["spent"] = True
        raise Timeout()

    previous = signal.signal(signal.SIGPROF, handler)
    _BUDGET.update(active=True, spent=False)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        _BUDGET.update(active=False, spent=False)


class BadProblem(ValueError):
    """A rule yielded a Problem outside the card or with a fix its declaration does not allow."""


def _checked(rule: Rule, problem: Problem, card: Card) -> None:
    """A rule's Problem must point into the card (1-based lines within it, columns from 1)
    and carry only the fixes its declaration allows: anything else is the rule's bug, reported as one."""
    nlines = max(len(card.lines), 1)
    line, end_line = problem.line, problem.end_line or problem.line
    if not (isinstance(line, int) and isinstance(problem.column, int) and 1 <= line <= nlines
            and problem.column >= 1 and line <= end_line <= nlines):
        raise BadProblem(f"points outside the card (line {line!r}, column {problem.column!r}, end line "
                         f"{problem.end_line!r}; the card has {len(card.lines)} lines)")
    if problem.fix is not None and not rule.allows(problem.fix):
        raise BadProblem(f"yielded {'a' if problem.fix.safe else 'an unsafe'} fix, but declares fix={rule.fix!r}")


def _stamp(rule: Rule, problem: Problem, card: Card, config: Config) -> Finding:
    nlines = len(card.lines)
    line = min(problem.line, nlines)  # (0 on an empty card, which has no line 1)
    column = problem.column
    end_line = min(max(line, problem.end_line or line), nlines)
    if problem.end_column:
        end_column = problem.end_column
    elif end_line != line:
        end_column = len(card.lines[end_line - 1]) + 1  # a multi-line span ends where its last line ends
    else:
        end_column = column
    if end_line == line:
        end_column = max(end_column, column)
        if end_column == column:  # no range given: the text it points at, to the end of its line
            end_column = max(column, _content_end(card, line))
    return Finding(path=card.path, code=rule.code, name=rule.name, severity=config.severity_of(rule, problem.severity),
                   message=problem.message, line=line, column=column, end_line=end_line, end_column=end_column,
                   fix=problem.fix, line_text=card.lines[line - 1])


def _content_end(card: Card, line: int) -> int:
    """Column after the last visible character of a line; in the front matter, before a YAML comment."""
    text = card.lines[line - 1]
    fm = card.front_matter
    if fm and fm.start_line < line < fm.end_line and "#" in text:
        text = re.sub(r"(?:^|\s)#.*$", "", text)
    return len(text.rstrip()) + 1


def meta_finding(rule: Rule, config: Config, path: str, message: str, line: int = 1, column: int = 1) -> Finding:
    """One of the engine's own findings (engine_rules) on a file it did not lint."""
    return Finding(path=path, code=rule.code, name=rule.name, severity=config.severity_of(rule),
                   message=message, line=line, column=column, end_line=line, end_column=column)


def lint_card(card: Card, config: Config, registry: Registry, *, with_score: bool = True) -> FileResult:
    ctx = Context(card=card, config=config, registry=registry)
    rules = [r for r in registry.rules if config.enabled(r, card.path)]
    findings: list[Finding] = []
    result = FileResult(path=card.path, findings=findings)
    current = "parsing"

    def failed(message: str) -> None:  # cardlint's own failure on this card, as one internal-error finding
        findings.append(_stamp(internal_error, Problem(1, 1, message), card, config))

    try:
        with card_budget(config.timeout):
            ctx.directives = directives_mod.parse(card, registry)
            for rule in rules:
                current = f"rule {rule.code} {rule.name}"
                ctx.rule = rule
                try:
                    findings += _capped(rule, rule.check(card, ctx) or (), card, config)
                except RecursionError:
                    failed(f"{current} gave up: the card is nested too deeply")
                except BadProblem as exc:
                    failed(f"{current} {exc}")
                except Exception as exc:  # a crashing rule must not stop the run
                    failed(f"{current} crashed: {type(exc).__name__}: {exc}")
            if with_score:
                current = "completeness scoring"
                a = ctx.assessment
                result.score, result.sections, result.topics = a.score, a.rows, a.topics
                result.card_type = ctx.card_type
                result.profile, result.profile_detected = ctx.profile.name, a.detected
            current = "applying directives"
            findings[:] = [f for f in findings if internal_error.owns(f) or
                           not ctx.directives.suppresses(f.line, (f.code, f.name))]
    except Timeout:
        failed(f"linting took longer than the time budget ({config.timeout:g} s, in {current}); "
               "the card was only partly checked")
    except RecursionError:
        failed(f"the card is nested too deeply to parse ({current})")
    except Exception as exc:
        failed(f"{current} crashed: {type(exc).__name__}: {exc}")
    result.findings = findings
    if card.line_map:
        _map_lines(result.findings, card)
    result.findings.sort(key=Finding.sort_key)
    return result


def budget_spent() -> bool:
    """Whether the card's time budget ran out (inside card_budget)."""
    return _BUDGET["spent"]


def _capped(rule: Rule, problems, card: Card, config: Config) -> list[Finding]:
    """At most max-findings findings of one rule on one card, then one that says how many more there were."""
    out: list[Finding] = []
    limit, more, first_more = config.max_findings, 0, None
    for problem in problems:
        _checked(rule, problem, card)
        if limit and len(out) >= limit:
            more += 1
            first_more = first_more or problem
            continue
        out.append(_stamp(rule, problem, card, config))
    if more:
        out.append(_stamp(rule, Problem(first_more.line, first_more.column,
                                        f"{plural(more, f'more {rule.name} finding', thousands=True)} on this card not "
                                        f"shown (max-findings: {limit})"), card, config))
    return out


def _map_lines(findings: list[Finding], card: Card) -> None:
    """Findings on a recovered pipe-mangled card point at the lines of the file as the user has it."""
    lm = card.line_map
    original = card.original

    def to_original(line: int) -> int:
        return lm[line - 1] if 0 < line <= len(lm) else line

    for f in findings:
        if f.name == "pipe-mangled-file":
            continue  # it speaks of the whole file, at its line 1
        f.line, f.end_line = to_original(f.line), to_original(f.end_line)
        f.fix = None if f.name != "pipe-mangled-file" else f.fix
        if original is not None and f.line - 1 < len(original.lines):
            f.line_text = original.lines[f.line - 1]


def _too_large(path: str, size: int, config: Config) -> FileResult | None:
    if not config.max_file_size or size <= config.max_file_size:
        return None
    return FileResult(path=path, findings=[meta_finding(
        file_too_large, config, path,
        # size is max-file-size + 1 when only that much was read (stdin, /proc): then it is not the real size
        (f"the file is {size:,} bytes, " if size > config.max_file_size + 1 else "the file is ") +
        f"more than max-file-size ({config.max_file_size:,} bytes); it was not linted")])


def lint_bytes(data: bytes | str, path: str, config: Config, registry: Registry, *, with_score: bool = True) -> FileResult:
    too_large = _too_large(path, len(data.encode("utf-8") if isinstance(data, str) else data), config)
    if too_large:
        return too_large
    try:
        with card_budget(config.timeout):  # reading the front matter counts against the card's budget
            card = load_card(data, path)
            return lint_card(card, config, registry, with_score=with_score)
    except Unreadable as exc:
        return FileResult(path=path, findings=[meta_finding(unreadable_file, config, path, str(exc),
                                                            exc.line, exc.column)])
    except Timeout:
        return FileResult(path=path, findings=[meta_finding(
            internal_error, config, path,
            f"reading the card took longer than the time budget ({config.timeout:g} s of CPU); it was not checked")])


def lint_file(path: str, config: Config, registry: Registry, *, with_score: bool = True) -> FileResult:
    try:
        fd, st = open_regular(path)
        with os.fdopen(fd, "rb") as fh:
            too_large = _too_large(path, st.st_size, config)
            if too_large:
                return too_large
            limit = config.max_file_size
            data = fh.read(limit + 1) if limit else fh.read()  # the size said may have been a lie (/proc)
            too_large = _too_large(path, len(data), config)
            if too_large:
                return too_large
    except OSError as exc:
        return FileResult(path=path, findings=[meta_finding(unreadable_file, config, path,
                                                            f"cannot read the file: {reason(exc)}")])
    return lint_bytes(data, path, config, registry, with_score=with_score)
