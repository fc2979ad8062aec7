"""Documentation topics: each card in tests/topics states the profile it must take and the topic statuses
a careful reader gives it (`<!-- profile: NAME topics: topic=status ... -->`)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cardlint.config import Config
from cardlint.engine import lint_bytes
from cardlint.packs import profiles
from cardlint.registry import load
from cardlint.topics import ALL_TOPICS, heading_topics

CARDS = Path(__file__).parent / "topics"
EXPECT = re.compile(r"<!--\s*(?:profile:\s*(\S+)\s*)?topics:\s*(.*?)\s*-->")


@pytest.mark.parametrize("card", sorted(CARDS.glob("*.md")), ids=lambda p: p.name)
def test_topic_statuses_agree_with_a_careful_reader(card):
    text = card.read_text(encoding="utf-8")
    m = EXPECT.search(text)
    assert m, f"{card.name} states no expected topics"
    want = dict(item.split("=") for item in m.group(2).split())
    result = lint_bytes(text, "README.md", Config(), load())
    got = {t.topic: t.status for t in result.topics}
    assert {t: got.get(t) for t in want} == want, [(t.topic, t.status, t.line, t.where) for t in result.topics]
    if m.group(1):
        assert result.profile == m.group(1)


@pytest.mark.parametrize("heading,topic", [
    ("BibTeX entry and citation info", "citation"), ("Citation information", "citation"), ("引用 Citation", "citation"),
    ("Limitations and Biases", "limitations"), ("Risks, limitations and biases", "limitations"),
    ("Training (with the RL Zoo)", "training"), ("Training hyperparameters", "training"),
    ("Validation Metrics", "evaluation"), ("Eval results", "evaluation"), ("Training results", "evaluation"),
    ("Usage (Sentence-Transformers)", "how-to-start"), ("Get started", "how-to-start"),
    ("2. 🚀 Quick Start", "how-to-start"), ("Environmental Impact", "environmental-impact"),
    ("Intended uses & limitations", "intended-use"), ("Intended uses & limitations", "limitations"),
    ("Model description", "description"),
])
def test_heading_families(heading, topic):
    assert topic in heading_topics(heading)


@pytest.mark.parametrize("heading,topic", [("Training results", "training"), ("Model Card Contact", "description"),
                                           ("How to use", "intended-use"), ("Resume the training", "training")])
def test_headings_that_do_not_name_a_topic(heading, topic):
    assert topic not in heading_topics(heading)


def test_every_profile_section_has_a_topic():
    for prof in profiles().values():
        for exp in prof.sections:
            assert exp.topic in ALL_TOPICS, (prof.name, exp.title)
        assert {e.topic for e in prof.sections} - {"other"}, f"{prof.name} covers no topic"
