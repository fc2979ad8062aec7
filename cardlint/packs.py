"""Rule packs: the data in rules/ (vocabularies, JSON Schemas, template profiles) and users' own packs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .card.markdown import norm_heading
from .paths import within

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """rules/ inside the wheel (cardlint/_rules), or beside the package in a source checkout."""
    inside = _HERE / "_rules"
    return inside if inside.is_dir() else _HERE.parent / "rules"


class PackError(Exception):
    pass


@lru_cache(maxsize=None)
@lru_cache(maxsize=None)
def vocab(name: str) -> frozenset[str]:
    return frozenset(vocab_list(name))


@lru_cache(maxsize=None)
def vocab_list(name: str) -> tuple[str, ...]:
    path = data_dir() / "vocab" / f"{name}.txt"
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")  # one read, then str methods: the language lists hold 8,000 lines
    return tuple(word for line in lines if (word := line.strip()) and line[0] != "#")


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    with open(data_dir() / "schemas" / f"{name}.schema.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return _expand_vocab(data)


def _expand_vocab(node):
    if isinstance(node, dict):
        out = {k: _expand_vocab(v) for k, v in node.items()}
        if "x-cardlint-vocab" in out:
            out["enum"] = list(vocab_list(out["x-cardlint-vocab"]))
        return out
    if isinstance(node, list):
        return [_expand_vocab(v) for v in node]
    return node


# -- template profiles ----------------------------------------------------------------------------
@dataclass
class Expected:
    title: str
    required: bool
    names: tuple[str, ...]  # normalized heading texts or labels that match
    topic: str = "other"  # the documentation topic it belongs to (cardlint/topics.py)


@dataclass
class Profile:
    name: str
    title: str
    source: str = ""
    card_type: str = "model"
    detect: list[tuple[str, float]] = field(default_factory=list)
    sections: list[Expected] = field(default_factory=list)
    fields: list[Expected] = field(default_factory=list)
    boilerplate: list[tuple[str, str]] = field(default_factory=list)  # (id, signature phrase)
    fixed: list[str] = field(default_factory=list)  # template sentences that are neither findings nor content
    italic_guidance: bool = False
    one_title: bool = False  # the template's card has exactly one H1, its title
    origin: str = ""


def _expected(raw, where: str) -> Expected:
    if isinstance(raw, str):
        raw = {"title": raw}
    if not isinstance(raw, dict) or "title" not in raw:
        raise PackError(f"{where}: each entry needs a title")
    title = str(raw["title"])
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        raise PackError(f"{where}: aliases of {title!r} must be a list")
    # "@title" stands for the text under the card's title (its first H1), before any subsection
    names = tuple(dict.fromkeys(t if t == "@title" else norm_heading(t) for t in [title, *map(str, aliases)]))
    from .topics import ALL_TOPICS
    topic = str(raw.get("topic", "other"))
    if topic not in ALL_TOPICS:
        raise PackError(f"{where}: topic {topic!r} of {title!r} is none of {', '.join(ALL_TOPICS)}")
    return Expected(title=title, required=bool(raw.get("required", False)), names=names, topic=topic)


def parse_profile(data: dict, origin: str) -> Profile:
    if not isinstance(data, dict) or "name" not in data:
        raise PackError(f"{origin}: a profile is a mapping with at least a name")
    try:
        return Profile(
            name=str(data["name"]), title=str(data.get("title", data["name"])), source=str(data.get("source", "")),
            card_type=str(data.get("card-type", "model")),
            detect=[(str(d["phrase"]).lower(), float(d.get("weight", 1))) for d in data.get("detect") or []],
            sections=[_expected(s, origin) for s in data.get("sections") or []],
            fields=[_expected(f, origin) for f in data.get("fields") or []],
            boilerplate=[(str(b.get("id", i)), str(b["phrase"])) for i, b in enumerate(data.get("boilerplate") or [])],
            fixed=[str(f) for f in data.get("fixed") or []],
            italic_guidance=bool(data.get("italic-guidance", False)), one_title=bool(data.get("one-title", False)),
            origin=origin)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PackError(f"{origin}: invalid profile: {exc}") from None


def _read_yaml(path: Path):
    from .card import YamlLimit, safe_yaml
    from .paths import read_regular, reason
    try:
        return safe_yaml(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise PackError(f"{path}: cannot read rule pack file: {reason(exc)}") from None
    except (UnicodeDecodeError, yaml.YAMLError, YamlLimit) as exc:
        raise PackError(f"{path}: cannot read rule pack file: {exc}") from None


# The shipped profiles, read as JSON: reading 18 YAML files costs a sixth of a one-card run. The snapshot
# records a checksum of the YAML it was made from; when it does not match (a profile edited, the snapshot
# not remade) the YAML is read instead. `python3 -m cardlint.packs` remakes it; a test says when to.
SNAPSHOT = "profiles.snapshot.json"


def _builtin_sources() -> tuple[list[Path], int]:
    import zlib
    paths = sorted((data_dir() / "profiles").glob("*.yaml"))
    checksum = 0
    for path in paths:
        checksum = zlib.crc32(path.name.encode() + b"\0" + path.read_bytes(), checksum)
    return paths, checksum


def _builtin_profiles() -> list[tuple[Path, dict]]:
    paths, checksum = _builtin_sources()
    try:
        with open(data_dir() / SNAPSHOT, encoding="utf-8") as fh:
            snapshot = json.load(fh)
        if snapshot["checksum"] == checksum and len(snapshot["profiles"]) == len(paths):
            return list(zip(paths, snapshot["profiles"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return [(path, _read_yaml(path)) for path in paths]


def write_snapshot() -> Path:
    paths, checksum = _builtin_sources()
    target = data_dir() / SNAPSHOT
    with open(target, "w", encoding="utf-8", newline="\n") as fh:
        json.dump({"note": "made by `python3 -m cardlint.packs` from profiles/*.yaml; do not edit",
                   "checksum": checksum, "profiles": [_read_yaml(p) for p in paths]}, fh, ensure_ascii=False)
        fh.write("\n")
    return target


@lru_cache(maxsize=None)
def profiles(extra_packs: tuple[str, ...] = ()) -> dict[str, Profile]:
    """Built-in profiles plus those in the users' packs (a folder with profiles/*.yaml, or one file)."""
    out: dict[str, Profile] = {}
    for path, raw in _builtin_profiles():
        prof = parse_profile(raw, str(path))
        out[prof.name] = prof
    sources: list[Path] = []
    for pack in extra_packs:
        p = Path(pack)
        if p.is_dir():  # a link in the pack that leads out of it is not part of it
            sources += [f for f in sorted((p / "profiles").glob("*.yaml")) + sorted(p.glob("*.yaml")) if within(f, p)]
        elif p.is_file():
            sources.append(p)
        else:
            raise PackError(f"{pack}: rule pack not found")
    for path in sources:
        prof = parse_profile(_read_yaml(path), str(path))
        out[prof.name] = prof
    return out


if __name__ == "__main__":
    print(f"wrote {write_snapshot()}")
