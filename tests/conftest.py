"""Shared helpers: where the project's own fixtures and the optional ../shared material live."""
from __future__ import annotations

import difflib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test when that material is not beside the checkout."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def run_cli(*args: str, input: bytes | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run the real entry point in a subprocess, as a user would."""
    full_env = dict(os.environ)
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "cardlint", *args], input=input, capture_output=True,
                          cwd=cwd or ROOT, env=full_env, timeout=300)


# A card every rule is happy with (no error, no warning) under the minimal profile.
CLEAN_CARD = textwrap.dedent("""\
    ---
    license: mit
    metrics: [accuracy]
    ---

    # Model Card for Tiny

    A tiny sentiment model.

    ## Intended Use

    Short English reviews.

    ## Limitations

    Fails on sarcasm.

    ## Evaluation

    Accuracy 0.9 on a held-out set.
    """)


def changed_lines(before: str, after: str) -> set[int]:
    """1-based lines of `before` that a diff to `after` replaces or deletes (or inserts before)."""
    a, b = before.splitlines(), after.splitlines()
    out = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return out


def safe_fix_lines(card) -> set[int]:
    """Lines that some safe fix of the card's findings edits."""
    from cardlint.config import Config
    from cardlint.engine import lint_card
    from cardlint.registry import load
    lines = set()
    for f in lint_card(card, Config(), load(), with_score=False).findings:
        if f.fix and f.fix.safe:
            for e in f.fix.edits:
                lines.update(range(e.line, e.end_line + 1))
    return lines
