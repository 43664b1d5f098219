"""The layers import one way, and no module imports itself back through others.

::

    cli  mcp_server  orchestration     apps: what users run (cli may start the server)
              pipeline                 build, refresh, onboarding, health, publish
    ingestion  warehouse  semantic_configs   one job each, side by side, never each other
                gata                   the core: catalog, settings, tenants, errors, locks, clock

Every import counts, including those inside functions: a lazy import still ties
the two modules together. The check reads source (no imports run), so it is fast
and cannot be fooled by import order.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# package -> the packages it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "gata": set(),
    "ingestion": {"gata"},
    "warehouse": {"gata"},
    "semantic_configs": {"gata"},
    "pipeline": {"gata", "ingestion", "warehouse", "semantic_configs"},
    "mcp_server": {"gata", "ingestion", "warehouse", "semantic_configs", "pipeline"},
    "orchestration": {"gata", "ingestion", "warehouse", "semantic_configs", "pipeline"},
    "cli": {"gata", "ingestion", "warehouse", "semantic_configs", "pipeline", "mcp_server"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Our modules that ``path`` imports, as dotted names (``from a import b`` yields ``a.b`` when it is a
    module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ALLOWED}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for pkg in ALLOWED for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {imp for imp in _imports(path) if imp in modules and imp != name}
    return graph


def test_every_import_points_down_or_sideways_within_a_package() -> None:
    upward = sorted(f"{mod} imports {imp}" for mod, imps in _graph().items() for imp in imps
                    if imp.split(".")[0] != mod.split(".")[0]
                    and imp.split(".")[0] not in ALLOWED[mod.split(".")[0]])
    assert upward == [], "imports against the layers:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    """Every strongly connected group of modules is reported, not just the first loop found."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    assert groups == [], "modules that import each other (directly or around a loop):\n" + "\n".join(
        ", ".join(g) for g in groups)


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from mcp_server.tools import x\n    import pipeline.steps\n")
    assert _imports(module) == {"mcp_server.tools", "mcp_server.tools.x", "pipeline.steps"}
