"""`cardlint fix`: exact recovery, safety, verification, idempotence, and diffs that apply."""
from __future__ import annotations

import json
import os
from collections import Counter
import shutil
import stat
import subprocess

import pytest

from cardlint.config import Config
from cardlint.card import load_card
from cardlint.engine import lint_bytes
from cardlint.fixer import fix_text_outcome
from cardlint.registry import load
from cardlint.testing import fixture_cases

from conftest import FIXTURES, changed_lines, run_cli, safe_fix_lines, shared_path


def fix(text: str, unsafe: bool = False, **config) -> str:
    return fix_text_outcome(text, "README.md", Config(**config), load(), unsafe=unsafe).text


def recovered(mangled: str) -> str:
    lines = mangled.split("\n")
    return "\n".join(l[:-2] if l.endswith(" |") else "" for l in lines[1::2])


def test_pipe_mangled_seed_is_recovered_exactly(tmp_path):
    seed = shared_path("seeds", "002_e9ebcffc2d7e43fb.txt")
    copy = tmp_path / "card.txt"
    copy.write_bytes(seed.read_bytes())
    proc = run_cli("fix", "--select", "pipe-mangled-file", str(copy))
    assert proc.returncode in (0, 1), proc.stderr
    text = copy.read_text(encoding="utf-8")
    assert text == recovered(seed.read_text(encoding="utf-8"))
    card = load_card(text)
    assert isinstance(card.front_matter.data, dict) and card.front_matter.data["license"] == "mit"
    # it now lints like an ordinary card: findings on its own lines, no mangling
    doc = json.loads(run_cli("check", "--format", "json", str(copy)).stdout)
    names = {f["name"] for f in doc["files"][0]["findings"]}
    assert "pipe-mangled-file" not in names and "unrendered-template" in names
    # fixing the mangled file with every safe fix equals fixing the recovered card
    assert fix(seed.read_text(encoding="utf-8")) == fix(text)


def test_safe_fixes():
    text = ("---\nlicense: Apache-2.0  # keep this comment\nlanguage:\n- EN\ntags: medical\n"
            "metrics: ['accuracy']\n---\n\n# Title\n\n- [Uses](#uses)\n- [Uses](#uses)\n\n"
            "## Uses [optional]\n\nRÂ² is 0.9\n- **Paper [optional]:** none\n\n```python\nprint(1)\n")
    out = fix(text)
    assert out == ("---\nlicense: apache-2.0  # keep this comment\nlanguage:\n- en\ntags: [medical]\n"
                   "metrics: ['accuracy']\n---\n\n# Title\n\n- [Uses](#uses)\n\n"
                   "## Uses\n\nR² is 0.9\n- **Paper:** none\n\n```python\nprint(1)\n```\n")


def test_optional_marker_fix_keeps_toc_links_working():
    text = "# T\n\n- [Citation](#citation-optional)\n- [Other](#other)\n\n## Citation [optional]\n\nx\n\n## Other\n\ny\n"
    out = fix(text)
    assert "- [Citation](#citation)" in out and "## Citation\n" in out


def test_unsafe_fixes_only_when_asked():
    text = ("Title first\n\n---\nlicense: mit\nmetrics: [f1]\n---\n\n# Card\n\n- [Usage](#usge)\n\n## Usage\n\n"
            "Accuracy: 0.9\nF1: 0.8\nLoss: 0.1\n")
    assert fix(text) == text
    out = fix(text, unsafe=True)
    assert out.startswith("---\nlicense: mit\nmetrics: [f1]\n---\n")
    assert "[Usage](#usage)" in out
    assert "| Accuracy | 0.9 |" in out
    assert "Title first" in out  # moved, never lost


def test_fix_keeps_crlf_bom_and_permissions(tmp_path):
    card = tmp_path / "README.md"
    card.write_bytes(b"\xef\xbb\xbf# Title\r\n\r\n## Uses [optional]\r\n\r\ntext\r\n")
    os.chmod(card, 0o640)
    proc = run_cli("fix", str(card))
    assert proc.returncode in (0, 1), proc.stderr
    assert card.read_bytes() == b"\xef\xbb\xbf# Title\r\n\r\n## Uses\r\n\r\ntext\r\n"
    assert stat.S_IMODE(card.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cardlint-")]


def test_mixed_line_endings_outside_edits_are_untouched():
    text = "# Title\r\n\nsome text\r\n## Uses [optional]\n\nmore\r\n"
    assert fix(text) == "# Title\r\n\nsome text\r\n## Uses\n\nmore\r\n"


def test_read_only_file_and_symlink_out_of_tree_are_refused(tmp_path):
    inside = tmp_path / "repo"
    inside.mkdir()
    ro = inside / "README.md"
    ro.write_text("# T\n\n## Uses [optional]\n\nx\n")
    os.chmod(ro, 0o444)
    outside = tmp_path / "outside.md"
    outside.write_text("# T\n\n## Uses [optional]\n\nx\n")
    link = inside / "MODEL_CARD.md"
    link.symlink_to(outside)
    proc = run_cli("fix", "README.md", "MODEL_CARD.md", cwd=inside)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "read-only" in err and "symbolic link out of the tree" in err
    assert "[optional]" in ro.read_text() and "[optional]" in outside.read_text()


def test_a_fix_that_would_add_an_error_is_refused(monkeypatch):
    from cardlint.checks import content
    from cardlint.rule import Edit, Fix, Problem
    original = content.optional_marker.check

    def breaking(card, ctx):  # a buggy fix that breaks the front matter
        for p in original(card, ctx):
            yield Problem(p.line, p.column, p.message, fix=Fix((Edit(1, 1, 2, 1, ""),)))
    monkeypatch.setattr(content.optional_marker, "check", breaking)
    text = "---\nlicense: mit\n---\n\n# T\n\n## Uses [optional]\n\nx\n"
    outcome = fix_text_outcome(text, "README.md", Config(), load())
    assert outcome.text == text and not outcome.changed
    assert any(r.startswith("optional-marker: fix not applied") for r in outcome.refused)


def test_diff_applies_with_patch_and_writes_nothing(tmp_path):
    if not shutil.which("patch"):
        pytest.skip("patch is not installed")
    work = tmp_path / "w"
    work.mkdir()
    texts = {
        "a/README.md": "# T\r\n\r\n## Uses [optional]\r\n\r\nRÂ² is high\r\n",
        "b/README.md": "\ufeff# T\n\n## Citation [optional]\n\nx",
    }
    for name, text in texts.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(text.encode("utf-8"))
    before = {n: (work / n).read_bytes() for n in texts}
    proc = run_cli("fix", "--diff", "a/README.md", "b/README.md", cwd=work)
    assert {n: (work / n).read_bytes() for n in texts} == before
    patch = tmp_path / "fix.patch"
    patch.write_bytes(proc.stdout)
    subprocess.run(["patch", "-p0", "-i", str(patch)], cwd=work, check=True, capture_output=True)
    patched = {n: (work / n).read_bytes() for n in texts}
    run_cli("fix", "a/README.md", "b/README.md", cwd=work)
    assert patched == {n: (work / n).read_bytes() for n in texts} != before


def test_stdin_to_stdout():
    proc = run_cli("fix", "-", input=b"# T\n\n## Uses [optional]\n\nx\n")
    assert proc.stdout == b"# T\n\n## Uses\n\nx\n"


@pytest.mark.parametrize("rule,card", [pytest.param(r, c, id=f"{r}/{c.name}") for r, c in fixture_cases(FIXTURES)])
def test_fixtures_fix_to_a_fixed_point(rule, card):
    """As markdownlint does: after fixing, nothing fixable remains but what the fixer refused (saying why),
    and fixing again changes nothing."""
    try:
        text = card.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        pytest.skip("not text")
    for unsafe in (False, True):
        once = fix(text, unsafe=unsafe)
        assert fix(once, unsafe=unsafe) == once
        outcome = fix_text_outcome(once, "README.md", Config(), load(), unsafe=unsafe)
        refused = {why.split(":")[0] for why in outcome.refused}
        left = [f for f in outcome.result.findings if f.fix and (f.fix.safe or unsafe) and f.name not in refused]
        assert not left, [(f.name, f.line) for f in left]


def test_corpus_fix_is_idempotent_and_only_touches_targeted_lines():
    corpus = shared_path("corpus")
    registry = load()
    for path in sorted(corpus.iterdir()):
        if path.name == "MANIFEST.tsv":
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        first = fix_text_outcome(text, path.name, Config(), registry)
        assert fix(first.text) == first.text, path.name
        card = load_card(text, path.name)
        if card.line_map:
            continue  # a mangled card is rewritten whole by design
        targeted = safe_fix_lines(card)
        changed = changed_lines(text, first.text)
        assert changed <= targeted | {len(text.splitlines()) + 1}, (path.name, sorted(changed - targeted)[:5])


def _measure(result):
    return Counter(f.name for f in result.findings), result.profile, result.score


def test_unsafe_fixes_leave_every_corpus_card_better():
    """By cardlint's own measure, after `fix --unsafe-fixes`: no rule has more findings than before (a
    skeleton section may turn one missing-section finding into one empty-section finding), the profile
    is the same and the score is not lower."""
    corpus = shared_path("corpus")
    registry = load()
    changed = 0
    for path in sorted(corpus.glob("*.md")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        before = lint_bytes(text, path.name, Config(), registry)
        outcome = fix_text_outcome(text, path.name, Config(), registry, unsafe=True)
        if not outcome.changed:
            continue
        changed += 1
        had, profile, score = _measure(before)
        has, new_profile, new_score = _measure(lint_bytes(outcome.text, path.name, Config(), registry))
        allowed = Counter({"empty-section": max(0, had["missing-section"] - has["missing-section"])})
        assert has <= had + allowed, (path.name, has - had - allowed)
        assert (new_profile, new_score >= score) == (profile, True), (path.name, profile, new_profile, score, new_score)
    assert changed > 100  # the property is about cards that were fixed


def test_skeleton_sections_hold_a_comment_for_the_author_and_never_switch_profile():
    text = "---\nlicense: mit\nmetrics: [f1]\n---\n# Model\n\nA model that sorts photos of cats.\n\n## Uses\n\nSorting.\n"
    out = fix(text, unsafe=True)
    assert "## Limitations\n\n<!-- Write this section" in out and "More Information" not in out
    after = lint_bytes(out, "README.md", Config(), load())
    assert {f.name for f in after.findings} >= {"empty-section"} and "missing-section" not in {f.name for f in after.findings}
    # skeletons that would make the card match another profile (here the Hugging Face template, which
    # requires more) are not added, and fix says why
    card = ("---\nlicense: mit\nmetrics: [f1]\n---\n# Model card for Sorter\n\nA model that sorts photos of cats. "
            "Model card contact: the cat team.\n\n## Uses\n\nSorting photos of cats.\n\n## Direct Use\n\nSorting photos."
            "\n\n## Training Data\n\nTen thousand photos.\n\n## Training Procedure\n\nTen epochs.\n")
    assert lint_bytes(card, "README.md", Config(), load()).profile == "minimal"
    outcome = fix_text_outcome(card, "README.md", Config(), load(), unsafe=True)
    assert outcome.text == card
    assert any(why.startswith("missing-section: fix not applied: new findings") for why in outcome.refused)
