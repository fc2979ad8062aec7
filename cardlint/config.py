"""Configuration: [tool.cardlint] in pyproject.toml or .cardlint.yaml, found upward from each file."""
from __future__ import annotations

import fnmatch
import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .rule import SEVERITIES, Rule
from .patterns import lazy

CONFIG_NAMES = (".cardlint.yaml", ".cardlint.yml", "pyproject.toml")
DEFAULT_INCLUDE = ("README.md", "MODEL_CARD.md", "model_card.md", "DATASET_CARD.md", "dataset_card.md")
CARD_TYPES = ("auto", "model", "dataset")


class ConfigError(Exception):
    """A configuration a user wrote is wrong: says which file, which key and what is wrong."""


@dataclass
class Config:
    source: str | None = None  # the file it came from; None for the defaults
    root: Path = field(default_factory=Path.cwd)
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    profile: str | None = None
    template: str | None = None
    rule_packs: list[str] = field(default_factory=list)
    card_type: str = "auto"
    min_score: float | None = None
    max_file_size: int = 5_000_000
    timeout: float = 5.0
    max_findings: int = 100  # per rule per card; the rest are counted in one finding
    respect_gitignore: bool = True  # folder search skips what git ignores
    docs_url: str | None = None  # pattern of a rule's documentation page ({code}, {name}); None: cardlint's own
    rules: dict[str, dict] = field(default_factory=dict)  # rule code, name or alias -> {option: value}

    def as_dict(self) -> dict:
        out = {}
        for f in fields(self):
            if f.name in ("source", "root"):
                continue
            out[f.name.replace("_", "-")] = getattr(self, f.name)
        return out

    # -- rule selection ------------------------------------------------------------------------
    def enabled(self, rule: Rule, path: str | None = None) -> bool:
        best_select = max((_specificity(s, rule) for s in self.select + self.extend_select), default=-1)
        ignores = list(self.ignore)
        if path is not None:
            ignores += self.file_ignores(path)
        best_ignore = max((_specificity(s, rule) for s in ignores), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def file_ignores(self, path: str) -> list[str]:
        out: list[str] = []
        if not self.per_file_ignores:
            return out
        rel = self.relative(path)
        for pattern, selectors in self.per_file_ignores.items():
            if _glob_match(rel, pattern):
                out.extend(selectors)
        return out

    def relative(self, path: str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def is_excluded(self, path: str) -> bool:
        rel = self.relative(path)
        return any(_glob_match(rel, p) for p in self.exclude)

    def options_of(self, rule: Rule) -> dict:
        """The rule's options: declared defaults, then the configuration's values (validated when read)."""
        values = {key: option.default for key, option in rule.options.items()}
        for key in (rule.code, rule.name, *rule.aliases):
            values.update(self.rules.get(key, {}))
        # copies of lists: a rule that changes one changes neither the default nor the configuration
        return {key: list(v) if isinstance(v, list) else v for key, v in values.items()}

    def severity_of(self, rule: Rule, default: str | None = None) -> str:
        for key in (rule.code, rule.name, *rule.aliases):
            if key in self.severity:
                return self.severity[key]
        return default or rule.severity


def _glob_match(rel: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
        return True
    if "/" not in pattern and fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern):
        return True
    parts = rel.split("/")
    return "/" not in pattern and any(fnmatch.fnmatch(p, pattern) for p in parts[:-1])


def _specificity(selector: str, rule: Rule) -> int:
    if selector == "ALL":
        return 0
    if selector in (rule.name, *rule.aliases) or selector.upper() == rule.code:
        return 1000
    if selector in rule.tags:
        return 1
    if CODE_PREFIX.match(selector) and rule.code.startswith(selector):
        return 10 * len(selector)  # longer prefixes are more specific
    return -1


CODE_PREFIX = lazy(r"^[A-Z]{2,4}\d{0,3}$")  # "CL", "CL1", "CL10": codes are written in capitals


def selector_known(selector: str, registry) -> bool:
    if selector == "ALL" or registry.get(selector) or selector in registry.tags:
        return True
    return bool(CODE_PREFIX.match(selector)) and any(r.code.startswith(selector) for r in registry.rules)


def require_selectors(selectors, registry, where: str, error: type[Exception] = None) -> None:
    """Raise `error` (ConfigError by default) for the first selector that names no rule: the one check of
    the configuration, the command line and the Python API."""
    for sel in selectors or ():
        if not selector_known(sel, registry):
            raise (error or ConfigError)(f"{where} names {sel!r}, which is no rule code, prefix, name or tag "
                                         "(see `cardlint rules`)")


# -- the keys, declared once: parse() checks them and config_schema() describes them to editors ------------
def _one_or_list(item: dict) -> dict:  # a list key also takes one string
    return {"anyOf": [item, {"type": "array", "items": item}]}


_SELECTORS = _one_or_list({"$ref": "#/$defs/selector"})
_GLOBS = _one_or_list({"type": "string"})
KEYS: dict[str, tuple[dict, str]] = {
    "select": (_SELECTORS, "Rules to run: codes (CL104), code prefixes (CL1), names, tags or ALL. Default: ALL."),
    "extend-select": (_SELECTORS, "Rules to add to the selection."),
    "ignore": (_SELECTORS, "Rules to skip; the most specific selector wins."),
    "severity": ({"type": "object", "propertyNames": {"$ref": "#/$defs/rule"},
                  "additionalProperties": {"enum": list(SEVERITIES)}},
                 "Change a rule's severity: rule code or name -> error, warning or info."),
    "per-file-ignores": ({"type": "object", "additionalProperties": _SELECTORS},
                         "Glob (relative to the configuration's folder) -> rules to skip in matching files."),
    "exclude": (_GLOBS, "Globs of files and folders never linted."),
    "include": (_GLOBS, "File-name globs linted as cards, besides README.md, MODEL_CARD.md and dataset cards."),
    "profile": ({"type": ["string", "null"]}, "Template profile to hold cards against (see `cardlint rules --profiles`)."),
    "template": ({"type": ["string", "null"]}, "A hub's own template card to derive the profile from."),
    "rule-packs": (_GLOBS, "Folders of rule packs (profiles, vocabularies) to load besides the built-in ones."),
    "card-type": ({"enum": list(CARD_TYPES)}, "Model or dataset card; auto detects it."),
    "min-score": ({"type": ["number", "null"], "minimum": 0, "maximum": 100},
                  "Fail for cards whose completeness score is below this."),
    "max-file-size": ({"type": "integer", "minimum": 0}, "Files larger than this many bytes are not linted."),
    "timeout": ({"type": "number", "minimum": 0},
                "Seconds of CPU time one card may take (parsing, rules, score, fixes) before it is reported and skipped."),
    "max-findings": ({"type": "integer", "minimum": 0},
                     "Findings of one rule shown per card; the rest are counted in one finding. 0: no limit."),
    "respect-gitignore": ({"type": "boolean"}, "Folder search skips files and folders that git ignores. Default: true."),
    "rules": ({"$ref": "#/$defs/rule-options"},
              "Rule options: rule code or name -> {option: value} ([tool.cardlint.rules.<rule-name>] in pyproject.toml)."),
    "docs-url": ({"type": ["string", "null"]},
                 "Pattern of a rule's documentation page, with {code} and {name}; for teams that host the docs."),
}


def config_schema(registry) -> dict:
    """A JSON Schema of .cardlint.yaml and [tool.cardlint], for editors to validate and complete."""
    names = sorted({k for r in registry.rules for k in (r.code, r.name, *r.aliases)})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cardlint configuration (.cardlint.yaml, or [tool.cardlint] in pyproject.toml)",
        "type": "object",
        "additionalProperties": False,
        "properties": {key: {"description": help, **schema} for key, (schema, help) in KEYS.items()},
        "$defs": {
            "rule": {"enum": names},
            "selector": {"anyOf": [{"enum": ["ALL", *names, *sorted(registry.tags)]},
                                   {"type": "string", "pattern": CODE_PREFIX.pattern}]},
            "rule-options": {"type": "object", "additionalProperties": False, "properties": {
                key: {"type": "object", "additionalProperties": False,
                      "properties": {k: o.schema() for k, o in r.options.items()}}
                for r in registry.rules if r.options for key in (r.code, r.name, *r.aliases)}},
        },
    }


# -- reading -----------------------------------------------------------------------------------------
_LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "include", "rule-packs")


def parse(raw: dict, source: str, registry=None) -> Config:
    """Validate a raw mapping from a config file into a Config; raise ConfigError on the first problem."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys to values")
    known = set(KEYS)
    cfg = Config(source=source, root=Path(source).resolve().parent)
    for key, value in raw.items():
        if key not in known:
            close = sorted(known, key=lambda k: _distance(k, str(key)))[0]
            raise ConfigError(f"{source}: unknown key {key!r} (did you mean {close!r}?)")
        attr = key.replace("-", "_")
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{source}: {key!r} must be a list of strings")
            if registry is not None and key in ("select", "extend-select", "ignore"):
                require_selectors(value, registry, f"{source}: {key!r}")
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'severity' must map rules to error, warning or info")
            for r, sev in value.items():
                if sev not in SEVERITIES:
                    raise ConfigError(f"{source}: severity of {r!r} must be error, warning or info, not {sev!r}")
                if registry is not None and not registry.get(str(r)):
                    raise ConfigError(f"{source}: 'severity' names {r!r}, which is no rule code or name")
        elif key == "rules":
            value = _rule_options(value, source, registry)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'per-file-ignores' must map globs to lists of rules")
            value = {str(k): ([v] if isinstance(v, str) else v) for k, v in value.items()}
            for glob, sels in value.items():
                if not isinstance(sels, list) or not all(isinstance(s, str) for s in sels):
                    raise ConfigError(f"{source}: per-file-ignores[{glob!r}] must be a list of rules")
                if registry is not None:
                    require_selectors(sels, registry, f"{source}: per-file-ignores[{glob!r}]")
        elif key in ("profile", "template", "docs-url"):
            if value is not None and not isinstance(value, str):
                raise ConfigError(f"{source}: {key!r} must be a string")
            if key == "docs-url" and value is not None:
                try:
                    value.format(code="CL000", name="rule")
                except (KeyError, IndexError, ValueError):
                    raise ConfigError(f"{source}: 'docs-url' may hold only {{code}} and {{name}} in braces") from None
                if "{code}" not in value and "{name}" not in value:
                    raise ConfigError(f"{source}: 'docs-url' must contain {{name}} or {{code}}")
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: 'respect-gitignore' must be true or false")
        elif key == "card-type":
            if value not in CARD_TYPES:
                raise ConfigError(f"{source}: 'card-type' must be one of {', '.join(CARD_TYPES)}, not {value!r}")
        elif key in ("min-score", "max-file-size", "timeout", "max-findings"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ConfigError(f"{source}: {key!r} must be a non-negative number")
            if key in ("max-file-size", "max-findings") and not isinstance(value, int):
                raise ConfigError(f"{source}: {key!r} must be a whole number")
            if key == "min-score" and value > 100:
                raise ConfigError(f"{source}: 'min-score' must be between 0 and 100")
        if key in ("template", "rule-packs") and value is not None:
            value = _confined(value, cfg.root, key, source)
        setattr(cfg, attr, value)
    return cfg


def _rule_options(value, source: str, registry) -> dict:
    """`rules:` checked against each rule's declared options (when the registry is known)."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{source}: 'rules' must map rule names to tables of options")
    if registry is None:
        return {str(k): dict(v) for k, v in value.items()}
    out: dict[str, dict] = {}
    for name, options in value.items():
        rule = registry.get(str(name))
        if rule is None:
            raise ConfigError(f"{source}: 'rules' names {name!r}, which is no rule code or name")
        for key, setting in options.items():
            option = rule.options.get(key)
            if option is None:
                known = ", ".join(rule.options) or "none"
                raise ConfigError(f"{source}: rule {rule.name} has no option {key!r} (its options: {known})")
            problem = option.problem(setting)
            if problem:
                raise ConfigError(f"{source}: option {key!r} of {rule.name} {problem}")
        out.setdefault(rule.code, {}).update(options)
    return out


def _confined(value, folder: Path, key: str, source: str):
    """A configuration file's paths, made absolute from its own folder, and refused when they lead out of
    its repository: a configuration in a pull request must not read the runner's other files. (The same
    paths given on the command line are the user's own choice and are not confined.)"""
    from .paths import repository_root, within
    root = repository_root(folder)
    out = []
    for v in [value] if isinstance(value, str) else value:
        path = os.path.join(folder, v)
        if not within(path, root):
            raise ConfigError(f"{source}: {key!r} path {v!r} leads outside the repository ({root}); "
                              "pass it on the command line to use it anyway")
        out.append(os.path.normpath(path))
    return out[0] if isinstance(value, str) else out


def _distance(a: str, b: str) -> int:
    import difflib
    return -int(difflib.SequenceMatcher(None, a, b).ratio() * 100)


def read_file(path: Path, registry=None) -> Config | None:
    """Config from one file; None if the file is a pyproject.toml without [tool.cardlint]."""
    from .paths import read_regular, reason
    try:
        text = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if path.name.endswith(".toml"):
        import tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except RecursionError:
            raise ConfigError(f"{path}: nested too deeply to read") from None
        section = data.get("tool", {}).get("cardlint")
        if section is None:
            return None
        return parse(section, str(path), registry)
    import yaml
    from .card import YamlLimit, safe_yaml
    try:
        data = safe_yaml(text)
    except YamlLimit as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return parse(data or {}, str(path), registry)


class ConfigFinder:
    """Finds the configuration that applies to a file by walking up from its folder; caches per folder."""

    def __init__(self, explicit: str | None = None, registry=None, overrides: dict | None = None):
        self.registry = registry
        self.explicit = explicit
        self.overrides = overrides or {}
        self._cache: dict[Path, Config] = {}
        self._explicit: Config | None = None
        if explicit:
            p = Path(explicit)
            if not p.is_file():
                raise ConfigError(f"{explicit}: configuration file not found")
            self._explicit = read_file(p, registry) or Config(source=str(p), root=p.resolve().parent)

    def for_path(self, path: str) -> Config:
        if self._explicit is not None:
            return self._apply(self._explicit)
        folder = Path(os.path.abspath(path)).parent if path not in ("-", "") else Path.cwd()
        return self._apply(self._find(folder))

    def for_folder(self, folder: str = ".") -> Config:
        """The configuration that applies to the cards of a folder (the current one by default)."""
        return self.for_path(os.path.join(os.path.abspath(folder), "README.md"))

    def _find(self, folder: Path) -> Config:
        if folder in self._cache:
            return self._cache[folder]
        found: Config | None = None
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                found = read_file(candidate, self.registry)
                if found is not None:
                    break
        if found is None:
            parent = folder.parent
            found = self._find(parent) if parent != folder and not (folder / ".git").exists() else Config(root=folder)
        self._cache[folder] = found
        return found

    def _apply(self, cfg: Config) -> Config:
        return with_overrides(cfg, self.overrides)


def with_overrides(cfg: Config, o: dict | None) -> Config:
    """The configuration with the command line's (or the API's) settings over it: `select` replaces the
    selection, `extend_select`, `ignore` and `include` add to it, the rest replace."""
    if not o:
        return cfg
    changes = {}
    if o.get("select"):
        changes["select"] = list(o["select"])
        changes["extend_select"] = []
    if o.get("extend_select"):
        changes["extend_select"] = cfg.extend_select + list(o["extend_select"])
    if o.get("ignore"):
        changes["ignore"] = cfg.ignore + list(o["ignore"])
    if o.get("include"):
        changes["include"] = cfg.include + list(o["include"])
    for key in ("profile", "template", "min_score", "card_type"):
        if o.get(key) is not None:
            changes[key] = o[key]
    return replace(cfg, **changes)
