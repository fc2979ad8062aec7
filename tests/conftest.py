"""Shared helpers: where the project's own fixtures and the optional ../shared material live."""
from __future__ import annotations

import os
import subprocess
import sys
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
