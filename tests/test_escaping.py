"""Nothing in a card or a path escapes into an output: terminals, workflow commands, the job summary."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from markdown_it import MarkdownIt

from cardlint.report.escape import markdown, terminal
from conftest import ROOT, run_cli

# What an attacker puts in a heading, a metadata value or a folder name.
CONTROLS = ["\x1b]52;c;Y2xpcA==\x07", "\x1b]0;pwned\x1b\\", "\x1b[2K\x1b[1A", "\x9b31m", "\x1b[?1049h",
            "\u202eevil\u202c", "a\rb", "\x08\x08\x08", "\u2028", "\x07"]
# Only colour (SGR) sequences may reach a terminal, and only cardlint's own.
SGR = re.compile(r"\x1b\[[0-9;]*m")


def card_with(text: str) -> str:
    return f"---\nlicense: {text!r}\n---\n# Model {text}\n\n## Uses {text}\n\n## Empty {text}\n"


def assert_inert(out: str) -> None:
    rest = SGR.sub("", out)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", rest.replace("\r\n", "\n")), repr(rest)


@pytest.mark.parametrize("seq", CONTROLS)
def test_terminal_output_shows_control_characters_as_escapes(tmp_path, seq):
    card = tmp_path / "README.md"
    card.write_text(card_with(seq), encoding="utf-8")
    for extra_env in ({}, {"FORCE_COLOR": "1"}):
        for cmd in (["check"], ["report"]):
            proc = run_cli(*cmd, str(card), env=extra_env)
            out = proc.stdout.decode() + proc.stderr.decode()
            assert "Traceback" not in out
            assert_inert(out)
    if "\r" not in seq:  # a CR is a line break in the card itself
        shown = run_cli("check", "--no-color", str(card)).stdout.decode()
        assert terminal(seq) in shown  # shown, visibly, not dropped


def test_one_finding_per_line_whatever_the_path(tmp_path):
    folder = tmp_path / "a\nb.md:1:1 error CL999 forged"
    folder.mkdir()
    (folder / "README.md").write_text("# T\n\n## Empty\n")
    out = run_cli("check", "--no-color", str(tmp_path)).stdout.decode().splitlines()
    findings = [l for l in out if " CL" in l]
    assert findings and all(l.startswith(str(tmp_path)) for l in findings)
    assert not any(l.startswith("b.md") for l in out)


def test_a_path_never_starts_a_workflow_command(tmp_path):
    (tmp_path / "::warning::forged").mkdir()
    (tmp_path / "::warning::forged" / "README.md").write_text("# T\n\n## Empty\n")
    for fmt in ("text", "github"):
        out = run_cli("check", "--format", fmt, "--no-color", "::warning::forged", cwd=tmp_path).stdout.decode()
        assert "CL" in out
        assert not any(l.startswith("::warning::") for l in out.splitlines())
        if fmt == "github":
            assert all(l.startswith(("::error ", "::warning ", "::notice ", "cardlint:")) for l in out.splitlines())


@pytest.mark.parametrize("payload", ["x\n::stop-commands::tok", "x\r\n::notice::forged", "x%0A::add-mask::a",
                                     "nope\n::set-env name=A::b"])
def test_action_errors_and_warnings_are_escaped(tmp_path, payload):
    env = dict(os.environ, GITHUB_ACTIONS="true", INPUT_PATHS=f"'{payload}'", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "cardlint.cli.gha"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = (proc.stdout + proc.stderr).splitlines()
    assert lines and lines[0].startswith("::error title=cardlint::")
    assert not any(l.lstrip().startswith("::") for l in lines[1:]), lines


def rendered(md: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(md)


@pytest.mark.parametrize("text", ["![p](https://track.example/p.png)", "<img src=https://t.example/p>",
                                  "[click](javascript:alert(1))", "`x` | y | z", "**bold** _it_ ~~s~~",
                                  "https://auto.example/x www.auto.example me@auto.example", "&lt;b&gt; &#x3C;",
                                  "<!-- hidden -->", "\\| \\` \\\\", "# heading", "> quote", "1. item", "---"])
def test_markdown_cells_render_as_the_text_they_hold(text):
    html = rendered(f"| a |\n| --- |\n| {markdown(text)} |\n")
    assert "<img" not in html and "<a " not in html and "<code" not in html and "<strong" not in html
    cell = re.search(r"<td>(.*)</td>", html).group(1)
    import html as html_mod
    assert html_mod.unescape(cell).replace("\u2060", "") == text
    raw = markdown(text)
    assert not re.search(r"(?i)[a-z](\\?:)//|www\\?\.|\w\\?@", raw)  # GitHub's bare-URL autolinks find nothing


def test_job_summary_from_a_hostile_card(tmp_path):
    folder = tmp_path / "cards" / "ev`il | x"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: '![t](https://track.example/p.png)'\n---\n"
                                      "# T <img src=https://t.example/x>\n\n## Empty\n")
    summary = tmp_path / "summary.md"
    env = dict(os.environ, GITHUB_ACTIONS="true", INPUT_PATHS="cards", GITHUB_STEP_SUMMARY=str(summary),
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "cardlint.cli.gha"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    html = rendered(summary.read_text())
    assert "<img" not in html and "<a " not in html
    assert "ev`il | x" in html.replace("\u2060", "")
    rows = [r for r in html.split("<tr>") if "README.md" in r]
    assert rows and all(r.count("<td") == r.count("</td>") for r in rows)


@pytest.mark.parametrize("name", ["x[/red]", "[link=https:e.example]y", "[bold]z", "w[/]"])
def test_rich_markup_in_names_is_text(tmp_path, name):
    (tmp_path / name).mkdir(parents=True)
    (tmp_path / name / "README.md").write_text("# T\n\n## Empty\n")
    for cmd in ("check", "report"):
        proc = run_cli(cmd, name, cwd=tmp_path, env={"FORCE_COLOR": "1"})
        out = proc.stdout.decode()
        assert "Traceback" not in proc.stderr.decode() and proc.returncode in (0, 1)
        assert name in SGR.sub("", out)
        assert "\x1b]8;" not in out  # no hyperlink
