"""cardlint's benchmarks (not tests): each ratio measured side by side in one run, minimum of repeats, wall
and CPU time of whole processes.

    python3 bench/run.py              # everything (about fifteen minutes on 2 cores)
    python3 bench/run.py --quick      # smaller inputs and fewer repeats, for a first look
    python3 bench/run.py --steps      # only where one process's time goes, per step

1. throughput: `cardlint check --format json --jobs 1` over the corpus against one process that merely
   parses the same cards with markdown-it-py (`MarkdownIt("commonmark").enable("table").parse(text)`)
   (target <= 1.0);
2. start-up: `cardlint check --format json` on one card, without and with a configuration file, against
   `python -c "import markdown_it, yaml"` (target <= 1.25);
3. scaling: `--jobs 2` against `--jobs 1` on a 5,000-card dump, for `check` and for `report` (target >= 1.8
   on two cores);
4. memory: peak RSS of `report --jobs 1` over 1,000 and over 25,000 cards (bounded by the largest card, not
   the number of cards), and what one card of 600 KiB or more (the largest cards joined) adds;
5. the language server: from a change of the largest corpus card to its diagnostics (target < 0.5 s).

The cards are ../shared/corpus (repeated for the larger inputs), or the project's fixture cards when it is
absent.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FLOOR = """import sys
from pathlib import Path
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for p in sorted(Path(sys.argv[1]).rglob("*.md")):
    if not p.name.endswith(".fixed.md"):
        md.parse(p.read_text(encoding="utf-8", errors="replace"))
"""


def card_folder() -> Path:
    return CORPUS if CORPUS.is_dir() else ROOT / "fixtures"


def card_texts() -> list[tuple[str, bytes]]:
    folder = card_folder()
    return [(p.name, p.read_bytes()) for p in sorted(folder.rglob("*.md")) if not p.name.endswith(".fixed.md")]


def timed(cmd, cwd=ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the child) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best_of(commands: dict, runs: int, cwd=ROOT) -> dict:
    """{name: (min wall, min CPU)} over `runs` rounds, the commands interleaved so that machine noise hits
    them alike."""
    best = {name: [float("inf"), float("inf")] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            wall, cpu = timed(cmd, cwd)
            best[name][0] = min(best[name][0], wall)
            best[name][1] = min(best[name][1], cpu)
    return best


def ratio_line(label: str, best: dict, a: str, b: str, target: str) -> str:
    (wa, ca), (wb, cb) = best[a], best[b]
    return (f"{label}: {wa * 1000:.0f} ms vs {wb * 1000:.0f} ms wall, ratio {wa / wb:.2f}; "
            f"{ca * 1000:.0f} ms vs {cb * 1000:.0f} ms CPU, ratio {ca / cb:.2f} (target {target})")


def throughput(runs: int) -> str:
    folder = str(card_folder())
    best = best_of({"cardlint": [sys.executable, "-m", "cardlint", "check", "--format", "json", "--jobs", "1",
                                 "-o", os.devnull, "--include", "*.md", folder],
                    "floor": [sys.executable, "-c", FLOOR, folder]}, runs)
    n = len(card_texts())
    return ratio_line(f"1. throughput ({n} cards, whole processes)", best, "cardlint", "floor", "<= 1.0")


def startup(runs: int, tmp: Path) -> list[str]:
    card = str(ROOT / "examples" / "README.md")
    configured = tmp / "configured"
    (configured / ".git").mkdir(parents=True)
    (configured / ".cardlint.yaml").write_text("ignore: [toc]\nseverity: {missing-license: error}\nmin-score: 20\n")
    (configured / "README.md").write_bytes(Path(card).read_bytes())
    check = [sys.executable, "-m", "cardlint", "check", "--format", "json"]
    best = best_of({"plain": check + [card], "floor": [sys.executable, "-c", "import markdown_it, yaml"]}, runs)
    best.update(best_of({"configured": check + ["README.md"]}, runs, cwd=configured))
    return [ratio_line("2. start-up, one card", best, "plain", "floor", "<= 1.25"),
            ratio_line("   start-up, with a configuration file", best, "configured", "floor", "<= 1.25")]


def write_dump(cards, n: int, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            name, data = cards[i % len(cards)]
            fh.write(json.dumps({"id": f"{i}/{name}", "card": data.decode("utf-8", "replace")}) + "\n")


def scaling(cards, n: int, tmp: Path, runs: int) -> list[str]:
    dump = tmp / f"scaling-{n}.jsonl"
    write_dump(cards, n, dump)
    out = []
    for command in ("check", "report"):
        cmd = [sys.executable, "-m", "cardlint", command, "--format", "json", "-o", os.devnull, "--from", str(dump)]
        best = best_of({jobs: cmd + ["--jobs", jobs] for jobs in ("1", "2")}, runs)
        (w1, _), (w2, _) = best["1"], best["2"]
        out.append(f"3. scaling, {command} over {n:,} cards: --jobs 1 {w1:.1f} s, --jobs 2 {w2:.1f} s: speed-up "
                   f"{w1 / w2:.2f} on {os.cpu_count()} cores (target >= 1.8)")
    return out


def peak_rss(cmd) -> int:
    """Peak resident memory (KiB) of a command, read from the kernel's rusage of the child."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code, *cmd], cwd=ROOT, capture_output=True, text=True)
    return int(proc.stdout.strip())


def memory(cards, sizes, tmp: Path) -> str:
    peaks = {}
    for n in sizes:
        dump = tmp / f"memory-{n}.jsonl"
        write_dump(cards, n, dump)
        peaks[n] = peak_rss([sys.executable, "-m", "cardlint", "report", "--format", "json", "-o", os.devnull,
                             "--jobs", "1", "--from", str(dump)])
    largest = max(len(data) for _, data in cards)
    small, large = sizes
    return (f"4. memory, report peak RSS: {peaks[small] / 1024:.0f} MiB over {small:,} cards, {peaks[large] / 1024:.0f} "
            f"MiB over {large:,} (ratio {peaks[large] / peaks[small]:.2f}; largest card {largest / 1024:.0f} KiB)")


def large_card(cards, kib: int) -> bytes:
    """A card of at least `kib` KiB: the largest cards one after another (the Hub has cards this size)."""
    out: list[bytes] = []
    for _, data in sorted(cards, key=lambda c: -len(c[1])):
        out.append(data)
        if sum(map(len, out)) >= kib * 1024:
            break
    return b"\n\n".join(out)


def memory_large(cards, tmp: Path) -> str:
    """What one large card costs: peak RSS of `report` on it, less that of `report` on a one-line card."""
    big, tiny = tmp / "large" / "README.md", tmp / "tiny" / "README.md"
    for path, data in ((big, large_card(cards, 600)), (tiny, b"# Model\n\nA model.\n")):
        path.parent.mkdir()
        path.write_bytes(data)
    cmd = [sys.executable, "-m", "cardlint", "report", "--format", "json", "-o", os.devnull, "--jobs", "1"]
    base, peak = peak_rss(cmd + [str(tiny)]), peak_rss(cmd + [str(big)])
    return (f"4. memory, one {big.stat().st_size / 1024:.0f} KiB card: report peak RSS {peak / 1024:.0f} MiB, "
            f"{(peak - base) / 1024:.0f} MiB more than for a one-line card")


def lsp() -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    import asyncio
    import statistics
    from lsp import largest_card, measure
    try:
        times = asyncio.run(measure(largest_card(), 5))
    except ImportError as exc:
        return f"5. language server: not measured ({exc.name} is not installed: pip install -e '.[lsp,test]')"
    card = largest_card()
    return (f"5. language server: change to diagnostics on {card.name[:40]} ({card.stat().st_size / 1024:.0f} KiB): "
            f"median {statistics.median(times):.2f} s, max {max(times):.2f} s (target < 0.5)")


def steps(cards) -> list[tuple[str, float]]:
    """Where one process's time goes, per card: reading (decode, front matter), the markdown-it block parse,
    the rendered-lines view, the completeness assessment (profile, sections, topics), each rule family
    (a step that reads a lazily built view pays for it), and cyclic garbage collection; ms per card."""
    import gc
    sys.path.insert(0, str(ROOT))
    from collections import defaultdict
    from cardlint import directives
    from cardlint.config import Config
    from cardlint.card import Unreadable, load_card
    from cardlint.context import Context
    from cardlint.registry import load
    from cardlint.worker import tune_gc
    registry, config = load(), Config(timeout=0)
    spent: dict[str, float] = defaultdict(float)
    started: list[float] = []
    load_card(cards[0][1], cards[0][0]).tokens  # everything imported, then the collector set as a run sets it
    tune_gc()

    def collecting(phase, info):
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            spent["cyclic garbage collection"] += time.perf_counter() - started.pop()
    gc.callbacks.append(collecting)
    try:
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
                ctx.rule = rule
                t = time.perf_counter()
                list(rule.check(card, ctx) or ())
                spent["rules: " + rule.check.__module__.rsplit(".", 1)[-1]] += time.perf_counter() - t
    finally:
        gc.callbacks.remove(collecting)
    return sorted(((k, 1000 * v / len(cards)) for k, v in spent.items()), key=lambda kv: -kv[1])


def parse_floor_ms(cards) -> float:
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").enable("table")
    texts = [data.decode("utf-8", "replace") for _, data in cards]
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for text in texts:
            md.parse(text)
        best = min(best, time.perf_counter() - t)
    return 1000 * best / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller inputs and fewer repeats (not the targets' sizes)")
    ap.add_argument("--steps", action="store_true", help="only the per-step breakdown of one process's time")
    a = ap.parse_args()
    cards = card_texts()
    if a.steps:
        floor = parse_floor_ms(cards)
        print(f"per-step time, ms per card over {len(cards)} cards (share of the markdown-it parse floor, "
              f"{floor:.2f} ms/card):")
        for step, ms in steps(cards):
            print(f"  {step:45} {ms:6.2f}  {ms / floor:5.2f}x")
        return
    runs, scale_n, scale_runs, mem = (3, 1000, 1, (200, 2000)) if a.quick else (5, 5000, 3, (1000, 25000))
    print(f"cardlint benchmarks, {time.strftime('%Y-%m-%d')}: {len(cards)} distinct cards, python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores; minimum of repeats")
    print(throughput(runs), flush=True)
    with tempfile.TemporaryDirectory(prefix="cardlint-bench-") as tmp:
        for line in startup(runs * 3, Path(tmp)):
            print(line, flush=True)
        for line in scaling(cards, scale_n, Path(tmp), scale_runs):
            print(line, flush=True)
        print(memory(cards, mem, Path(tmp)), flush=True)
        print(memory_large(cards, Path(tmp)), flush=True)
    print(lsp())


if __name__ == "__main__":
    main()
