"""The real entry point: commands, options, exit codes, configuration and inline directives."""
from __future__ import annotations

import json
import shutil
import subprocess
import re
import textwrap

import pytest

from conftest import CLEAN_CARD, ROOT, run_cli

CLEAN = CLEAN_CARD
WARNING_ONLY = CLEAN.replace("Fails on sarcasm.", "[More Information Needed]")
ERROR = CLEAN.replace("license: mit", "license: Apache-2.0")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def json_check(*args, **kw):
    proc = run_cli("check", "--format", "json", *args, **kw)
    assert proc.returncode in (0, 1), proc.stderr
    return proc, json.loads(proc.stdout)


def test_version_rules_and_explain():
    assert run_cli("--version").stdout.decode().startswith("cardlint ")
    rules = run_cli("rules").stdout.decode()
    assert "CL104  unknown-license" in rules and "fixable" in rules
    explained = run_cli("explain", "unknown-license")
    assert explained.returncode == 0 and b"apache-2.0" in explained.stdout
    assert run_cli("explain", "CL104").stdout == explained.stdout


@pytest.mark.parametrize("args,needle", [
    (("check", "no/such/card.md"), "does not exist"),
    (("check", "--select", "no-such-rule", "examples/README.md"), "no-such-rule"),
    (("explain", "nothing"), "no rule"),
    (("check", "--format", "xml", "examples/README.md"), "invalid choice"),
    (("check", "--config", "missing.yaml", "examples/README.md"), "not found"),
    (("check", "--profile", "nope", "examples/README.md"), "unknown profile"),
])
def test_user_errors_are_one_line_and_exit_2(args, needle):
    proc = run_cli(*args)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_directory_without_cards_is_a_usage_error(tmp_path):
    write(tmp_path, "notes.md", "# Notes\n")
    proc = run_cli("check", str(tmp_path))
    assert proc.returncode == 2 and b"no cards found" in proc.stderr


def test_exit_codes(tmp_path):
    assert run_cli("check", str(write(tmp_path, "a/README.md", CLEAN))).returncode == 0
    warn = write(tmp_path, "b/README.md", WARNING_ONLY)
    assert run_cli("check", str(warn)).returncode == 0
    assert run_cli("check", "--strict", str(warn)).returncode == 1
    assert run_cli("check", str(write(tmp_path, "c/README.md", ERROR))).returncode == 1


def test_any_extension_stdin_and_output_file(tmp_path):
    card = write(tmp_path, "card.txt", ERROR)
    proc, doc = json_check(str(card))
    assert doc["files"][0]["path"] == str(card)
    proc = run_cli("check", "--format", "json", "--stdin-filename", "models/x/README.md", "-", input=ERROR.encode())
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["files"][0]["path"] == "models/x/README.md"
    out = tmp_path / "out.json"
    proc = run_cli("check", "--format", "json", "-o", str(out), str(card))
    assert proc.stdout == b"" and json.loads(out.read_text())["summary"]["errors"] == 1


def test_directory_walk_finds_cards_and_skips_tooling(tmp_path):
    write(tmp_path, "m1/README.md", CLEAN)
    write(tmp_path, "m2/MODEL_CARD.md", CLEAN)
    write(tmp_path, "m3/model_card.md", CLEAN)
    write(tmp_path, "node_modules/x/README.md", ERROR)
    write(tmp_path, ".venv/lib/README.md", ERROR)
    write(tmp_path, ".git/README.md", ERROR)
    write(tmp_path, "docs/other.md", ERROR)
    _, doc = json_check(str(tmp_path))
    names = sorted(f["path"][len(str(tmp_path)) + 1:] for f in doc["files"])
    assert names == ["m1/README.md", "m2/MODEL_CARD.md", "m3/model_card.md"]


def test_text_format_and_summary(tmp_path):
    proc = run_cli("check", "--no-color", str(write(tmp_path, "README.md", ERROR)))
    out = proc.stdout.decode()
    assert f"{tmp_path}/README.md:2:10 error CL104 unknown-license" in out
    assert "1 file checked: 1 error" in out and "\x1b[" not in out
    quiet = run_cli("check", "--quiet", str(tmp_path / "README.md")).stdout.decode()
    assert "file checked" not in quiet and "CL104" in quiet


def test_github_format_is_automatic_under_actions(tmp_path):
    proc = run_cli("check", str(write(tmp_path, "README.md", ERROR)), env={"GITHUB_ACTIONS": "true"})
    assert proc.stdout.decode().startswith("::error file=")


def test_min_score_fails_low_cards(tmp_path):
    card = write(tmp_path, "README.md", WARNING_ONLY)
    assert run_cli("check", "--min-score", "99", str(card)).returncode == 1
    assert run_cli("check", "--min-score", "10", str(card)).returncode == 0


# -- configuration ------------------------------------------------------------------------------------
def test_pyproject_config_found_upward(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.cardlint]\nignore = ["unknown-license"]\n')
    card = write(tmp_path, "models/a/README.md", ERROR)
    _, doc = json_check(str(card))
    assert "unknown-license" not in {f["name"] for f in doc["files"][0]["findings"]}


def test_yaml_config_selection_severity_and_per_file_ignores(tmp_path):
    write(tmp_path, ".cardlint.yaml", textwrap.dedent("""\
        select: [metadata]
        ignore: [CL10]
        extend-select: [CL104, empty-section]
        severity: {unknown-license: warning}
        per-file-ignores:
          "legacy/*": [CL104]
        """))
    card = write(tmp_path, "new/README.md", ERROR + "\n## Empty\n")
    legacy = write(tmp_path, "legacy/README.md", ERROR)
    proc, doc = json_check(str(card), str(legacy))
    by_path = {f["path"]: f["findings"] for f in doc["files"]}
    names = {(f["name"], f["severity"]) for f in by_path[str(card)]}
    assert names == {("unknown-license", "warning"), ("empty-section", "warning")}
    assert by_path[str(legacy)] == [] and proc.returncode == 0


def test_longest_selector_wins(tmp_path):
    card = write(tmp_path, "README.md", ERROR)
    _, doc = json_check("--select", "CL1", "--ignore", "CL104", str(card))
    assert doc["files"][0]["findings"] == []
    _, doc = json_check("--select", "CL104", "--ignore", "CL1", str(card))
    assert [f["code"] for f in doc["files"][0]["findings"]] == ["CL104"]


@pytest.mark.parametrize("content,needle", [
    ("selec: [CL1]\n", "unknown key 'selec' (did you mean 'select'?)"),
    ("select: [CL999]\n", "'select' names 'CL999'"),
    ("severity: {unknown-license: fatal}\n", "must be error, warning or info"),
    ("min-score: 500\n", "'min-score' must be between 0 and 100"),
    ("select: [unclosed\n", "invalid YAML"),
])
def test_invalid_config_names_file_and_key(tmp_path, content, needle):
    write(tmp_path, ".cardlint.yaml", content)
    proc = run_cli("check", str(write(tmp_path, "README.md", CLEAN)))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and ".cardlint.yaml" in err and "Traceback" not in err


def test_config_show(tmp_path):
    write(tmp_path, ".cardlint.yaml", "profile: hf-model\nmin-score: 40\n")
    proc = run_cli("config", "--show", str(tmp_path))
    out = proc.stdout.decode()
    assert proc.returncode == 0 and ".cardlint.yaml" in out
    shown = json.loads(out.split("\n", 1)[1])
    assert shown["profile"] == "hf-model" and shown["min-score"] == 40 and shown["select"] == ["ALL"]


# -- inline directives ----------------------------------------------------------------------------------
def test_directives(tmp_path):
    text = textwrap.dedent("""\
        ---
        license: Apache-2.0  # cardlint: disable-line unknown-license
        tags: foo
        ---

        # Model Card for [Model Name]

        <!-- cardlint-disable-next-line CL203 -->
        - **Developed by:** [More Information Needed]
        - **Shared by:** [More Information Needed]

        <!-- cardlint-disable placeholder-text,missing-info-stub -->
        [Project Repo] and [More Information Needed]
        <!-- cardlint-enable -->
        [Other Thing] and [More Information Needed]
        <!-- cardlint-disable-next-line no-such-rule -->
        """)
    _, doc = json_check(str(write(tmp_path, "README.md", text)), "--select", "CL1,CL2,CL003")
    got = {(f["name"], f["line"]) for f in doc["files"][0]["findings"]}
    assert ("unknown-license", 2) not in got and ("invalid-metadata", 3) in got
    assert ("missing-info-stub", 9) not in got and ("missing-info-stub", 10) in got
    assert ("placeholder-text", 13) not in got and ("missing-info-stub", 13) not in got
    assert ("placeholder-text", 15) in got and ("missing-info-stub", 15) in got
    assert ("unknown-directive", 16) in got
    disabled = write(tmp_path, "b/README.md", "<!-- cardlint-disable-file placeholder-text -->\n" + text)
    _, doc = json_check(str(disabled), "--select", "placeholder-text")
    assert doc["files"][0]["findings"] == []


def test_directives_take_what_select_takes(tmp_path):
    text = textwrap.dedent("""\
        ---
        license: Apache-2.0  # cardlint: disable-line CL1
        tags: medical
        ---
        <!-- cardlint-disable-file toc -->
        # Model [Model Name] <!-- cardlint-disable-line placeholder-text -->

        [Your Name] and [More Information Needed] <!-- cardlint-disable-line content -->
        [Your Name] and [More Information Needed]

        - [Nowhere](#nowhere)
        <!-- cardlint-disable-next-line ALL -->
        [Your Name] and [More Information Needed]
        """)
    _, doc = json_check(str(write(tmp_path, "README.md", text)))
    got = {(f["name"], f["line"]) for f in doc["files"][0]["findings"]}
    assert "unknown-directive" not in {name for name, _ in got}  # README's own examples are accepted
    assert ("unknown-license", 2) not in got and ("invalid-metadata", 3) in got  # a code prefix
    assert ("placeholder-text", 6) not in got  # a name, on its own line
    assert not {n for n, line in got if line == 8} and {"placeholder-text", "missing-info-stub"} <= \
        {n for n, line in got if line == 9}  # a tag covers its rules, on its line only
    assert ("broken-toc-link", 11) not in got  # a tag, for the whole file
    assert not {n for n, line in got if line == 13}  # ALL


def test_report_command(tmp_path):
    card = write(tmp_path, "README.md", WARNING_ONLY)
    proc = run_cli("report", "--format", "json", str(card), str(ROOT / "examples" / "README.md"))
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0
    first = doc["cards"][0]
    assert first["profile"] == "minimal" and 0 < first["score"] < 100
    statuses = {row["title"]: row["status"] for row in first["sections"]}
    assert statuses["Limitations"] == "stub" and statuses["Evaluation"] == "filled"
    assert doc["summary"]["cards"] == 2 and sum(doc["summary"]["score_distribution"].values()) == 2
    text = run_cli("report", str(card), str(ROOT / "examples" / "README.md")).stdout.decode()
    assert "completeness" in text and "section fill rates" in text and "stub" in text


def test_readme_rule_table_is_generated_from_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    generated = run_cli("rules", "--format", "markdown").stdout.decode().strip()
    assert table.strip() == generated


# -- what ruff users expect --------------------------------------------------------------------------------
FIXABLE = "---\nlicense: Apache 2.0\nmetrics: [accuracy]\n---\n# T\n\n## Uses\n\nText here.\n"


def test_fix_diff_exits_1_when_there_is_something_to_change(tmp_path):
    card = tmp_path / "README.md"
    card.write_text(FIXABLE)
    proc = run_cli("fix", "--diff", str(card))
    assert proc.returncode == 1 and b"+license: apache-2.0" in proc.stdout
    assert card.read_text() == FIXABLE  # --diff writes nothing
    run_cli("fix", str(card))
    clean = run_cli("fix", "--diff", str(card))
    assert clean.returncode == 0 and clean.stdout == b""
    assert run_cli("check", "--fix", "--diff", str(card)).returncode == 0


def test_fix_says_what_it_accepts(tmp_path):
    proc = run_cli("fix", "hf://org/model")
    assert proc.returncode == 2 and b"not Hub ids" in proc.stderr and b"cardlint check hf://org/model" in proc.stderr
    assert b"No such file" not in proc.stderr


def test_statistics_exit_zero_and_the_fixable_hint(tmp_path):
    card = tmp_path / "README.md"
    card.write_text(FIXABLE + "\n## Empty\n\n## Also empty\n")
    proc = run_cli("check", "--statistics", str(card))
    lines = proc.stdout.decode().splitlines()
    assert proc.returncode == 1
    assert any(re.fullmatch(r"\s*2  CL\d+  empty-section", l) for l in lines), lines
    assert any(re.fullmatch(r"\s*1  CL104  unknown-license  \(1 fixable\)", l) for l in lines), lines
    counts = [int(l.split()[0]) for l in lines]
    assert counts == sorted(counts, reverse=True)
    assert run_cli("check", "--exit-zero", str(card)).returncode == 0
    assert run_cli("check", "--exit-zero", str(tmp_path / "nope.md")).returncode == 2  # still an error
    hint = run_cli("check", str(card)).stderr.decode()
    assert "1 fixable with `cardlint fix`" in hint
    assert "fixable" not in run_cli("check", "--format", "json", str(card)).stderr.decode()
    # the hint's command works: afterwards only the unsafe fixes are left
    run_cli("fix", str(card))
    after = run_cli("check", str(card)).stderr.decode()
    assert "fixable with `cardlint fix`" not in after and "with `cardlint fix --unsafe-fixes`" in after


def test_show_files_include_and_skipped_markdown(tmp_path):
    for name in ("a/README.md", "b/org__model.md", "c/notes.md", "d/DATASET_CARD.md", "e/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# T\n")
    proc = run_cli("check", "--show-files", ".", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.decode().split() == ["./a/README.md", "./d/DATASET_CARD.md"]
    assert b"2 Markdown files not named like a card" in proc.stderr and b"--include '*.md'" in proc.stderr
    wide = run_cli("check", "--show-files", "--include", "*.md", ".", cwd=tmp_path)
    assert wide.stdout.decode().split() == ["./a/README.md", "./b/org__model.md", "./c/notes.md", "./d/DATASET_CARD.md"]
    assert b"Markdown files" not in wide.stderr
    both = run_cli("check", "--show-files", "--include", "*.md", "--include", "*.txt", ".", cwd=tmp_path)
    assert "./e/x.txt" in both.stdout.decode().split() and "./c/notes.md" in both.stdout.decode().split()
    report = run_cli("report", "--format", "json", "--include", "*.md", ".", cwd=tmp_path)
    assert len(json.loads(report.stdout)["cards"]) == 4


def test_force_exclude_applies_exclude_to_named_files(tmp_path):
    (tmp_path / ".cardlint.yaml").write_text("exclude: ['vendor/*']\n")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "README.md").write_text(FIXABLE)
    named = run_cli("check", "vendor/README.md", cwd=tmp_path)
    assert named.returncode == 1  # named: linted, as ruff does without --force-exclude
    forced = run_cli("check", "--force-exclude", "vendor/README.md", cwd=tmp_path)
    assert forced.returncode == 0 and b"0 files checked" in forced.stdout
    assert run_cli("fix", "--force-exclude", "vendor/README.md", cwd=tmp_path).returncode == 0
    assert (tmp_path / "vendor" / "README.md").read_text() == FIXABLE


def plain(data: bytes) -> list[str]:
    return re.sub(r"\x1b\[[0-9;]*m", "", data.decode()).splitlines()


def test_terminal_shows_the_source_line_with_carets_under_the_range(tmp_path):
    card = tmp_path / "README.md"
    long_line = "word " * 300 + "[Your Name]" + " tail" * 300
    card.write_text(FIXABLE.replace("# T", "# T 日本語") + "\nText [Your Name] here.\n\n" + long_line + "\n")
    env = {"FORCE_COLOR": "1", "COLUMNS": "80"}
    lines = plain(run_cli("check", str(card), env=env).stdout)
    at = lines.index("    2 | license: Apache 2.0")
    assert lines[at + 1] == "      |          ^^^^^^^^^^"  # under "Apache 2.0", columns 10 to 19
    at = lines.index("   11 | Text [Your Name] here.")
    assert lines[at + 1] == "      |      ^^^^^^^^^^^"
    windowed = [l for l in lines if l.startswith("   13 | ")]
    assert windowed and len(windowed[0]) <= 80 and "[Your Name]" in windowed[0]
    caret = lines[lines.index(windowed[0]) + 1]
    assert windowed[0][caret.index("^"):caret.index("^") + 11] == "[Your Name]"
    wide = [l for l in lines if l.startswith("    5 | ")][0]
    assert lines[lines.index(wide) + 1] == "      | " + "^" * 10  # "# T 日本語" is ten cells wide
    assert not any(" | " in l and l.lstrip()[:1].isdigit() for l in plain(run_cli("check", "--no-source", str(card), env=env).stdout))
    piped = run_cli("check", str(card)).stdout.decode().splitlines()  # not a terminal: finding lines only, unwrapped
    assert all(l.startswith(str(card)) or not l.strip() or "checked" in l for l in piped)


def test_report_quiet_top_and_width(tmp_path):
    card = tmp_path / "README.md"
    card.write_text(FIXABLE + "\n## " + "Very long section heading " * 10 + "\n\nText.\n")
    full = run_cli("report", str(card)).stdout.decode()
    assert "top findings" in full and "section / field" in full
    assert all(len(l) < 400 for l in full.splitlines())
    quiet = run_cli("report", "-q", str(card)).stdout.decode().strip().splitlines()
    assert len(quiet) == 1 and "completeness" in quiet[0]
    none = run_cli("report", "--top", "0", str(card)).stdout.decode()
    assert "top findings" not in none and "section / field" in none


def test_every_command_a_finding_suggests_works(tmp_path):
    """Hints name commands; each one, run as written, must do its job (exit 0 or 1, never a usage error)."""
    import shlex
    import shutil

    from conftest import FIXTURES
    cards = tmp_path / "cards"
    shutil.copytree(FIXTURES, cards, ignore=shutil.ignore_patterns(".*"))
    (cards / "vocab").mkdir()
    (cards / "vocab" / "README.md").write_text("---\nlicense: zzz-none\npipeline_tag: not-a-task-at-all\n"
                                               "library_name: qqqq\nlanguage: [xx-not]\n---\n# T\n")
    proc = run_cli("check", "--format", "json", "--include", "*.md", str(cards))
    messages = [f["message"] for file in json.loads(proc.stdout)["files"] for f in file["findings"]]
    messages += run_cli("check", "--include", "*.md", str(cards)).stderr.decode().splitlines()
    commands = {c for m in messages for c in re.findall(r"`(cardlint [^`]+)`", m)}
    assert any(c.startswith("cardlint explain") for c in commands) and "cardlint fix" in commands
    for command in sorted(commands):
        argv = shlex.split(command)[1:]
        if argv[0] in ("fix", "check", "report") and not [a for a in argv[1:] if not a.startswith("-")]:
            argv.append(str(cards / "vocab" / "README.md"))
        ran = run_cli(*argv, cwd=tmp_path)
        assert ran.returncode in (0, 1), f"{command}: {ran.stderr.decode()[-300:]}"
    explained = run_cli("explain", "pipeline-tag").stdout.decode()
    assert "values the Hub accepts" in explained and "\n  text-classification\n" in explained


def test_rule_pack_profiles_are_known_everywhere(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pack" / "profiles").mkdir(parents=True)
    (tmp_path / "pack" / "profiles" / "ourhub.yaml").write_text(
        "name: ourhub\ntitle: Our hub\nsections:\n  - {title: Purpose, required: true}\n  - {title: Contacts, required: true}\n")
    (tmp_path / ".cardlint.yaml").write_text("rule-packs: [pack]\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text("# M\n\n## Purpose\n\nSorting tickets for the support team.\n")
    listed = run_cli("rules", "--profiles", cwd=tmp_path).stdout.decode()
    assert re.search(r"^ourhub\s+Our hub \(2 sections", listed, re.M)
    for cwd in (tmp_path, tmp_path / "m"):
        proc = run_cli("check", "--profile", "ourhub", str(tmp_path / "m"), cwd=cwd)
        assert proc.returncode in (0, 1) and b'"Contacts" is missing (profile ourhub)' in proc.stdout, proc.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_folder_search_skips_what_git_ignores(tmp_path):
    """The files linted are the card files git itself does not ignore (asked of the real git), with nested
    .gitignore files, negation, folder patterns and .git/info/exclude; an ignored folder named on the
    command line is linted; --no-respect-gitignore and `respect-gitignore: false` lint everything."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    files = {
        ".gitignore": "build/\n/out\n**/gen/*.md\n!gen/README.md\n",
        "sub/.gitignore": "*\n!*/\n!README.md\n",
        "sub/deep/.gitignore": "README.md\n",
        ".git/info/exclude": "local/\n",
    }
    cards = ["README.md", "build/README.md", "a/build/README.md", "out/README.md", "a/out/README.md",
             "gen/README.md", "x/gen/README.md", "sub/README.md", "sub/deep/README.md", "sub/other/README.md",
             "local/README.md", "MODEL_CARD.md"]
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    for name in cards:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(CLEAN_CARD)
    git = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.split()
    expected = sorted(n for n in cards if n in git)
    assert 3 < len(expected) < len(cards)  # the tree exercises both sides

    def shown(*args, cwd=tmp_path):
        proc = run_cli("check", "--show-files", *args, cwd=cwd)
        assert proc.returncode == 0, proc.stderr
        return sorted(line.removeprefix("./") for line in proc.stdout.decode().split())

    assert shown(".") == expected
    assert shown("--no-respect-gitignore", ".") == sorted(cards)
    assert shown("build") == ["build/README.md"]
    (tmp_path / ".cardlint.yaml").write_text("respect-gitignore: false\n")
    assert shown(".") == sorted(cards)
