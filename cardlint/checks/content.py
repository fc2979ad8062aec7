"""Content rules: what is still unfinished in the text a reader sees (CL2xx)."""
from __future__ import annotations

import re

from ..rule import Edit, Fix, Problem, rule
from ..card import MAX_SCAN, slugify
from ..context import norm_text
from ..card.scan import OPTIONAL_MARKER, WORD, STUB
from ..wording import quoted_list
from ..patterns import lazy

TAGS = ("content",)


@rule("CL201", "unrendered-template", "Template expressions ({{ }}, {% %}, << >>, {var}) left in the text.",
      severity="error", tags=TAGS)
def unrendered_template(card, ctx):
    """Template expressions left verbatim: Jinja `{{ ... }}` and `{% ... %}`, `<< name >>`, and
    format-string fields like `{model_id}`.

    Why: the card was copied from a template instead of rendered from it, and the expressions show up
    on the Hub as they are.

    Example: `{{ developers | default("[More Information Needed]", true) }}`

    Not flagged: code blocks, code spans and HTML comments (a chat template in a code block is fine);
    `>>fra<<`-style language tokens; braces in math.

    Fix: write the value in place of the expression, or render the template with
    `ModelCard.from_template`."""
    result = card.scan
    for idx, spans in sorted(result.templates.items()):
        texts = [card.lines[idx][a:b] for a, b in spans]
        a, b = spans[0]
        yield Problem(idx + 1, a + 1, f"unrendered template expression {quoted_list(texts)}; replace it with the real text",
                      end_line=idx + 1, end_column=spans[-1][1] + 1)


@rule("CL202", "placeholder-text", "Template placeholders ([Model Name], <model_name>, 0.XX, TODO) left in.", tags=TAGS)
def placeholder_text(card, ctx):
    """Text a template put there to be replaced: bracketed names and instructions (`[Model Name]`,
    `*[Name(s), Institution(s)]*`), angle placeholders that are no HTML (`<model_name>`, `<>`), fake
    numbers (`0.XX`), and `TODO`, `TBD`, `FIXME`.

    Why: a reader takes the placeholder for the card's answer, or learns the card was never finished.

    Example: `- **Developed by:** [Your Name]`

    Not flagged: links, footnotes, task checkboxes, special tokens such as `[MASK]`, Python values,
    math, real HTML, and anything in code or comments; names in brackets meant as links (Hub ids such as
    `[owner/model-7b]`, several names joined by ";" or ",", table cells) unless they carry a template's
    wording ("your", "insert", "dataset name"); a bracketed label on a line of its own (`[Left Eye]`).

    Fix: replace the placeholder with the information, or remove the line."""
    result = card.scan
    for idx, items in sorted(result.placeholders.items()):
        a, b, _ = items[0]
        yield Problem(idx + 1, a + 1, f"placeholder {quoted_list(t for _, _, t in items)} left in the card; replace it "
                      "with the real information", end_line=idx + 1, end_column=items[-1][1] + 1)


@rule("CL203", "missing-info-stub", "\"[More Information Needed]\" stubs left in the text.", tags=TAGS)
def missing_info_stub(card, ctx):
    """"[More Information Needed]" and its variants ("More information needed", "[More Information
    Needed--optional]", "[Needs More Information]") left in the text.

    Why: the Hugging Face templates fill every unanswered field with it; each one is a question the
    card does not answer.

    Example: `## Training Data` followed by `[More Information Needed]`.

    Not flagged: stubs inside an unrendered template expression (unrendered-template reports those),
    and stubs in code or comments.

    Fix: answer the question, or delete the field if it does not apply."""
    result = card.scan
    for idx, spans in sorted(result.stubs.items()):
        a, b = spans[0]
        yield Problem(idx + 1, a + 1, f"stub {quoted_list(card.lines[idx][x:y] for x, y in spans)}; write the information "
                      "or remove the field", end_line=idx + 1, end_column=b + 1)


_CONTENT_HTML = lazy(r"<(?:img|table|iframe|video|audio|svg|picture|object|embed)\b", re.I)


def section_has_content(card, section) -> bool:
    rendered = card.rendered_lines
    if any(rendered[i].strip() for i in range(section.line, section.content_end) if i < len(rendered)):
        return True
    for tok in card.tokens[section.token_start:section.token_end]:
        if tok.type in ("fence", "code_block") or (tok.type == "html_block" and _CONTENT_HTML.search(tok.content)):
            return True
    return False


@rule("CL204", "empty-section", "A heading with nothing under it.", tags=TAGS)
def empty_section(card, ctx):
    """A heading followed by nothing a reader sees (only blank lines or HTML comments) and with no
    subsections.

    Why: readers stop at the heading and find nothing.

    Example: `## Evaluation` directly followed by `## Citation`.

    Not flagged: the card's title H1 when other sections follow (unless all it holds is a template's
    comment asking for a summary: then the summary is missing); sections holding only code, a table, an
    image or embedded media; sections whose text sits in subsections; headings with no text, and a
    section whose content sits under an empty-titled heading right below it (it reads as its own).

    Fix: write the section, or remove the heading."""
    sections = card.sections
    for k, sec in enumerate(sections):
        if sec.children or section_has_content(card, sec):
            continue
        if not sec.title.strip():
            continue  # a heading with no text renders as nothing; its content reads as the heading's above
        if k + 1 < len(sections) and not sections[k + 1].title.strip() and section_has_content(card, sections[k + 1]):
            continue  # what follows an empty-titled heading below it reads as this section's
        if (sec.line < len(card.lines) and re.fullmatch(r"\s*-{2,}\s*", card.lines[sec.line])
                and re.match(r"[\w-]+:\s", sec.title)):
            yield Problem(sec.line, 1, f"\"{sec.title}\" renders as a heading because a '---' line follows it (metadata "
                          "in the body?): move it into the front matter, or remove the '---'")
            continue
        if sec is sections[0] and sec.level == 1 and len(sections) > 1:
            own = card.lines[sec.line:sec.content_end]
            if not any("<!--" in line for line in own):
                continue  # the card's title needs no text of its own
            yield Problem(sec.line, 1, f"the title \"{sec.title}\" is followed only by a template's comment: the summary "
                          "it asks for is missing; write it under the title")
            continue
        yield Problem(sec.line, 1, f"section \"{sec.title}\" is empty; write it or remove the heading")


@rule("CL205", "template-boilerplate", "Template guidance left verbatim in the card.", tags=TAGS)
def template_boilerplate(card, ctx):
    """Guidance text of a known template left as it was: the Hugging Face default Recommendations
    sentence ("Users (both direct and downstream) should be made aware of the risks..."), a
    template's "Instructions" block, the italic instructions of the RI-SCALE template.

    Why: the guidance reads as if it were the card's answer, while it says nothing about this model.

    Example: "Users (both direct and downstream) should be made aware of the risks, biases and
    limitations of the model."

    Not flagged: guidance kept on purpose in a section that goes on with the author's own text (eight
    words or more besides the guidance and stubs); short phrases of other templates (only phrases of
    six words or more count outside the card's own profile). The phrases come from the profiles in
    rules/profiles, so a hub adds its own without code.

    Fix: replace the guidance with what it asks for."""
    found = ctx.boilerplate
    visible = card.scan.visible
    phrases = dict(ctx.boilerplate_phrases)
    guidance = set(found)  # the guidance's lines, with the next line where the phrase runs into it
    guidance |= {i + 1 for i, p in found.items() if phrases[p] not in norm_text(visible[i])}
    for idx, pid in sorted(found.items()):
        sec = next((s for s in reversed(card.sections) if s.line <= idx < s.content_end), None)
        if sec is not None:
            own = " ".join(visible[i] for i in range(sec.line, min(sec.content_end, len(visible))) if i not in guidance)
            if len(WORD.findall(STUB.sub(" ", own))) >= 8:
                continue  # kept as an introduction to the author's own text
        yield Problem(idx + 1, 1, f"template guidance left verbatim ({pid}); replace it with the card's own text")


@rule("CL206", "optional-marker", "Headings or field labels still carry a template's \"[optional]\".",
      tags=TAGS, fix="safe")
def optional_marker(card, ctx):
    """Headings or bold field labels that still carry a template's "[optional]" ("## Citation
    [optional]", "**Paper [optional]:**").

    Why: the marker is meant for the author and should go once the part is written (or the part
    removed).

    Example: `## Citation [optional]`

    Not flagged: "[optional]" in running text, code or comments.

    Fix: the safe fix removes the marker and updates in-page links to the heading's new anchor."""
    heading_lines = {s.line: s for s in card.sections}
    rendered = card.rendered_lines
    for idx in range(card.body_index, len(card.lines)):
        line = card.lines[idx]
        if "ptional" not in line or not rendered[idx].strip():
            continue
        sec = heading_lines.get(idx + 1)
        if sec is not None:
            m = OPTIONAL_MARKER.search(line)
            if m and rendered[idx][m.start():m.end()].strip():
                yield Problem(idx + 1, m.start() + 1, f"heading \"{sec.title}\" still carries \"[optional]\"; remove the "
                              "marker (or the section)", end_column=m.end() + 1, fix=_heading_fix(card, sec, idx, m))
            continue
        m = re.match(r"^(\s*(?:[-*+]\s+)?(?:\*\*|__))([^*_\n]{1,80}?)(\s?\[\s?optional\s?\])(\s*:?\s*(?:\*\*|__)|(?:\*\*|__)\s*:)", line[:MAX_SCAN], re.I)
        if m:
            a, b = m.start(3), m.end(3)
            yield Problem(idx + 1, a + 1, f"field \"{m.group(2).strip()}\" still carries \"[optional]\"; remove the marker",
                          end_column=b + 1, fix=Fix((Edit(idx + 1, a + 1, idx + 1, b + 1, ""),),
                                                     description="remove [optional]"))


def _heading_fix(card, sec, idx: int, m) -> Fix:
    edits = [Edit(idx + 1, m.start() + 1, idx + 1, m.end() + 1, "")]
    new_slug = slugify(OPTIONAL_MARKER.sub("", sec.title))
    if sec.slug != new_slug and sec.slug == slugify(sec.title):  # links follow the heading to its new anchor
        target = f"](#{sec.slug})"
        for j in range(card.body_index, len(card.lines)):
            pos = card.lines[j].find(target)
            while pos >= 0:
                edits.append(Edit(j + 1, pos + 4, j + 1, pos + 4 + len(sec.slug), new_slug))
                pos = card.lines[j].find(target, pos + 1)
    return Fix(tuple(edits), description="remove [optional]")


@rule("CL207", "missing-section", "A section the card's template profile requires is absent.", tags=TAGS,
      fix="unsafe")
def missing_section(card, ctx):
    """A section that the card's template profile requires is absent. Each profile (rules/profiles)
    lists the sections its cards need, with the heading aliases that count ("Uses", "Intended uses &
    limitations" and "Intended Use" are one section). The profile is detected from the card, set with
    `profile:` / `--profile`, or derived from a hub's own template with `--template`.

    Why: a required section is what the card's template, and its readers, expect to find.

    Example: an hf-model card with no "Uses" (or alias) heading.

    Not flagged: optional sections; sections that exist but are empty or stubbed (empty-section and
    missing-info-stub say so); a section whose documentation topic the card covers elsewhere (metric values
    in model-index or under another heading are its evaluation; usage code is how to start).

    Fix: write the section. The unsafe fix adds the heading with a comment to its author (an HTML comment,
    seen while editing, never rendered); empty-section then reports it until it is written. The fix is
    not applied where the new heading would make the card match another profile."""
    assessment = ctx.assessment
    filled = {t.topic for t in assessment.topics if t.status == "filled"}
    # a section whose topic the card covers elsewhere (results in model-index, usage under another heading)
    # is not missing to a reader
    missing = [row for row in assessment.rows if row.kind == "section" and row.required and row.status == "missing"
               and row.topic not in filled]
    if not missing:
        return
    first = next((s for s in card.sections), None)
    line = first.line if first else min(card.body_index + 1, len(card.lines))
    end = len(card.lines)
    for row in missing:
        skeleton = f"\n## {row.title}\n\n<!-- Write this section: the {ctx.profile.name} profile requires it. -->\n"
        tail = "" if card.text.endswith("\n") else "\n"
        fix = Fix((Edit(end, len(card.lines[end - 1]) + 1, end, len(card.lines[end - 1]) + 1, tail + skeleton),),
                  safe=False, description=f"add a skeleton \"{row.title}\" section", leaves="empty-section")
        yield Problem(line, 1, f"required section \"{row.title}\" is missing (profile {ctx.profile.name}); add it",
                      fix=fix)


_AUTO = lazy(r"this model card has been (?:generated automatically|automatically generated)|"
             r"this dataset card has been (?:generated automatically|automatically generated)|"
             r"you should probably proofread and complete it, then remove this comment", re.I)


@rule("CL208", "auto-generated-card", "The card is an untouched machine-generated card.", severity="info", tags=TAGS)
def auto_generated_card(card, ctx):
    """A card written by a training tool (the transformers Trainer, Keras, AutoTrain) that still holds
    the comment asking its author to "proofread and complete it, then remove this comment".

    Why: while the comment is there, nobody has reviewed the card.

    Example: `<!-- This model card has been generated automatically ... -->`

    Not flagged: generated cards whose comment was removed; the phrase inside code.

    Fix: complete the card (intended uses, limitations, training data) and remove the comment."""
    low = card.text.lower()
    if "automatically" not in low and "proofread" not in low:  # every phrase holds one of them
        return
    for idx, line in enumerate(card.lines):
        if idx >= card.body_index and idx not in card.code_indexes and _AUTO.search(line):
            yield Problem(idx + 1, 1, "machine-generated card not yet reviewed: complete it and remove the "
                          "\"generated automatically\" comment")
            return
