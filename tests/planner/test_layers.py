"""The dependency rule: planner/ is pure (no Qt, no exporters, no rendering libraries); exports/ is headless.

Imports are read from the syntax tree of every module (not grepped), and a fresh interpreter checks
that importing planner and exports loads no Qt at all. import-linter checks the same contracts from
pyproject.toml.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = {
    "planner": {"PySide6", "archplan.ui", "archplan.exports", "reportlab", "diagrams"},
    "exports": {"PySide6", "archplan.ui"},
}


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_obey_the_layers(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules found in {package}/"
    offending = []
    for path in files:
        for module in imported_modules(path):
            if any(module == rule or module.startswith(rule + ".") for rule in RULES[package]):
                offending.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offending, "\n".join(offending)


def test_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from PySide6 import QtCore\n    import reportlab.lib\n")
    assert imported_modules(sample) == {"PySide6", "reportlab.lib"}


def test_importing_planner_and_exports_loads_no_qt():
    code = ("import sys, archplan.planner, archplan.planner.engine, archplan.planner.cli, archplan.exports, "
            "archplan.exports.cli; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6') "
            "or m.startswith('archplan.ui')); "
            "print(bad); sys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_import_linter_contracts_hold():
    linter = pathlib.Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout
