"""Archplan entry point: no arguments (or a plan file) opens the desktop app; subcommands run headless.

    python main.py                      # the desktop app on a default plan
    python main.py my-plan.json         # the desktop app on that file
    python main.py plan my-plan.json    # headless: see `python main.py --help`
"""

import sys

if __package__ in (None, ""):  # run as a script from a source tree (`python main.py`)
    import importlib.util
    import pathlib

    if importlib.util.find_spec("archplan") is None:  # not installed: this folder is the package
        _root = pathlib.Path(__file__).resolve().parent
        _spec = importlib.util.spec_from_file_location("archplan", _root / "__init__.py",
                                                       submodule_search_locations=[str(_root)])
        sys.modules["archplan"] = _module = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_module)

#: Options of the desktop app itself (everything else is a plan file to open).
GUI_OPTIONS = ("--smoke",)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--version"]:
        from archplan import __version__

        print(f"archplan {__version__}")
        return 0
    from archplan.planner.cli import COMMANDS, run_cli

    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from archplan.exports.cli import register

        return run_cli(argv, extensions=[register])
    unknown = [a for a in argv if a.startswith("-") and a not in GUI_OPTIONS]
    if unknown:
        print(f"archplan: error: unknown option {unknown[0]} (the app takes a plan file; see --help)", file=sys.stderr)
        return 2
    from archplan.ui.app import run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
