"""Archplan entry point: no arguments (or a plan file) opens the desktop app; subcommands run headless.

    python main.py                      # the desktop app on a default plan
    python main.py my-plan.json         # the desktop app on that file
    python main.py plan my-plan.json    # headless: see `python main.py --help`
"""

import sys

#: Options of the desktop app itself (everything else is a plan file to open).
GUI_OPTIONS = ("--smoke",)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from planner.cli import COMMANDS, run_cli

    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from exports.cli import register

        return run_cli(argv, extensions=[register])
    unknown = [a for a in argv if a.startswith("-") and a not in GUI_OPTIONS]
    if unknown:
        print(f"archplan: error: unknown option {unknown[0]} (the app takes a plan file; see --help)", file=sys.stderr)
        return 2
    from ui.app import run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
