"""The errors a user can cause, each with a message that says what to do: the CLI prints it on one line."""
from __future__ import annotations


class UsageError(Exception):
    """A user error on the command line: one line on stderr, exit code 2."""


class HubError(Exception):
    """A Hub card could not be fetched: the message says why (offline, not found, no README)."""
