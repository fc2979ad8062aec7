"""What a rule reads besides the card (the Context), and the analyses of a card that depend on its profile
and configuration: its type (model or dataset), its profile, the template guidance left in it, and how
much real text each line holds. The score, the topics and the rules share them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .card import Card
from .card.markdown import BOLD_LABEL
from .config import Config
from .directives import Directives
from .packs import profiles
from .patterns import lazy

if TYPE_CHECKING:
    from .registry import Registry
    from .rule import Rule

_WORD = lazy(r"[^\W\d_]{2,}|\d+(?:\.\d+)?")
_ITALIC_LINE = lazy(r"^\s*(?:[-*+]\s+|\d+\.\s+|>\s*)?(?:\*\*[^*]{0,80}\*\*\s*:?\s*)?([*_])(?!\1).+\1\s*$")
_DATASET_KEYS = {"task_categories", "task_ids", "size_categories", "annotations_creators", "language_creators",
                 "multilinguality", "source_datasets", "configs", "dataset_info", "pretty_name", "paperswithcode_id",
                 "train-eval-index", "viewer"}
# keys only a model card has: where they appear, dataset keys that model cards carry too (AutoTrain's
# train-eval-index, multilinguality copied from a dataset) do not make it a dataset card
_MODEL_KEYS = {"model-index", "pipeline_tag", "library_name", "base_model", "widget", "inference", "datasets",
               "base_model_relation", "model_name"}


def _loads_a_model(text: str) -> bool:
    """A card whose code loads a model and no dataset: a model card with a dataset's metadata copied in."""
    return bool(re.search(r"\bAutoModel\w*\.from_pretrained\(|\bpipeline\(", text)) and "load_dataset(" not in text


@dataclass
class Context:
    """What a check function may read besides the card: the configuration, the card's type and profile, the
    score's assessment and the template guidance found in it. Everything here is computed on first use and
    once per card."""
    card: Card
    config: Config
    registry: "Registry"
    directives: Directives = field(default_factory=Directives)
    rule: "Rule | None" = None  # the rule running now (the engine sets it)

    @property
    def options(self) -> dict:
        """The running rule's options: its declared defaults, with what the configuration sets over them."""
        return self.config.options_of(self.rule)

    @cached_property
    def card_type(self) -> str:
        if self.config.card_type != "auto":
            return self.config.card_type
        meta = self.card.metadata
        first = next((s for s in self.card.sections if s.level == 1), None)
        if first and first.title.lower().startswith("dataset card"):
            return "dataset"
        if _DATASET_KEYS & set(meta) and not _MODEL_KEYS & set(meta) and not _loads_a_model(self.card.text):
            return "dataset"
        if "/datasets/" in self.card.path.replace("\\", "/") or self.card.path.startswith("hf://datasets/"):
            return "dataset"
        return "model"

    @cached_property
    def _profile_choice(self):
        from .score import choose_profile
        return choose_profile(self.card, self.config, self.card_type)

    @cached_property
    def profile(self):
        """The template profile the card is held against (configured, or detected, or the fallback)."""
        return self._profile_choice[0]

    @property
    def profile_detected(self) -> bool:
        """Whether the card's own text matched the profile's signature (not configured, not the fallback)."""
        return self._profile_choice[1]

    @cached_property
    def assessment(self):
        from .score import assess
        return assess(self)

    @property
    def boilerplate_phrases(self) -> list[tuple[str, str]]:
        """(phrase id, normalized phrase): the card's own profile's guidance, plus the long phrases of every
        other profile."""
        own = self.profile  # a template's own profile is no known one: its phrases are not cached
        return [(f"{own.name}:{i}", norm_text(p)) for i, p in own.boilerplate] + \
            _other_phrases(own.name, tuple(self.config.rule_packs))

    @cached_property
    def boilerplate(self) -> dict[int, str]:
        """Line index -> phrase id where a template's guidance starts, in the visible text."""
        visible = self.card.scan.visible
        phrases = self.boilerplate_phrases
        found: dict[int, str] = {}
        norm = [norm_text(l) if l.strip() else "" for l in visible]
        whole = " ".join(norm)  # a phrase found on a line (and the next) is found in the whole text
        phrases = [(pid, phrase) for pid, phrase in phrases if phrase in whole]
        if not phrases:
            return found
        for idx, text in enumerate(norm):
            if not text:
                continue
            nxt = norm[idx + 1] if idx + 1 < len(norm) else ""
            joined = f"{text} {nxt}" if nxt else text
            for pid, phrase in phrases:
                pos = joined.find(phrase)
                if pos >= 0 and pos < len(text) and idx not in found and (idx - 1 not in found or found[idx - 1] != pid):
                    found[idx] = pid
                    break
        return found

    def line_status(self, index: int) -> tuple[int, frozenset]:
        """(real words, kinds of non-content: placeholder, stub, boilerplate) of one line under the card's
        profile; the section rows of the score and the topics read the same lines."""
        return self._line_statuses[index]

    @cached_property
    def _line_statuses(self) -> list[tuple[int, frozenset]]:
        """line_status of every line, read in one pass (the topics read every line of the body)."""
        card, boiler, profile = self.card, self.boilerplate, self.profile
        templates = card.scan.templates
        out = []
        for idx, text in enumerate(card.scan.visible):
            if not text.strip():  # no words; a placeholder if a template expression was blanked out of it
                out.append(_PLACEHOLDER_ONLY if idx in templates else _NOTHING)
                continue
            words, kinds = _read_line(card, idx, boiler, profile)
            out.append((words, frozenset(kinds) if kinds else _NO_KINDS))
        return out


_NO_KINDS = frozenset()
_NOTHING = (0, _NO_KINDS)
_PLACEHOLDER_ONLY = (0, frozenset({"placeholder"}))
_DELIMITER_ROW = lazy(r"^\s*\|?\s*:?-{3,}")
_MARKS = lazy(r"[*_>`#\[\]](?:(?<=\])\([^)]*\))?")  # a mark, or "](...)": one class first, twice as fast as alternatives


def norm_text(text: str) -> str:
    """Lowercase words without Markdown marks, for comparing text with a template's guidance."""
    return " ".join(_MARKS.sub(" ", text.lower()).replace("\u2019", "'").split())


@lru_cache(maxsize=64)
def _other_phrases(own: str, packs: tuple[str, ...]) -> list[tuple[str, str]]:
    """The long guidance phrases of every known profile but the card's own."""
    return [(f"{prof.name}:{i}", norm_text(p)) for prof in profiles(packs).values() if prof.name != own
            for i, p in prof.boilerplate if len(p.split()) >= 6]


def _strip_fixed(text: str, fixed: list[str]) -> str:
    for first, pattern in _fixed_patterns(tuple(fixed)):
        if first in text.lower():  # most lines hold none of them: skip the regex
            text = pattern.sub(" ", text)
    return text


@lru_cache(maxsize=64)
def _fixed_patterns(fixed: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    """(first word, lowercased; the sentence as a regex that tolerates any punctuation and spacing)."""
    out = []
    for sentence in fixed:
        words = re.findall(r"\w+", sentence)
        if words:
            out.append((words[0].lower(), re.compile(r"\W+".join(map(re.escape, words)), re.I)))
    return out


def _read_line(card, idx: int, boiler: dict, profile) -> tuple[int, set[str]]:
    """A line that is not blank (blank lines are read in _line_statuses)."""
    scan = card.scan
    visible = scan.visible
    kinds: set[str] = set()
    if idx in scan.templates:
        kinds.add("placeholder")
    text = visible[idx]
    if idx in boiler:
        kinds.add("boilerplate")
        return 0, kinds
    if idx in scan.stubs:
        kinds.add("stub")
    if idx in scan.placeholders:
        kinds.add("placeholder")
    text = scan.blank(idx, text)
    if "-" in text and _DELIMITER_ROW.match(text):  # table delimiter row
        return 0, kinds
    m = ("**" in text or "__" in text) and BOLD_LABEL.match(text)
    if m:
        text = m.group(2)
    if profile.italic_guidance and _ITALIC_LINE.match(visible[idx]):
        kinds.add("boilerplate")
        return 0, kinds
    text = _strip_fixed(text, profile.fixed)
    return len(_WORD.findall(text)), kinds
