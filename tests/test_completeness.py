"""Template profiles, their detection, the completeness score and hub templates given as a file."""
from __future__ import annotations

import json

import pytest

from cardlint.config import Config
from cardlint.engine import lint_bytes
from cardlint.registry import load

from conftest import ROOT, run_cli, shared_path

DATA = ROOT / "tests" / "data"


def result(text: str, **config):
    return lint_bytes(text.encode(), "README.md", Config(**config), load())


HF_BLANK = """---
license: mit
---

# Model Card for Model ID

<!-- Provide a quick summary of what the model is/does. -->

## Model Details

### Model Description

<!-- Provide a longer summary of what this model is. -->

- **Developed by:** [More Information Needed]
- **Model type:** [More Information Needed]
- **License:** [More Information Needed]

## Uses

### Direct Use

[More Information Needed]

## Bias, Risks, and Limitations

[More Information Needed]

### Recommendations

Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model. More information needed for further recommendations.

## How to Get Started with the Model

Use the code below to get started with the model.

[More Information Needed]

## Training Details

[More Information Needed]

## Evaluation

[More Information Needed]

## Environmental Impact

Carbon emissions can be estimated using the [Machine Learning Impact calculator](https://mlco2.github.io/impact#compute) presented in [Lacoste et al. (2019)](https://arxiv.org/abs/1910.09700).

- **Hardware Type:** [More Information Needed]

## Model Card Contact

[More Information Needed]
"""


def test_blank_hf_template_scores_low_and_is_detected():
    r = result(HF_BLANK)
    assert r.profile == "hf-model" and r.profile_detected
    assert r.score <= 10
    status = {row.title: row.status for row in r.sections}
    assert status["Model Details"] == "stub" and status["Recommendations"] == "boilerplate"
    assert status["Glossary"] == "missing"


def test_filled_card_scores_100_against_its_template():
    r = result((DATA / "hub-filled.md").read_text(), template=str(DATA / "hub-template.md"))
    assert r.score == 100, [(row.title, row.status) for row in r.sections]
    assert r.profile == "template:hub-template.md"


def test_hub_template_file_drives_sections_and_boilerplate():
    proc = run_cli("check", "--format", "json", "--template", str(DATA / "hub-template.md"), str(DATA / "hub-unfilled.md"))
    doc = json.loads(proc.stdout)
    f = doc["files"][0]
    got = {(x["name"], x["line"]) for x in f["findings"]}
    assert ("template-boilerplate", 5) in got and ("template-boilerplate", 11) in got
    assert ("template-boilerplate", 7) in got  # the field's guidance left in
    missing = {x["message"].split('"')[1] for x in f["findings"] if x["name"] == "missing-section"}
    assert missing == {"Evaluation"}  # Citation is [optional] in the template
    assert f["score"] <= 10


def test_profile_from_config_and_cli(tmp_path):
    r = result(HF_BLANK, profile="minimal")
    assert r.profile == "minimal" and not r.profile_detected
    card = tmp_path / "README.md"
    card.write_text(HF_BLANK)
    doc = json.loads(run_cli("check", "--format", "json", "--profile", "imageomics", str(card)).stdout)
    assert doc["files"][0]["profile"] == "imageomics"


def test_dataset_cards_get_dataset_profiles():
    r = result("---\nlicense: mit\ntask_categories: [translation]\n---\n\n# Dataset Card for Pairs\n\n"
               "## Dataset Structure\n\nTwo columns.\n")
    assert r.profile.startswith("hf-dataset")
    assert "missing-metrics" not in {f.name for f in r.findings}


@pytest.mark.parametrize("name", ["000_3e19690a7ae31148.txt", "001_2717c68ae342f174.txt", "003_9bc45f906cdf4826.txt"])
def test_seed_profiles(name):
    expected = {"000_3e19690a7ae31148.txt": "hf-model", "001_2717c68ae342f174.txt": "imageomics",
                "003_9bc45f906cdf4826.txt": "riscale"}[name]
    r = lint_bytes(shared_path("seeds", name).read_bytes(), name, Config(), load())
    assert r.profile == expected


def test_min_score_in_report(tmp_path):
    card = tmp_path / "README.md"
    card.write_text(HF_BLANK)
    proc = run_cli("report", "--min-score", "50", str(card))
    assert proc.returncode == 1 and b"below the minimum 50" in proc.stderr


@pytest.mark.parametrize("text, profile, detected", [
    # a dataset card in no template's shape falls back to hf-dataset: not detected
    ("---\ntask_categories: [text-classification]\n---\n# Reviews\n\nSome rows.\n", "hf-dataset", False),
    ("# A model\n\nIt sorts.\n", "minimal", False),
    # the Hugging Face dataset template's own wording: detected
    ("---\ntask_categories: [text-classification]\n---\n# Dataset Card for Reviews\n\n## Dataset Description\n\n"
     "- **Homepage:** x\n\n### Dataset Summary\n\nRows.\n\n## Dataset Structure\n\n### Data Instances\n\nOne.\n\n"
     "### Data Fields\n\nTwo.\n\n## Dataset Creation\n\n### Curation Rationale\n\nThree.\n", "hf-dataset", True),
])
def test_profile_detected_says_whether_the_card_matched(text, profile, detected):
    result = lint_bytes(text.encode(), "README.md", Config(), load())
    assert (result.profile, result.profile_detected) == (profile, detected)
    chosen = lint_bytes(text.encode(), "README.md", Config(profile=profile), load())
    assert (chosen.profile, chosen.profile_detected) == (profile, False)  # configured, not detected
