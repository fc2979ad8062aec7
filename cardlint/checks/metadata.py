"""Metadata rules: the card's YAML front matter checked offline, the way the Hub checks it (CL101-CL110,
CL113; the schema rules are in schema.py)."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

from ..card import MAX_SCAN
from ..packs import vocab, vocab_list
from ..rule import Edit, Fix, Problem, rule
from ..wording import quoted
from ._front import TAGS, closest, items, json_path, mapping, value_fix
from ..patterns import lazy


# -- the block itself --------------------------------------------------------------------------------
@rule("CL101", "missing-front-matter", "The Hub finds no metadata block at the top of the card.", tags=TAGS,
      fix="unsafe")
def missing_front_matter(card, ctx):
    """The Hub finds no metadata block: there is no YAML block opening with `---` on the first
    non-blank line, or a block exists but a UTF-8 byte-order mark or text before it hides it.

    Why: without it the card has no license, no metrics, no tags and no widget on the Hub, and it is
    not found by the Hub's filters.

    Example:
        # My model          <- text first: the block below is plain Markdown to the Hub
        ---
        license: mit
        ---

    Not flagged: a block that opens but is never closed (that is `invalid-front-matter`).

    Fix: put the block first; `cardlint fix --unsafe-fixes` moves a hidden block to the top."""
    if card.front_matter is not None or _unclosed_opening(card):
        return
    hidden = card.hidden_front_matter()
    if card.bom and (card.lines[0].strip() == "---" or hidden):
        yield Problem(1, 1, "a UTF-8 byte-order mark before the opening '---' hides the metadata block from the Hub; "
                      "save the file as UTF-8 without BOM")
    elif hidden:
        yield Problem(1, 1, f"the metadata block at line {hidden} is hidden from the Hub by the text before it; "
                      "move the block to the very top", fix=_move_block_fix(card, hidden))
    else:
        yield Problem(1, 1, "no YAML front matter: the Hub gets no license, metrics, tags or widget for this card; "
                      "add a '---' block with at least `license:` at the top")


def _move_block_fix(card, start: int) -> Fix | None:
    end = next((i for i in range(start + 1, min(len(card.lines), start + 400) + 1) if card.lines[i - 1].rstrip() == "---"), None)
    if end is None:
        return None
    block = "\n".join(card.lines[start - 1:end]) + "\n"
    return Fix((Edit(1, 1, 1, 1, block), Edit(start, 1, end + 1, 1, "")), safe=False,
               description="move the metadata block to the top")


def _unclosed_opening(card) -> int | None:
    for i, line in enumerate(card.lines):
        if line.strip():
            return i + 1 if line == "---" and not card.bom else None
    return None


def _why_unclosed(card, line: int) -> str:
    """What keeps the Hub from finding a block that opens with '---' at `line`, in its own words."""
    lost = "the Hub finds no metadata and reads the whole card as Markdown"
    if line < len(card.lines) and card.lines[line] == "---":
        return (f"'---' right after '---' is an empty block the Hub does not recognise: {lost}; put the metadata "
                "between the two lines, or remove both")
    if "\r\r\n" in card.raw:
        return (f"the line endings are CR CR LF (the file was converted twice), so no closing '---' is found: {lost}; "
                "save the file with LF or CRLF line endings")
    for i in range(line, len(card.lines)):
        if card.lines[i].strip() == "---" and card.lines[i] != card.lines[i].lstrip():
            return f"the closing '---' at line {i + 1} is indented, and only a '---' at the start of a line closes: {lost}"
    return f"the metadata block opened here is never closed with a '---' line: {lost}"


@rule("CL102", "invalid-front-matter", "The metadata block is not valid YAML mapping the Hub can read.",
      severity="error", tags=TAGS + ("hub",))
def invalid_front_matter(card, ctx):
    """The metadata block is never closed (or closed where the Hub does not see it: an empty `---` pair,
    an indented closing fence, CR CR LF line endings), is not valid YAML, is not a mapping of keys to values,
    repeats a key, has keys that YAML reads as numbers or booleans (`1:`, `yes:`), uses YAML tags
    (`!!python/object`), or is too large or too deeply nested to read safely.

    Why: the Hub rejects a push whose metadata does not parse, and silently keeps only the last of two
    equal keys. cardlint never executes YAML tags.

    Example:
        ---
        license: mit
        license: apache-2.0   <- duplicate key: "mit" is silently lost
        ---

    Not flagged: values of the wrong type or outside the Hub's lists: the metadata rules check those
    once the block parses.

    Fix: close the block with a `---` line, fix the YAML at the reported line, or remove the
    duplicate. A card that starts with a horizontal rule `---` should start with its title instead."""
    fm = card.front_matter
    if fm is None:
        line = _unclosed_opening(card)
        if line:
            yield Problem(line, 1, _why_unclosed(card, line))
        return
    for p in fm.problems:
        message = p.message
        if p.kind == "not-mapping":
            message += ("; write `key: value` lines (if the '---' at the top is meant as a horizontal rule, start "
                        "the card with its title instead)")
        yield Problem(p.line, p.column, message)


# -- license ------------------------------------------------------------------------------------------
@rule("CL103", "missing-license", "The metadata has no license.", tags=TAGS)
def missing_license(card, ctx):
    """The metadata has no `license:`, or an empty one (a YAML comment alone counts as empty).

    Why: the Hub shows no license, and users cannot know whether they may use the model.

    Example:
        license:   # See note below on choosing a license.

    Not flagged: cards without front matter (that is `missing-front-matter`); a license only in the
    text (the Hub reads the metadata, so it is still missing).

    Fix: set a Hub license id (`apache-2.0`, `mit`, `cc-by-4.0`, ...) or `license: other` with
    `license_name` and `license_link`."""
    fm = mapping(card)
    if fm is None:
        return
    data = fm.data
    if "license" not in data:
        yield Problem(fm.start_line, 1, "no license in the metadata; add `license:` with a Hub license id "
                      "(e.g. apache-2.0, mit) or `license: other` with license_name and license_link")
    elif data["license"] in (None, "", []):
        yield Problem(fm.key_line("license"), 1, "license is empty; set a Hub license id (e.g. apache-2.0, mit)")


@rule("CL104", "unknown-license", "The license is not one of the Hub's license ids.", severity="error",
      tags=TAGS + ("hub",), fix="safe")
def unknown_license(card, ctx):
    """The license is not one of the Hub's license ids (lowercase, e.g. `apache-2.0`).

    Why: the Hub rejects the push with `"license" must be one of [...]`.

    Example: `license: Apache-2.0` (the id is `apache-2.0`), `license: Apache 2.0`.

    Not flagged: an empty license (that is `missing-license`); `other` and `unknown`, which are ids.

    Fix: use the id cardlint suggests; the safe fix rewrites a case or spelling variant."""
    fm = mapping(card)
    if fm is None:
        return
    known = vocab("licenses")
    for path, value in items(fm.data.get("license"), "license"):
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            line, col = fm.where(path)
            yield Problem(line, col, f"license {quoted(value)} is not a license id; write a Hub license id such as apache-2.0")
            continue
        if value in known:
            continue
        line, col = fm.where(path)
        guess = closest(value, known)
        if guess:
            fix = value_fix(fm, path, guess, f"license {value} -> {guess}") if guess.lower() == value.lower() or \
                re.sub(r"[\s_-]+", "", guess.lower()) == re.sub(r"[\s_-]+|licen[sc]e", "", value.lower()) else None
            yield Problem(line, col, f"license {quoted(value)} is not a Hub license id; did you mean {quoted(guess)}?", fix=fix)
        else:
            yield Problem(line, col, f"license {quoted(value)} is not a Hub license id; use an id from "
                          "https://huggingface.co/docs/hub/repositories-licenses or `other` with license_name")


@rule("CL105", "license-other-incomplete", "`license: other` without license_name or license_link.", tags=TAGS)
def license_other_incomplete(card, ctx):
    """`license: other` without `license_name` (a short id for the license) or `license_link` (a URL
    or a file in the repo such as LICENSE).

    Why: with `other`, the Hub shows the license only through those two keys.

    Example:
        license: other      <- which license?

    Not flagged: any license id other than `other`; a card whose text names and links its license (a
    link to the license in a "License" section, or a link whose text or address says "license"), since
    its readers find the license there.

    Fix: add `license_name: my-license-1.0` and `license_link: LICENSE`, or use the Hub id if the
    license has one (e.g. `llama3.1`)."""
    fm = mapping(card)
    if fm is None:
        return
    lic = fm.data.get("license")
    values = lic if isinstance(lic, list) else [lic]
    if "other" not in values:
        return
    missing = [k for k in ("license_name", "license_link") if not fm.data.get(k)]
    if missing and not _links_its_license(card):
        line, col = fm.where(("license",))
        yield Problem(line, col, f"license is \"other\" but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                      "missing; name the license and link to its text")


_LINK = lazy(r"\[([^\[\]\n]{1,200})\]\(([^()\s]{1,500})\)|<a\s[^>]*href=[\"']([^\"']{1,500})[\"'][^>]*>([^<]{0,200})", re.I)


def _links_its_license(card) -> bool:
    """Whether the card's text links its license: a link under a License heading, or a link whose text or
    address says "license" (LICENSE, /blob/main/LICENSE.md, "Modified MIT License")."""
    in_license = set()
    for sec in card.sections:
        if re.search(r"licen[cs]", sec.title, re.I):
            in_license.update(range(sec.line, sec.end_line))
    for idx in range(card.body_index, len(card.lines)):
        if idx in card.code_indexes:
            continue
        for m in _LINK.finditer(card.lines[idx]):
            if idx in in_license or re.search(r"licen[cs]", m.group(0), re.I):
                return True
    return False


# -- metrics, ids, vocabularies ------------------------------------------------------------------------
def _model_index_has_metrics(mi) -> bool:
    from ..topics import model_index_metrics
    return any(True for _ in model_index_metrics(mi))


@rule("CL106", "missing-metrics", "A model card declares no metric, in `metrics` or in `model-index`.", tags=TAGS)
def missing_metrics(card, ctx):
    """A model card with neither a non-empty `metrics` list nor any metric in `model-index`.

    Why: readers and the Hub's leaderboards look for what a model was measured with.

    Example:
        metrics:   # key list: https://hf.co/metrics

    Not flagged: dataset cards; cards without front matter; results written only in the text.

    Fix: list the metric ids (`metrics: [accuracy, f1]`) or add evaluation results in `model-index`."""
    fm = mapping(card)
    if fm is None or ctx.card_type != "model":
        return
    metrics = fm.data.get("metrics")
    if metrics and (isinstance(metrics, (list, str))) or _model_index_has_metrics(fm.data.get("model-index")):
        return
    line = fm.key_line("metrics") if "metrics" in fm.data else fm.start_line
    what = "metrics is empty" if "metrics" in fm.data else "no metrics in the metadata"
    yield Problem(line, 1, f"{what}; list the metric ids (e.g. `metrics: [accuracy]`) or add results in model-index")


_PATH_EXT = lazy(r"\.(?:csv|tsv|json|jsonl|parquet|txt|zip|tar|gz|tgz|bz2|xz|bin|pt|pth|ckpt|safetensors|h5|hdf5|"
                 r"npy|npz|pkl|pickle|arrow|xlsx?|ya?ml|onnx|tfrecord|png|jpe?g|wav|mp3)$", re.I)


def path_reason(value: str) -> str | None:
    v = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", v, re.I):
        return "a URL"
    if v.startswith(("/", "./", "../", "~")) or v in (".", ".."):
        return "a filesystem path"
    if re.match(r"^[A-Za-z]:[\\/]", v) or "\\" in v:
        return "a Windows path"
    if v.endswith("/"):
        return "a folder path"
    if v.count("/") >= 2:
        return "a path (a Hub id has one '/')"
    if _PATH_EXT.search(v):
        return "a file name"
    return None


@rule("CL107", "local-path-as-hub-id", "An entry of datasets or base_model is a local path, not a Hub id.",
      severity="error", tags=TAGS + ("hub",))
def local_path_as_hub_id(card, ctx):
    """An entry of `datasets` or `base_model` is a URL, a filesystem or Windows path, a folder, a path
    with more than one `/`, or a file name, where a Hub id (`owner/name`) belongs.

    Why: training scripts often write the local path they read from; the Hub rejects the push:
    `"datasets[0]" with value "/var/hf/images/" is not valid`.

    Example:
        datasets:
        - data/labels.csv

    Not flagged: ids without an owner (`imdb`, `bert-base-uncased`), which the Hub still resolves.

    Fix: use the Hub id of the dataset or model, or remove the entry."""
    fm = mapping(card)
    if fm is None:
        return
    for key in ("datasets", "base_model"):
        for path, value in items(fm.data.get(key), key):
            if not isinstance(value, str):
                continue
            reason = path_reason(value)
            if reason:
                line, col = fm.where(path)
                kind = "dataset" if key == "datasets" else "model"
                yield Problem(line, col, f"{json_path(path)} {quoted(value)} is {reason}, not a Hub {kind} id; the Hub rejects "
                              f"it at push time: use an id like \"owner/name\" or remove the entry")


def _vocab_problem(fm, key: str, vocab_name: str, what: str, *, notes=None, effect: str = ""):
    value = fm.data.get(key)
    if value is None:
        return
    line, col = fm.where((key,))
    if not isinstance(value, str):
        yield Problem(line, col, f"{key} must be a single {what} string, not {type(value).__name__}")
        return
    known = vocab(vocab_name)
    if value in known:
        return
    said = f"{key} {quoted(value)} is not a Hub {what}{effect}"
    if notes and value.lower() in notes:
        yield Problem(line, col, f"{said}; {notes[value.lower()]}")
        return
    guess = closest(value, vocab_list(vocab_name), cutoff=0.8)
    near = guess or closest(value, vocab_list(vocab_name), cutoff=0.6)
    hint = (f"did you mean {quoted(guess)}?" if guess else f"the nearest id on the Hub's list is {quoted(near)}" if near
            else f"see the list with `cardlint explain {key}`")
    yield Problem(line, col, f"{said}; {hint}",
                  fix=value_fix(fm, (key,), guess, f"{key} -> {guess}") if guess and guess.lower() == value.lower() else None)


@rule("CL108", "unknown-pipeline-tag", "pipeline_tag is not one of the Hub's tasks.", tags=TAGS, fix="safe")
def unknown_pipeline_tag(card, ctx):
    """`pipeline_tag` is not one of the Hub's task ids (`text-classification`, `image-segmentation`, ...).

    Why: it picks the widget and the task filter on the Hub; under an unknown task the model has no
    widget and is found by no one filtering by task. (A warning: no public source shows the Hub rejecting
    a push for it.)

    Example: `pipeline_tag: image-regression` (no such task).

    Not flagged: a card without `pipeline_tag` (the Hub infers it for transformers models).

    Fix: use the closest task id, or drop the key and let the Hub infer it."""
    fm = mapping(card)
    if fm is not None:
        yield from _vocab_problem(fm, "pipeline_tag", "pipeline-tags", "task id",
                                  effect=": the Hub shows no widget for it and lists the model under no task")


_LIBRARY_NOTES = {
    "torch": "plain PyTorch has no Hub library id: use the library that loads the model (e.g. transformers, "
             "timm, diffusers) or drop the key",
    "pytorch": "plain PyTorch has no Hub library id: use the library that loads the model (e.g. transformers, "
               "timm, diffusers) or drop the key",
    "tensorflow": "use `keras` or `tf-keras`, or the library that loads the model",
    "scikit-learn": "the Hub id is \"sklearn\"",
}


@rule("CL109", "unknown-library-name", "library_name is not one of the Hub's library ids.", tags=TAGS, fix="safe")
def unknown_library_name(card, ctx):
    """`library_name` is not one of the Hub's library ids, which are case-sensitive (`transformers`,
    `sentence-transformers`, `timm`, `PaddleOCR`).

    Why: the id tells the Hub which code snippet and which download counter to show. The Hub accepts
    other names (real libraries such as `cleanrl` or `txtai` are not on its list), so this is a warning
    that the card gets no snippet, not an error.

    Example: `library_name: torch` (no such library id).

    Not flagged: a card without `library_name`; the ids of the Hub's list, which are case-sensitive.

    Fix: use the id of the library that loads the model."""
    fm = mapping(card)
    if fm is not None:
        yield from _vocab_problem(fm, "library_name", "library-names", "library id", notes=_LIBRARY_NOTES,
                                  effect=": the Hub shows no widget or code snippet for it")


@lru_cache(maxsize=None)
def _languages() -> frozenset[str]:
    """Every code the Hub takes as a language (some 8,000): built once, not per card."""
    return frozenset(chain(vocab_list("languages-iso639-1"), vocab_list("languages-iso639-2"),
                           vocab_list("languages-iso639-3"), vocab_list("languages-iso639-5"), ("multilingual", "code")))


@rule("CL110", "invalid-language", "A language is not a lowercase ISO 639-1, 639-2 or 639-3 code.",
      tags=TAGS, fix="safe")
def invalid_language(card, ctx):
    """A `language` entry is not a lowercase ISO 639 code or a special value, or YAML read it as a
    boolean (an unquoted `no`, Norwegian, is false), or a dataset card gives a single string.

    Why: the Hub's language filter knows only the codes; `EN` or `en-US` are not among them, and a card
    under them is found by no one filtering by language. (A warning: no public source shows the Hub
    rejecting a push for it.)

    Example:
        language:
        - no       <- read as false; write "no"

    Not flagged: ISO 639-1 (`en`), ISO 639-2 (`fre`, collective codes such as `sem`) and ISO 639-3
    (`eng`) codes, ISO 639-5 family codes (`zle`), `multilingual` and `code`.

    Fix: quote `no`, lowercase the code, drop the region (`en-US` -> `en`)."""
    fm = mapping(card)
    if fm is None or "language" not in fm.data:
        return
    value = fm.data["language"]
    if isinstance(value, str) and ctx.card_type == "dataset":
        line, col = fm.where(("language",))
        yield Problem(line, col, f"language must be a list for a dataset card; write [{value}]",
                      fix=value_fix(fm, ("language",), [value], "language -> list"))
    if not isinstance(value, (list, str, bool)):
        if value is not None:
            line, col = fm.where(("language",))
            yield Problem(line, col, "language must be a code or a list of codes")
        return
    valid = _languages()
    for path, item in items(value, "language"):
        line, col = fm.where(path)
        if isinstance(item, bool):
            word = {True: "yes/on/true", False: "no/off/false"}[item]
            hint = ' (Norwegian is "no" in quotes)' if item is False else ""
            yield Problem(line, col, f"YAML reads this language ({word}) as a boolean, not a code{hint}; quote it")
            continue
        if not isinstance(item, str):
            yield Problem(line, col, f"language {quoted(item)} is not a language code")
            continue
        if item in valid:
            continue
        guess = None
        if item.lower() in valid:
            guess = item.lower()
        else:
            base = re.split(r"[-_]", item)[0].lower()
            if base in valid:
                guess = base
        if guess:
            fix = value_fix(fm, path, guess, f"language {item} -> {guess}") if guess == item.lower() else None
            yield Problem(line, col, f"language {quoted(item)} is not a lowercase ISO 639 code; did you mean {quoted(guess)}?", fix=fix)
        else:
            yield Problem(line, col, f"language {quoted(item)} is not an ISO 639-1, 639-2 or 639-3 code (e.g. \"en\", \"fra\")")


# -- front matter against body ---------------------------------------------------------------------------
_BODY_LICENSE = lazy(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?licen[sc]e(?:\s*\(s\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$", re.I)
_BODY_BASE = lazy(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:fine-?tuned\s+from(?:\s+model)?|base\s+model|parent\s+model)"
                  r"(?:\s*\[optional\])?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$", re.I)
_HUB_ID = lazy(r"(?:huggingface\.co/|hf\.co/)?\b([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})")


def _plain(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip().rstrip(".")


@rule("CL113", "metadata-body-mismatch", "The front matter and the card's text disagree.", tags=TAGS)
def metadata_body_mismatch(card, ctx):
    """The metadata and the card's text clearly contradict each other: `license: mit` in the metadata
    and "License: Apache 2.0" in the text, or `base_model: a/b` and "Finetuned from model: c/d".

    Why: readers are told two different things, and the Hub only knows the metadata.

    Example: `license: mit` with a "**License:** apache-2.0" field in the body.

    Not flagged: anything less than a clear contradiction: both sides must name a known license id,
    or a Hub model id; a "License:" bullet nested under another item (the license of a sibling model
    the card lists).

    Fix: make the text and the metadata say the same thing."""
    fm = mapping(card)
    if fm is None:
        return
    lic = fm.data.get("license")
    licenses = vocab("licenses")
    bases = fm.data.get("base_model")
    bases = [bases] if isinstance(bases, str) else [b for b in bases or [] if isinstance(b, str)]
    bases_lower = {b.lower() for b in bases}
    known = isinstance(lic, str) and lic in licenses and lic not in ("other", "unknown")
    if not known and not bases:
        return  # nothing in the metadata for the text to contradict
    for idx in range(card.body_index, len(card.lines)):
        if ":" not in card.lines[idx] or not card.rendered_lines[idx].strip():
            continue  # both fields are "Label: value" lines
        raw = card.lines[idx][:MAX_SCAN]
        if "<!--" in raw:
            raw = re.sub(r"<!--.*?-->", "", raw)
        m = _BODY_LICENSE.match(raw)
        if m and re.match(r"\s{2,}[-*+]\s", raw):
            continue  # a nested bullet: the license of the item above it (a sibling model), not of this card
        if m and known:
            said = _plain(m.group(1))
            canon = closest(said, licenses, cutoff=None) if said else None
            if canon and canon not in ("other", "unknown") and canon != lic:
                yield Problem(idx + 1, m.start(1) + 1, f"the text says license {quoted(said)} but the metadata says "
                              f"{quoted(lic)}; make them agree")
            continue
        m = _BODY_BASE.match(raw)
        if m and bases:
            ids = [i for i in _HUB_ID.findall(m.group(1)) if not i.lower().startswith(("www.", "github.com"))]
            ids = [i for i in ids if "." not in i.split("/")[0]]
            if ids and not any(i.lower().rstrip(".") in bases_lower for i in ids):
                yield Problem(idx + 1, m.start(1) + 1, f"the text says fine-tuned from {quoted(ids[0])} but base_model is "
                              f"{quoted(', '.join(bases))}; make them agree")
