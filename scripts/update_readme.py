"""Refresh the README's generated parts: the CLI examples (real output) and the templates table.

    .venv/bin/python scripts/update_readme.py

tests/test_readme.py fails when the README and the real output disagree.
"""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")

    def refresh(match: re.Match) -> str:
        command = match.group(1)
        run = subprocess.run([sys.executable, "main.py", *command.split()[2:]], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        return f"```console\n$ {command}\n{run.stdout}```"

    readme = re.sub(r"```console\n\$ (python main\.py [^\n]+)\n(.*?)```", refresh, readme, flags=re.S)
    table = (ROOT / "docs" / "templates" / "README-table.md").read_text(encoding="utf-8").strip()
    readme = re.sub(r"(<!-- templates -->\n).*?(\n<!-- /templates -->)", lambda m: m.group(1) + table + m.group(2),
                    readme, flags=re.S)
    path.write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
