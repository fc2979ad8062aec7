"""The front matter: found the way the Hub finds it, parsed as YAML with the position of every node,
within limits that keep a hostile block from costing minutes or gigabytes."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

import yaml
from ..patterns import lazy

# How the Hugging Face Hub finds front matter (reference/hf-card-metadata.md section 2.1): only
# whitespace before an opening "---" that ends its line, the shortest body, a closing "---" that may
# carry trailing blanks and ends with CRLF, LF or the end of the file.
_FRONT_MATTER = lazy(r"\A(\s*)---(?:\r\n|\r|\n)(.*?)(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|\Z)", re.S)

# Limits that keep a hostile front matter from costing minutes or gigabytes.
YAML_MAX_NODES = 20_000
YAML_MAX_DEPTH = 60
YAML_MAX_CHARS = 1_000_000

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}
_STRINGY_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:value"}


# libyaml's loader composes the same nodes with the same marks, several times faster. Its composer
# recurses in C, so a deeply nested block would overflow the C stack: text that could nest deeply goes
# to the Python loader, whose recursion limit turns into a clean "nested too deeply" finding.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_FAST_MAX_DEPTH = 200


def _loader_for(text: str):
    # libyaml accepts tabs (after a value, before a comment, after "key:") that the pure-Python scanner
    # refuses; huggingface_hub reads cards with the pure-Python loader, and one verdict on every machine
    # needs one scanner: text with a tab goes to the Python loader
    if _FAST_LOADER is not None and "\t" not in text:
        # every opening bracket, quoted or not: a "]" inside a string must not hide deep nesting after it
        deepest = text.count("[") + text.count("{")
        # an upper bound of block nesting on any line: its indentation plus every "-", "?" and ":"
        block = max((len(l) - len(l.lstrip(" ")) + l.count("-") + l.count("?") + l.count(":")
                     for l in text.split("\n")), default=0)
        if deepest + block <= _FAST_MAX_DEPTH:
            return _FAST_LOADER(text)
    return yaml.SafeLoader(text)


def _compose(text: str):
    """(loader, root node); the caller disposes the loader."""
    loader = _loader_for(text)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise



@dataclass
class YamlProblem:
    kind: str  # syntax, not-mapping, duplicate-key, non-string-key, tag, bomb
    message: str
    line: int
    column: int


@dataclass
class FrontMatter:
    start_line: int  # line of the opening fence (1-based)
    end_line: int  # line of the closing fence
    text: str  # the YAML between the fences, "\n" line breaks
    data: dict | None = None  # None when the YAML is unusable
    problems: list[YamlProblem] = field(default_factory=list)
    # JSON-style paths (tuples of keys and indexes) -> (line, column) of the value node / the key
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    ends: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # end of scalar value nodes
    sources: dict[tuple, str] = field(default_factory=dict)  # the YAML text of scalar value nodes

    @cached_property
    def _starts(self) -> list[int]:
        starts, at = [0], self.text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = self.text.find("\n", at + 1)
        return starts

    @cached_property
    def _yaml_lines_are_ours(self) -> bool:
        """Whether YAML breaks lines where the card does (only at "\n": no NEL, U+2028, U+2029)."""
        return not any(ch in self.text for ch in "\x85\u2028\u2029")

    def at(self, mark) -> tuple[int, int]:
        """(line, column) in the card of a YAML mark. YAML also breaks lines at NEL, U+2028 and U+2029,
        which are no line breaks for Markdown, editors or the Hub: then the position is taken from the
        mark's character index instead of its line and column."""
        if self._yaml_lines_are_ours and 0 <= mark.index <= len(self.text):
            return self.start_line + 1 + mark.line, mark.column + 1
        index = max(0, min(mark.index, len(self.text)))
        k = bisect.bisect_right(self._starts, index) - 1
        return self.start_line + 1 + k, index - self._starts[k] + 1

    def where(self, path: tuple) -> tuple[int, int]:
        """Best position for a path: its value when it starts on the key's line, else its key (a
        block mapping or list below `key:`), else the value, else its nearest ancestor."""
        path = tuple(path)
        while path:
            value, key = self.positions.get(path), self.key_positions.get(path)
            if value and key:
                return value if value[0] == key[0] else key
            if value or key:
                return value or key
            path = path[:-1]
        return self.start_line, 1

    def key_line(self, key: str) -> int:
        return self.key_positions.get((key,), (self.start_line, 1))[0]


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_scalar(value: str, quote: str = "", *, flow: bool = False) -> str:
    """`value` written as a YAML scalar that reads back as this very string: plain when YAML would read
    the plain text as the same string, else quoted (the original's quote style when it had one)."""
    wrap = (lambda t: "k: [" + t + "]") if flow else (lambda t: "k: " + t)
    want = {"k": [value] if flow else value}

    def reads_back(text: str) -> bool:
        try:
            return yaml.safe_load(wrap(text)) == want and type(yaml.safe_load(wrap(text))["k"]) is type(want["k"])
        except yaml.YAMLError:
            return False

    if not quote and value and "\n" not in value and reads_back(value):
        return value
    single = "'" + value.replace("'", "''") + "'"
    if quote == "'" and reads_back(single):
        return single
    return '"' + "".join(_YAML_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if not ch.isprintable() or ch in "\x85\u2028\u2029\ufeff"
                                                   else ch) for ch in value) + '"'


class _Bomb(Exception):
    pass


def _check_expansion(root, what: str = "the front matter") -> None:
    """Raise _Bomb when the node graph is nested too deeply, or when aliases and merge keys (`<<`) would
    expand it past YAML_MAX_NODES values and to more than twice its own size, before anything is built:
    the expansion itself is what costs gigabytes. A large block without aliases is no bomb."""
    memo: dict[int, int | None] = {}

    def size(node, depth: int) -> int:
        if depth > YAML_MAX_DEPTH:
            raise _Bomb(f"{what} is nested more than {YAML_MAX_DEPTH} levels deep")
        key = id(node)
        if key in memo:
            if memo[key] is None:
                raise _Bomb(f"{what} holds an alias that contains itself")
            return memo[key]
        memo[key] = None
        if isinstance(node, yaml.ScalarNode):
            total = 1
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child, depth + 1) for child in node.value)
        else:
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > YAML_MAX_NODES and total > 2 * len(memo):
            raise _Bomb(f"YAML aliases or merge keys expand {what} to more than {YAML_MAX_NODES} values "
                        "(an alias bomb?)")
        memo[key] = total
        return total

    size(root, 0)


class YamlLimit(ValueError):
    """A YAML file (configuration, rule pack) that is too deep or expands too much to read safely."""


def safe_yaml(text: str):
    """Parse a configuration or rule-pack YAML file with the same limits as a card's front matter."""
    try:
        loader, node = _compose(text)
    except RecursionError:
        raise YamlLimit("nested too deeply to read") from None
    try:
        if node is None:
            return None
        _check_expansion(node, "the file")
        return loader.construct_document(node)
    except RecursionError:
        raise YamlLimit("nested too deeply to read") from None
    except _Bomb as exc:
        raise YamlLimit(str(exc)) from None
    finally:
        loader.dispose()


def _load_yaml(fm: FrontMatter) -> None:
    if len(fm.text) > YAML_MAX_CHARS:
        fm.problems.append(YamlProblem("bomb", f"front matter is larger than {YAML_MAX_CHARS} characters", fm.start_line, 1))
        return
    try:
        loader, node = _compose(fm.text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = fm.at(mark) if mark else (fm.start_line, 1)
        line = max(fm.start_line, min(line, fm.end_line - 1))  # an error at the end of the stream: its last line
        problem = (exc.problem or str(exc)).strip()
        if "'\\t'" in problem:
            problem += (" (a tab: some YAML parsers take it here, but PyYAML, which huggingface_hub reads cards with, "
                        "does not; use spaces)")
        fm.problems.append(YamlProblem("syntax", f"YAML syntax error: {problem}", line, col))
        return
    except yaml.YAMLError as exc:  # the reader refuses control characters before parsing starts
        fm.problems.append(YamlProblem("syntax", f"YAML error: {exc}".split("\n")[0], fm.start_line, 1))
        return
    except RecursionError:
        fm.problems.append(YamlProblem("bomb", "front matter is nested too deeply", fm.start_line, 1))
        return
    try:
        if node is None:
            fm.data = {}
            return
        try:
            _check_expansion(node)
            value = _build(loader, node, (), fm)
        except _Bomb as exc:
            fm.problems.append(YamlProblem("bomb", str(exc), fm.start_line, 1))
            fm.positions.clear()
            fm.key_positions.clear()
            return
        if not isinstance(value, dict):
            kind = "a list" if isinstance(value, list) else "a single value"
            fm.problems.append(YamlProblem(
                "not-mapping", f"front matter is {kind}, not a mapping of keys to values",
                *fm.at(node.start_mark)))
            return
        fm.data = value
    finally:
        loader.dispose()


def _build(loader, node, path, fm: FrontMatter):
    """The node's value, with positions and problems recorded; _check_expansion has bounded its depth."""
    line, col = fm.at(node.start_mark)
    fm.positions.setdefault(path, (line, col))
    if isinstance(node, yaml.ScalarNode):
        fm.ends[path] = fm.at(node.end_mark)
        fm.sources[path] = fm.text[node.start_mark.index:node.end_mark.index]
        if node.tag in _SAFE_SCALAR_TAGS:
            try:
                return loader.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError):
                return node.value
        if node.tag not in _STRINGY_TAGS:
            fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
        return node.value  # dates stay text: JSON has no date type and the Hub compares text
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
        return [_build(loader, item, path + (i,), fm) for i, item in enumerate(node.value)]
    if node.tag != "tag:yaml.org,2002:map":
        fm.problems.append(YamlProblem("tag", f"YAML tag {node.tag!r} is not allowed in card metadata", line, col))
    try:
        loader.flatten_mapping(node)  # resolves "<<" merge keys the way safe_load does
    except yaml.YAMLError as exc:
        fm.problems.append(YamlProblem("syntax", f"YAML error: {getattr(exc, 'problem', exc)}", line, col))
    result: dict = {}
    for key_node, value_node in node.value:
        kline, kcol = fm.at(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            fm.problems.append(YamlProblem("non-string-key", "a key is a list or mapping, not a string", kline, kcol))
            continue
        key = _build(loader, key_node, path + ("<key>",), fm)
        if not isinstance(key, str):
            fm.problems.append(YamlProblem(
                "non-string-key", f"key {key_node.value!r} is read as {type(key).__name__}, not a string; quote it", kline, kcol))
            key = str(key_node.value)
        if key in result:
            fm.problems.append(YamlProblem(
                "duplicate-key", f"key {key!r} appears twice (line {fm.key_positions[path + (key,)][0]} and line {kline}); "
                "YAML keeps only the last one", kline, kcol))
        fm.key_positions[path + (key,)] = (kline, kcol)
        fm.positions.pop(path + (key,), None)
        result[key] = _build(loader, value_node, path + (key,), fm)
    fm.positions.pop(path + ("<key>",), None)
    return result

