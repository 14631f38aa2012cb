"""The built wheel is real software: it installs under one name and works from any directory.

Builds the wheel from the committed file set (a copy of `git ls-files`, so nothing the developer has
lying around sneaks in), installs it without dependencies into a fresh virtualenv whose only other
path entry is this environment's site-packages (the dependencies; the editable checkout's finder is
not activated there), and runs the console script from an empty temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]




def _tracked_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the wheel test needs the git checkout (it builds from the tracked files)")
    src = _tracked_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    (built,) = out.glob("archplan-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies come from this environment: a plain path entry (its .pth files are not run)
    Path(purelib, "archplan-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                          str(wheel)], capture_output=True, text=True)
    if "no such option: --python" in run.stderr:  # pip < 22.3
        run = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--prefix", str(env_dir),
                              str(wheel)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return env_dir


@pytest.mark.slow
def test_the_wheel_installs_one_package_named_archplan(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"archplan"}
    # every package folder of the repository is in it, with the data the program reads
    for init in sorted(ROOT.glob("*/**/__init__.py")):
        folder = init.parent.relative_to(ROOT)
        if folder.parts[0] in ("planner", "ui", "exports"):
            assert f"archplan/{folder.as_posix()}/__init__.py" in names, f"{folder} is missing from the wheel"
    assert "archplan/planner/data/catalog.json" in names
    assert "archplan/templates/three_tier.json" in names
    icons = [n for n in names if n.startswith("archplan/ui/icons/") and n.endswith(".svg")]
    assert len(icons) == len(list((ROOT / "ui" / "icons").glob("*.svg")))
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "archplan = archplan.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_the_console_script_works_from_any_directory(installed, tmp_path):
    script = installed / "bin" / "archplan"
    env = {**os.environ, "ARCHPLAN_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    env.pop("ARCHPLAN_TEAM_TEMPLATES", None)
    work = tmp_path / "elsewhere"
    work.mkdir()

    def archplan(*args: str) -> str:
        run = subprocess.run([str(script), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"archplan {' '.join(args)}: {run.stdout}{run.stderr}"
        return run.stdout

    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import archplan; print(archplan.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(installed), where  # the wheel, not the checkout
    listing = json.loads(archplan("templates", "list", "--json"))
    assert {"three_tier", "url_shortener"} <= {t["name"] for t in listing}
    archplan("new", "--from", "three_tier", "-o", "plan.json")
    result = json.loads(archplan("plan", "plan.json", "--json"))
    assert result["totals"]["monthly_cost"] > 0
    archplan("export", "plan.json", "--format", "svg", "-o", "plan.svg")
    archplan("export", "plan.json", "--format", "pdf", "-o", "plan.pdf")
    assert (work / "plan.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (work / "plan.pdf").read_bytes().startswith(b"%PDF")
    assert archplan("--version").startswith("archplan ")
    module = subprocess.run([str(installed / "bin" / "python"), "-m", "archplan", "--version"], cwd=work, env=env,
                            capture_output=True, text=True)
    assert module.returncode == 0 and module.stdout.startswith("archplan "), module.stderr


def test_the_lock_pins_every_declared_dependency():
    """requirements.lock (what CI installs, `make lock` refreshes it) pins each dependency of pyproject.toml."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    pinned = {canonical(m.group(1)): m.group(2)
              for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M)}
    missing = [d for d in declared if canonical(re.match(r"[A-Za-z0-9._-]+", d).group(0)) not in pinned]
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
