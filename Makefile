# The two commands of the README. Both install whatever is missing first (scripts/setup.sh).
.PHONY: run test setup bench screenshots
VENV := .venv
ARGS ?=

setup:
	@scripts/setup.sh

# Opens the desktop app on a default plan (under Xvfb when there is no display).
run: setup
	@scripts/run-gui.sh $(ARGS)

# The whole test suite, headless.
test: setup
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -p no:cacheprovider $(ARGS)

bench: setup
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest benchmarks --benchmark-only $(ARGS)

screenshots: setup
	@xvfb-run -a -s "-screen 0 1600x1000x24" $(VENV)/bin/python scripts/screenshots.py
