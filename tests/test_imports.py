"""The shape of the code holds: every module imports on its own, and no import runs from a
package back up to one that imports it (no cycle between packages)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import leadrouter

SRC = Path(leadrouter.__file__).parent
# Module name -> file; Alembic runs its environment and revisions by path, never by import.
ALEMBIC = {SRC / "migrations" / "env.py", *(SRC / "migrations" / "versions").glob("*.py")}
FILES = {
    ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): path
    for path in SRC.rglob("*.py")
    if path not in ALEMBIC
}
MODULES = sorted(FILES)

# One interpreter; before each module, every leadrouter module is forgotten, so each import
# starts from nothing as in a fresh process (third-party packages stay loaded: they are slow).
_IMPORT_EACH = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "leadrouter" or m.startswith("leadrouter.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=-1).strip().splitlines()[-1])
print("\\n".join(failed))
"""


def test_every_module__imports_on_its_own() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *MODULES],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert result.stdout.strip() == ""


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports_that_run(path: Path) -> set[str]:
    """The leadrouter modules a file imports, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for node in ast.walk(block)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("leadrouter.")}


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in FILES.items():
        for imported in _imports_that_run(path):
            if _package(imported) != _package(module):
                graph[_package(module)].add(_package(imported))
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        if here not in seen:
            seen.add(here)
            todo.extend(graph.get(here, ()))
    return False


def test_packages__import_each_other_in_one_direction() -> None:
    graph = _package_graph()
    cycles = sorted(
        f"{a} -> {b} -> ... -> {a}"
        for a, targets in graph.items()
        for b in targets
        if _reaches(graph, b, a)
    )
    assert cycles == []
