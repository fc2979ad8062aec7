"""Findings (and scores, profiles, topics) over every corpus card, byte for byte, before and after a change
that should change none of them (an optimisation). Not a test.

    python3 bench/same_findings.py --save /tmp/before.json      # on the old code
    python3 bench/same_findings.py --against /tmp/before.json   # on the new code: "identical" or the first diff
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def output(folders) -> bytes:
    cmd = [sys.executable, "-m", "cardlint", "report", "--format", "json", "--jobs", "1", "--include", "*.md",
           *map(str, folders)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", metavar="FILE")
    ap.add_argument("--against", metavar="FILE")
    ap.add_argument("folders", nargs="*", default=[CORPUS, CORPUS.parent / "hub-sample"])
    a = ap.parse_args()
    data = output([f for f in a.folders if Path(f).is_dir()])
    if a.save:
        Path(a.save).write_bytes(data)
        print(f"saved {len(data)} bytes to {a.save}")
    if a.against:
        old = Path(a.against).read_bytes()
        if old == data:
            print(f"identical ({len(data)} bytes)")
            return 0
        old_lines, new_lines = old.split(b"\n"), data.split(b"\n")
        k = next((i for i, (x, y) in enumerate(zip(old_lines, new_lines)) if x != y), min(len(old_lines), len(new_lines)))
        print(f"differ at line {k + 1}:\n- {old_lines[k][:300]!r}\n+ {new_lines[k][:300] if k < len(new_lines) else b''!r}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
