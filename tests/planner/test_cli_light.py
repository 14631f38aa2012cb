"""The command line's --help and --version load no engine: no numpy, networkx, pydantic or simulation
kernel before a command runs (benchmarks/test_bench_startup.py times them)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "networkx", "pydantic", "ciw", "sympy", "reportlab")

PROBE = f"""
import sys
from archplan.planner.cli import build_parser
parser = build_parser()
parser.format_help()
commands = next(a for a in parser._actions if a.choices and "simulate" in a.choices).choices
for command in commands.values():  # every subcommand's --help text
    command.format_help()
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""


def test_help_builds_every_subcommand_without_the_engine():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""


def test_the_simulate_budget_shown_in_help_is_the_simulations():
    from archplan.planner import simcli, simulation

    assert simcli.DEFAULT_MAX_VISITS == simulation.DEFAULT_MAX_VISITS
