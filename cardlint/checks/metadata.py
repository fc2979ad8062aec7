"""Metadata rules: the card's YAML front matter checked offline, the way the Hub checks it (CL1xx)."""
from __future__ import annotations

import difflib
import re

from ..card import MAX_SCAN, yaml_scalar
from ..packs import schema, vocab, vocab_list
from ..rule import Edit, Fix, Problem, rule

TAGS = ("metadata",)


def _fm(card):
    """The front matter if it parsed into a mapping; None otherwise (other rules report why)."""
    fm = card.front_matter
    return fm if fm is not None and isinstance(fm.data, dict) else None


def _q(value) -> str:
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return '"' + text.replace('"', '\\"') + '"'


def _path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _items(value, key: str):
    """(path, item) for a value that may be one item or a list of them."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield (key, i), item
    elif value is not None:
        yield (key,), value


def closest(value: str, choices, *, cutoff: float | None = 0.75) -> str | None:
    """The choice a user most likely meant: same text in another case, the same with spaces or
    underscores for hyphens or without the word "license", else the nearest spelling."""
    lower = {c.lower(): c for c in choices}
    v = value.strip().lower()
    if v in lower:
        return lower[v]
    norm = re.sub(r"[\s_]+", "-", v)
    norm = re.sub(r"-?\blicen[sc]e\b-?", "-", norm).strip("-")
    norm = re.sub(r"-+", "-", norm)
    for cand in (norm, norm.replace("-v", "-"), re.sub(r"(\d)$", r"\1.0", norm)):
        if cand in lower:
            return lower[cand]
    if cutoff is None:  # only exact spelling variants
        return None
    match = difflib.get_close_matches(norm, list(lower), n=1, cutoff=cutoff)
    return lower[match[0]] if match else None


def _value_fix(fm, path, value, description: str) -> Fix | None:
    """Replace a scalar value node in place with `value` (a string, or a list of strings), written so that
    YAML reads back exactly that value and type; the rest of the YAML stays byte for byte."""
    if path not in fm.positions or path not in fm.ends or path not in fm.sources:
        return None
    source = fm.sources[path]
    quote = source[:1] if source[:1] in ("'", '"') else ""
    if isinstance(value, list):
        text = "[" + ", ".join(yaml_scalar(v, quote, flow=True) for v in value) + "]"
    else:
        text = yaml_scalar(value, quote)
    (l1, c1), (l2, c2) = fm.positions[path], fm.ends[path]
    return Fix((Edit(l1, c1, l2, c2, text, expect=source),), safe=True, description=description,
               metadata=((path, value),))


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
    fm = _fm(card)
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
    fm = _fm(card)
    if fm is None:
        return
    known = vocab("licenses")
    for path, value in _items(fm.data.get("license"), "license"):
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            line, col = fm.where(path)
            yield Problem(line, col, f"license {_q(value)} is not a license id; write a Hub license id such as apache-2.0")
            continue
        if value in known:
            continue
        line, col = fm.where(path)
        guess = closest(value, known)
        if guess:
            fix = _value_fix(fm, path, guess, f"license {value} -> {guess}") if guess.lower() == value.lower() or \
                re.sub(r"[\s_-]+", "", guess.lower()) == re.sub(r"[\s_-]+|licen[sc]e", "", value.lower()) else None
            yield Problem(line, col, f"license {_q(value)} is not a Hub license id; did you mean {_q(guess)}?", fix=fix)
        else:
            yield Problem(line, col, f"license {_q(value)} is not a Hub license id; use an id from "
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
    fm = _fm(card)
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


_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\(([^()\s]{1,500})\)|<a\s[^>]*href=[\"']([^\"']{1,500})[\"'][^>]*>([^<]{0,200})", re.I)


def _links_its_license(card) -> bool:
    """Whether the card's text links its license: a link under a License heading, or a link whose text or
    address says "license" (LICENSE, /blob/main/LICENSE.md, "Modified MIT License")."""
    in_license = set()
    for sec in card.sections:
        if re.search(r"licen[cs]", sec.title, re.I):
            in_license.update(range(sec.line, sec.end_line))
    for idx in range(card.body_start, len(card.lines)):
        if idx in card.code_lines:
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
    fm = _fm(card)
    if fm is None or ctx.card_type != "model":
        return
    metrics = fm.data.get("metrics")
    if metrics and (isinstance(metrics, (list, str))) or _model_index_has_metrics(fm.data.get("model-index")):
        return
    line = fm.key_line("metrics") if "metrics" in fm.data else fm.start_line
    what = "metrics is empty" if "metrics" in fm.data else "no metrics in the metadata"
    yield Problem(line, 1, f"{what}; list the metric ids (e.g. `metrics: [accuracy]`) or add results in model-index")


_PATH_EXT = re.compile(r"\.(?:csv|tsv|json|jsonl|parquet|txt|zip|tar|gz|tgz|bz2|xz|bin|pt|pth|ckpt|safetensors|h5|hdf5|"
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
    fm = _fm(card)
    if fm is None:
        return
    for key in ("datasets", "base_model"):
        for path, value in _items(fm.data.get(key), key):
            if not isinstance(value, str):
                continue
            reason = path_reason(value)
            if reason:
                line, col = fm.where(path)
                kind = "dataset" if key == "datasets" else "model"
                yield Problem(line, col, f"{_path(path)} {_q(value)} is {reason}, not a Hub {kind} id; the Hub rejects "
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
    said = f"{key} {_q(value)} is not a Hub {what}{effect}"
    if notes and value.lower() in notes:
        yield Problem(line, col, f"{said}; {notes[value.lower()]}")
        return
    guess = closest(value, vocab_list(vocab_name), cutoff=0.8)
    near = guess or closest(value, vocab_list(vocab_name), cutoff=0.6)
    hint = (f"did you mean {_q(guess)}?" if guess else f"the nearest id on the Hub's list is {_q(near)}" if near
            else f"see the list with `cardlint explain {key}`")
    yield Problem(line, col, f"{said}; {hint}",
                  fix=_value_fix(fm, (key,), guess, f"{key} -> {guess}") if guess and guess.lower() == value.lower() else None)


@rule("CL108", "unknown-pipeline-tag", "pipeline_tag is not one of the Hub's tasks.", tags=TAGS, fix="safe")
def unknown_pipeline_tag(card, ctx):
    """`pipeline_tag` is not one of the Hub's task ids (`text-classification`, `image-segmentation`, ...).

    Why: it picks the widget and the task filter on the Hub; under an unknown task the model has no
    widget and is found by no one filtering by task. (A warning: no public source shows the Hub rejecting
    a push for it.)

    Example: `pipeline_tag: image-regression` (no such task).

    Not flagged: a card without `pipeline_tag` (the Hub infers it for transformers models).

    Fix: use the closest task id, or drop the key and let the Hub infer it."""
    fm = _fm(card)
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
    fm = _fm(card)
    if fm is not None:
        yield from _vocab_problem(fm, "library_name", "library-names", "library id", notes=_LIBRARY_NOTES,
                                  effect=": the Hub shows no widget or code snippet for it")


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
    fm = _fm(card)
    if fm is None or "language" not in fm.data:
        return
    value = fm.data["language"]
    if isinstance(value, str) and ctx.card_type == "dataset":
        line, col = fm.where(("language",))
        yield Problem(line, col, f"language must be a list for a dataset card; write [{value}]",
                      fix=_value_fix(fm, ("language",), [value], "language -> list"))
    if not isinstance(value, (list, str, bool)):
        if value is not None:
            line, col = fm.where(("language",))
            yield Problem(line, col, "language must be a code or a list of codes")
        return
    valid = (vocab("languages-iso639-1") | vocab("languages-iso639-2") | vocab("languages-iso639-3")
             | vocab("languages-iso639-5") | {"multilingual", "code"})
    for path, item in _items(value, "language"):
        line, col = fm.where(path)
        if isinstance(item, bool):
            word = {True: "yes/on/true", False: "no/off/false"}[item]
            hint = ' (Norwegian is "no" in quotes)' if item is False else ""
            yield Problem(line, col, f"YAML reads this language ({word}) as a boolean, not a code{hint}; quote it")
            continue
        if not isinstance(item, str):
            yield Problem(line, col, f"language {_q(item)} is not a language code")
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
            fix = _value_fix(fm, path, guess, f"language {item} -> {guess}") if guess == item.lower() else None
            yield Problem(line, col, f"language {_q(item)} is not a lowercase ISO 639 code; did you mean {_q(guess)}?", fix=fix)
        else:
            yield Problem(line, col, f"language {_q(item)} is not an ISO 639-1, 639-2 or 639-3 code (e.g. \"en\", \"fra\")")


# -- model-index ------------------------------------------------------------------------------------------
_NULL_VALUE = "is empty (null): the result says nothing; give the measured value, or remove the metric"


# What each part of a model-index is, for the messages (the shape itself is in the JSON Schema): an instance
# path with list indexes as [] -> what a wrong value there must be
_MI_WHAT = {
    ("model-index",): "a list of models (each with name and results)",
    ("model-index", "[]"): "a mapping with name and results",
    ("model-index", "[]", "results", "[]"): "a mapping with task, dataset and metrics",
    ("model-index", "[]", "results", "[]", "metrics", "[]"): "a mapping with type and value",
    ("model-index", "[]", "results", "[]", "source"): "a mapping with url",
}
# the order the Hub's own validator names sibling keys in (so findings at one place come in that order)
_MI_KEYS = ("type", "name", "results", "task", "dataset", "config", "split", "revision", "args", "metrics",
            "value", "source", "url")


def _missing(key: str) -> str:
    return "must have property 'url' (required when source is given)" if key == "url" else f"must have property '{key}'"


def model_index_problems(mi):
    """(path, message) for every problem in a model-index, checked by the model card JSON Schema and
    worded as the Hub words them: a required key that is absent or empty is missing (on the mapping that
    lacks it), a metric's empty value is an empty result."""
    if mi is None:
        return
    node = schema("model-card")["properties"]["model-index"]
    if quick_valid(mi, node, node):
        return
    import jsonschema
    found = []
    for error in jsonschema.Draft202012Validator(node).iter_errors(mi):
        path = ("model-index", *error.absolute_path)
        shape = tuple("[]" if isinstance(p, int) else p for p in path)
        if error.validator == "required":
            for key in error.validator_value:
                if key not in error.instance:
                    found.append((path + (key,), path, _missing(key)))
            continue
        parent, key = path[:-1], path[-1]
        if error.validator == "not" and key == "value":
            found.append((path, path, _NULL_VALUE))
        elif key == "url" or (error.instance is None and isinstance(key, str)):  # a required key left empty is missing
            found.append((path, parent, _missing(key)))
        elif error.validator == "type":
            kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            what = _MI_WHAT.get(shape) or ("a string" if "string" == kinds[0] else "a list" if "array" in kinds
                                           else "a mapping")
            found.append((path, path, f"must be {what}"))
        else:
            found.append((path, path, error.message))
    order = lambda item: [p if isinstance(p, int) else _MI_KEYS.index(p) if p in _MI_KEYS else len(_MI_KEYS)
                          for p in item[0][1:]]
    for _, where, message in sorted(dict.fromkeys(found), key=order):
        yield where, message


@rule("CL111", "invalid-model-index", "model-index is missing required keys or has wrong types.", severity="error",
      tags=TAGS + ("hub",))
def invalid_model_index(card, ctx):
    """`model-index` misses a required key (name, results, task.type, dataset.type, dataset.name,
    metrics[].type, metrics[].value) or has a value of the wrong type.

    Why: the Hub and huggingface_hub parse it into evaluation results; a wrong shape makes the push
    fail or the results vanish.

    Example:
        dataset:
          config: 2017   <- a number: "model-index[0].results[0].dataset.config" must be a string

    Not flagged: optional keys that are absent (args, config, split, verified); metric values that are
    not numbers (the Hub shows them as text). A `value: null` is a warning that says the result is
    empty, not that the key is missing.

    Fix: add the key or quote the value at the reported line."""
    fm = _fm(card)
    if fm is None:
        return
    for path, message in model_index_problems(fm.data.get("model-index")):
        line, col = fm.where(path)
        # an empty value is a result left out (incomplete, so a warning), not a shape the Hub rejects
        yield Problem(line, col, f"{_path(path)} {message}", severity="warning" if message is _NULL_VALUE else None)


# -- everything else the schema says -------------------------------------------------------------------
_OWNED = {"license", "language", "model-index", "pipeline_tag", "library_name"}
_TYPE_WORDS = {"string": "a string", "array": "a list", "object": "a mapping", "boolean": "true or false",
               "number": "a number", "integer": "a whole number", "null": "empty"}
_VALIDATORS: dict = {}


_JSON_TYPES = {"string": str, "array": list, "object": dict, "boolean": bool, "null": type(None)}


def quick_valid(instance, node: dict, root: dict) -> bool:
    """Whether an instance satisfies the subset of JSON Schema our schemas use (type, properties,
    items, anyOf, enum, minLength, minItems, required, $ref). Most cards are valid: this answers
    them without importing jsonschema (a fifth of the start-up time); anything it rejects, or any
    keyword it does not know, goes to jsonschema for the real error messages."""
    for key, value in node.items():
        if key == "$ref":
            target = root
            for part in value.lstrip("#/").split("/"):
                target = target[part]
            if not quick_valid(instance, target, root):
                return False
        elif key == "type":
            kinds = value if isinstance(value, list) else [value]
            if not any(_is_type(instance, k) for k in kinds):
                return False
        elif key == "properties":
            if isinstance(instance, dict):
                for prop, sub in value.items():
                    if prop in instance and not quick_valid(instance[prop], sub, root):
                        return False
        elif key == "items":
            if isinstance(instance, list) and not all(quick_valid(item, value, root) for item in instance):
                return False
        elif key == "anyOf":
            if not any(quick_valid(instance, sub, root) for sub in value):
                return False
        elif key == "enum":
            if instance not in value:
                return False
        elif key == "not":
            if quick_valid(instance, value, root):
                return False
        elif key == "minLength":
            if isinstance(instance, str) and len(instance) < value:
                return False
        elif key == "minItems":
            if isinstance(instance, list) and len(instance) < value:
                return False
        elif key == "required":
            if isinstance(instance, dict) and any(k not in instance for k in value):
                return False
        elif key not in ("$schema", "$id", "title", "description", "$defs", "x-cardlint-vocab"):
            return False  # a keyword this checker does not know: let jsonschema decide
    return True


def _is_type(instance, kind: str) -> bool:
    if kind in ("number", "integer"):
        return isinstance(instance, (int, float)) and not isinstance(instance, bool) and \
            (kind == "number" or float(instance).is_integer())
    return isinstance(instance, _JSON_TYPES[kind]) and not (kind != "boolean" and isinstance(instance, bool))


def _validator(name: str):
    if name not in _VALIDATORS:
        import jsonschema  # only cards with front matter pay for this import
        _VALIDATORS[name] = jsonschema.Draft202012Validator(schema(name))
    return _VALIDATORS[name]


def _describe(error) -> str:
    v = error.validator
    if v == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return "must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
    if v == "anyOf":
        kinds = []
        for sub in error.validator_value:
            t = sub.get("type") or ("string" if "$ref" in sub else None)
            for k in (t if isinstance(t, list) else [t]):
                if k and _TYPE_WORDS.get(k, k) not in kinds:
                    kinds.append(_TYPE_WORDS.get(k, k))
        if isinstance(error.instance, str) and "" == error.instance:
            return "is not allowed to be empty"
        return "must be " + " or ".join(kinds) if kinds else "is not valid"
    if v in ("minLength", "minItems"):
        return "is not allowed to be empty"
    if v == "required":
        return error.message.replace("is a required property", "is required").replace("'", "'")
    if v == "enum":
        guess = closest(str(error.instance), [str(x) for x in error.validator_value], cutoff=0.6)
        hint = f"; did you mean {_q(guess)}?" if guess else ""
        return f"with value {_q(error.instance)} is not valid{hint}"
    return error.message


@rule("CL112", "invalid-metadata", "A metadata key has a type or value the Hub rejects.", severity="error",
      tags=TAGS + ("hub",), fix="safe")
def invalid_metadata(card, ctx):
    """The front matter breaks cardlint's JSON Schema for model or dataset card metadata
    (rules/schemas) in a way the more specific rules do not cover: `widget` must be a list, `tags` a
    list, `base_model` not empty, dataset `configs` entries need `config_name`, and so on. Messages
    use the Hub's JSON path style.

    Why: the Hub rejects such metadata at push time, or reads it wrongly (a string of tags is read one
    character at a time).

    Example: `tags: medical` (huggingface_hub turns it into ['m', 'e', 'd', ...]).

    An empty top-level key (`tags:` with nothing after it) is not flagged: the Hub only warns; an empty
    `base_model` is, since the Hub rejects it. A dataset card's `task_ids` holding a task category (`text-classification`, which belongs in
    `task_categories`) is a warning.

    Not flagged: keys the schema does not know (the Hub keeps them); what license, pipeline_tag,
    library_name, language and model-index rules report.

    Fix: as the message says; a string where a list is required is wrapped in [ ] safely."""
    fm = _fm(card)
    if fm is None or not fm.data:
        return
    name = "dataset-card" if ctx.card_type == "dataset" else "model-card"
    if name == "dataset-card":
        yield from _task_ids_problems(fm)
    if quick_valid(fm.data, schema(name), schema(name)):
        return
    errors = sorted(_validator(name).iter_errors(fm.data), key=lambda e: [str(p) for p in e.absolute_path])
    seen = set()
    for error in errors:
        if error.validator == "anyOf" and error.context:
            # the value had the right shape for one alternative: report what is wrong inside it
            inner = [e for e in error.context if e.validator != "type"]
            if inner:
                error = max(inner, key=lambda e: len(e.absolute_path))
        path = tuple(error.absolute_path)
        if not path or path[0] in _OWNED:
            continue
        if error.validator == "required":
            missing = re.findall(r"'([^']+)'", error.message)
            path_text = _path(path)
            line, col = fm.where(path)
            yield Problem(line, col, f"{path_text} must have property {missing[0]!r}" if missing else f"{path_text} {error.message}")
            continue
        if path in seen:
            continue
        seen.add(path)
        line, col = fm.where(path)
        if error.instance is None and len(path) == 1 and path[0] not in _NOT_EMPTY:
            continue  # an empty key (`tags:`): the Hub warns and ignores it, it does not reject the push
        if error.instance is None:
            yield Problem(line, col, f"{_path(path)} is not allowed to be empty: give it a value or remove the key")
            continue
        message = f"{_path(path)} {_describe(error)}"
        if isinstance(error.instance, bool):
            message += "; YAML reads an unquoted yes/no/on/off/true/false as a boolean: quote it"
        fix = None
        if isinstance(error.instance, str) and error.instance and ("array" in str(error.schema.get("type", "")) or
                                                                   any(s.get("type") == "array" for s in error.schema.get("anyOf", []))):
            message += f"; a string is read one character at a time: write [{error.instance}]"
            fix = _value_fix(fm, path, [error.instance], f"{_path(path)} -> list")
        yield Problem(line, col, message, fix=fix)


# keys the Hub refuses to see empty ("base_model" is not allowed to be empty, GH huggingface/transformers#25961)
_NOT_EMPTY = {"base_model"}


def _task_ids_problems(fm):
    """A dataset's task_ids entry that is a task category (`text-classification`): the Hub files the dataset
    under no sub-task. A warning: no public source shows the Hub rejecting it."""
    categories, ids = vocab("task-categories"), vocab("task-ids")
    for path, item in _items(fm.data.get("task_ids"), "task_ids"):
        if isinstance(item, str) and item in categories and item not in ids:
            line, col = fm.where(path)
            yield Problem(line, col, f"{_path(path)} {_q(item)} is a task category, not a sub-task id: move it to "
                          "task_categories (task_ids takes ids such as \"sentiment-classification\")", severity="warning")


# -- front matter against body ---------------------------------------------------------------------------
_BODY_LICENSE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?licen[sc]e(?:\s*\(s\))?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$", re.I)
_BODY_BASE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?:fine-?tuned\s+from(?:\s+model)?|base\s+model|parent\s+model)"
                        r"(?:\s*\[optional\])?\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$", re.I)
_HUB_ID = re.compile(r"(?:huggingface\.co/|hf\.co/)?\b([A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})")


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
    fm = _fm(card)
    if fm is None:
        return
    lic = fm.data.get("license")
    licenses = vocab("licenses")
    bases = fm.data.get("base_model")
    bases = [bases] if isinstance(bases, str) else [b for b in bases or [] if isinstance(b, str)]
    bases_lower = {b.lower() for b in bases}
    for idx in range(card.body_start, len(card.lines)):
        if not card.rendered_lines[idx].strip():
            continue
        raw = re.sub(r"<!--.*?-->", "", card.lines[idx][:MAX_SCAN])
        m = _BODY_LICENSE.match(raw)
        if m and re.match(r"\s{2,}[-*+]\s", raw):
            continue  # a nested bullet: the license of the item above it (a sibling model), not of this card
        if m and isinstance(lic, str) and lic in licenses and lic not in ("other", "unknown"):
            said = _plain(m.group(1))
            canon = closest(said, licenses, cutoff=None) if said else None
            if canon and canon not in ("other", "unknown") and canon != lic:
                yield Problem(idx + 1, m.start(1) + 1, f"the text says license {_q(said)} but the metadata says "
                              f"{_q(lic)}; make them agree")
            continue
        m = _BODY_BASE.match(raw)
        if m and bases:
            ids = [i for i in _HUB_ID.findall(m.group(1)) if not i.lower().startswith(("www.", "github.com"))]
            ids = [i for i in ids if "." not in i.split("/")[0]]
            if ids and not any(i.lower().rstrip(".") in bases_lower for i in ids):
                yield Problem(idx + 1, m.start(1) + 1, f"the text says fine-tuned from {_q(ids[0])} but base_model is "
                              f"{_q(', '.join(bases))}; make them agree")
