"""The assessment library stays pure and layered, and its ``__init__`` is the app's whole API.

Importing it never pulls in Flask or SQLAlchemy; its modules import each other in one
direction only (no cycle, no import hidden inside a function to break one); every name the app
imports from it is exported by ``assessment.__all__``.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import assessment

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "assessment"
# Where the app and its tools import the library from.
APP_DIRS = ("survey_app", "bench", "tests/survey_app")
# Names exported under another name because two submodules use the same one.
RENAMED = {
    ("assessment.ruleset", "available_versions"): "available_rule_versions",
    ("assessment.instrument", "available_versions"): "available_instrument_versions",
}


def _banned_modules_after(code: str) -> str:
    script = (
        f"import sys\n{code}\n"
        "banned = {'flask', 'sqlalchemy', 'werkzeug'}\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in banned)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_assessment_imports_no_web_or_db_framework():
    code = (
        "import importlib, pkgutil, assessment\n"
        "for m in pkgutil.walk_packages(assessment.__path__, 'assessment.'):\n"
        "    importlib.import_module(m.name)\n"
    )
    assert _banned_modules_after(code) == ""


def test_importing_the_public_api_alone_loads_no_web_or_db_framework():
    assert _banned_modules_after("from assessment import *") == ""


@pytest.mark.parametrize("name", assessment.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(assessment, name) is not None


def test_the_exported_names_are_unique_and_public():
    assert len(set(assessment.__all__)) == len(assessment.__all__)
    assert not [n for n in assessment.__all__ if n.startswith("_")]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    return []


def _assessment_imports(tree: ast.AST) -> list[ast.AST]:
    return [
        node
        for node in ast.walk(tree)
        if any(m.split(".")[0] == "assessment" for m in _imported_modules(node))
    ]


def _library_graph() -> dict[str, set[str]]:
    """Module -> the assessment submodules it imports at the top level (packages excluded)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if path.name == "__init__.py":
            continue  # a package's __init__ only gathers names; submodules never import it
        graph[name] = {
            node.module
            for node in ast.parse(path.read_text("utf-8")).body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assessment.")
        }
    return graph


def test_library_modules_never_import_the_package_api():
    # A submodule importing ``from assessment import X`` would run back up to the __init__.
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in _assessment_imports(ast.parse(path.read_text("utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            assert module not in (None, "assessment", "assessment.survey"), path


def test_no_import_of_the_library_hides_inside_a_function():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        top = {id(node) for node in tree.body}
        hidden = [n.lineno for n in _assessment_imports(tree) if id(n) not in top]
        assert hidden == [], f"{path.name}: imports inside a function at lines {hidden}"


def test_the_library_import_graph_has_no_cycle():
    graph = _library_graph()
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join((*trail, module))
        if module in done:
            return
        for dep in sorted(graph.get(module, ())):
            visit(dep, (*trail, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    # The rule modules are layered: types, row checks, criteria, validation, loader.
    assert "assessment.ruleset" not in graph["assessment.rule_validation"]
    assert "assessment.ruleset" not in graph["assessment.ruletypes"]
    assert graph["assessment.ruleset"] >= {"assessment.rule_validation", "assessment.ruletypes"}


def _app_imports() -> list[tuple[str, str, str]]:
    """(file, module, name) for every name the app imports from the library."""
    found = []
    for folder in APP_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in _assessment_imports(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom):
                    found += [(path.name, str(node.module), a.name) for a in node.names]
    return found


def test_every_name_the_app_imports_is_exported_by_the_package():
    submodules = {p.stem for p in PACKAGE.glob("*.py")} | {"survey"}
    missing = []
    for file, module, name in _app_imports():
        if module == "assessment" and name in submodules:
            continue  # a whole submodule (e.g. `from assessment import ruleset`)
        exported = RENAMED.get((module, name), name)
        if exported not in assessment.__all__:
            missing.append(f"{file}: {module}.{name}")
            continue
        if module != "assessment":
            source = sys.modules.get(module) or __import__(module, fromlist=[name])
            assert getattr(assessment, exported) is getattr(source, name), (module, name)
    assert missing == []
