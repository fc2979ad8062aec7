"""Which template a card follows, and how complete it is against that template (0-100)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .card.markdown import BOLD_LABEL, PLAIN_LABEL
from .packs import PackError, Profile, norm_heading, parse_profile, profiles


@dataclass
class Row:
    kind: str  # section or field
    title: str
    required: bool
    status: str  # filled, stub, placeholder, boilerplate, empty or missing
    words: int = 0
    line: int | None = None
    topic: str = "other"


@dataclass
class Assessment:
    profile: str
    detected: bool
    score: float
    rows: list[Row] = field(default_factory=list)
    topics: list = field(default_factory=list)  # topics.TopicStatus, one per topic of the card's type


# -- choosing a profile ---------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def template_profile(path: str) -> Profile:
    """A profile derived from a hub's own template file: its headings are the expected sections,
    its bold bullet labels the fields, and its paragraphs the guidance that must not stay verbatim."""
    from .card import load_card
    from .paths import read_regular, reason
    try:
        data = read_regular(path)
    except OSError as exc:
        raise PackError(f"{path}: cannot read template: {reason(exc)}") from None
    card = load_card(data, path)
    from .topics import heading_topics
    sections = [{"title": re.sub(r"\s*\[optional\]", "", s.title, flags=re.I),
                 "required": "[optional]" not in s.title.lower(),
                 "topic": (heading_topics(s.title) or ["other"])[0]}
                for s in card.sections if s.level >= 2 or len([x for x in card.sections if x.level == 1]) > 1]
    fields, phrases = [], []
    for idx, line in enumerate(card.rendered_lines):
        m = BOLD_LABEL.match(line)
        if m:
            fields.append({"title": re.sub(r"\s*\[optional\]", "", m.group(1), flags=re.I).strip(),
                           "required": "[optional]" not in m.group(1).lower()})
            words = m.group(2).strip(" *_").split()  # the field's own guidance, if it has some
            if len(words) >= 4:
                phrases.append({"id": f"line-{idx + 1}", "phrase": " ".join(words[:10])})
            continue
        words = line.strip(" *_>-").split()
        if len(words) >= 6 and idx + 1 not in {s.line for s in card.sections}:
            phrases.append({"id": f"line-{idx + 1}", "phrase": " ".join(words[:10])})
    name = "template:" + Path(path).name
    return parse_profile({"name": name, "title": f"template {path}", "source": path, "sections": sections,
                          "fields": fields, "boilerplate": phrases,
                          "detect": []}, path)


def choose_profile(card, config, card_type: str) -> tuple[Profile, bool]:
    """(the profile the card is held against, whether it was detected from the card's own text)."""
    if config.template:  # absolute: made so by the configuration file or the command line
        return template_profile(config.template), False
    if config.profile:
        return named_profile(config), False
    return detect_profile(card, profiles(tuple(config.rule_packs)), card_type)


def named_profile(config) -> Profile:
    """The profile `config.profile` names, among the shipped ones and the configuration's rule packs."""
    known = profiles(tuple(config.rule_packs))
    if config.profile not in known:
        raise PackError(f"unknown profile {config.profile!r}; known: {', '.join(sorted(known))}")
    return known[config.profile]


def detect_profile(card, known: dict[str, Profile], card_type: str) -> tuple[Profile, bool]:
    text = card.text.lower()
    headings = {norm_heading(s.title) for s in card.sections}
    best, best_score = None, 0.0
    for prof in known.values():
        if not prof.detect or prof.card_type != card_type:
            continue
        score = sum(w for phrase, w in prof.detect if phrase in text)
        if not score:
            continue  # headings alone do not make a card follow a template: one of its signatures must be there
        names = [n for sec in prof.sections for n in sec.names]
        matched = sum(1 for sec in prof.sections if any(n in headings for n in sec.names))
        score += 4 * matched / max(1, len(prof.sections)) if names else 0
        if score > best_score:
            best, best_score = prof, score
    if best is not None and best_score >= 3:
        return best, True
    fallback = "hf-dataset" if card_type == "dataset" else "minimal"
    return known.get(fallback) or next(iter(known.values())), False


# -- assessing --------------------------------------------------------------------------------------------
def assess(ctx) -> Assessment:
    """The card's section and field rows, topics and score under its profile."""
    card, profile = ctx.card, ctx.profile
    heading_lines = card.naming_indexes
    code_indexes = card.code_indexes
    by_name: dict[str, object] = {}
    for sec in card.sections:
        by_name.setdefault(norm_heading(sec.title), sec)
    rows: list[Row] = []
    title = next((s for s in card.sections if s.level == 1), card.root)
    for exp in profile.sections:
        sec = next((by_name[n] for n in exp.names if n in by_name), None)
        first, last = (sec.line, sec.end_line) if sec is not None else (0, 0)
        if sec is None and "@title" in exp.names:
            sec = title
            first, last = (title.line, title.content_end) if title.line else (card.body_index, title.content_end)
        if sec is None:
            rows.append(Row("section", exp.title, exp.required, "missing", topic=exp.topic))
            continue
        words, kinds, code = 0, set(), False
        for idx in range(first, last):
            if idx in heading_lines:
                continue
            if idx in code_indexes:
                code = True
                continue
            w, k = ctx.line_status(idx)
            words += w
            kinds |= k
        status = "filled" if words >= 3 or code else _worst(kinds)
        if sec is title and sec not in by_name.values() and status == "empty":
            status = "missing"  # nothing under the title stands in for the section
        rows.append(Row("section", exp.title, exp.required, status, words, sec.line or None, exp.topic))
    rows += _field_rows(ctx)
    from .topics import assess_topics
    topics = assess_topics(ctx)
    # The score, over what the profile asks for: each documentation topic its sections cover, as a reader
    # finds it anywhere in the card; and each of its sections and fields that belong to no topic (a hub's
    # "Owner" field, a "Model Card Contact"), as found under its own heading. Required ones weigh three times.
    covered = {exp.topic for exp in profile.sections if exp.topic != "other"}
    required = {exp.topic for exp in profile.sections if exp.required}
    units = [(3 if t.topic in required else 1, t.status == "filled") for t in topics if t.topic in covered]
    units += [(_weight(r), r.status == "filled") for r in rows if r.topic == "other"]
    total = sum(w for w, _ in units)
    score = round(100 * sum(w for w, ok in units if ok) / total, 1) if total else 100.0
    return Assessment(profile.name, ctx.profile_detected, score, rows, topics)


def _weight(row: Row) -> int:
    return 3 if row.required else 1


def _worst(kinds: set[str]) -> str:
    for status in ("placeholder", "stub", "boilerplate"):
        if status in kinds:
            return status
    return "empty"


def _field_rows(ctx) -> list[Row]:
    card, profile, scan = ctx.card, ctx.profile, ctx.card.scan
    if not profile.fields:
        return []
    found: dict[str, tuple[int, str]] = {}
    for idx, line in enumerate(card.rendered_lines):
        if "**" not in line and "__" not in line and ":" not in line:
            continue
        m = BOLD_LABEL.match(line) or PLAIN_LABEL.match(line)
        if m:
            found.setdefault(norm_heading(m.group(1)), (idx, m.group(2)))
    rows = []
    for exp in profile.fields:
        hit = next((found[n] for n in exp.names if n in found), None)
        if hit is None:
            rows.append(Row("field", exp.title, exp.required, "missing"))
            continue
        idx, _ = hit
        words, kinds = ctx.line_status(idx)
        if words == 0 and idx + 1 < len(card.lines) and idx + 1 not in scan.stubs:
            nested = card.rendered_lines[idx + 1]  # a value written as a nested bullet below its label
            if re.match(r"^\s{2,}[-*+]\s+\S", nested):
                words, k2 = ctx.line_status(idx + 1)
                kinds |= k2
        rows.append(Row("field", exp.title, exp.required, "filled" if words >= 1 else _worst(kinds), words, idx + 1))
    return rows
