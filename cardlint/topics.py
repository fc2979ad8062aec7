"""Documentation topics: what a careful reader finds about the model (or dataset), whatever template or
generator the card came from.

A topic's status is `filled` (real information about this model), `stub` (the card has a place for it, a
heading, a field label or a template sentence, holding only stubs, placeholders, TODOs or template text) or
`absent`. Headings are matched to topics by keyword families (numbering, emoji, qualifiers in parentheses
and a second language do not matter); what is under them is then judged by the rules of judgement below,
and some evidence counts wherever it is (metric values, CO2 figures, a BibTeX entry, usage code)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .card.markdown import BOLD_LABEL, PLAIN_LABEL, heading_words, norm_heading
from .patterns import LazyPattern, lazy

MODEL_TOPICS = ("description", "intended-use", "limitations", "training", "evaluation", "how-to-start", "citation",
                "environmental-impact")
DATASET_TOPICS = ("description", "uses", "structure", "creation", "annotations", "personal-information",
                  "limitations", "licensing", "citation")
ALL_TOPICS = tuple(dict.fromkeys(MODEL_TOPICS + DATASET_TOPICS + ("other",)))
MEANING = {
    "description": "what the model (or dataset) is: its summary, type, authors, languages, base model",
    "intended-use": "what the model is for, and for whom",
    "uses": "what the dataset is for: tasks, leaderboards, intended uses",
    "limitations": "known limitations, biases, risks, out-of-scope uses",
    "training": "training data and procedure (hyperparameters, hardware, preprocessing)",
    "evaluation": "how the model was evaluated and reported metric values (in the text or in model-index)",
    "how-to-start": "code or steps to load and run the model",
    "citation": "how to cite it: a BibTeX entry or a full reference",
    "environmental-impact": "CO2 or energy figures for training (hardware alone does not count)",
    "structure": "the dataset's fields, instances and splits",
    "creation": "how the data was collected, curated and processed",
    "annotations": "how the data was annotated, and by whom",
    "personal-information": "personal and sensitive information in the data",
    "licensing": "the dataset's license (in the text or the metadata)",
    "other": "sections that are none of these (glossary, contact, authors)",
}

# Keyword families over normalised headings. Order matters only for reading; a heading may match several.
_F = {
    "description": r"\b(?:model (?:details|description|summary|overview|card|information|info|type)|description|overview|"
                   r"summary|about|introduction|intro|what is|background|highlights?)\b|简介|介绍|概述",
    "intended-use": r"\b(?:intended|uses|use[- ]cases?|applications?|direct use|downstream|purpose|what (?:it|the model) "
                    r"(?:is|can be) (?:for|used for))\b|用途",
    "limitations": r"\b(?:limitations?|limits|bias(?:es)?|risks?|caveats?|ethic(?:s|al)?|out[- ]of[- ]scope|misuse|"
                   r"fairness|safety|harms?|responsible|recommendations?|considerations|known issues)\b|局限|限制|偏见|风险",
    "training": r"\b(?:train(?:ing)?|fine[- ]?tun(?:e|ing)|pre[- ]?train(?:ing)?|hyper[- ]?parameters?|"
                r"(?:training )?procedure|preprocessing|training data|datasets? used)\b|^data(?:sets?)?$|训练",
    "evaluation": r"\b(?:evaluat(?:ion|ions|ed|ing)|eval|results?|metrics?|performance|benchmarks?|accuracy|scores?|"
                  r"validation|testing|leaderboard|quantitative)\b|评估|评测|结果",
    "how-to-start": r"\b(?:how to (?:use|get started|run|load)|get(?:ting)? started|quick ?start|usage|inference|"
                    r"(?:usage|code|inference) examples?|example usage|use (?:with|in|the model)|use this (?:\w+ )?model|run(?:ning)? (?:the |this )?model|"
                    r"deploy(?:ment|ing)?|serving|installation|install|demo)\b|快速开始|使用方法|部署",
    "citation": r"\b(?:citation|citations|cite|citing|bibtex|references?|how to cite|paper)\b|引用",
    "environmental-impact": r"\b(?:environment(?:al)?|carbon|co2|emissions?|energy|footprint)\b",
}
_DATASET_F = {
    "description": r"\b(?:dataset (?:description|summary|card|details|overview)|description|summary|overview|about|"
                   r"introduction)\b",
    "uses": r"\b(?:uses?|intended|use[- ]cases?|supported tasks|tasks|leaderboards?|applications?)\b",
    "structure": r"\b(?:structure|fields|instances|splits?|format|schema|features|data (?:fields|instances|splits))\b",
    "creation": r"\b(?:creation|curation|collection|source data|gathering|processing|provenance|rationale)\b",
    "annotations": r"\b(?:annotations?|annotators?|label(?:l)?ing)\b",
    "personal-information": r"\b(?:personal|sensitive|privacy|pii|anonymi[sz]ation)\b",
    "limitations": r"\b(?:bias(?:es)?|limitations?|social impact|considerations|discussion|risks?|ethic(?:s|al)?)\b",
    "licensing": r"\b(?:licen[cs](?:e|es|ing)|terms of use|copyright)\b",
    "citation": r"\b(?:citation|cite|bibtex|references?)\b",
}
FAMILIES = {t: lazy(p, re.I) for t, p in _F.items()}
DATASET_FAMILIES = {t: lazy(p, re.I) for t, p in _DATASET_F.items()}
# headings that say where a topic is NOT, whatever their words: "Training results" is evaluation
_NOT = {"training": lazy(r"\btraining (?:results|metrics|loss)\b|\b(?:eval(?:uation)?|test(?:ing)?) data\b|"
                         r"\bresume\b|\bhow to train\b|\btrain (?:your|it) ?self\b", re.I),
        "intended-use": lazy(r"\bhow to use\b|\busage\b", re.I),  # "Usage" shows how to run it
        "citation": lazy(r"\bpaper(?:s)? (?:with code)?\b(?!.*cit)", re.I),
        "description": lazy(r"\b(?:authors?|contact|contributors?|acknowledg\w*)\b", re.I)}

_LIMIT_CUE = lazy(r"\b(?:limit|bias|risk|cannot|can't|not (?:be|suitable|intended|recommended|designed|work)|"
                  r"should not|may (?:not|produce|contain|generate|reflect|be)|fail|error|caveat|only|restrict|harm|"
                  r"toxic|offensive|inaccura|hallucinat|weak|poor|struggle|unreliable|out[- ]of[- ]scope)", re.I)
_USE_CUE = lazy(r"\b(?:use[ds]?|using|intended|purpose|design(?:ed)?|suitable|application|task|can be|meant|for)\b", re.I)
_BIBTEX = lazy(r"@\w+\s*\{\s*[^,\s]*,")
_REFERENCE = lazy(r"arxiv\.org/|\barxiv:\s*\d|doi\.org/|\bdoi:\s*10\.|aclanthology\.org/|openreview\.net/", re.I)
# a number starts where no digit precedes it (a match inside a number is also one from its first digit);
# the patterns here and in card/ look behind their first character, not before it: a search for a pattern that
# starts with a character (class) skips ahead to it, several times faster
_CO2 = lazy(r"\d(?<!\d\d)[\d.,]*\s*(?:(?:k?g|kilograms?|t|tons?|tonnes?|lbs?|pounds?)\s*(?:of\s+)?(?:co2|co₂|carbon)|"
            r"(?:k|m|g)?wh\b)|co2(?:[ _-]?eq)?(?: emissions?)?\s*[:=]?\s*\**\s*\d", re.I)
# "co2", "carbon" or a word ending in "wh", in any case, in every match of _CO2: found six times faster, as a
# class of first letters (a case-insensitive alternation is tried at every position)
_CO2_WORD = lazy(r"[cCwW](?:(?<=[cC])(?:[oO][2₂]|[aA][rR][bB][oO][nN])|(?<=[wW])[hH]\b)")


def _co2_figure(text: str) -> bool:
    return bool(_CO2_WORD.search(text) and _CO2.search(text))


def _words_regex(alternatives: str) -> LazyPattern:
    """`\\b(?:a|b|...)\\b`, case-insensitive, with the alternatives grouped under their first letter in their
    order: the same matches, found in half the time (at each word boundary the engine tries one group, not
    every alternative)."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives.split("|"):
        groups.setdefault(alt[0].lower(), []).append(alt[1:])
    return lazy(r"\b(?:" + "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in groups.items()) + r")\b", re.I)


_METRIC = _words_regex(r"loss|accuracy|acc|f1|precision|recall|bleu|rouge\w*|wer|cer|auc|roc|map|mae|mse|rmse|"
                       r"perplexity|ppl|exact[_ ]match|em|reward|mean_reward|ndcg|mrr|pearson|spearman|matthews|mcc|iou|"
                       r"psnr|ssim|fid|score|top-?[15]|meteor|chrf|ter|elo|pass@\d+")
_DIGIT = lazy(r"\d")
_NUMBER = lazy(r"\d(?<![\w.]\d)\d*(?:\.\d+)?\s*%?(?![\w])")
_USAGE_CODE = lazy(r"from_pretrained|pipeline\(|pip install|load_from_hub|hf_hub_download|"
                   r"SentenceTransformer\(|\.predict\(|\.generate\(|mlagents-|python -m|curl |docker run|"
                   r"ollama |llama-cli|\bimport\b", re.I)
_TODO_CODE = lazy(r"^\W*(?:todo|tbd|add your code|your code here)\b", re.I)
# a line of code that does something: not an import, a comment, an ellipsis or a TODO
_DOING = lazy(r"^(?!\s*(?:from\s+\S+\s+import|import\s|#|//|\.\.\.|\s*$|.*\bTODO\b))", re.M)
# a sentence that names the training data: "fine-tuned ... on the cc100 corpus" (not "on the None dataset")
_TRAINED_ON = lazy(r"\b(?:fine-?tuned|trained|pre-?trained|entrenado|ajustado|entraîné|trainiert|treinado|addestrato)\b"
                   r"[^.\n]{0,120}?\b(?:on|sobre|sur|auf|mit|com|con|su|en)\s+(?:the\s+|a\s+|el\s+|la\s+|le\s+|dem\s+)?"
                   r"(?!none\b|an?\s+unknown\b|unknown\b|unkown\b|\[?more information)[\w\[(][^.\n]{2,}", re.I)
_TRAINING_FIELD = lazy(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:datasets?|training (?:data|set|corpus)|train(?:ing)? data|"
                       r"corpus|pre-?processing|trained on|training steps|epochs|learning rate)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?"
                       r"\s*[\w\[]", re.I)
_POINTER = lazy(r"^\W*(?:please\s+)?(?:refer\s+to|see|check(?:\s+out)?|visit|go\s+to|have\s+a\s+look|"
                r"(?:more|further|full)\s+(?:details|information)|details\s+(?:are|can\s+be)|for\s+(?:more\s+)?details)\b", re.I)
_BOLD_HEADING = lazy(r"^\s{0,3}(?:\*\*|__)([^*_\n]{2,60}?)(?:\*\*|__)\s*:?\s*$")
_PROMPTISH = lazy(r"^\s*(?:\*\*)?(?:prompt|negative prompt|instance prompt|example prompt|input|output)s?\b", re.I)


@dataclass(frozen=True)
class TopicStatus:
    topic: str
    status: str  # filled, stub or absent
    line: int | None = None  # the heading (1-based) or the evidence line that decided it
    where: str = ""  # the heading's text, or what the evidence was ("model-index", "text under the title")


_TODO_WORD = lazy(r"\b(?:TODO|TBD|FIXME)\b")


@lru_cache(maxsize=4096)
def heading_topics(title: str, dataset: bool = False) -> tuple[str, ...]:
    """The topics a heading names (cached: the same headings come back card after card)."""
    text = heading_words(title)
    if len(text.split()) > 10:
        return ()  # a sentence set as a heading ("X Dreambooth model trained by Y with Z"), not a section name
    raw = title.strip().strip("`*")
    if " " not in raw and re.search(r"[/_]", raw):
        return ()  # an id set as a heading ("espnet/dns_enh_train_tcn"), a name
    families = DATASET_FAMILIES if dataset else FAMILIES
    out = [t for t, rx in families.items() if rx.search(text) and not (t in _NOT and _NOT[t].search(text))]
    if not dataset and "evaluation" in out and "training" in out and re.search(r"\btraining (?:results|metrics)\b", text):
        out.remove("training")
    return tuple(out)


class _Lines:
    """The body's lines as spans read them, each read once: a prose line's real words, kinds of non-content and
    visible text (stubs and placeholders blanked), the code lines (fences left out), and running totals of words
    and table rows, so that a span's word count is a subtraction. Spans lie in the body (sections, bold
    headings, the text under the title): lines before it count as nothing."""

    def __init__(self, lines: list[str], start: int, heading_lines: set[int], code_indexes: set[int], line):
        n = len(lines)
        self.lines = lines
        self.texts: list[str | None] = [None] * n  # a prose line with real words: its visible text
        self.kinds: list[frozenset | None] = [None] * n  # a prose line: its kinds of non-content
        self.code = [False] * n  # a line of code, not its fence
        self.words, self.tables = [0] * (n + 1), [0] * (n + 1)  # totals over the lines before each index
        words = tables = 0
        for idx in range(n):
            if idx >= start and idx not in heading_lines:
                if idx in code_indexes:
                    self.code[idx] = not lines[idx].lstrip().startswith(("```", "~~~"))
                else:
                    w, self.kinds[idx], text = line(idx)
                    if w:
                        words += w
                        self.texts[idx] = text
                        tables += text.lstrip().startswith("|")
            self.words[idx + 1], self.tables[idx + 1] = words, tables


class _Span:
    """Lines a to b of the body: their real words and table rows at once, the rest when a judgement reads it."""

    def __init__(self, lines: _Lines, a: int, b: int):
        self._lines, self.a, self.b = lines, a, min(b, len(lines.lines))
        self.prose = lines.words[self.b] - lines.words[a] if self.b > a else 0  # real words outside code
        self.table = self.b > a and lines.tables[self.b] > lines.tables[a]

    @cached_property
    def text(self) -> str:  # the visible prose, for cues
        return "\n".join(t for t in self._lines.texts[self.a:self.b] if t is not None)

    @cached_property
    def code_text(self) -> str:
        lines = self._lines
        return "\n".join(lines.lines[i] for i in range(self.a, self.b) if lines.code[i])

    @cached_property
    def code(self) -> bool:  # real code (not a TODO)
        return bool(_DOING.search(self.code_text)) and not _TODO_CODE.match(self.code_text.strip())

    @cached_property
    def raw(self) -> str:  # the lines as written (link addresses included)
        return "\n".join(self._lines.lines[self.a:self.b])

    @cached_property
    def kinds(self) -> frozenset:  # stub, placeholder, boilerplate, todo
        kinds = set().union(*(k for k in self._lines.kinds[self.a:self.b] if k))
        if self.code_text.strip() and not self.code:
            kinds.add("todo")
        return frozenset(kinds)

    @cached_property
    def numbers(self) -> int:  # read only to judge evaluation
        return len(_NUMBER.findall(self.text))

    @cached_property
    def metric_words(self) -> int:
        return len(_METRIC.findall(self.text))


def assess_topics(ctx) -> list[TopicStatus]:
    """Every topic of the card's type, with its status and where it was decided."""
    card = ctx.card
    dataset = ctx.card_type == "dataset"
    topics = DATASET_TOPICS if dataset else MODEL_TOPICS
    scan = card.scan
    visible = scan.visible
    code_indexes = card.code_indexes
    heading_lines = card.naming_indexes
    lines = card.lines

    @lru_cache(maxsize=None)
    def line(idx: int) -> tuple[int, frozenset, str]:
        """(real words, kinds of non-content, the line without stubs and placeholders), once per line."""
        w, k = ctx.line_status(idx)
        v = visible[idx]
        if ("TODO" in v or "TBD" in v or "FIXME" in v) and _TODO_WORD.search(v):
            k = k | {"todo"}
        return w, frozenset(k), scan.blank(idx, v)

    body = _Lines(lines, card.body_index, heading_lines, code_indexes, line)

    def span(a: int, b: int) -> _Span:
        return _Span(body, a, b)

    def judge(topic: str, s: _Span, shared: bool) -> str:
        """filled or stub, for a place (heading) that covers the topic."""
        if topic not in ("how-to-start", "citation") and s.prose <= 25 and not s.table and not s.code \
                and _POINTER.match(s.text.strip()):
            return "stub"  # "Please refer to the repo for the details": a pointer, not the information
        if topic == "how-to-start":
            ok = s.code or (s.prose >= 8 and not _TODO_CODE.match(s.text.strip()) and "todo" not in s.kinds)
        elif topic == "evaluation":
            ok = bool(s.numbers and (s.metric_words or s.table)) or s.prose >= 20  # values, or a real account
        elif topic == "environmental-impact":
            ok = _co2_figure(s.text)
        elif topic == "citation":
            # a BibTeX entry, a paper's address, or a reference with a year; "see the paper" is a pointer
            ok = bool(_BIBTEX.search(s.code_text + "\n" + s.text) or _REFERENCE.search(s.raw)
                      or (s.prose >= 4 and re.search(r"\b(?:19|20)\d\d\b", s.text)) or s.prose >= 12)
        elif topic == "intended-use":
            ok = s.prose >= 3 and (not shared or bool(_USE_CUE.search(s.text)))
        elif topic == "limitations":
            ok = s.prose >= 3 and (not shared or bool(_LIMIT_CUE.search(s.text)))
        else:
            ok = s.prose >= 3 or (s.code and topic in ("training", "structure"))
        return "filled" if ok else "stub"

    found: dict[str, TopicStatus] = {}

    def record(topic: str, status: str, line: int | None, where: str) -> None:
        old = found.get(topic)
        if old is None or (old.status == "stub" and status == "filled"):
            found[topic] = TopicStatus(topic, status, line, where)

    # 1. headings, each with the topics of its family (or, with none, its parent's)
    # the profile's own headings and aliases map to their topics too ("Model Comparison" in timm cards)
    by_name = {n: exp.topic for exp in ctx.profile.sections if exp.topic != "other" for n in exp.names if n != "@title"}
    inherited: dict[int, list[str]] = {}
    title_sec = card.sections[0] if card.sections and card.sections[0].level == 1 else None
    for sec in card.sections:
        own = [] if sec is title_sec else list(heading_topics(sec.title, dataset))  # the title names the model
        named = by_name.get(norm_heading(sec.title))
        if named in _NOT and _NOT[named].search(heading_words(sec.title)):
            named = None  # a profile's alias does not overrule a rule of judgement ("Usage" is not intended use)
        if sec is not title_sec and named and named not in own:
            own.append(named)
        if not own and sec.parent is not None and id(sec.parent) in inherited:
            own = inherited[id(sec.parent)]
        inherited[id(sec)] = own
        if not own:
            continue
        s = span(sec.line, sec.content_end)
        if "intended-use" in own and s.code and s.prose < 3:
            # a code-only "Usage" is how to start, not intended use
            own = [t for t in own if t != "intended-use"] + ([] if "how-to-start" in own else ["how-to-start"])
        for topic in own:
            record(topic, judge(topic, s, len(own) > 1), sec.line, sec.title)
    # a bold line standing as a heading ("**Model Details**", "**Training Data:**") is a place too
    starts = sorted(s.line - 1 for s in card.sections)
    bold = [(idx, m.group(1)) for idx in range(card.body_index, len(lines))
            if idx not in code_indexes and ("**" in lines[idx] or "__" in lines[idx]) and (m := _BOLD_HEADING.match(lines[idx]))]
    stops = sorted(set(starts) | {i for i, _ in bold})
    for idx, text in bold:
        own = heading_topics(text, dataset)
        if not own:
            continue
        end = next((k for k in stops if k > idx), len(lines))
        s = span(idx + 1, end)
        for topic in own:
            record(topic, judge(topic, s, len(own) > 1), idx + 1, text)
    # 2. the text under the title (or the whole card without headings) describes the model
    title = next((s for s in card.sections if s.level == 1), None)
    first = next(iter(card.sections), None)
    if first is None:
        intro = (card.body_index, len(lines), None)
    else:
        # the text under the title (or before the first heading), and under the headings right after it
        # that name no topic ("## `org/model-v2`", "### Please use prompt: ...", "## ESPnet2 ASR model")
        titled = title is not None and title is first
        end = title.content_end if titled else first.line - 1
        for sec in card.sections[1:] if titled else card.sections:
            if inherited.get(id(sec)):
                break
            end = sec.content_end
        intro = (title.line if titled else card.body_index, end, title.line if titled else None)
    s = span(intro[0], intro[1])
    prose = "\n".join(l for l in s.text.split("\n") if not _PROMPTISH.match(l))
    if first is not None and first is not title and not inherited.get(id(first)) and len(first.title.split()) >= 6:
        prose += "\n" + first.title  # a sentence as the first heading: "X Dreambooth model trained by Y"
    fields = sum(1 for l in s.text.split("\n") if (m := BOLD_LABEL.match(l) or PLAIN_LABEL.match(l))
                 and m.group(2).strip())
    if len(re.findall(r"[^\W\d_]{2,}", prose)) >= 3 or fields >= 2:  # prose, or fields such as "Model type: ..."
        record("description", "filled", intro[2], "text under the title" if intro[2] else "text before the first heading")
    # 3. evidence that counts wherever it is
    whole = span(card.body_index, len(lines))
    meta = card.metadata if isinstance(card.metadata, dict) else {}
    if not dataset:
        if _model_index_values(meta.get("model-index")):
            record("evaluation", "filled", None, "model-index")
        for idx in range(card.body_index, len(lines)):
            if idx not in code_indexes and idx not in heading_lines and _metric_value(line(idx)[2]):
                record("evaluation", "filled", idx + 1, "metric values in the text")
                break
        for tok in card.tokens:  # a table whose header names metrics and whose rows hold numbers
            if tok.type == "thead_open" and tok.map and _METRIC.search(lines[tok.map[0]]) and \
                    any(_NUMBER.search(line(i)[2]) for i in range(tok.map[0] + 2, min(tok.map[0] + 8, len(lines)))
                        if i not in code_indexes):
                record("evaluation", "filled", tok.map[0] + 1, "a results table")
                break
        co2 = meta.get("co2_eq_emissions")
        if isinstance(co2, (int, float)) and not isinstance(co2, bool) or \
                isinstance(co2, dict) and isinstance(co2.get("emissions"), (int, float)):
            record("environmental-impact", "filled", None, "co2_eq_emissions")
        if _co2_figure(whole.text):
            record("environmental-impact", "filled", None, "CO2 or energy figures in the text")
        if whole.code and _USAGE_CODE.search(whole.code_text):
            record("how-to-start", "filled", None, "usage code")
        m = _TRAINED_ON.search(whole.text)
        if m:
            record("training", "filled", None, "training data named in the text")
        for idx in range(card.body_index, len(lines)):
            if idx not in code_indexes and ":" in (text := line(idx)[2]) and _TRAINING_FIELD.match(text):
                record("training", "filled", idx + 1, "a training field")  # "* dataset: opus", "Training data: ..."
                break
    else:
        lic = meta.get("license")
        if lic and lic not in ("other", "unknown") or meta.get("license_name"):
            record("licensing", "filled", None, "license in the metadata")
    if _BIBTEX.search(whole.code_text + "\n" + whole.text):
        record("citation", "filled", None, "BibTeX entry")
    return [found.get(t) or TopicStatus(t, "absent") for t in topics]


def _metric_value(line: str) -> bool:
    """A metric and its value on one line: "Accuracy: 0.91", "| F1 | 0.88 |", "reaches 91% accuracy"."""
    if not _DIGIT.search(line):
        return False
    for m in _METRIC.finditer(line[:2000]):
        near = line[max(0, m.start() - 25):m.start()] + " " + line[m.end():m.end() + 40]
        if re.search(r"(?<![\w.])-?\d+(?:\.\d+)?\s*%?(?![\w.-])", near.replace("±", " ")) and \
                not re.search(r"\b(?:19|20)\d\d\b", near):
            return True
    return False


def model_index_metrics(mi):
    """Every entry of every results[].metrics list of a model-index, whatever its shape."""
    if not isinstance(mi, list):
        return
    for entry in mi:
        for res in (entry.get("results") if isinstance(entry, dict) else None) or []:
            metrics = res.get("metrics") if isinstance(res, dict) else None
            yield from metrics if isinstance(metrics, list) else ()


def _model_index_values(mi) -> bool:
    return any(isinstance(m, dict) and m.get("value") not in (None, "") for m in model_index_metrics(mi))
