"""Meta rules: what the engine itself reports about a file or a run (CL0xx)."""
from __future__ import annotations

from ..rule import Problem, rule


@rule("CL001", "unreadable-file", "The file is not a UTF-8 text card (binary, another encoding, or unreadable).",
      severity="error", tags=("meta",))
def unreadable_file(card, ctx):
    """The engine reports this before any other rule runs, with the position of the first byte that
    is not UTF-8, or the reason the file could not be read. Nothing else is checked on such a file.

    Why: the Hub and every Markdown renderer expect UTF-8; a card saved as UTF-16 or Latin-1 shows
    garbage or is rejected.

    Fix: re-save the card as UTF-8 (without a BOM, so the Hub sees its front matter)."""
    return ()


@rule("CL002", "internal-error", "A rule crashed or the card took longer than the time budget.",
      severity="error", tags=("meta",))
def internal_error(card, ctx):
    """cardlint reports a crash of one rule on one card, or a card that took longer than the
    configured `timeout`, as this finding and goes on with the other rules and cards.

    Please report it, with the card if you can: it is a bug in cardlint or in a plugin rule."""
    return ()


@rule("CL003", "unknown-directive", "An inline cardlint directive names no known rule.", tags=("meta",))
def unknown_directive(card, ctx):
    """`<!-- cardlint-disable typo-rule -->` silences nothing: the name is neither a rule code nor
    a rule name, so the findings it was meant to hide still appear and the comment misleads readers.

    Example: `<!-- cardlint-disable-next-line placeholder-txt -->` (the rule is `placeholder-text`).

    Fix: use a code or a name listed by `cardlint rules`."""
    for line, column, name in ctx.directives.unknown:
        yield Problem(line, column, f"directive names {name!r}, which is no cardlint rule; see `cardlint rules`")


@rule("CL004", "file-too-large", "The file is larger than max-file-size and was not linted.",
      severity="error", tags=("meta",))
def file_too_large(card, ctx):
    """Cards are a few kilobytes; a file of many megabytes is usually a data file named like a card,
    and linting it would cost time and memory for nothing. The limit is `max-file-size` (bytes).

    Fix: exclude the file, or raise `max-file-size` in the configuration."""
    return ()
