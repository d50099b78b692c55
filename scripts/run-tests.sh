#!/usr/bin/env bash
# The test command: installs what is missing, builds every target (the CUDA ones too when nvcc
# is present), runs the CTest suite (GPU tests skip without a device) and a quick validation.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j "${JOBS:-$(nproc)}"
./build/orbitmc validate --backend cpu --quick --quiet --out build/quick-report
