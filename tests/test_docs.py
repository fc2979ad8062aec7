"""Rule documentation pages, the links that lead to them, and the configuration's JSON Schema."""
from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from cardlint.config import KEYS, config_schema, parse
from cardlint.docs import DEFAULT_DOCS_URL, SECTIONS, doc_sections, write_docs
from cardlint.registry import load

from conftest import ROOT, run_cli

DOCS = ROOT / "docs" / "rules"


@pytest.mark.parametrize("rule", [r for r in load().rules if r.origin == "cardlint"], ids=lambda r: r.name)
def test_every_rule_documents_each_section(rule):
    sections = doc_sections(rule.doc)
    missing = [s for s in ("finds", *SECTIONS) if not sections.get(s, "").strip()]
    assert not missing, f"{rule.code} {rule.name}: docstring lacks {missing} (see the README, Writing a rule)"


def test_committed_pages_match_the_declarations(tmp_path):
    written = write_docs(str(tmp_path), load())
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.iterdir()}
    assert len(written) == len(load().rules) + 1
    assert sorted(committed) == sorted(fresh), "run `cardlint rules --docs docs/rules`"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"pages out of date: {stale}; run `cardlint rules --docs docs/rules`"


def _page_for(url: str):
    prefix, suffix = DEFAULT_DOCS_URL.split("{name}")
    assert url.startswith(prefix) and url.endswith(suffix), url
    return DOCS / (url[len(prefix):len(url) - len(suffix)] + ".md")


def test_every_sarif_help_uri_and_explain_lead_to_an_existing_page():
    doc = json.loads(run_cli("check", "--format", "sarif", "tests/golden/sample.md").stdout)
    descriptors = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptors) == len(load().rules)
    for d in descriptors:
        page = _page_for(d["helpUri"])
        assert page.is_file(), d["helpUri"]
        assert page.read_text(encoding="utf-8").startswith(f"# {d['id']} {d['name']}\n")
    explained = run_cli("explain", "CL104").stdout.decode()
    url = next(d["helpUri"] for d in descriptors if d["id"] == "CL104")
    assert f"({url})" in explained


def test_docs_url_moves_every_link(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".cardlint.yaml").write_text("docs-url: https://docs.example.org/rules/{code}.html\n")
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: Apache-2.0\n---\n# Model\n\nA model.\n")
    sarif = json.loads(run_cli("check", "--format", "sarif", "README.md", cwd=tmp_path).stdout)
    uris = {d["id"]: d["helpUri"] for d in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert uris["CL104"] == "https://docs.example.org/rules/CL104.html"
    assert "(https://docs.example.org/rules/CL104.html)" in run_cli("explain", "CL104", cwd=tmp_path).stdout.decode()
    (tmp_path / ".cardlint.yaml").write_text("docs-url: https://docs.example.org/rules/\n")
    bad = run_cli("check", "README.md", cwd=tmp_path)
    assert bad.returncode == 2 and b"'docs-url' must contain {name} or {code}" in bad.stderr


def _readme_config_examples() -> list[tuple[str, dict]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for lang, body in re.findall(r"```(toml|yaml)\n(.*?)```", text, re.S):
        if lang == "toml" and "[tool.cardlint]" in body:
            found.append(("pyproject.toml", tomllib.loads(body)["tool"]["cardlint"]))
        elif lang == "yaml":
            data = yaml.safe_load(body)
            if isinstance(data, dict) and data and set(data) <= set(KEYS):
                found.append((".cardlint.yaml", data))
    return found


def test_the_configuration_schema_validates_every_readme_example():
    jsonschema = pytest.importorskip("jsonschema")
    registry = load()
    proc = run_cli("config", "--schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema == json.loads(json.dumps(config_schema(registry)))
    validator = jsonschema.Draft202012Validator(schema)
    examples = _readme_config_examples()
    assert {kind for kind, _ in examples} == {"pyproject.toml", ".cardlint.yaml"}
    for kind, data in examples:
        errors = list(validator.iter_errors(data))
        assert not errors, f"README {kind} example: {errors[0].message}"
        parse(data, kind, registry)  # and cardlint itself accepts it
    # the schema rejects what cardlint rejects
    for wrong in ({"selct": ["ALL"]}, {"select": ["no-such-rule"]}, {"card-type": "modle"},
                  {"severity": {"CL104": "fatal"}}, {"min-score": 120}):
        assert list(validator.iter_errors(wrong)), wrong
        with pytest.raises(Exception):
            parse(wrong, "x.yaml", registry)


def test_the_license_file_is_the_license_pyproject_declares():
    import tomllib
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    text = (ROOT / "LICENSE").read_text()
    assert declared == "Apache-2.0" and "Apache License" in text and "Version 2.0, January 2004" in text


def test_the_profile_snapshot_is_current_and_a_stale_one_is_not_used(tmp_path, monkeypatch):
    import shutil
    from cardlint import packs
    paths, checksum = packs._builtin_sources()
    snapshot = json.loads((packs.data_dir() / packs.SNAPSHOT).read_text(encoding="utf-8"))
    assert snapshot["checksum"] == checksum, "a profile changed: run `python3 -m cardlint.packs`"
    assert snapshot["profiles"] == [packs._read_yaml(p) for p in paths]
    # a profile edited without remaking the snapshot: the YAML is what counts
    copy = tmp_path / "rules"
    shutil.copytree(packs.data_dir(), copy)
    minimal = copy / "profiles" / "minimal.yaml"
    minimal.write_text(minimal.read_text(encoding="utf-8").replace("title: Minimal model card", "title: Edited"),
                       encoding="utf-8")
    monkeypatch.setattr(packs, "data_dir", lambda: copy)
    titles = {raw["name"]: raw["title"] for _, raw in packs._builtin_profiles()}
    assert titles["minimal"].startswith("Edited")
