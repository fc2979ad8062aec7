"""Output formats: golden files for each, the JSON shape, SARIF against the official schema, escaping."""
from __future__ import annotations

import json
import os

import pytest

from cardlint.report.github import escape_data, escape_property

from conftest import ROOT, run_cli, shared_path

GOLDEN = ROOT / "tests" / "golden"
SAMPLE = "tests/golden/sample.md"


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_golden(fmt):
    proc = run_cli("check", "--no-color", "--format", fmt, SAMPLE)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode().replace(ROOT.resolve().as_uri(), "file:///CHECKOUT")  # SARIF's %SRCROOT%
    golden = GOLDEN / f"sample.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_json_shape():
    doc = json.loads(run_cli("check", "--format", "json", SAMPLE, "examples/README.md").stdout)
    assert doc["version"] == 1 and set(doc["summary"]) >= {"files", "findings", "errors", "warnings"}
    assert len(doc["files"]) == 2
    for f in doc["files"]:
        assert set(f) >= {"path", "score", "findings"}
        for finding in f["findings"]:
            assert set(finding) >= {"code", "name", "severity", "message", "line", "column", "end_line",
                                    "end_column", "fixable"}
            assert finding["severity"] in ("error", "warning", "info")


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft7Validator(schema)


def test_sarif_validates_against_the_official_schema():
    validator = sarif_validator()
    doc = json.loads(run_cli("check", "--format", "sarif", SAMPLE, "examples/README.md").stdout)
    errors = sorted(validator.iter_errors(doc), key=str)
    assert not errors, errors[0].message
    run = doc["runs"][0]
    assert len(run["results"]) > 5
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
    out = run_cli("check", "--format", "github", SAMPLE).stdout.decode()
    lines = out.splitlines()
    assert all(l.startswith(("::error ", "::warning ", "::notice ", "cardlint:")) for l in lines)
    # a heading cannot smuggle a workflow command onto a line of its own
    assert not any(l.startswith("::set-output") for l in lines)
    severities = [l.split(" ", 1)[0] for l in lines if l.startswith("::")]
    assert severities == sorted(severities, key=["::error", "::warning", "::notice"].index)


def test_seeds_json_has_no_internal_error():
    seeds = sorted(str(p) for p in shared_path("seeds").glob("*.txt"))
    proc = run_cli("check", "--format", "json", *seeds)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["files"]) == 5
    assert not [f for x in doc["files"] for f in x["findings"] if f["name"] == "internal-error"]
