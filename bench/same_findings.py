"""Findings (and scores, profiles, topics) over every corpus card, byte for byte, before and after a change
that should change none of them (an optimisation). Not a test.

    python3 bench/same_findings.py --save /tmp/before.json      # on the old code
    python3 bench/same_findings.py --against /tmp/before.json   # on the new code: "identical" or the first diff
    python3 bench/same_findings.py --against /tmp/before.json --except profile_detected
                        # a change meant to alter one field: identical but for it, and how many cards it changed
"""
from __future__ import annotations

import argparse
import json
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
    ap.add_argument("--except", dest="except_key", metavar="KEY",
                    help="compare with this field (and the summary) left out; count the cards where it changed")
    ap.add_argument("folders", nargs="*", default=[CORPUS, CORPUS.parent / "hub-sample"])
    a = ap.parse_args()
    data = output([f for f in a.folders if Path(f).is_dir()])
    if a.save:
        Path(a.save).write_bytes(data)
        print(f"saved {len(data)} bytes to {a.save}")
    if a.against:
        old = Path(a.against).read_bytes()
        if a.except_key:
            return compare_except(json.loads(old), json.loads(data), a.except_key)
        if old == data:
            print(f"identical ({len(data)} bytes)")
            return 0
        old_lines, new_lines = old.split(b"\n"), data.split(b"\n")
        k = next((i for i, (x, y) in enumerate(zip(old_lines, new_lines)) if x != y), min(len(old_lines), len(new_lines)))
        print(f"differ at line {k + 1}:\n- {old_lines[k][:300]!r}\n+ {new_lines[k][:300] if k < len(new_lines) else b''!r}")
        return 1
    return 0


def compare_except(old: dict, new: dict, key: str) -> int:
    changed = 0
    if len(old["cards"]) != len(new["cards"]):
        print(f"differ: {len(old['cards'])} cards before, {len(new['cards'])} after")
        return 1
    for before, after in zip(old["cards"], new["cards"]):
        changed += before.get(key) != after.get(key)
        before.pop(key, None), after.pop(key, None)
        if before != after:
            print(f"differ beyond {key} on {after.get('path')}")
            return 1
    print(f"identical except {key}, which changed on {changed} of {len(new['cards'])} cards")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
