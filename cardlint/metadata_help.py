"""What the Hub expects of each front matter key, for editors: descriptions and allowed values, read from
the shipped schemas (rules/schemas) and vocabularies (rules/vocab)."""
from __future__ import annotations

from functools import lru_cache

from .packs import schema, vocab_list

# Keys whose vocabulary is checked by a rule of its own rather than by the schema.
_RULE_VOCABS = {
    "license": ("licenses",),
    "pipeline_tag": ("pipeline-tags",),
    "library_name": ("library-names",),
    "language": ("languages-iso639-1", "languages-iso639-3"),
}


def _schema_for(kind: str) -> dict:
    return schema("dataset-card" if kind == "dataset" else "model-card")


def _vocab_names(node) -> list[str]:
    """Every x-cardlint-vocab named inside a schema node (through anyOf and items)."""
    if isinstance(node, dict):
        found = [node["x-cardlint-vocab"]] if "x-cardlint-vocab" in node else []
        for value in node.values():
            found += [v for v in _vocab_names(value) if v not in found]
        return found
    if isinstance(node, list):
        return [v for item in node for v in _vocab_names(item)]
    return []


@lru_cache(maxsize=None)
def completion_values(key: str, kind: str = "model") -> tuple[str, ...]:
    names = _RULE_VOCABS.get(key) or tuple(_vocab_names(_schema_for(kind)["properties"].get(key, {})))
    seen: dict[str, None] = {}
    for name in names:
        seen.update(dict.fromkeys(vocab_list(name)))
    return tuple(seen)


def top_level_keys(kind: str = "model") -> list[str]:
    return list(_schema_for(kind)["properties"])


def key_help(key: str, kind: str = "model") -> str | None:
    prop = _schema_for(kind)["properties"].get(key)
    if prop is None:
        return None
    text = f"**`{key}`**: {prop.get('description', '')}".rstrip(": ")
    values = completion_values(key, kind)
    if values:
        shown = ", ".join(f"`{v}`" for v in values[:8])
        text += f"\n\nOne of {len(values):,} values the Hub knows: {shown}{', ...' if len(values) > 8 else ''}"
    return text
