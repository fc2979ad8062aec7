"""Card metadata against the JSON Schemas in rules/schemas: a quick check of the subset the schemas use, so
that valid metadata (most cards) costs no jsonschema import, and the real validator for the rest."""
from __future__ import annotations

from ..packs import schema


def quick_valid(instance, node: dict, root: dict) -> bool:
    """Whether an instance satisfies the subset of JSON Schema our schemas use (type, properties,
    items, anyOf, enum, not, minLength, minItems, required, $ref). Most cards are valid: this answers
    them without importing jsonschema (a fifth of the start-up time); anything it rejects, or any
    keyword it does not know, goes to jsonschema for the real error messages."""
    key = (id(node), id(root))
    if key not in _COMPILED:  # the schema, not the instance, decides which checks run: turned into them once
        _COMPILED[key] = (_compile(node, root, {}), node, root)  # node and root kept, so that their ids stay theirs
    return _COMPILED[key][0](instance)


_COMPILED: dict[tuple[int, int], tuple] = {}
_IGNORED = ("$schema", "$id", "title", "description", "$defs", "x-cardlint-vocab")


def _compile(node: dict, root: dict, memo: dict):
    """The schema node as one predicate over instances; `memo` closes the loops a recursive $ref makes."""
    if id(node) in memo:
        return memo[id(node)]
    checks: list = []

    def check(instance) -> bool:
        for one in checks:
            if not one(instance):
                return False
        return True

    memo[id(node)] = check  # filled below; a $ref back to this node finds it already
    for key, value in node.items():
        if key == "$ref":
            target = root
            for part in value.lstrip("#/").split("/"):
                target = target[part]
            checks.append(_compile(target, root, memo))
        elif key == "type":
            tests = [_TYPE_TESTS[k] for k in (value if isinstance(value, list) else [value])]
            checks.append(tests[0] if len(tests) == 1 else lambda x, tests=tests: any(t(x) for t in tests))
        elif key == "properties":
            props = [(prop, _compile(sub, root, memo)) for prop, sub in value.items()]
            checks.append(lambda x, props=props: not isinstance(x, dict) or
                          all(sub(x[prop]) for prop, sub in props if prop in x))
        elif key == "items":
            item = _compile(value, root, memo)
            checks.append(_every_item(item))
        elif key == "anyOf":
            subs = [_compile(sub, root, memo) for sub in value]
            checks.append(lambda x, subs=subs: any(sub(x) for sub in subs))
        elif key == "enum":
            checks.append(lambda x, value=value: x in value)
        elif key == "not":
            sub = _compile(value, root, memo)
            checks.append(lambda x, sub=sub: not sub(x))
        elif key == "minLength":
            checks.append(lambda x, value=value: not isinstance(x, str) or len(x) >= value)
        elif key == "minItems":
            checks.append(lambda x, value=value: not isinstance(x, list) or len(x) >= value)
        elif key == "required":
            checks.append(lambda x, value=value: not isinstance(x, dict) or all(k in x for k in value))
        elif key not in _IGNORED:
            checks.append(lambda x: False)  # a keyword this checker does not know: let jsonschema decide
    return check


def _every_item(item):
    def check(instance) -> bool:
        if isinstance(instance, list):
            for one in instance:
                if not item(one):
                    return False
        return True
    return check


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_TYPE_TESTS = {"string": lambda x: isinstance(x, str), "array": lambda x: isinstance(x, list),
               "object": lambda x: isinstance(x, dict), "boolean": lambda x: isinstance(x, bool),
               "null": lambda x: x is None, "number": _is_number,
               "integer": lambda x: _is_number(x) and float(x).is_integer()}


_VALIDATORS: dict = {}


def validator(name: str):
    """The jsonschema validator of a shipped schema (built once; jsonschema imported only when a card's
    metadata fails the quick check)."""
    if name not in _VALIDATORS:
        import jsonschema
        _VALIDATORS[name] = jsonschema.Draft202012Validator(schema(name))
    return _VALIDATORS[name]
