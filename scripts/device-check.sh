#!/usr/bin/env bash
# GPU check for a bare Linux machine with an NVIDIA GPU, CUDA 13, CMake and ninja, but no
# Debian -dev packages and no network: builds the CUDA backend from this checkout and deps/
# (staged by scripts/stage-deps.sh), runs the `gpu` tests with ORBITMC_REQUIRE_GPU=1, the CPU
# tests, the benchmark and `orbitmc validate --backend cuda` at 10^6 chains per case, and
# writes logs and JSON into the folder given as its argument. Each phase has a time limit;
# the whole script stays under 8 minutes.
set -uo pipefail
out=${1:?usage: scripts/device-check.sh OUTDIR}
cd "$(dirname "$0")/.."
mkdir -p "$out"
export PATH=/usr/local/cuda/bin:$PATH
status=0
phase() {  # phase NAME SECONDS LOG command...
  local name=$1 secs=$2 log=$3
  shift 3
  local t0=$SECONDS
  timeout "$secs" "$@" >>"$out/$log" 2>&1
  local rc=$?
  echo "phase $name: rc=$rc, $((SECONDS - t0)) s" | tee -a "$out/summary.txt"
  ((rc == 0)) || status=1
  return $rc
}
{
  date -u
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm --format=csv
  nvcc --version | tail -2
  cmake --version | head -1
  nproc
} >"$out/summary.txt" 2>&1
phase configure 120 build.log cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DORBITMC_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=90-real;90-virtual" -DORBITMC_DEPS_DIR="$PWD/deps" &&
  phase build 240 build.log cmake --build build-gpu --parallel "$(nproc)" || {
    tail -40 "$out/build.log"
    exit 1
  }
cuobjdump --list-elf build-gpu/cuda/liborbitmc_cuda.a >>"$out/build.log" 2>&1
# Registers, shared memory and stack of every kernel (local memory would show as stack).
cuobjdump -res-usage build-gpu/cuda/liborbitmc_cuda.a >"$out/resources.txt" 2>&1
# Issued instructions per chain-step, counted statically (compare with the measured rates).
python3 bench/sass_hot_path.py build-gpu/cuda/liborbitmc_cuda.a >>"$out/resources.txt" 2>&1
ORBITMC_REQUIRE_GPU=1 phase gpu-tests 240 ctest-gpu.log ctest --test-dir build-gpu -L gpu --output-on-failure
phase cpu-tests 120 ctest-cpu.log ctest --test-dir build-gpu -LE gpu -j "$(nproc)" --output-on-failure
phase bench 120 summary.txt build-gpu/orbitmc_bench --backend cuda --repeats 2 --json "$out/bench.json"
phase validate 200 validate.txt build-gpu/orbitmc validate --backend cuda --chains 1000000 \
  --refine 4 --longer 4 --quiet --no-html --out "$out/validation"
tail -n 3 "$out/ctest-gpu.log" "$out/ctest-cpu.log"
cat "$out/validate.txt"
cat "$out/summary.txt"
exit $status
