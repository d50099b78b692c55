#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs the validation suite on the GPU when one
# is present (else the CPU) and writes the report (report.json + report/index.html) to OUT_DIR.
# Extra arguments go to `orbitmc validate` (e.g. --quick, --backend cpu, --correction-scale 0).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=${OUT_DIR:-orbitmc-report}
set +e
# Without arguments, a GPU run uses GPU scale (10^6 chains per case, --refine 8 --longer 4).
(($#)) || set -- --gpu-scale
./build/orbitmc validate --backend auto --out "$out" "$@"
rc=$?
set -e
echo "report: $out/report/index.html"
exit $rc
