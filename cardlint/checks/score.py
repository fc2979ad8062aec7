"""The rule on the completeness score (CL005): a card below the configured min-score."""
from __future__ import annotations

from ..rule import rule, Problem


@rule("CL005", "below-min-score", "The card's completeness score is below the configured min-score.",
      severity="error", tags=("meta", "completeness"))
def below_min_score(card, ctx):
    """The card's completeness score (see `cardlint report`) is below `min-score` (from the
    configuration or `--min-score`). The finding is on the card's title and names the required
    sections and fields that are missing, empty or stubs, so an annotation, SARIF and the job summary
    say which card fell short, by how much, and what to write.

    Why: a hub that requires documented cards needs the failing card and the gap in the place
    reviewers look, not only a failed step.

    Example: `completeness 21.4 is below the minimum 40 (profile hf-model); to write: Uses, Evaluation`.

    Not flagged: cards at or above the minimum, and every card when no min-score is set.

    Fix: write the sections it names; `cardlint report` shows each section's status."""
    cfg = ctx.config
    if cfg.min_score is None:
        return
    a = ctx.assessment
    if a.score >= cfg.min_score:
        return
    gaps = [r.title for r in a.rows if r.required and r.status != "filled"]
    shown = ", ".join(gaps[:8]) + (f" and {len(gaps) - 8} more" if len(gaps) > 8 else "")
    title = next((s.line for s in card.sections if s.level == 1), 1)
    yield Problem(title, 1, f"completeness {a.score:g} is below the minimum {cfg.min_score:g} (profile {ctx.profile.name})"
                  + (f"; to write: {shown}" if gaps else ""))
