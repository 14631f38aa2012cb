# The two commands of the README. Both install whatever is missing first (scripts/setup.sh).
.PHONY: run test lint lock setup bench screenshots check-exports
VENV := .venv
ARGS ?=

setup:
	@scripts/setup.sh

# Opens the desktop app on a default plan (under Xvfb when there is no display).
run: setup
	@scripts/run-gui.sh $(ARGS)

# The whole test suite, headless, after the linter (ruff, configured in pyproject.toml).
test: setup
	@$(VENV)/bin/ruff check --quiet .
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -p no:cacheprovider $(ARGS)

lint: setup
	@$(VENV)/bin/ruff check .

# Re-pin every Python package CI installs (requirements.lock) from pyproject.toml's ranges.
lock:
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet uv
	@$(VENV)/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --quiet -o requirements.lock
	@$(VENV)/bin/uv pip compile tools/checkov/requirements.in --universal --python-version 3.11 \
		--generate-hashes --quiet -o tools/checkov/requirements.lock

# checkov (in .venv-checkov) and the other exporter checkers on every template's exports; also part of `make test`.
check-exports: setup
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -p no:cacheprovider tests/exports/test_export_checks.py $(ARGS)

bench: setup
	@QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest benchmarks --benchmark-only $(ARGS)

screenshots: setup
	@xvfb-run -a -s "-screen 0 1920x1080x24" $(VENV)/bin/python scripts/screenshots.py
