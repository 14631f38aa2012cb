#!/usr/bin/env bash
# Installs what Archplan needs and is missing, then exits. Idempotent and quick when all is present.
#   - Debian packages: graphviz (diagram export), poppler-utils (PDF previews in docs), fonts the PDF
#     embeds (DejaVu, with its oblique and condensed faces from fonts-dejavu-extra; Droid Sans Fallback for Chinese and Japanese, Nanum for Korean, Symbola for emoji), chromium (mermaid-cli renders the
#     Mermaid export in the tests), the libraries Qt needs offscreen and under Xvfb, and python3-venv.
#   - The exporters' checkers: checkov (IaC static analysis) in its own virtualenv .venv-checkov (it
#     pins networkx 2.x, which Archplan cannot use) from tools/checkov/requirements.lock, and
#     mermaid-cli from tools/mermaid/package-lock.json (npm ci; the browser is Debian's chromium).
#   - A virtualenv in .venv with the exact versions of requirements.lock (every package pinned by hash;
#     refresh it with `make lock`) and the project itself, editable (re-installed when pyproject.toml or
#     requirements.lock changes).
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  python3-venv graphviz poppler-utils fonts-dejavu-core fonts-dejavu-extra fonts-droid-fallback fonts-nanum fonts-symbola chromium
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
# Node.js and npm for mermaid-cli, from Debian unless the machine has them
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.archplan-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "setup: installing Python packages into $VENV (first time takes a few minutes)"
  log="$VENV/pip-install.log"
  if ! { "$VENV/bin/python" -m pip install --require-hashes -r requirements.lock \
        && "$VENV/bin/python" -m pip install --no-deps -e .; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup: pip install failed (full log: $log)" >&2
    exit 1
  fi
  touch "$stamp"
fi

CHECKOV_VENV=.venv-checkov
stamp="$CHECKOV_VENV/.archplan-installed"
if [ ! -f "$stamp" ] || [ tools/checkov/requirements.lock -nt "$stamp" ]; then
  echo "setup: installing checkov into $CHECKOV_VENV"
  [ -x "$CHECKOV_VENV/bin/python" ] || "$PYTHON" -m venv "$CHECKOV_VENV"
  log="$CHECKOV_VENV/pip-install.log"
  if ! "$CHECKOV_VENV/bin/python" -m pip install --require-hashes -r tools/checkov/requirements.lock >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup: checkov install failed (full log: $log)" >&2
    exit 1
  fi
  touch "$stamp"
fi

stamp=tools/mermaid/node_modules/.archplan-installed
if [ ! -f "$stamp" ] || [ tools/mermaid/package-lock.json -nt "$stamp" ]; then
  echo "setup: installing mermaid-cli into tools/mermaid"
  if ! (cd tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund) >/tmp/archplan-npm.log 2>&1; then
    tail -n 30 /tmp/archplan-npm.log >&2
    echo "setup: npm ci in tools/mermaid failed" >&2
    exit 1
  fi
  touch "$stamp"
fi
