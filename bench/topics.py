"""Per-topic fill rates over a folder of cards (not a test: it measures). For comparing cardlint's reading
of a card population with a careful reader's, and with published analyses of Hub cards.

    python3 bench/topics.py ../shared/hub-sample            # every .md file in the folder
    python3 bench/topics.py ../shared/hub-sample --sample 50 --seed 7 --list   # and which cards

Prints the profiles the cards took (and how many fell back to `minimal`), then for each topic the share of
cards where it is filled, a stub, or absent, with the number of cards behind each figure and a 95% interval
(Wilson) for the filled share. `--list` prints each card's statuses, to read them against the cards."""
from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardlint.config import ConfigFinder  # noqa: E402
from cardlint.engine import lint_file  # noqa: E402
from cardlint.registry import load  # noqa: E402
from cardlint.report.completeness import Aggregate  # noqa: E402


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if not n:
        return 0.0, 0.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--sample", type=int, help="read only N cards drawn at random")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--list", action="store_true", help="print each card's topic statuses")
    args = parser.parse_args()
    paths = sorted(str(p) for p in Path(args.folder).glob("*.md"))
    if args.sample:
        paths = sorted(random.Random(args.seed).sample(paths, min(args.sample, len(paths))))
    registry = load()
    finder = ConfigFinder(None, registry)
    agg = Aggregate()  # the same counters `cardlint report` sums
    for path in paths:
        result = lint_file(path, finder.for_path(path), registry)
        agg.add(result)
        if args.list and result.score is not None:
            print(Path(path).name, result.profile, " ".join(f"{t.topic}={t.status}" for t in result.topics))
    print(f"{agg.scored} cards; profiles: " + ", ".join(f"{k} {v}" for k, v in agg.profiles.most_common())
          + f"; {agg.fallback} fell back (no signature matched)")
    print(f"{'topic':30} {'filled':>7} {'95% interval':>14} {'stub':>6} {'absent':>7} {'cards':>6}")
    for topic, c in agg.topics.items():
        n = sum(c.values())
        lo, hi = wilson(c["filled"], n)
        print(f"{topic:30} {c['filled'] / n:7.0%} {f'{lo:.0%}-{hi:.0%}':>14} {c['stub'] / n:6.0%} {c['absent'] / n:7.0%} {n:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
