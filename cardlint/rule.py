"""How a rule is declared (metadata + one check function) and what it yields."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable
from .patterns import lazy

SEVERITIES = ("error", "warning", "info")
FIX_APPLICABILITY = ("none", "safe", "unsafe")  # what a rule's fixes may be: none, only safe, unsafe too
_CODE = lazy(r"^[A-Z]{2,4}\d{3}$")
_NAME = lazy(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to, not including, (end_line, end_column). When `expect`
    is given, the fixer applies the edit only if the range still holds exactly that text."""
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    expect: str | None = None


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safe: bool = True
    description: str = ""
    # the front matter values the fix sets, as (path, new value): the fixer checks that the parsed front
    # matter changes exactly so. Only fixes that declare changes may edit the front matter at all.
    metadata: tuple[tuple[tuple, object], ...] = ()
    whole_file: bool = False  # the fix rewrites the whole file (a recovered pipe-mangled card)
    # the rule that reports what is left to do once the fix is applied (a skeleton section the fix adds is
    # an empty section until its author writes it): the fixer lets that rule gain one finding per such fix
    leaves: str = ""


@dataclass
class Problem:
    """What a check function yields; the engine stamps the rule's code, name and severity."""
    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None
    # a lesser case of the rule (a stray fence with nothing after it): this finding's severity instead of
    # the rule's default; a severity set in the configuration overrides both
    severity: str | None = None


@dataclass
class Finding:
    path: str
    code: str
    name: str
    severity: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None
    line_text: str = ""  # the whole line the finding starts on: baselines match it, terminals show it

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self):
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "severity": self.severity, "message": self.message,
                "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "fixable": self.fixable}


@dataclass(frozen=True)
class Option:
    """One setting of a rule, set in `[tool.cardlint.rules.<rule-name>]` (or `rules:` in .cardlint.yaml) and
    read by the rule as `ctx.options["<option-name>"]`. Its type is its default's: a boolean, a whole
    number, a number, a string, or a list of strings; a configured value of another type is refused."""
    default: object
    help: str

    def problem(self, value) -> str | None:
        """Why `value` cannot be this option's value; None when it can."""
        want = self.default
        if isinstance(want, bool):
            ok, kind = isinstance(value, bool), "true or false"
        elif isinstance(want, int):
            ok, kind = isinstance(value, int) and not isinstance(value, bool), "a whole number"
        elif isinstance(want, float):
            ok, kind = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
        elif isinstance(want, str):
            ok, kind = isinstance(value, str), "a string"
        else:
            ok, kind = isinstance(value, list) and all(isinstance(v, str) for v in value), "a list of strings"
        return None if ok else f"must be {kind}, not {value!r}"

    def schema(self) -> dict:
        d = self.default
        kind = ({"type": "boolean"} if isinstance(d, bool) else {"type": "integer"} if isinstance(d, int) else
                {"type": "number"} if isinstance(d, float) else {"type": "string"} if isinstance(d, str) else
                {"type": "array", "items": {"type": "string"}})
        return {**kind, "default": d, "description": self.help}


@dataclass
class Rule:
    code: str
    name: str
    summary: str
    check: Callable[..., Iterable[Problem]]
    severity: str = "warning"
    tags: tuple[str, ...] = ()
    fix: str = "none"  # FIX_APPLICABILITY: the engine drops (and reports) a fix the declaration does not allow
    aliases: tuple[str, ...] = ()
    doc: str = ""
    origin: str = "cardlint"
    options: dict[str, Option] = field(default_factory=dict)

    @property
    def fixable(self) -> bool:
        return self.fix != "none"

    def allows(self, fix: Fix) -> bool:
        """Whether the declaration allows the rule to yield this fix."""
        return self.fix == "unsafe" or (self.fix == "safe" and fix.safe)

    def owns(self, finding: "Finding") -> bool:
        """Whether the finding is this rule's (codes are unique in a registry)."""
        return finding.code == self.code

    def __post_init__(self):
        if not _CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} must look like CL123")
        if not _NAME.match(self.name):
            raise ValueError(f"rule name {self.name!r} must be kebab-case")
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.code}: severity must be one of {', '.join(SEVERITIES)}")
        if self.fix not in FIX_APPLICABILITY:
            raise ValueError(f"rule {self.code}: fix must be one of {', '.join(FIX_APPLICABILITY)}")
        for key, option in self.options.items():
            if not _NAME.match(key) or not isinstance(option, Option) or option.problem(option.default):
                raise ValueError(f"rule {self.code}: option {key!r} must be a kebab-case name with an Option "
                                 "whose default is a boolean, number, string or list of strings")


def cleandoc(doc: str) -> str:
    """inspect.cleandoc without importing inspect (start-up time): drop the common indentation."""
    lines = doc.expandtabs().strip("\n").splitlines()
    rest = [l for l in lines[1:] if l.strip()]
    indent = min((len(l) - len(l.lstrip()) for l in rest), default=0)
    return "\n".join([lines[0].strip()] + [l[indent:].rstrip() for l in lines[1:]]).strip() if lines else ""


def rule(code: str, name: str, summary: str, *, severity: str = "warning", tags: Iterable[str] = (),
         fix: str = "none", options: dict[str, Option] | None = None, aliases: Iterable[str] = ()):
    """Declare a rule: the decorated function takes (card, ctx) and yields Problems. Its docstring
    is the rule's documentation (what it finds, Why, Example, Not flagged, Fix). `fix`: whether its
    Problems carry fixes ("none", "safe": only safe ones, "unsafe": unsafe ones too); `options`: its
    settings, by name."""

    def wrap(fn):
        return Rule(code=code, name=name, summary=summary, check=fn, severity=severity, tags=tuple(tags),
                    fix=fix, options=dict(options or {}), aliases=tuple(aliases),
                    doc=cleandoc(fn.__doc__ or summary))

    return wrap
