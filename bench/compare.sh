#!/usr/bin/env bash
# orbitmc beside JAX, BlackJAX, PyTorch and Mici on the same work, in one run (bench/README.md).
# On a fresh Debian machine: installs the build's packages (scripts/install-deps.sh), builds
# orbitmc in Release, creates build/peers-venv with the pinned peers of
# bench/peers/requirements.txt from PyPI, and runs bench/compare.py with the arguments given
# (e.g. --threads 2, --rounds 3, --only EM, --backend cuda).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if ! command -v python3 >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  apt-get install -y --no-install-recommends python3-venv
fi
venv=build/peers-venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s bench/peers/requirements.txt "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r bench/peers/requirements.txt
  cp bench/peers/requirements.txt "$venv/requirements.txt"
fi
exec "$venv/bin/python" bench/compare.py --build build "$@"
