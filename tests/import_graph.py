"""The import graph of ``src/orbitdc``, derived from the source, and the layering it must obey.

Run it as a script to print the layer table that design/architecture.md carries
(``.venv/bin/python tests/import_graph.py``), or to rewrite the table in the document
(``... tests/import_graph.py --update``); tests/test_architecture.py checks that the document,
the declared layers and the code agree.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Components of the package from the bottom up. A component may import itself and the
#: components listed before it, never one listed after it. A component is a top-level module or
#: subpackage of ``orbitdc``; ``orbitdc`` itself is the package root (the Python API).
LAYERS: list[tuple[str, str]] = [
    ("_version", "installed version"),
    ("constants", "constants of nature and of the reference Earth (WGS-84, SGP4's WGS-72)"),
    ("errors", "user-facing errors naming field, value and allowed range"),
    ("time", "instants, Julian dates, offsets, calendar years"),
    ("assumptions", "the models/ catalogs, every number with its source"),
    ("results", "results folders, atomic writes, manifests"),
    ("orbits", "circular orbits, J2 rates, inclination families, eclipses, Walker shells"),
    ("propulsion", "rocket equation, Hohmann and deorbit burns"),
    ("collision", "collision geometry and probability, rates, NASA breakup model"),
    ("environment", "atmosphere, solar activity, decay, debris background, object catalogs"),
    ("sizing", "one satellite from compute power and orbit"),
    ("launchers", "launch vehicles: payload to a shell, satellites per flight"),
    ("propagation", "bulk SGP4, Walker symmetry"),
    ("screening", "conjunction screening, Dask splitting"),
    ("risk", "risk of a satellite and of a shell: collisions, maneuvers, debris index"),
    ("slots", "self-safe orbital slots: patterns, separations, shell stacking, capacity"),
    ("evolution", "long-term debris environment with collision feedback"),
    ("deploy", "the deployment MILP (Pyomo + HiGHS) and its methods"),
    ("spec", "study files -> validated, frozen models"),
    ("study", "a study's coefficients, adapters and its Optuna design-space search"),
    ("report", "HTML report, figures, design review"),
    ("api", "the Python API: load a study, size, assess, screen, optimize, run, report"),
    ("cli", "the command line, a thin layer over the API"),
    ("__main__", "python -m orbitdc"),
    ("orbitdc", "package root: re-exports the Python API"),
]

RANK = {name: k for k, (name, _) in enumerate(LAYERS)}


def module_name(path: Path) -> str:
    """Dotted module name of a source file (``orbitdc.risk.model``, ``orbitdc.risk``)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def component(module: str) -> str:
    """Top-level component of a module (``orbitdc.risk.model`` -> ``risk``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "orbitdc"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted((SRC / "orbitdc").rglob("*.py"))}


def _resolve(target: str, names: list[str], known: dict[str, Path]) -> list[str]:
    """Modules an import statement loads: ``from pkg import mod`` names the submodule."""
    out = []
    for name in names:
        if f"{target}.{name}" in known:
            out.append(f"{target}.{name}")
        elif target in known:
            out.append(target)
    return out or ([target] if target in known else [])


def edges() -> dict[str, set[str]]:
    """Module -> modules it imports (top level, in functions and under TYPE_CHECKING)."""
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "orbitdc":
                        graph[name].update(_resolve(alias.name, [], known) or [alias.name])
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if base.split(".")[0] != "orbitdc":
                    continue
                graph[name].update(_resolve(base, [a.name for a in node.names], known))
        graph[name].discard(name)
    return graph


def upward_imports() -> list[str]:
    """``importer -> imported`` lines where a lower component imports a higher one."""
    bad = []
    for src, targets in sorted(edges().items()):
        for dst in sorted(targets):
            a, b = component(src), component(dst)
            if a not in RANK or b not in RANK:
                bad.append(f"{src} -> {dst}: component not declared in LAYERS")
            elif RANK[b] > RANK[a]:
                bad.append(f"{src} ({a}) -> {dst} ({b})")
    return bad


def cycles() -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan)."""
    graph = edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(modules()):
        if v not in index:
            visit(v)
    return found


def component_dependencies() -> dict[str, set[str]]:
    """Component -> the other components it imports."""
    deps: dict[str, set[str]] = defaultdict(set)
    for src, targets in edges().items():
        for dst in targets:
            if component(src) != component(dst):
                deps[component(src)].add(component(dst))
    return deps


def layer_table() -> str:
    """The Markdown table of design/architecture.md, bottom layer last."""
    deps = component_dependencies()
    present = {component(m) for m in modules()}
    rows = ["| layer | component | job | imports |", "|---|---|---|---|"]
    for name, job in reversed(LAYERS):
        if name not in present:
            continue
        used = ", ".join(sorted(deps.get(name, set()), key=lambda c: -RANK.get(c, 0))) or "-"
        label = "`orbitdc`" if name == "orbitdc" else f"`orbitdc.{name}`"
        rows.append(f"| {RANK[name]} | {label} | {job} | {used} |")
    return "\n".join(rows)


DOC = Path(__file__).resolve().parents[1] / "design" / "architecture.md"


def update_document(path: Path = DOC) -> None:
    """Replace the layer table in design/architecture.md with the derived one."""
    text = path.read_text(encoding="utf-8")
    start = text.index("| layer | component |")
    end = text.index("\n\n", start)
    path.write_text(text[:start] + layer_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if "--update" in sys.argv:
        update_document()
    print(layer_table())
    for line in upward_imports():
        print("UPWARD:", line)
    for group in cycles():
        print("CYCLE:", " <-> ".join(group))
