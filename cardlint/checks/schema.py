"""The rules that hold the front matter to the JSON Schemas of rules/schemas (CL111, CL112): model-index,
and every key the vocabulary rules do not own. The shapes are the schemas'; only the wording is here."""
from __future__ import annotations

import re

from ..card.schema import quick_valid, validator
from ..packs import schema, vocab
from ..rule import Problem, rule
from ..wording import quoted
from ._front import TAGS, closest, items, json_path, mapping, value_fix


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
    fm = mapping(card)
    if fm is None:
        return
    for path, message in model_index_problems(fm.data.get("model-index")):
        line, col = fm.where(path)
        # an empty value is a result left out (incomplete, so a warning), not a shape the Hub rejects
        yield Problem(line, col, f"{json_path(path)} {message}", severity="warning" if message is _NULL_VALUE else None)


# -- everything else the schema says -------------------------------------------------------------------
_OWNED = {"license", "language", "model-index", "pipeline_tag", "library_name"}
_TYPE_WORDS = {"string": "a string", "array": "a list", "object": "a mapping", "boolean": "true or false",
               "number": "a number", "integer": "a whole number", "null": "empty"}
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
        hint = f"; did you mean {quoted(guess)}?" if guess else ""
        return f"with value {quoted(error.instance)} is not valid{hint}"
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
    fm = mapping(card)
    if fm is None or not fm.data:
        return
    name = "dataset-card" if ctx.card_type == "dataset" else "model-card"
    if name == "dataset-card":
        yield from _task_ids_problems(fm)
    if quick_valid(fm.data, schema(name), schema(name)):
        return
    errors = sorted(validator(name).iter_errors(fm.data), key=lambda e: [str(p) for p in e.absolute_path])
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
            path_text = json_path(path)
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
            yield Problem(line, col, f"{json_path(path)} is not allowed to be empty: give it a value or remove the key")
            continue
        message = f"{json_path(path)} {_describe(error)}"
        if isinstance(error.instance, bool):
            message += "; YAML reads an unquoted yes/no/on/off/true/false as a boolean: quote it"
        fix = None
        if isinstance(error.instance, str) and error.instance and ("array" in str(error.schema.get("type", "")) or
                                                                   any(s.get("type") == "array" for s in error.schema.get("anyOf", []))):
            message += f"; a string is read one character at a time: write [{error.instance}]"
            fix = value_fix(fm, path, [error.instance], f"{json_path(path)} -> list")
        yield Problem(line, col, message, fix=fix)


# keys the Hub refuses to see empty ("base_model" is not allowed to be empty, GH huggingface/transformers#25961)
_NOT_EMPTY = {"base_model"}


def _task_ids_problems(fm):
    """A dataset's task_ids entry that is a task category (`text-classification`): the Hub files the dataset
    under no sub-task. A warning: no public source shows the Hub rejecting it."""
    categories, ids = vocab("task-categories"), vocab("task-ids")
    for path, item in items(fm.data.get("task_ids"), "task_ids"):
        if isinstance(item, str) and item in categories and item not in ids:
            line, col = fm.where(path)
            yield Problem(line, col, f"{json_path(path)} {quoted(item)} is a task category, not a sub-task id: move it to "
                          "task_categories (task_ids takes ids such as \"sentiment-classification\")", severity="warning")
