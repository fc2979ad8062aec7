"""The package's shape: no module imports, directly or through others, a module that imports it back.
Local imports (inside functions) count too: they only hide a circle from the interpreter, not from the
reader. The layering this protects is written in the README's Development section."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cardlint"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Every module of cardlint/ and the cardlint modules it imports (anywhere in its body)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # "from pkg import mod" imports the module pkg.mod when there is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:  # "import a.b.c" of a package attribute
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read():
    graph = import_graph()
    assert "cardlint.card" in graph["cardlint.engine"]
    assert "cardlint.fixer" in graph["cardlint.cli.fix"]  # relative imports two levels up
    assert "cardlint.card.text" in graph["cardlint.card.scan"]
    assert "cardlint.card" in graph  # packages are modules too


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


# The layers of the README's Development section, lowest first: a module imports only from its own layer
# or those below it. A new module goes in a layer here and in the README.
LAYERS = [
    ("foundations", ["_version", "errors", "paths", "patterns", "rule", "wording", "report.escape", "gitignore"]),
    ("the card", ["card", "card.*", "topics", "packs", "metadata_help"]),
    ("analyses under configuration", ["config", "directives", "score", "context", "engine_rules", "registry"]),
    ("rules", ["checks", "checks.*"]),
    ("running", ["engine", "fixer", "sources", "worker", "pipeline", "distributed", "baseline"]),
    ("output", ["report", "report.*", "docs"]),
    ("faces", ["cli", "cli.*", "server", "api", "testing", "", "__main__"]),
]


def layer_of(module: str) -> int:
    name = module.removeprefix("cardlint").removeprefix(".")
    for i, (_, members) in enumerate(LAYERS):
        for m in members:
            if name == m or (m.endswith(".*") and name.startswith(m[:-1])):
                return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS here and to the README's Development section")


def test_no_import_runs_up_a_layer():
    graph = import_graph()
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {t} ({LAYERS[layer_of(t)][0]})"
              for m in sorted(graph) for t in sorted(graph[m]) if layer_of(t) > layer_of(m)]
    assert not upward, "\n".join(upward)
