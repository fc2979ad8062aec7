"""Untrusted input stays where it is: configuration paths in the repository, links in the tree, git refs
and Hub ids validated, dump rows and dead workers turned into findings, outputs written whole."""
from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from cardlint.config import Config, ConfigError, ConfigFinder
from cardlint.errors import UsageError
from cardlint.pipeline import run
from cardlint.sources import Job, iter_dump, parse_hub_id
from cardlint.registry import load

from conftest import run_cli

REG = load()
SECRET = "TOPSECRET-LINE-1\nTOPSECRET-LINE-2 with six or more words in it\n"


@pytest.fixture
def repo(tmp_path):
    """tmp/outside/secret.md beside tmp/repo (a git repository) holding a card."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("# Secret\n\n## TOPSECRET heading\n\n" + SECRET)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "models" / "m").mkdir(parents=True)
    (root / "models" / "m" / "README.md").write_text("# M\n\n## Uses\n\nText.\n")
    return root


@pytest.mark.parametrize("key,value", [
    ("template", "../outside/secret.md"), ("template", "{outside}/secret.md"), ("template", "/dev/zero"),
    ("template", "link.md"), ("rule-packs", ["../outside"]), ("rule-packs", "/etc"), ("rule-packs", ["linkdir"]),
])
def test_configuration_paths_stay_in_the_repository(repo, key, value):
    outside = repo.parent / "outside"
    (repo / "link.md").symlink_to(outside / "secret.md")
    (repo / "linkdir").symlink_to(outside, target_is_directory=True)
    if isinstance(value, str):
        value = value.format(outside=outside)
    (repo / ".cardlint.yaml").write_text(json.dumps({key: value}))
    proc = run_cli("check", "models", cwd=repo)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "leads outside the repository" in err and "Traceback" not in err
    assert "TOPSECRET" not in proc.stdout.decode() + err


def test_configuration_paths_inside_the_repository_and_from_the_command_line(repo):
    (repo / "templates").mkdir()
    (repo / "templates" / "hub.md").write_text("# Model\n\n## Uses\n\n## Hub-only section\n")
    (repo / "models" / ".cardlint.yaml").write_text("template: ../templates/hub.md\n")
    cfg = ConfigFinder(None, REG).for_path(str(repo / "models" / "m" / "README.md"))
    assert cfg.template == str(repo / "templates" / "hub.md")  # relative to the file, not to the working folder
    out = run_cli("report", "models/m/README.md", cwd=repo).stdout.decode()
    assert "Hub-only section" in out
    # the user's own choice on the command line is not confined
    out = run_cli("report", "--template", str(repo.parent / "outside" / "secret.md"), "models/m/README.md",
                  cwd=repo).stdout.decode()
    assert "TOPSECRET heading" in out


def test_special_files_as_templates_and_packs_are_refused(repo):
    os.mkfifo(repo / "pipe.md")
    (repo / ".cardlint.yaml").write_text("template: pipe.md\n")
    proc = run_cli("check", "models", cwd=repo)
    assert proc.returncode == 2 and b"not a regular file" in proc.stderr


def test_check_follows_no_link_out_of_the_tree(repo):
    (repo / "models" / "leak").mkdir()
    (repo / "models" / "leak" / "README.md").symlink_to(repo.parent / "outside" / "secret.md")
    (repo / "models" / "zero").mkdir()
    (repo / "models" / "zero" / "README.md").symlink_to("/dev/zero")
    (repo / "models" / "inside").mkdir()
    (repo / "models" / "inside" / "README.md").symlink_to(repo / "models" / "m" / "README.md")
    proc = run_cli("check", "--format", "json", "models", cwd=repo)
    files = sorted(f["path"] for f in json.loads(proc.stdout)["files"])
    assert files == ["models/inside/README.md", "models/m/README.md"]
    assert b"outside models, skipped" in proc.stderr and b"TOPSECRET" not in proc.stdout
    named = run_cli("check", "models/leak/README.md", cwd=repo)  # named on the command line: the user's choice
    assert named.stdout.startswith(b"models/leak/README.md:")


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.parametrize("ref", ["--output=PWNED", "-o", "--upload-pack=touch PWNED", "HEAD --output=PWNED",
                                 "no-such-branch", "HEAD:README.md", ""])
def test_diff_base_refs_are_refs(tmp_path, ref):
    git(tmp_path, "init", "-q")
    (tmp_path / "README.md").write_text("# T\n\n## Empty\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "x")
    proc = run_cli("check", f"--diff-base={ref}", ".", cwd=tmp_path)
    assert proc.returncode == 2 and b"--diff-base" in proc.stderr and b"Traceback" not in proc.stderr
    assert not any(p.name.startswith("PWNED") or p.name.startswith("-") for p in tmp_path.iterdir())
    good = run_cli("check", "--diff-base=HEAD", ".", cwd=tmp_path)
    assert good.returncode == 0  # nothing changed since HEAD


@pytest.mark.parametrize("target", ["hf://../x", "hf://a/../../b", "hf://a/b@../../../../x", "hf://a/b@x/../../y",
                                    "hf://a/b@-x", "hf://a/b@", "hf://", "hf://a/b/c", "hf://a b", "hf://a--b/c",
                                    "hf://.a/b", "hf://a/b.", "hf://datasets/../x", "hf://a/b@refs/../../x",
                                    "hf://a/b@" + "x" * 300, "hf://a/b@a\nb"])
def test_malformed_hub_ids_are_usage_errors(target):
    with pytest.raises(UsageError):
        parse_hub_id(target)
    proc = run_cli("check", target, env={"HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2 and b"is not a Hub id" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("target,expected", [
    ("hf://gpt2", ("model", "gpt2", None)), ("hf://org/m-1.0_x@main", ("model", "org/m-1.0_x", "main")),
    ("hf://datasets/o/d@refs/pr/3", ("dataset", "o/d", "refs/pr/3")), ("hf://o/m@v1.2", ("model", "o/m", "v1.2"))])
def test_real_hub_ids_parse(target, expected):
    assert parse_hub_id(target) == expected


def test_hostile_dump_rows_are_findings_and_the_run_goes_on(tmp_path):
    dump = tmp_path / "dump.jsonl"
    rows = ['{"id": "ok", "card": "# T\\n\\n## Empty\\n"}',
            '{"id": "surrogate", "card": "# T \\ud800 x\\n"}',
            '{"id": "id-\\udfff", "card": "# T\\n"}',
            '{"id": "big", "card": "# T\\n", "n": ' + "9" * 5000 + "}",
            '{"id": "deep", "card": ' + "[" * 100_000 + "]" * 100_000 + "}",
            '{"id": "list", "card": ["# T"]}',
            '{"id": "number", "card": 7}',
            "not json at all",
            "[1, 2]",
            '{"id": "last", "card": "# Last\\n\\n## Empty\\n"}']
    dump.write_text("\n".join(rows) + "\n")
    proc = run_cli("check", "--format", "json", "--from", str(dump))
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()[-2000:]
    files = json.loads(proc.stdout)["files"]
    assert len(files) == len(rows) and files[-1]["path"] == "last"
    by_path = {f["path"]: [x["name"] for x in f["findings"]] for f in files}
    assert by_path["surrogate"] == ["unreadable-file"]
    assert "id-\\udfff" in by_path
    for name in ("big", "list", "number", f"{dump}:4", f"{dump}:5", f"{dump}:8", f"{dump}:9"):
        if name in by_path:
            assert by_path[name] == ["unreadable-file"], name
    assert sum(names == ["unreadable-file"] for names in by_path.values()) == 7


def test_parquet_card_columns_that_are_not_strings(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="needs pyarrow (pip install 'cardlint[parquet]')")
    import pyarrow.parquet as pq
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c", None], "card": [b"# T\n", None, b"\xff\xfe", b"# D\n"]}), path)
    jobs = list(iter_dump(str(path)))
    assert [j.path for j in jobs] == ["a", "b", "c", f"{path}:4"]
    pq.write_table(pa.table({"id": [1, 2], "card": [[1, 2], [3]]}), path)
    proc = run_cli("check", "--format", "json", "--from", str(path))
    files = json.loads(proc.stdout)["files"]
    assert [f["findings"][0]["name"] for f in files] == ["unreadable-file"] * 2
    assert "holds list, not text" in files[0]["findings"][0]["message"]


def test_a_failed_run_leaves_no_truncated_output(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("the previous report\n")
    missing = run_cli("report", "--format", "json", "-o", str(out), "--from", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
    assert out.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"id": "a", "card": "# T\\n"}\n')
    assert run_cli("report", "--format", "json", "-o", str(out), "--from", str(dump)).returncode in (0, 1)
    assert json.loads(out.read_text())["cards"][0]["path"] == "a"


def test_a_worker_that_dies_does_not_hang_the_pool(monkeypatch):
    from cardlint.checks import content
    original = content.empty_section.check

    def check(card, ctx):
        if "KILLME" in card.text:
            os.kill(os.getpid(), signal.SIGKILL)  # what a crash in a C library or the OOM killer does
        return original(card, ctx)
    monkeypatch.setattr(content.empty_section, "check", check)
    jobs = [Job(f"card{i}", data=f"# T{i}\n\n## Empty\n{'KILLME' if i in (5, 40) else ''}\n".encode())
            for i in range(60)]
    results = list(run(jobs, ConfigFinder(None, REG), REG, processes=2))
    assert [r.path for r in results] == [j.path for j in jobs]
    died = [r.path for r in results if any("process checking this card died" in f.message for f in r.findings)]
    assert died == ["card5", "card40"]
    assert all(any(f.name == "empty-section" for f in r.findings) for r in results if r.path not in died)
