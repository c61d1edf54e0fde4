"""The import graph of reportgen/ against its declared layers ([tool.reportgen.layers] in
pyproject.toml; docs/architecture.md, "Layers"): no circle, at most ``max_upward`` imports
from a lower layer up to a higher one, every module in a layer.

The graph is read from the source with ast, nothing imported: every ``import`` and ``from
... import`` naming a reportgen module, at module level, inside a function or under
``if TYPE_CHECKING`` alike. ``from package import name`` is an arrow to the submodule when
``name`` is one, else to the package.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def modules(package: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package folder (its ``__init__`` named as the package)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph(package: Path) -> dict[str, dict[str, int]]:
    """Module -> {module it imports: line of the first such import}, within the package."""
    mods = modules(package)
    top = package.name

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {name: {} for name in mods}
    for name, path in mods.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name.split(".") if is_package else name.split(".")[:-1]
                    base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            else:
                continue
            for target in targets:
                if target == top or target.startswith(top + "."):
                    found = known(target)
                    if found and found != name:
                        graph[name].setdefault(found, node.lineno)
    return graph


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def layer_of(order: list[list[str]], module: str) -> int | None:
    """The module's layer, counted from the bottom (0); the longest matching name decides."""
    best = None
    for position, names in enumerate(order):
        for name in names:
            if module == name or module.startswith(name + "."):
                if best is None or len(name) > best[0]:
                    best = (len(name), len(order) - 1 - position)
    return best and best[1]


def upward(graph: dict[str, dict[str, int]], order: list[list[str]]) -> list[str]:
    """Each import from a lower layer up to a higher one, as ``a -> b (line n)``."""
    return [f"{a} -> {b} (line {line})" for a, targets in sorted(graph.items()) for b, line in sorted(targets.items())
            if layer_of(order, b) > layer_of(order, a)]


@pytest.fixture(scope="module")
def layers() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["reportgen"]["layers"]


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph(ROOT / "reportgen")


def test_every_module_has_a_layer_and_every_layer_name_a_module(graph, layers):
    assert [m for m in sorted(graph) if layer_of(layers["order"], m) is None] == []
    names = [name for names in layers["order"] for name in names]
    assert [n for n in names if not any(m == n or m.startswith(n + ".") for m in graph)] == []
    assert len(names) == len(set(names))


def test_the_import_graph_has_no_circle(graph):
    assert circles(graph) == []


def test_few_imports_climb_the_layers(graph, layers):
    climbing = upward(graph, layers["order"])
    assert len(climbing) <= layers["max_upward"], climbing


def test_the_seams_cut_stay_cut(graph):
    """The imports issue 23 (item 4) removed: fingerprint <-> noop (the store is its own module,
    noop's runs opaque records in it), schema -> render (margins live in page.py), to_xlsx ->
    sources.workbook (the group headings are columns'), and the kinds' circle through the
    workspace (the Workspace value is below the kinds, its loader above them)."""
    assert "reportgen.noop" not in graph["reportgen.fingerprint"] and "reportgen.noop" not in graph["reportgen.store"]
    assert "reportgen.fingerprint" not in graph["reportgen.noop"]
    assert [m for m in graph["reportgen.schema"] if m.startswith("reportgen.render")] == []
    assert [m for m in graph["reportgen.render.to_xlsx"] if m.startswith("reportgen.sources")] == []
    assert [m for m in (*graph["reportgen.context"], *graph["reportgen.kinds.kind"], *graph["reportgen.validate"])
            if m in ("reportgen.workspace", "reportgen.kinds", "reportgen.context")] == []


def test_the_checks_find_a_circle_and_a_climb(tmp_path):
    """The graph reader and the checks on a small package: module-level, function-level,
    TYPE_CHECKING and relative imports, and ``from package import submodule``."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "low.py": "def f():\n    from pkg.sub import high\n",
        "mid.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import low\nimport os\n",
        "sub/__init__.py": "from .high import g\n",
        "sub/high.py": "from pkg import mid\nfrom pkg.low import f\n",
        "apart.py": "import pkg\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    found = import_graph(package)
    assert found == {"pkg": {}, "pkg.apart": {"pkg": 1}, "pkg.low": {"pkg.sub.high": 2}, "pkg.mid": {"pkg.low": 3},
                     "pkg.sub": {"pkg.sub.high": 1}, "pkg.sub.high": {"pkg.mid": 1, "pkg.low": 2}}
    assert circles(found) == [["pkg.low", "pkg.mid", "pkg.sub.high"]]
    order = [["pkg.apart"], ["pkg.sub"], ["pkg.mid"], ["pkg", "pkg.low"]]
    assert layer_of(order, "pkg.sub.high") == 2 and layer_of(order, "pkg.low") == 0
    assert upward(found, order) == ["pkg.low -> pkg.sub.high (line 2)"]
