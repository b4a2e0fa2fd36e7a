"""The apps stack in one direction: ``cms`` (the project shell) on top, then ``api``, then
``blog``, then ``cachetags``, then ``serving`` at the bottom. An import against that
direction is how the old ``cms`` <-> ``api`` loop started, so every module's imports are
read from its syntax tree, function-level imports included."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the first-party packages it must never import.
FORBIDDEN = {
    # serving is the floor (request plumbing, the circuit breaker); cachetags stands on it.
    "serving": {"cms", "blog", "api", "propagation", "cachetags"},
    "cachetags": {"cms", "blog", "api", "propagation"},
    "blog": {"cms", "api", "propagation"},
    "api": {"cms", "propagation"},
    "propagation": {"cms"},
}


def _imported_packages(path: Path) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_never_imports_the_layers_above_it(package):
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, imported in sorted(_imported_packages(path))
        if imported in FORBIDDEN[package]
    ]

    assert offending == []


def test_the_layering_check_sees_function_level_imports(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from api.router import api_router\n    import cms.urls\n")

    assert _imported_packages(module) == {(2, "api"), (3, "cms")}


def test_cms_holds_only_the_project_shell():
    modules = {p.name for p in (ROOT / "cms").glob("*.py")}

    assert modules == {"__init__.py", "settings.py", "urls.py", "wsgi.py", "gunicorn.conf.py"}
    assert not [p for p in (ROOT / "cms").iterdir() if p.is_dir() and p.name != "__pycache__"]
