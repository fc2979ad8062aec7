"""Hostile and broken input: every hazard ends with a clear finding or message, never a crash or hang."""
from __future__ import annotations

import json
import os
import time

import pytest

from cardlint.config import Config
from cardlint.engine import lint_bytes, lint_file
from cardlint.registry import load

from conftest import run_cli

REG = load()


def lint(text: str | bytes, **config):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return lint_bytes(data, "README.md", Config(**config), REG).findings


def names(findings):
    return {f.name for f in findings}


def test_huge_file_is_one_finding_and_not_read(tmp_path):
    big = tmp_path / "README.md"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = lint_file(str(big), Config(), REG)
    assert [f.name for f in result.findings] == ["file-too-large"]
    assert "52,428,800 bytes" in result.findings[0].message
    proc = run_cli("check", "--format", "json", str(big))
    assert json.loads(proc.stdout)["files"][0]["findings"][0]["code"] == "CL004"


def test_deeply_nested_lists_and_quotes():
    for text in ("- " * 100_000 + "x\n", "> " * 100_000 + "x\n", "".join("  " * i + "- x\n" for i in range(5000))):
        found = lint(text)
        assert not [f for f in found if f.name == "internal-error" and "crashed" in f.message]


def test_many_headings_and_a_long_table():
    text = "".join(f"## Heading {i}\n\ntext {i}\n\n" for i in range(5000))
    text += "| a | b |\n|---|---|\n" + "".join(f"| {i} | {i} |\n" for i in range(5000)) + "| 1 | 2 | 3 |\n"
    found = lint(text, timeout=60)
    assert "internal-error" not in names(found)
    assert [f.line for f in found if f.name == "malformed-table"] == [len(text.splitlines())]


BILLION_LAUGHS = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
# Title
"""


def test_yaml_bombs_are_invalid_front_matter():
    found = lint(BILLION_LAUGHS)
    bomb = [f for f in found if f.name == "invalid-front-matter"]
    assert bomb and "alias bomb" in bomb[0].message and "internal-error" not in names(found)
    deep = lint("---\na: " + "[" * 100_000 + "]" * 100_000 + "\n---\n# T\n")
    assert any(f.name == "invalid-front-matter" and "nested" in f.message for f in deep)
    for nested in ("---\nx:\n" + "- " * 100_000 + "y\n---\n", "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(1400)) + "---\n"):
        found = lint(nested)  # libyaml would overflow the C stack on these: they take the Python loader
        assert any(f.name == "invalid-front-matter" for f in found) and "internal-error" not in names(found)
    # a large block without aliases (a skops hyperparameter dump, ~37,500 nodes, more than the alias
    # limit) is read, not called a bomb; the budget is raised so that a slow machine cannot fail this
    wide = lint("---\n" + "".join(f"k{i}: [1, 2, 3]\n" for i in range(7_500)) + "---\n", timeout=120)
    assert not any("bomb" in f.message for f in wide) and "internal-error" not in names(wide)


def test_yaml_tags_are_data_or_errors_never_executed(tmp_path):
    marker = tmp_path / "executed"
    for tag in (f'!!python/object/apply:os.system ["touch {marker}"]', "!custom thing", "!!binary aGk="):
        found = lint(f"---\nlicense: mit\nx: {tag}\n---\n# T\n")
        assert "internal-error" not in names(found)
    assert not marker.exists()


@pytest.mark.parametrize("char", ["{", "[", "<", "|", "-", " ", "`", "*", "_", "(", ")", "!", "#", "\\", "~"])
def test_adversarial_runs_finish_within_the_budget(char):
    line = char * 20_000
    text = f"---\nlicense: mit\ntags: [{line[:5000]}]\n---\n\n# T\n\n{line}\nx{line}x\n{'a' + line + 'b'}\n"
    found = lint(text, timeout=20)
    assert not [f for f in found if f.name == "internal-error"], found


def test_a_hanging_rule_is_cut_off_and_the_run_goes_on(monkeypatch):
    from cardlint.checks import content

    def forever(card, ctx):  # spins, as a rule caught in a runaway loop does
        n = 0
        while True:
            n += 1
        yield  # pragma: no cover
    monkeypatch.setattr(content.empty_section, "check", forever)
    start = time.monotonic()
    found = lint("# T\n\n## Empty\n", timeout=1)
    assert time.monotonic() - start < 30
    assert any(f.name == "internal-error" and "time budget" in f.message for f in found)
    assert lint("---\nlicense: Apache-2.0\n---\n", timeout=1, select=["unknown-license"])[0].name == "unknown-license"


def test_unreadable_bytes_give_a_finding_with_the_offset():
    found = lint(b"---\nlicense: mit\n---\n\xc3\x28 bad")
    assert [(f.name, f.line) for f in found] == [("unreadable-file", 4)]
    assert "byte offset 21" in found[0].message


def test_file_system_hazards(tmp_path):
    root = tmp_path / "cards"
    (root / "space dir").mkdir(parents=True)
    (root / "space dir" / "README.md").write_text("# T\n\n## Empty\n")
    (root / "ünïcødé").mkdir()
    (root / "ünïcødé" / "README.md").write_text("# T\n\n## Empty\n")
    (root / "broken").mkdir()
    (root / "broken" / "README.md").symlink_to(root / "nowhere.md")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dir-as-file").mkdir()
    (root / "dir-as-file" / "README.md").mkdir()
    os.mkfifo(root / "pipe.md")
    proc = run_cli("check", "--format", "json", str(root))
    doc = json.loads(proc.stdout)
    paths = sorted(os.path.relpath(f["path"], root) for f in doc["files"])
    assert paths == ["space dir/README.md", "ünïcødé/README.md"]
    assert b"broken symbolic link" in proc.stderr and proc.returncode == 0
    fifo = run_cli("check", str(root / "pipe.md"))
    assert fifo.returncode == 2 and b"not a regular file" in fifo.stderr
    gone = lint_file(str(root / "vanished" / "README.md"), Config(), REG)
    assert [f.name for f in gone.findings] == ["unreadable-file"] and "cannot read" in gone.findings[0].message


def test_configuration_never_executes_code(tmp_path):
    marker = tmp_path / "executed"
    (tmp_path / ".cardlint.yaml").write_text(f'select: !!python/object/apply:os.system ["touch {marker}"]\n')
    (tmp_path / "README.md").write_text("# T\n")
    proc = run_cli("check", str(tmp_path / "README.md"))
    assert proc.returncode == 2 and b"invalid YAML" in proc.stderr and not marker.exists()


def test_workflow_command_injection_is_escaped(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("# T\n\n## x%0A::add-mask::secret\n\n## Uses ::set-output name=a::b\n")
    out = run_cli("check", "--format", "github", str(card)).stdout.decode()
    for line in out.splitlines():
        assert line.startswith(("::error ", "::warning ", "::notice ", "cardlint:"))
        assert "%0A::add-mask" not in line and "%250A::add-mask" in line or "add-mask" not in line
    sarif = json.loads(run_cli("check", "--format", "sarif", str(card)).stdout)
    assert any("::set-output" in r["message"]["text"] for r in sarif["runs"][0]["results"])


def merge_bomb(levels: int) -> str:
    """A small YAML block whose merge keys (<<) double at every level."""
    lines = ["a0: &a0 {x: 1, y: 2}"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} {{<<: [*a{i - 1}], b{i}: [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [12, 16, 24])
def test_merge_key_bombs_are_refused_in_cards_and_configuration(tmp_path, levels):
    bomb = merge_bomb(levels)
    assert len(bomb) < 2000
    start = time.process_time()
    found = lint("---\n" + bomb + "---\n# T\n")
    assert time.process_time() - start < 20  # generous: the expansion is refused, not computed
    assert any(f.name == "invalid-front-matter" and "bomb" in f.message for f in found)
    (tmp_path / ".cardlint.yaml").write_text(bomb)
    (tmp_path / "README.md").write_text("# T\n")
    proc = run_cli("check", "README.md", cwd=tmp_path)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr and b"bomb" in proc.stderr


def test_nesting_hidden_from_a_bracket_count_never_reaches_libyaml(tmp_path):
    # a "]" inside a quoted string made the depth check think the flow nesting was balanced
    for hidden in ('"]" ' * 50_000 + "[" * 30_000, "'}' " * 50_000 + "{a: " * 30_000, "[" * 30_000 + "'" + "]" * 60_000):
        text = "---\nx: " + hidden + "\n---\n# T\n"
        card = tmp_path / "README.md"
        card.write_text(text)
        proc = run_cli("check", "--format", "json", str(card))  # a segfault would show as a negative returncode
        assert proc.returncode in (0, 1), proc.stderr[-500:]
        assert "invalid-front-matter" in {f["name"] for f in json.loads(proc.stdout)["files"][0]["findings"]}


def test_a_deep_rule_pack_is_a_clear_error(tmp_path):
    (tmp_path / "pack" / "profiles").mkdir(parents=True)
    (tmp_path / "pack" / "profiles" / "deep.yaml").write_text("name: " + "[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / ".cardlint.yaml").write_text("rule-packs: [pack]\nprofile: deep\n")
    (tmp_path / "README.md").write_text("# T\n")
    proc = run_cli("check", "README.md", cwd=tmp_path)
    assert proc.returncode == 2 and b"deep.yaml" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("setting", ["timeout: .inf", "timeout: .nan", "min-score: .nan", "max-file-size: -1",
                                     "max-findings: 1.5", "timeout: -.inf", "min-score: 1e999"])
def test_non_finite_settings_are_configuration_errors(tmp_path, setting):
    (tmp_path / ".cardlint.yaml").write_text(setting + "\n")
    (tmp_path / "README.md").write_text("# T\n")
    proc = run_cli("check", "README.md", cwd=tmp_path)
    assert proc.returncode == 2 and b".cardlint.yaml" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("name,text", [
    ("pyproject.toml", "[tool.cardlint]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ("pyproject.toml", "[tool.cardlint]\nx = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n"),
    (".cardlint.yaml", "select: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    (".cardlint.yaml", "".join(" " * i + f"k{i}:\n" for i in range(3000)))],
    ids=["toml-arrays", "toml-tables", "yaml-flow", "yaml-block"])
def test_deeply_nested_configuration_is_a_configuration_error(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    (tmp_path / "README.md").write_text("# T\n")
    proc = run_cli("check", "README.md", cwd=tmp_path)
    assert proc.returncode == 2 and name.encode() in proc.stderr and b"Traceback" not in proc.stderr


def test_findings_are_capped_per_rule_and_the_rest_counted():
    text = "# T\n\n" + "".join(f"## Empty {i}\n\n" for i in range(3000))
    found = [f for f in lint(text) if f.name == "empty-section"]
    assert len(found) == 101
    assert "2,900 more" in found[-1].message or "2900 more" in found[-1].message
    assert len([f for f in lint(text, max_findings=5) if f.name == "empty-section"]) == 6
    assert len([f for f in lint(text, max_findings=0) if f.name == "empty-section"]) == 3000  # 0: no cap


def test_the_budget_is_cpu_time_and_covers_everything_done_for_a_card(monkeypatch):
    from cardlint import directives
    from cardlint.fixer import fix_text_outcome
    spins = {"n": 0}

    def slow_suppresses(self, line, names):  # a directive filter that burns CPU
        spins["n"] += 1
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass
        return False
    monkeypatch.setattr(directives.Directives, "suppresses", slow_suppresses)
    text = "# T\n\n" + "".join(f"## Empty {i}\n\n" for i in range(200))
    found = lint(text, timeout=1)
    assert any(f.name == "internal-error" and "applying directives" in f.message for f in found)
    assert spins["n"] < 200  # cut off, not run to the end
    # fix: all its rounds share the one budget of the card
    spins["n"] = 0
    start = time.process_time()
    fix_text_outcome("---\nlicense: Apache 2.0\n---\n" + text, "README.md", Config(timeout=1), REG)
    assert time.process_time() - start < 5


def test_sleeping_does_not_spend_the_budget(monkeypatch):
    """Under CPU contention a card waits for the processor; waiting is not its cost."""
    from cardlint.checks import content
    original = content.empty_section.check

    def waits(card, ctx):
        time.sleep(1.5)
        return original(card, ctx)
    monkeypatch.setattr(content.empty_section, "check", waits)
    found = lint("# T\n\n## Empty\n", timeout=1)
    assert "internal-error" not in names(found) and "empty-section" in names(found)


def test_special_files_named_as_cards(tmp_path):
    (tmp_path / "zero").mkdir()
    (tmp_path / "zero" / "README.md").symlink_to("/dev/zero")
    proc = run_cli("check", str(tmp_path / "zero" / "README.md"))
    assert proc.returncode in (1, 2) and b"MemoryError" not in proc.stderr and b"Traceback" not in proc.stderr
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "f").mkdir()
    os.mkfifo(tmp_path / "f" / "README.md")
    proc = run_cli("check", "--format", "json", str(tmp_path / "f"))  # would wait for a writer forever
    assert [x["name"] for x in json.loads(proc.stdout)["files"][0]["findings"]] == ["unreadable-file"]
    fixed = run_cli("fix", "-", input=b"x" * 6_000_000)
    assert fixed.stdout == b"x" * 6_000_000  # passed through unchanged, not fixed
    assert fixed.returncode == 1 and b"file-too-large" in fixed.stderr
