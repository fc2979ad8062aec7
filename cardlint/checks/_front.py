"""What the front matter rules share: the parsed mapping, paths in the Hub's style, the closest known
value, and a fix that rewrites one YAML value in place. Not rules (the registry loads only modules
without a leading underscore)."""
from __future__ import annotations

import difflib
import re

from ..card import yaml_scalar
from ..rule import Edit, Fix

TAGS = ("metadata",)


def mapping(card):
    """The front matter if it parsed into a mapping; None otherwise (other rules report why)."""
    fm = card.front_matter
    return fm if fm is not None and isinstance(fm.data, dict) else None


def json_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def items(value, key: str):
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


def value_fix(fm, path, value, description: str) -> Fix | None:
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
