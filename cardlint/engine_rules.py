"""The findings the engine itself reports (CL001-CL004): a file it cannot read or will not read, a rule or
step that failed, a directive naming no rule. Every registry holds them, whatever rule modules it loads;
the engine and the tools that act on findings know them as these objects, not by name."""
from __future__ import annotations

from .rule import Problem, rule


@rule("CL001", "unreadable-file", "The file is not a UTF-8 text card (binary, another encoding, or unreadable).",
      severity="error", tags=("meta",))
def unreadable_file(card, ctx):
    """The file is not a UTF-8 text card: it holds a NUL byte, is UTF-16, has bytes that are not
    UTF-8, or could not be read at all. The engine reports it, at the first bad byte, before any
    other rule runs; nothing else is checked on such a file.

    Why: the Hub and every Markdown renderer expect UTF-8; a card saved as UTF-16 or Latin-1 shows
    garbage or is rejected.

    Example: a card saved by an editor as "UTF-16 LE", or one with a Latin-1 `é` (byte 0xe9).

    Not flagged: a UTF-8 byte-order mark (the card is read; missing-front-matter says what the BOM
    hides), and mojibake that is valid UTF-8 (that is `mojibake`).

    Fix: re-save the card as UTF-8, without a BOM so the Hub sees its front matter."""
    return ()


@rule("CL002", "internal-error", "A rule crashed or the card took longer than the time budget.",
      severity="error", tags=("meta",))
def internal_error(card, ctx):
    """cardlint itself failed on this card: a rule crashed, the card is nested too deeply to parse, or
    linting took longer than the configured `timeout`. The finding names the rule or the step; the
    other rules and cards still run.

    Why: a card that was only partly checked must not look clean; the run exits 2 so CI notices.

    Example: `rule CL999 my-plugin-rule crashed: KeyError: 'x'`.

    Not flagged: problems of the card itself; this finding is about cardlint or a plugin rule, and
    directives cannot silence it.

    Fix: please report it, with the card if you can: it is a bug in cardlint or in a plugin rule."""
    return ()


@rule("CL003", "unknown-directive", "An inline cardlint directive names no known rule.", tags=("meta",))
def unknown_directive(card, ctx):
    """An inline directive (`<!-- cardlint-disable ... -->`, `# cardlint: disable-line ...`) names
    something that is neither a rule code nor a rule name.

    Why: the findings it was meant to hide still appear, and the comment misleads readers.

    Example: `<!-- cardlint-disable-next-line placeholder-txt -->` (the rule is `placeholder-text`).

    Not flagged: directives with no names (they mean every rule), and directives inside code blocks,
    which are not directives at all.

    Fix: use a code or a name listed by `cardlint rules`."""
    for line, column, name in ctx.directives.unknown:
        yield Problem(line, column, f"directive names {name!r}, which is no cardlint rule; see `cardlint rules`")


@rule("CL004", "file-too-large", "The file is larger than max-file-size and was not linted.",
      severity="error", tags=("meta",))
def file_too_large(card, ctx):
    """The file is larger than `max-file-size` bytes (5,000,000 by default), so it was not read.

    Why: cards are a few kilobytes; a file of many megabytes is usually a data file named like a
    card, and linting it would cost time and memory for nothing.

    Example: a 50 MB `README.md` holding a dumped data table.

    Not flagged: large cards under the limit; they are linted within the per-card time budget.

    Fix: exclude the file, or raise `max-file-size` in the configuration."""
    return ()


ENGINE_RULES = (unreadable_file, internal_error, unknown_directive, file_too_large)
