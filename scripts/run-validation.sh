#!/usr/bin/env bash
# The main job: installs what is missing, builds the command-line tool (with the CUDA backend
# only where a GPU is present: no tests, no benchmarks), runs the validation suite on the GPU when
# there is one (else the CPU) and writes the report (report.json + report/index.html) to OUT_DIR.
# Extra arguments go to `orbitmc validate` (e.g. --quick, --backend cpu, --correction-scale 0).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --main
cuda=off
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  cuda=auto
fi
CUDA=$cuda TARGET=orbitmc_cli scripts/build.sh -DORBITMC_TESTS=OFF -DORBITMC_BENCH=OFF
out=${OUT_DIR:-orbitmc-report}
set +e
# Without arguments, a GPU run uses GPU scale (10^6 chains per case, --refine 8 --longer 4).
(($#)) || set -- --gpu-scale
./build/orbitmc validate --backend auto --out "$out" "$@"
rc=$?
set -e
echo "report: $out/report/index.html"
exit $rc
