"""
Archplan's pytest plugin: plans as tested code.

Installed with archplan (entry point ``archplan`` in the ``pytest11`` group), so pytest loads it in any
environment where archplan is installed; ``-p no:archplan`` turns it off. It gives:

- ``archplan_plan(path=None, *, template=None)``: a fixture returning a loader; a plan file (absolute, or
  relative to the rootdir or to the test file's folder) or a template name -> a fresh `Plan` to read or
  change.
- ``archplan_result(plan_or_path, multiplier=1.0)``: a fixture returning a function that computes a plan
  (or a plan file) -> `PlanResult`.
- ``assert_budget(result, budgets=None, *, cost_usd=..., availability=..., p99_ms=..., read_p99_ms=...,
  write_p99_ms=..., headroom=..., utilisation=...)``: fails the test with one line per missed budget
  (figure, budget, margin). ``budgets`` may be a plan, whose own budgets are then checked too.
- ``archplan_window(plan_or_path=None)``: for GUI extensions, a fixture that opens the main window on a
  plan with pytest-qt's ``qtbot`` and closes it after the test, discarding changes. Qt is imported
  only when this fixture is used, so plan-only users need neither PySide6 nor pytest-qt.

Example (docs/examples/test_plan_budgets.py is a file to copy)::

    from archplan.testing import assert_budget

    def test_shop_meets_its_budgets(archplan_plan, archplan_result):
        plan = archplan_plan("plans/shop.json")
        assert_budget(archplan_result(plan), plan, p99_ms=200, cost_usd=5_000)

This module lives at the package root (``archplan.testing``, next to main.py) because it spans the
layers: plan fixtures use archplan.planner, the window fixture archplan.ui; planner/ may not import the
GUI, even lazily (the import-linter contracts).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from archplan.planner.budgets import Check
    from archplan.planner.model import Budgets, Plan
    from archplan.planner.result import PlanResult

__all__ = ["BudgetMissed", "assert_budget"]


class BudgetMissed(AssertionError):
    """A budget is missed; `checks` holds every check (passed and missed)."""

    def __init__(self, message: str, checks: list[Check]):
        super().__init__(message)
        self.checks = checks


# ------------------------------------------------------------------------------------------ helpers

def _resolve(path: str | os.PathLike[str], request: pytest.FixtureRequest | None) -> Path:
    """An absolute path as it is; a relative one against the rootdir, then the test file's folder."""
    given = Path(path).expanduser()
    if given.is_absolute() or request is None:
        return given
    bases = [Path(request.config.rootpath)]
    test_path = getattr(request, "path", None)
    if test_path is not None:
        bases.append(Path(test_path).parent)
    for base in bases:
        if (base / given).exists():
            return base / given
    return bases[0] / given  # missing: the error names where it was looked for


def _load(path=None, template: str | None = None, request=None) -> Plan:
    if (path is None) == (template is None):
        raise TypeError("archplan_plan: give a plan file or template=NAME (one of them)")
    if template is not None:
        from archplan.planner.library import load_template

        return load_template(template)
    from archplan.planner.io import load_plan

    return load_plan(_resolve(path, request))


def _compute(plan_or_path, multiplier: float = 1.0, request=None) -> PlanResult:
    from archplan.planner.engine import compute
    from archplan.planner.model import Plan

    plan = plan_or_path if isinstance(plan_or_path, Plan) else _load(plan_or_path, request=request)
    return compute(plan, multiplier=multiplier)


def _value(parse, value: Any, scale: float = 1.0) -> float | None:
    """A keyword of assert_budget: None, a number (times `scale`), or text read with planner.units."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse(value)
    return float(value) * scale


def assert_budget(result: PlanResult, budgets: Plan | Budgets | None = None, *, cost_usd: float | str | None = None,
                  availability: float | str | None = None, p99_ms: float | str | None = None,
                  read_p99_ms: float | str | None = None, write_p99_ms: float | str | None = None,
                  headroom: float | str | None = None, utilisation: float | str | None = None) -> list[Check]:
    """Fail (BudgetMissed, an AssertionError) unless every budget holds; return the checks.

    `budgets`: a Plan (its settings.budgets) or a Budgets, checked as stored; the keywords replace the budget
    of their measure everywhere (planner.budgets.with_overrides): cost_usd (per month), availability (0.999 or
    "99.9%", every client), p99_ms (every client's reads and writes, milliseconds or "200ms"), read_p99_ms,
    write_p99_ms, headroom (traffic multiplier before the breaking point: 2 or "2x"), utilisation (0.8 or
    "80%", every component). Giving no budget at all is an error, not a pass."""
    __tracebackhide__ = True
    from archplan.planner import units
    from archplan.planner.budgets import evaluate, failed, summary_line, with_overrides
    from archplan.planner.model import Budgets, Plan

    if isinstance(budgets, Plan):
        stored = budgets.settings.budgets
    elif budgets is None:
        stored = Budgets()
    elif isinstance(budgets, Budgets):
        stored = budgets
    else:
        raise TypeError(f"assert_budget: budgets must be a Plan or Budgets, not {type(budgets).__name__}")

    def duration(text: str) -> float:
        return units.parse_duration(text)

    overrides = {
        "max_monthly_cost": _value(units.parse_money, cost_usd),
        "min_availability": _value(units.parse_fraction, availability),
        "max_p99": _value(duration, p99_ms, 1e-3),
        "max_read_p99": _value(duration, read_p99_ms, 1e-3),
        "max_write_p99": _value(duration, write_p99_ms, 1e-3),
        "min_headroom": _value(units.parse_multiplier, headroom),
        "max_utilisation": _value(units.parse_fraction, utilisation),
    }
    merged, replaced = with_overrides(stored, **overrides)
    checks = evaluate(merged, result, replaced)
    if not checks:
        raise ValueError("assert_budget: no budget to check (give cost_usd=, availability=, p99_ms=, headroom=, "
                         "utilisation=, or a plan with budgets)")
    missed = failed(checks)
    if missed:
        lines = [f"{summary_line(checks)}:"] + [f"  - {c.sentence()}" for c in missed]
        held = [c for c in checks if c.passed]
        if held:
            lines.append("  held: " + "; ".join(f"{c.label} {c.figure_text}" for c in held))
        raise BudgetMissed("\n".join(lines), checks)
    return checks


# ------------------------------------------------------------------------------------------ fixtures

@pytest.fixture
def archplan_plan(request):
    """A loader: ``archplan_plan("plans/shop.json")`` or ``archplan_plan(template="url_shortener")`` -> a
    fresh Plan (each call reads the file again, so a test may change what it gets)."""

    def load(path: str | os.PathLike[str] | None = None, *, template: str | None = None) -> Plan:
        return _load(path, template, request)

    return load


@pytest.fixture
def archplan_result(request):
    """A function computing a plan or a plan file: ``archplan_result(plan, multiplier=3)`` -> PlanResult."""

    def compute(plan_or_path, multiplier: float = 1.0) -> PlanResult:
        return _compute(plan_or_path, multiplier, request)

    return compute


@pytest.fixture
def archplan_window(request, tmp_path_factory):
    """A factory opening Archplan's main window on a plan (a Plan, a plan file, or None for the default plan),
    shown, with qtbot (pytest-qt); closed after the test with its changes discarded. Message boxes are not
    shown: their (title, text) pairs are appended to ``window.archplan_warnings``. Settings and autosave go to
    a temporary folder."""
    try:
        qtbot = request.getfixturevalue("qtbot")
    except pytest.FixtureLookupError:
        pytest.fail("archplan_window needs pytest-qt (pip install pytest-qt) and PySide6", pytrace=False)
    from PySide6.QtCore import QSettings

    from archplan.planner.model import Plan
    from archplan.ui.editor import Editor
    from archplan.ui.main_window import MainWindow

    folder = tmp_path_factory.mktemp("archplan-window")
    windows = []

    def open_window(plan_or_path: Plan | str | os.PathLike[str] | None = None, size=(1400, 900)) -> MainWindow:
        editor = None
        if plan_or_path is not None:
            if isinstance(plan_or_path, Plan):
                editor = Editor(plan_or_path)
            else:
                path = _resolve(plan_or_path, request)
                editor = Editor()
                editor.load(_load(path), str(path))
        settings = QSettings(str(folder / f"settings-{len(windows)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(editor, settings=settings, autosave_dir=folder / f"autosave-{len(windows)}")
        window.archplan_warnings = []
        window._warn = lambda title, text: window.archplan_warnings.append((title, text))
        qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_ask_save", lambda: "discard"))
        window.resize(*size)
        window.show()
        windows.append(window)
        return window

    yield open_window
    for window in windows:
        window.editor.undo_stack.setClean()  # nothing left to ask about when pytest-qt closes it
