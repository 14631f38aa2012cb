"""
Python's cyclic garbage collector around plan-sized work.

A 10,000-component plan keeps a few million Python objects alive (the plan, its result, the canvas's
item wrappers). Each full pass of the collector walks all of them: 0.5-1 s on this machine, and reading
such a plan and building its window triggered several passes, a third of the opening. `building()` pauses
the collector while a plan is read and its window built; reference counting still frees everything that
is not in a cycle, and the collector catches up afterwards.

(gc.freeze, which would also keep full passes off the plan while it is edited, is not used: objects
frozen with the Qt wrappers of a window and collected after the window was gone crashed the interpreter.)
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archplan.planner.model import Plan


@contextlib.contextmanager
def building() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_plan(path: str | os.PathLike[str]) -> Plan:
    """planner.io.load_plan without collector passes in the middle (a 10,000-component file: ~2 s -> 0.5 s
    on a loaded machine)."""
    from archplan.planner.io import load_plan

    with building():
        return load_plan(path)
