#!/usr/bin/env bash
# The test command: installs what is missing, builds every target (the CUDA ones too when nvcc
# is present), runs the CTest suite (GPU tests skip without a device) and a quick validation.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every include points down the layer table (scripts/include-layers.txt): checked first, in a
# second, before anything is built.
python3 scripts/check-includes.py
scripts/install-deps.sh
# Every target (the main job may have configured this folder without tests and benchmarks).
scripts/build.sh -DORBITMC_TESTS=ON -DORBITMC_BENCH=ON
ctest --test-dir build --output-on-failure -j "${JOBS:-$(nproc)}"
./build/orbitmc validate --backend cpu --quick --quiet --out build/quick-report
# MPI: the quick validation over 2 and 3 ranks (an uneven split) gives the
# one-process report's numbers exactly. (The sanitiser build below is the one without MPI.)
# (The libraries are read into a string: `ldd | grep -q` under pipefail fails whenever grep exits
# before ldd has written everything, and the check was silently skipped.)
if command -v mpirun >/dev/null 2>&1 && [[ $(ldd build/orbitmc) == *libmpi* ]]; then
  for np in 2 3; do
    mpirun --allow-run-as-root --oversubscribe -np "$np" ./build/orbitmc validate --backend cpu \
      --quick --quiet --no-html --out "build/quick-report-np$np"
    python3 tests/same_report_test.py build/quick-report/report.json \
      "build/quick-report-np$np/report.json"
  done
fi
# Sanitisers: the CPU test suite under AddressSanitizer and UndefinedBehaviorSanitizer (built at
# -O1 -g1, as the sanitizers' documentation suggests: half the compile time of -O2 -g, which
# keeps this script under 30 minutes on 2 cores).
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize --parallel "${JOBS:-$(nproc)}"
ctest --preset sanitize
# Fuzzing (clang's libFuzzer), each target for FUZZ_SECONDS: the case-file parser from the
# shipped case files, the checkpoint reader from valid checkpoints that it writes itself, and
# the experiment files from one per experiment that it writes itself.
if command -v clang++ >/dev/null 2>&1; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz --parallel "${JOBS:-$(nproc)}"
  mkdir -p build-fuzz/corpus build-fuzz/checkpoint-corpus
  cp validation/*.json build-fuzz/corpus/
  build-fuzz/case_file_fuzzer -seed=1 -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=2048 \
    -print_final_stats=1 build-fuzz/corpus 2>&1 | tail -n 12
  ORBITMC_FUZZ_WRITE_SEEDS=build-fuzz/checkpoint-corpus build-fuzz/checkpoint_fuzzer
  build-fuzz/checkpoint_fuzzer -seed=1 -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=2048 \
    -print_final_stats=1 build-fuzz/checkpoint-corpus 2>&1 | tail -n 12
  mkdir -p build-fuzz/experiment-corpus
  ORBITMC_FUZZ_WRITE_SEEDS=build-fuzz/experiment-corpus build-fuzz/experiment_file_fuzzer
  build-fuzz/experiment_file_fuzzer -seed=1 -max_total_time="${FUZZ_SECONDS:-30}" \
    -rss_limit_mb=2048 -print_final_stats=1 build-fuzz/experiment-corpus 2>&1 | tail -n 12
else
  echo "run-tests: clang++ not found, fuzzing skipped"
fi
