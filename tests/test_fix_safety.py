"""Fix never corrupts a card: real cards, mutated with characters other tools count as line breaks and with
YAML values whose type hangs on their quotes, are fixed in safe mode through the real file path. Checked:
the parsed front matter keeps every key, value and type except what a fix meant to change; no line that no
fix targeted changes; a second fix changes nothing; line endings and the BOM stay.

CI runs a few hundred cases; `python3 tests/test_fix_safety.py 10000` runs a long campaign on every core."""
from __future__ import annotations

import os
import random
import re
import sys
import tempfile
from difflib import SequenceMatcher
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import FIXTURES, SHARED  # noqa: E402

from cardlint.config import Config  # noqa: E402
from cardlint.card import load_card  # noqa: E402
from cardlint.engine import lint_card  # noqa: E402
from cardlint.fixer import FixError, _same, fix_file, fix_text_outcome  # noqa: E402  (types compared all the way down)
from cardlint.registry import load  # noqa: E402

CASES = int(os.environ.get("CARDLINT_FIX_SAFETY_CASES", "200"))
ODD_BREAKS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\t"]
TRICKY_YAML = ['language: ["NO"]', "language: [no, 'YES']", 'tags: "yes"', 'tags: "null"', 'tags: "1.10"',
               'tags: "{a}"', "tags: 'it''s'", "license: Apache-2.0", "license: 'MIT'", "pipeline_tag: Text-Classification",
               "language: EN", "library_name: Transformers", "secret: KEEPTHIS12", 'tags: "a, b"', "tags: x\u2028y",
               "datasets: imdb", "language:\n- EN\n- \"no\"", "tags: ~", "tags: 0x1F", 'license: "Apache-2.0"']
_BREAK = re.compile(r"\r\n|\r|\n")


def _sources() -> list[Path]:
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        return sorted(p for p in corpus.iterdir() if p.suffix == ".md")
    return sorted(FIXTURES.rglob("*.md"))


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    fm_end = next((i for i in range(1, min(len(lines), 400)) if lines[i].rstrip() == "---"), None) \
        if lines and lines[0] == "---" else None
    if fm_end is None and rng.random() < 0.7:
        lines[0:0] = ["---", "license: mit", "---"]
        fm_end = 2
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.45 and fm_end:  # a tricky value, somewhere in the front matter
            at = rng.randint(1, fm_end)
            lines[at:at] = rng.choice(TRICKY_YAML).split("\n")
            fm_end += 1
        else:  # a look-alike line break inside a line, front matter or body
            i = rng.randrange(len(lines))
            if lines[i] == "---":
                continue
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice(ODD_BREAKS) + lines[i][pos:]
    out = "\n".join(lines)
    ending = rng.random()
    if ending < 0.2:
        out = out.replace("\n", "\r\n")
    elif ending < 0.25:
        out = out.replace("\n", "\r")
    return ("\ufeff" if rng.random() < 0.05 else "") + out


def _variant(a, b) -> bool:
    """A change a metadata fix may make: a string wrapped in a list, or a spelling variant of the same id."""
    if isinstance(a, str) and isinstance(b, list):  # wrapped, and perhaps also respelled by a second fix
        return len(b) == 1 and (b[0] == a or _variant(a, b[0]))
    if isinstance(a, str) and isinstance(b, str):
        norm = lambda s: re.sub(r"[\s_-]+|licen[sc]e", "", s.lower())  # noqa: E731
        return a.lower() == b.lower() or norm(a) == norm(b) or b == re.split(r"[-_]", a)[0].lower()
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return all(_same(x, y) or _variant(x, y) for x, y in zip(a, b))
    return False


def _targeted(card, config, registry) -> set[int]:
    out = set()
    for f in lint_card(card, config, registry, with_score=False).findings:
        if f.fix and f.fix.safe:
            for e in f.fix.edits:
                out.update(range(e.line, e.end_line + 1))
    return out


def _endings(text: str) -> set[str]:
    return set(_BREAK.findall(text))


def check_case(seed: int, sources: list[Path], registry, folder: str) -> str | None:
    """None when the case holds every property, else what broke."""
    rng = random.Random(seed)
    source = sources[seed % len(sources)]
    try:
        text = mutate(source.read_text(encoding="utf-8"), rng)
    except UnicodeDecodeError:
        return None
    data = text.encode("utf-8")
    path = os.path.join(folder, f"README-{seed}.md")
    with open(path, "wb") as fh:
        fh.write(data)
    config = Config(root=Path(folder))
    try:
        outcome, _, _ = fix_file(path, config, registry, unsafe=False, diff=False, root=folder)
    except FixError as exc:
        return f"seed {seed} ({source.name}): {exc}"
    after = Path(path).read_bytes()
    os.unlink(path)
    if outcome is None or not outcome.changed:
        return None if after == data else f"seed {seed}: unchanged outcome but the file changed"
    where = f"seed {seed} ({source.name})"
    if after.startswith(b"\xef\xbb\xbf") != data.startswith(b"\xef\xbb\xbf"):
        return f"{where}: the BOM was not kept"
    before_text, after_text = text.lstrip("\ufeff"), after.decode("utf-8").lstrip("\ufeff")
    if not _endings(after_text) <= _endings(before_text):
        return f"{where}: new line endings {_endings(after_text) - _endings(before_text)}"
    before_card, after_card = load_card(before_text), load_card(after_text)
    if before_card.front_matter and isinstance(before_card.front_matter.data, dict):
        b, a = before_card.front_matter.data, after_card.metadata
        if list(a) != list(b):
            return f"{where}: front matter keys changed: {list(b)} -> {list(a)}"
        for key in b:
            if not (_same(b[key], a[key]) or _variant(b[key], a[key])):
                return f"{where}: {key!r} changed from {b[key]!r} to {a[key]!r}"
    if not before_card.line_map:
        a_lines, b_lines = _BREAK.split(before_text), _BREAK.split(after_text)
        targeted = _targeted(before_card, config, registry)
        for tag, i1, i2, _, _ in SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
            if tag != "equal":
                touched = set(range(i1 + 1, max(i2, i1 + 1) + 1)) - {len(a_lines) + 1}
                if touched - targeted:
                    return f"{where}: lines {sorted(touched - targeted)[:5]} changed, which no fix targeted"
    again = fix_text_outcome(after_text, path, config, registry)
    if again.changed:
        return f"{where}: a second fix changed the card again ({dict(again.applied)})"
    return None


def test_fix_keeps_everything_it_did_not_mean_to_change(tmp_path):
    sources, registry = _sources(), load()
    failures = [f for seed in range(CASES) if (f := check_case(seed, sources, registry, str(tmp_path)))]
    assert not failures, f"{len(failures)} of {CASES} cases: " + "; ".join(failures[:5])


def _worker(args):
    start, stop = args
    sources, registry = _sources(), load()
    with tempfile.TemporaryDirectory() as folder:
        return [f for seed in range(start, stop) if (f := check_case(seed, sources, registry, folder))]


if __name__ == "__main__":
    import multiprocessing
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    chunks = [(i, min(i + 250, total)) for i in range(0, total, 250)]
    with multiprocessing.Pool() as pool:
        failed = [f for part in pool.imap_unordered(_worker, chunks) for f in part]
    print(f"{total} cases, {len(failed)} failed")
    for line in failed[:30]:
        print(" ", line)
    sys.exit(1 if failed else 0)
