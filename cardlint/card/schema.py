"""Card metadata against the JSON Schemas in rules/schemas: a quick check of the subset the schemas use, so
that valid metadata (most cards) costs no jsonschema import, and the real validator for the rest."""
from __future__ import annotations

from ..packs import schema

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


_VALIDATORS: dict = {}


def validator(name: str):
    """The jsonschema validator of a shipped schema (built once; jsonschema imported only when a card's
    metadata fails the quick check)."""
    if name not in _VALIDATORS:
        import jsonschema
        _VALIDATORS[name] = jsonschema.Draft202012Validator(schema(name))
    return _VALIDATORS[name]
