"""The rule registry: built-in rule modules and entry-point plugins, loaded the same way."""
from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from types import ModuleType

from .engine_rules import ENGINE_RULES
from .rule import Rule

ENTRY_POINT_GROUP = "cardlint.rules"
CHECKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks")


def builtin_modules() -> list[str]:
    """Every module of cardlint/checks/ whose name does not start with an underscore (those hold helpers):
    a new family module is found without being listed anywhere."""
    return sorted(f"cardlint.checks.{name[:-3]}" for name in os.listdir(CHECKS)
                  if name.endswith(".py") and not name.startswith("_"))


@dataclass
class Registry:
    rules: list[Rule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # plugins that failed to load, one line each
    by_key: dict[str, Rule] = field(default_factory=dict)  # code, name and aliases -> rule

    def __post_init__(self):  # the engine's own findings are in every registry
        for r in ENGINE_RULES:
            if r.code not in self.by_key:
                self.add(r, "cardlint")

    def add(self, rule: Rule, origin: str) -> None:
        for key in (rule.code, rule.name, *rule.aliases):
            if key in self.by_key:
                other = self.by_key[key]
                self.errors.append(f"{origin}: rule {rule.code} {rule.name} clashes with {other.code} "
                                   f"{other.name} ({other.origin}) on {key!r}; skipped")
                return
        rule.origin = origin
        self.rules.append(rule)
        for key in (rule.code, rule.name, *rule.aliases):
            self.by_key[key] = rule

    def extended(self, rules, origin: str = "caller") -> "Registry":
        """A new registry with these rules besides this one's; this one (the process-wide registry) is left
        as it is. Raises ValueError when a rule's code or name is taken."""
        reg = Registry()
        for r in self.rules:
            if r.code not in reg.by_key:
                reg.add(r, r.origin)
        for r in rules:
            if not isinstance(r, Rule):
                raise TypeError(f"rules must be Rule objects (declared with @rule), not {type(r).__name__}")
            reg.add(r, origin)
        if reg.errors:
            raise ValueError(reg.errors[0])
        reg.errors = list(self.errors)
        return reg

    def get(self, key: str) -> Rule | None:
        return self.by_key.get(key) or self.by_key.get(key.upper())

    @property
    def tags(self) -> set[str]:
        return {t for r in self.rules for t in r.tags}


def rules_of(obj) -> list[Rule]:
    """The rules an entry point or module provides: a Rule, a list of them, or a module's Rules."""
    if isinstance(obj, Rule):
        return [obj]
    if isinstance(obj, ModuleType):
        return [v for v in vars(obj).values() if isinstance(v, Rule)]
    if isinstance(obj, (list, tuple)):
        return [r for r in obj if isinstance(r, Rule)]
    if callable(obj):
        return rules_of(obj())
    raise TypeError(f"expected a Rule, a list of Rules or a module, got {type(obj).__name__}")


def entry_points(group: str) -> list[tuple[str, str]]:
    """(name, "module:attr") of an entry-point group, read from the installed distributions' metadata.

    The same files importlib.metadata reads (first distribution of a name on sys.path wins), without
    importing it: that import alone costs more than a whole lint of a card, and pre-commit starts
    cardlint on every commit."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for meta in sorted(names):
            if not meta.endswith((".dist-info", ".egg-info")):
                continue
            dist = meta.rsplit("-", 1)[0].lower().replace("-", "_") if "-" in meta else meta.rsplit(".", 1)[0].lower()
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(entry or ".", meta, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            section = None
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("[") and line.endswith("]"):
                    section = line[1:-1].strip()
                elif section == group and "=" in line and not line.startswith(("#", ";")):
                    name, value = (part.strip() for part in line.split("=", 1))
                    found.append((name, value.split("[", 1)[0].strip()))
    return found


def _load_entry_point(value: str):
    module, _, attr = value.partition(":")
    obj = importlib.import_module(module.strip())
    for part in filter(None, attr.strip().split(".")):
        obj = getattr(obj, part)
    return obj


_CACHE: Registry | None = None


def load_with(rules=()) -> Registry:
    """The process-wide registry, or a new one with extra rules besides it (for one call of the API or
    the test harness)."""
    return load().extended(rules) if rules else load()


def load() -> Registry:
    global _CACHE
    if _CACHE is not None:
        return _CACHE
    reg = Registry()
    built_in = [r for name in builtin_modules() for r in rules_of(importlib.import_module(name))]
    for r in sorted(built_in, key=lambda r: r.code):
        reg.add(r, "cardlint")
    for name, value in entry_points(ENTRY_POINT_GROUP):
        try:
            found = rules_of(_load_entry_point(value))
        except Exception as exc:  # a broken plugin is reported and skipped; the built-ins still run
            reg.errors.append(f"plugin {name!r} ({value}) failed to load: {type(exc).__name__}: {exc}")
            continue
        for r in found:
            reg.add(r, f"plugin {name}")
    _CACHE = reg
    return reg
