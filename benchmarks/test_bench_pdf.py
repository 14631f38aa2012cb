"""PDF design document of large plans (issue 16): 1,000 components under 5 s and 400 MB, 10,000 under 60 s,
with the diagram (overview and per-part pages) and every table.

Absolute times do not carry between machines, so each size is measured against a baseline run in the same
process: reportlab setting one plain table with a row per component (nine short columns, the size of the
capacity tables) in a one-pass document. The ratio is asserted; the absolute time is reported beside it
(printed with -s). Measured here (2 cores, shared): see MAX_RATIO. Memory is measured in a child process
(peak resident size), which no other load changes.
Run: make bench (or pytest benchmarks --benchmark-only).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time

import pytest
from pypdf import PdfReader

from archplan.exports.pdf import write_pdf
from archplan.planner.engine import compute
from benchmarks.synthetic import layered_plan

#: PDF time / baseline time. Measured here: ~13 at both sizes (2.6 s / 0.19 s and 31.5 s / 2.4 s: the
#: document grows linearly); the targets (5 s, 60 s) are ratios of ~25 on this machine, so 20 keeps a margin.
MAX_RATIO = 20.0
TARGET_S = {1_000: 5.0, 10_000: 60.0}
MAX_RSS_MB = 400


def baseline(n_rows: int, out) -> float:
    """Seconds reportlab needs for one plain table of `n_rows` rows x 9 short columns, in one pass."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    rows = [[f"component {i}", "1.2K QPS", "3.4K QPS", "2", "1", "throughput", "45 %", "12 GB", "$1,234"]
            for i in range(n_rows)]
    start = time.perf_counter()   # blocks of 40 rows: one long table would make reportlab quadratic
    SimpleDocTemplate(str(out), pagesize=A4).build([Table(rows[k:k + 40]) for k in range(0, n_rows, 40)])
    return time.perf_counter() - start


@pytest.mark.parametrize("size", [1_000, 10_000])
def test_pdf_of_a_large_plan(benchmark, tmp_path, size):
    plan = layered_plan(size)
    result = compute(plan)
    out = tmp_path / "plan.pdf"
    base = min(baseline(len(plan.components), tmp_path / "base.pdf") for _ in range(2))
    rounds = 3 if size <= 1_000 else 1
    benchmark.pedantic(write_pdf, args=(plan, result, out), kwargs={"date": dt.date(2025, 1, 1)},
                       rounds=rounds, iterations=1)
    fastest = benchmark.stats.stats.min
    benchmark.extra_info.update(baseline_s=round(base, 3), ratio=round(fastest / base, 2))
    print(f"\nPDF of {size:,} components: {fastest:.2f} s, baseline {base:.2f} s, ratio {fastest / base:.1f}")
    assert fastest / base < MAX_RATIO
    pages = PdfReader(out).pages
    assert len(pages) > size / 20   # the diagram's parts and the tables are all there


def test_pdf_memory_of_1000_components(benchmark, tmp_path):
    """Peak resident memory of a process that computes and writes the 1,000-component document."""
    # VmHWM (the peak of this process image), not ru_maxrss, which keeps the forking parent's peak on Linux
    script = (
        "import re, sys, datetime as dt\n"
        "from benchmarks.synthetic import layered_plan\n"
        "from archplan.planner.engine import compute\n"
        "from archplan.exports.pdf import write_pdf\n"
        "plan = layered_plan(1000)\n"
        f"write_pdf(plan, compute(plan), {str(tmp_path / 'm.pdf')!r}, date=dt.date(2025, 1, 1))\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024)\n")
    def run():
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True)

    proc = benchmark.pedantic(run, rounds=1, iterations=1)
    peak_mb = json.loads(proc.stdout.strip().splitlines()[-1])
    benchmark.extra_info["peak_rss_mb"] = peak_mb
    assert peak_mb < MAX_RSS_MB, peak_mb
