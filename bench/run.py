"""cardlint's benchmarks (not tests): four ratios, each measured side by side in one run.

    python3 bench/run.py              # the full run (about ten minutes on 2 cores)
    python3 bench/run.py --quick      # smaller inputs, for a first look
    python3 bench/run.py --steps      # only where one process's time goes, per step

1. throughput: cardlint per card against markdown-it-py merely parsing the same texts (target <= 2x);
2. start-up: `cardlint check` on one card against `python -c "import markdown_it, yaml"` (target <= 2x);
3. scaling: `--jobs 2` against `--jobs 1` on a 5,000-card dump (target >= 1.7x on two cores);
4. memory: peak RSS of `report` over 20,000 cards against 1,000 (target <= 2x).

The cards are ../shared/corpus (repeated as needed), or the project's fixture cards when it is absent.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def card_texts() -> list[tuple[str, bytes]]:
    if CORPUS.is_dir():
        paths = sorted(p for p in CORPUS.iterdir() if p.name != "MANIFEST.tsv")
    else:
        paths = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.is_file() and p.suffix == ".md")
    return [(p.name, p.read_bytes()) for p in paths]


def throughput(cards, passes: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from markdown_it import MarkdownIt
    from cardlint.config import Config
    from cardlint.engine import lint_bytes
    from cardlint.registry import load
    md = MarkdownIt("commonmark", {"maxNesting": 40}).enable(["table", "strikethrough"])
    texts = [data.decode("utf-8", "replace") for _, data in cards]
    registry, config = load(), Config(timeout=0)
    for name, data in cards[:50]:  # warm both sides
        md.parse(data.decode("utf-8", "replace"))
        lint_bytes(data, name, config, registry)
    floor = full = 0.0
    for _ in range(passes):  # interleaved, so that machine noise hits both sides alike
        t = time.perf_counter()
        for text in texts:
            md.parse(text)
        floor += time.perf_counter() - t
        t = time.perf_counter()
        for name, data in cards:
            lint_bytes(data, name, config, registry)
        full += time.perf_counter() - t
    n = len(cards) * passes
    return {"cards": n, "parse_ms": 1000 * floor / n, "cardlint_ms": 1000 * full / n,
            "cards_per_s": n / full, "ratio": full / floor}


def steps(cards) -> list[tuple[str, float]]:
    """Where one process's time goes, per card: reading (decode, front matter), the markdown-it parse, the
    rendered-lines view, each rule family, the completeness assessment (profile, sections, topics); ms per
    card, in the order the engine needs them (a step that reads a lazily built view pays for it)."""
    sys.path.insert(0, str(ROOT))
    from collections import defaultdict
    from cardlint import directives
    from cardlint.config import Config
    from cardlint.card import Unreadable, load_card
    from cardlint.engine import Context
    from cardlint.registry import load
    registry, config = load(), Config(timeout=0)
    spent: dict[str, float] = defaultdict(float)
    for name, data in cards:
        t = time.perf_counter()
        try:
            card = load_card(data, name)
        except Unreadable:
            continue  # the engine reports it as one finding and reads no further
        t1 = time.perf_counter()
        card.tokens
        t2 = time.perf_counter()
        card.rendered_lines
        t3 = time.perf_counter()
        spent["read (decode, front matter)"] += t1 - t
        spent["markdown-it parse"] += t2 - t1
        spent["rendered lines"] += t3 - t2
        ctx = Context(card=card, config=config, registry=registry)
        ctx.directives = directives.parse(card, registry)
        t = time.perf_counter()
        ctx.assessment
        spent["completeness (profile, sections, topics)"] += time.perf_counter() - t
        for rule in registry.rules:
            t = time.perf_counter()
            list(rule.check(card, ctx) or ())
            spent["rules: " + rule.check.__module__.rsplit(".", 1)[-1]] += time.perf_counter() - t
    return sorted(((k, 1000 * v / len(cards)) for k, v in spent.items()), key=lambda kv: -kv[1])


def _wall(cmd, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def startup(runs: int) -> dict:
    card = str(ROOT / "examples" / "README.md")
    base, lint = [], []
    for _ in range(runs):  # alternate the two commands
        base.append(_wall([sys.executable, "-c", "import markdown_it, yaml"], 1))
        lint.append(_wall([sys.executable, "-m", "cardlint", "check", card], 1))
    b, l = statistics.median(base), statistics.median(lint)
    return {"import_s": b, "cardlint_s": l, "ratio": l / b}


def write_dump(cards, n: int, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            name, data = cards[i % len(cards)]
            fh.write(json.dumps({"id": f"{i}/{name}", "card": data.decode("utf-8", "replace")}) + "\n")


def scaling(cards, n: int, tmp: Path) -> dict:
    dump = tmp / f"scaling-{n}.jsonl"
    write_dump(cards, n, dump)
    out = {}
    for jobs in (1, 2):
        cmd = [sys.executable, "-m", "cardlint", "check", "--format", "json", "-o", os.devnull, "--jobs", str(jobs),
               "--from", str(dump)]
        out[jobs] = _wall(cmd, 1)
    return {"cards": n, "jobs1_s": out[1], "jobs2_s": out[2], "speedup": out[1] / out[2], "cpus": os.cpu_count()}


def peak_rss(cmd) -> int:
    """Peak resident memory (KiB) of a command, read from the kernel's rusage of the child."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code, *cmd], cwd=ROOT, capture_output=True, text=True)
    return int(proc.stdout.strip())


def memory(cards, small: int, large: int, tmp: Path) -> dict:
    out = {}
    for n in (small, large):
        dump = tmp / f"memory-{n}.jsonl"
        write_dump(cards, n, dump)
        out[n] = peak_rss([sys.executable, "-m", "cardlint", "report", "--format", "json", "-o", os.devnull,
                           "--jobs", "1", "--from", str(dump)])
    return {"small": small, "large": large, "small_kib": out[small], "large_kib": out[large],
            "ratio": out[large] / out[small]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller inputs (not the targets' sizes)")
    ap.add_argument("--steps", action="store_true", help="only the per-step breakdown of one process's time")
    a = ap.parse_args()
    cards = card_texts()
    if a.steps:
        floor = throughput(cards, 1)["parse_ms"]
        print(f"per-step time, ms per card over {len(cards)} cards (share of the markdown-it parse floor, "
              f"{floor:.2f} ms/card):")
        for step, ms in steps(cards):
            print(f"  {step:45} {ms:6.2f}  {ms / floor:5.2f}x")
        return
    passes, runs, scale_n, mem = (1, 5, 1000, (200, 2000)) if a.quick else (3, 15, 5000, (1000, 20000))
    print(f"cardlint benchmarks: {len(cards)} distinct cards, python {sys.version.split()[0]}, {os.cpu_count()} cores")
    t = throughput(cards, passes)
    print(f"1. throughput: {t['cards_per_s']:.0f} cards/s; {t['cardlint_ms']:.2f} ms/card vs markdown-it parse "
          f"{t['parse_ms']:.2f} ms/card: ratio {t['ratio']:.2f} (target <= 2)")
    s = startup(runs)
    print(f"2. start-up: cardlint check {s['cardlint_s'] * 1000:.0f} ms vs import markdown_it, yaml "
          f"{s['import_s'] * 1000:.0f} ms: ratio {s['ratio']:.2f} (target <= 2)")
    with tempfile.TemporaryDirectory(prefix="cardlint-bench-") as tmp:
        sc = scaling(cards, scale_n, Path(tmp))
        print(f"3. scaling: {sc['cards']} cards, --jobs 1 {sc['jobs1_s']:.1f} s, --jobs 2 {sc['jobs2_s']:.1f} s: "
              f"speedup {sc['speedup']:.2f} on {sc['cpus']} cores (target >= 1.7)")
        m = memory(cards, *mem, Path(tmp))
        print(f"4. memory: report peak RSS {m['small_kib'] / 1024:.0f} MiB over {m['small']} cards, "
              f"{m['large_kib'] / 1024:.0f} MiB over {m['large']}: ratio {m['ratio']:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
