"""Where users run cardlint: the real pre-commit, the GitHub Action's steps, baselines, --diff-base, the API."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import cardlint
from conftest import CLEAN_CARD, ROOT, run_cli, shared_path

GOOD = CLEAN_CARD
BAD = GOOD.replace("license: mit", "license: Apache-2.0").replace("## Limitations", "## Limitations [optional]")


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)


# -- pre-commit ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A snapshot of this checkout as a git repository, so pre-commit installs the hook from it."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    repo = tmp_path_factory.mktemp("hook") / "cardlint"
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis", "build")
    shutil.copytree(ROOT, repo, ignore=ignore)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return repo


def pre_commit(cwd, hook_repo, hook, *files):
    env = dict(os.environ, PRE_COMMIT_HOME=str(hook_repo.parent / "cache"))
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--files", *files],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_pre_commit_hooks(tmp_path, hook_repo):
    work = tmp_path / "models"
    (work / "good").mkdir(parents=True)
    (work / "bad").mkdir()
    (work / "good" / "README.md").write_text(GOOD)
    (work / "bad" / "README.md").write_text(BAD)
    git(work, "init", "-q")
    git(work, "add", "-A")

    ok = pre_commit(work, hook_repo, "cardlint", "good/README.md")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout

    bad = pre_commit(work, hook_repo, "cardlint", "bad/README.md", "good/README.md")
    assert bad.returncode == 1
    assert "Failed" in bad.stdout and "CL104 unknown-license" in bad.stdout and "bad/README.md:2:10" in bad.stdout

    fixed = pre_commit(work, hook_repo, "cardlint-fix", "bad/README.md")
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout
    text = (work / "bad" / "README.md").read_text()
    assert "license: apache-2.0" in text and "[optional]" not in text
    again = pre_commit(work, hook_repo, "cardlint-fix", "bad/README.md")
    assert again.returncode == 0, again.stdout

    # the configuration's exclude holds for the files pre-commit names (--force-exclude in both hooks)
    (work / "vendor").mkdir()
    (work / "vendor" / "DATASET_CARD.md").write_text(BAD)
    (work / ".cardlint.yaml").write_text("exclude: ['vendor/*']\n")
    git(work, "add", "-A")
    skipped = pre_commit(work, hook_repo, "cardlint", "vendor/DATASET_CARD.md", "good/README.md")
    assert skipped.returncode == 0 and "CL104" not in skipped.stdout, skipped.stdout
    (work / ".cardlint.yaml").write_text("exclude: []\n")
    seen = pre_commit(work, hook_repo, "cardlint", "vendor/DATASET_CARD.md")  # DATASET_CARD.md is a card name
    assert seen.returncode == 1 and "vendor/DATASET_CARD.md:2:10" in seen.stdout


def test_hook_manifest_matches_card_files():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"cardlint", "cardlint-fix"}
    for hook in hooks:
        pattern = re.compile(hook["files"])
        assert hook["language"] == "python"
        from cardlint.config import DEFAULT_INCLUDE  # every name folder search takes is a name the hooks take
        for name in (*DEFAULT_INCLUDE, *(f"a/b/{n}" for n in DEFAULT_INCLUDE), "model_cards/bert.md", "org/model_cards/a/b.md"):
            assert pattern.search(name), name
        assert "--force-exclude" in hook["entry"]
        for name in ("docs/guide.md", "README.rst", "src/main.py"):
            assert not pattern.search(name), name


# -- the GitHub Action -----------------------------------------------------------------------------------
def run_action(tmp_path, inputs: dict) -> tuple[int, str, dict]:
    """Run action.yml's steps as GitHub would: each step's script under bash with its env."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update(inputs)
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = dict(os.environ, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output),
               PYTHONPATH=str(ROOT))

    def expand(text: str) -> str:
        text = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)
        return text.replace("${{ github.action_path }}", str(ROOT))

    stdout, code = "", 0
    for step in action["runs"]["steps"]:
        step_env = dict(env, **{k: expand(str(v)) for k, v in (step.get("env") or {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", expand(step["run"])], cwd=tmp_path, env=step_env,
                              capture_output=True, text=True, timeout=600)
        stdout += proc.stdout
        code = proc.returncode
        if code:
            break
    outputs = dict(l.split("=", 1) for l in output.read_text().splitlines()) if output.exists() else {}
    return code, stdout, {"summary": summary.read_text() if summary.exists() else "", **outputs}


def test_action_annotations_summary_and_sarif(tmp_path):
    cards = tmp_path / "cards"
    for i in range(3):
        (cards / f"m{i}").mkdir(parents=True)
        (cards / f"m{i}" / "README.md").write_text(BAD + "\n" + "\n".join(f"- **F{j}:** [More Information Needed]" for j in range(8)))
    first = cards / "m0" / "README.md"
    first.write_text(first.read_text().replace("# Model Card", "# Model Card <script>x</script> |"))
    code, out, res = run_action(tmp_path, {"paths": "cards", "version": "installed", "sarif-file": "cardlint.sarif"})
    assert code == 1
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    assert annotations[0].startswith("::error ") and any(l.startswith("::warning ") for l in annotations)
    kinds = [l.split(" ", 1)[0] for l in annotations]
    assert kinds == sorted(kinds, key=["::error", "::warning", "::notice"].index)
    total = int(res["errors"]) + int(res["warnings"])
    assert total > 20 and res["exit-code"] == "1"
    summary = res["summary"]
    assert "| card | score | errors | warnings | info |" in summary
    assert summary.count("CL203 missing-info-stub") == 24  # every finding, not only the first ten
    assert "<script>" not in summary
    sarif = json.loads((tmp_path / "cardlint.sarif").read_text())
    assert sum(len(r["results"]) for r in sarif["runs"]) == total
    import jsonschema
    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)


def test_action_min_score_and_clean_run(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(GOOD)
    code, out, res = run_action(tmp_path, {"paths": "m", "version": "installed"})
    assert code == 0 and res["errors"] == "0"
    code, out, res = run_action(tmp_path, {"paths": "m", "version": "installed", "min-score": "101"})
    assert code != 0


# -- baseline and --diff-base ----------------------------------------------------------------------------
def test_baseline_reports_only_new_findings(tmp_path):
    card = tmp_path / "README.md"
    card.write_text(BAD)
    base = tmp_path / "cardlint-baseline.json"
    proc = run_cli("check", "--write-baseline", str(base), str(card))
    assert proc.returncode == 0 and base.exists()
    assert run_cli("check", "--baseline", str(base), str(card)).returncode == 0
    # lines inserted above the old findings move them, and a new defect appears
    text = BAD.replace("# Model Card for Tiny\n", "# Model Card for Tiny\n\nA new intro line.\nAnother one.\n\n")
    card.write_text(text + "\n## Contact\n\n[More Information Needed]\n")
    proc = run_cli("check", "--format", "json", "--baseline", str(base), str(card))
    findings = json.loads(proc.stdout)["files"][0]["findings"]
    assert [(f["name"], f["line"]) for f in findings] == [("missing-info-stub", len(text.splitlines()) + 4)]
    assert b"recorded in the baseline not shown" in proc.stderr
    assert run_cli("check", "--baseline", str(tmp_path / "nope.json"), str(card)).returncode == 2


def test_diff_base_lints_only_changed_cards(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "README.md").write_text(BAD)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "one")
    (tmp_path / "b" / "README.md").write_text(BAD + "\nchanged\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "README.md").write_text(BAD)
    proc = run_cli("check", "--format", "json", "--diff-base", "HEAD", ".", cwd=tmp_path)
    paths = sorted(f["path"] for f in json.loads(proc.stdout)["files"])
    assert paths == ["./b/README.md", "./c/README.md"]
    bad_ref = run_cli("check", "--diff-base", "no-such-ref", ".", cwd=tmp_path)
    assert bad_ref.returncode == 2 and b"Traceback" not in bad_ref.stderr


# -- Python API --------------------------------------------------------------------------------------------
def test_python_api(tmp_path):
    findings = cardlint.lint_text(BAD)
    assert {f.name for f in findings} >= {"unknown-license", "optional-marker"}
    f = next(f for f in findings if f.name == "unknown-license")
    assert (f.code, f.line, f.column, f.severity, f.fixable) == ("CL104", 2, 10, "error", True)
    assert set(f.as_dict()) == {"code", "name", "severity", "message", "line", "column", "end_line", "end_column", "fixable"}
    assert cardlint.lint_text(BAD, select=["CL104"])[0].name == "unknown-license"
    fixed, remaining = cardlint.fix_text(BAD)
    assert "license: apache-2.0" in fixed and not [x for x in remaining if x.fixable]
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(GOOD)
    results = cardlint.lint_paths([tmp_path])
    assert len(results) == 1 and results[0].findings == [] and 80 < results[0].score < 100  # optional parts missing


def shown_text(markdown: str) -> str:
    """What a reader sees of a job summary: rendered, tags dropped, entities and word joiners removed."""
    import html
    from markdown_it import MarkdownIt
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u2060", "")


def test_action_names_the_card_below_min_score(tmp_path):
    (tmp_path / "thin").mkdir()
    (tmp_path / "thin" / "README.md").write_text("---\nlicense: mit\n---\n# Thin\n\n## Uses\n\nSome use.\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "README.md").write_text(GOOD)
    code, out, res = run_action(tmp_path, {"paths": "thin full", "version": "installed", "min-score": "60",
                                           "sarif-file": "out.sarif"})
    assert code == 1
    notes = [l for l in out.splitlines() if "below-min-score" in l]
    assert len(notes) == 1 and notes[0].startswith("::error file=thin/README.md,line=4")
    assert "is below the minimum 60" in notes[0] and "to write" in notes[0]
    text = shown_text(res["summary"])
    assert "CL005 below-min-score" in text and "thin/README.md:4:1" in text
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "CL005"] == ["CL005"]


def test_job_summary_stays_under_githubs_limit(tmp_path):
    cards = tmp_path / "cards"
    stubs = "\n".join(f"- **Field {j}:** [More Information Needed]" for j in range(30))
    for i in range(1000):
        (cards / f"m{i:04d}").mkdir(parents=True)
        (cards / f"m{i:04d}" / "README.md").write_text(BAD + "\n" + stubs + "\n")
    code, out, res = run_action(tmp_path, {"paths": "cards", "version": "installed", "sarif-file": "s.sarif",
                                           "args": "--jobs 2"})
    summary = res["summary"]
    assert code == 1 and 100_000 < len(summary.encode()) < 1024 * 1024
    text = shown_text(summary)
    assert "1000 cards:" in summary and "The 50 cards with the most findings" in summary
    total = int(res["errors"]) + int(res["warnings"])
    shown = summary.count("\n| error |") + summary.count("\n| warning |") + summary.count("\n| info |")
    assert f"{total - shown:,} more findings not shown" in text and "SARIF file (s.sarif)" in text
    annotations = [l for l in out.splitlines() if l.startswith("::")]
    assert all(",line=" in l and "file=cards/m" in l for l in annotations[:20])


def test_annotation_paths_are_relative_to_the_workspace(tmp_path):
    (tmp_path / "sub" / "m").mkdir(parents=True)
    (tmp_path / "sub" / "m" / "README.md").write_text(BAD)
    out = run_cli("check", "--format", "github", str(tmp_path / "sub" / "m" / "README.md"),
                  cwd=tmp_path / "sub", env={"GITHUB_WORKSPACE": str(tmp_path)}).stdout.decode()
    files = {l.split("file=", 1)[1].split(",", 1)[0] for l in out.splitlines() if l.startswith("::")}
    assert files == {"sub/m/README.md"}
