"""The README stays true: its CLI examples are the real output of the commands it shows."""

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```console\n\$ (python main\.py [^\n]+)\n(.*?)```", README, re.S)


def test_readme_has_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("command, shown", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output_is_current(command, shown):
    argv = command.split()[2:]
    run = subprocess.run([sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == shown


def test_readme_images_exist():
    for path in re.findall(r'(?:src="|\]\()((?:docs)/[^")]+\.(?:png|pdf))', README):
        assert (ROOT / path).is_file(), path
