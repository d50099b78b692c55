#!/usr/bin/env bash
# GPU check for a bare Linux machine with an NVIDIA GPU, CUDA 13, CMake and ninja, but no
# Debian -dev packages and no network: builds the CUDA backend from this checkout and deps/
# (staged by scripts/stage-deps.sh), then runs the `gpu` tests with ORBITMC_REQUIRE_GPU=1, the
# benchmark, `orbitmc validate --backend cuda --gpu-scale` (10^6 chains per case), the relu
# experiment at 1000 seeds,
# compute-sanitizer's memcheck and racecheck on a small run, and the CPU tests. Logs and JSON
# (at most 8 files) go into the folder given as its argument. Each phase has a time limit, and
# the whole script a deadline (8 minutes by default).
set -uo pipefail
out=${1:?usage: scripts/device-check.sh OUTDIR}
cd "$(dirname "$0")/.."
mkdir -p "$out"
export PATH=/usr/local/cuda/bin:$PATH
status=0
# The whole check ends by this deadline (ORBITMC_CHECK_SECONDS, default 480 s): each phase gets
# the smaller of its own limit and the time left, so a slow phase costs the later ones, not the
# caller's command limit, and the summary says which phases were skipped.
deadline=$((SECONDS + ${ORBITMC_CHECK_SECONDS:-480}))
budget() {  # budget SECONDS: prints the limit for a phase, 0 when no time is left
  local left=$((deadline - SECONDS))
  if ((left <= 5)); then
    echo 0
  elif ((left > $1)); then
    echo "$1"
  else
    echo "$left"
  fi
}
phase_seconds() {  # phase_seconds NAME SECONDS: sets secs; when no time is left, says so, fails
  secs=$(budget "$2")
  if ((secs == 0)); then
    echo "phase $1: skipped, out of time" | tee -a "$out/summary.txt"
    status=1
    return 1
  fi
}
phase() {  # phase NAME SECONDS LOG command...
  local name=$1 secs log=$3
  phase_seconds "$name" "$2" || return 1
  shift 3
  local t0=$SECONDS
  timeout -k 10 "$secs" "$@" >>"$out/$log" 2>&1
  local rc=$?
  echo "phase $name: rc=$rc, $((SECONDS - t0)) s (limit $secs s)" | tee -a "$out/summary.txt"
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
# Most informative first: if the lease ends early, what ran already came back.
ORBITMC_REQUIRE_GPU=1 phase gpu-tests 240 ctest-gpu.log ctest --test-dir build-gpu -L gpu --output-on-failure
phase bench 150 summary.txt build-gpu/orbitmc_bench --backend cuda --steps 1000 --repeats 2 --json "$out/bench.json"
# Shared-matrix candidates (hadamard): the per-chain kernel against cuBLAS GEMMs (bench/NOTES.md).
phase shared-matrix 40 summary.txt build-gpu/orbitmc_shared_matrix_bench_gpu
phase validate 200 validate.txt build-gpu/orbitmc validate --backend cuda --gpu-scale \
  --quiet --no-html --out "$out/validation"
# Every experiment's trainings per second at 1000 seeds, and the paper's run time at that rate.
phase experiment-bench 60 summary.txt build-gpu/orbitmc_experiment_bench --backend cuda \
  --steps 2000
# The experiments' speed target: the relu ensemble of 1000 seeds x 40 000 steps (the paper's
# settings) under sgd, in under 10 s on an H200.
phase experiment-relu 60 summary.txt build-gpu/orbitmc experiment relu --backend cuda \
  --seeds 1000 --noise sgd --no-html --out /tmp/orbitmc-experiment-relu
# sanitize TOOL SECONDS OK_MAX LOG command...: the command under compute-sanitizer (a finding
# exits 86), its output appended to checks.log; sets `verdict` and returns 1 when the check did
# not come out clean (a finding, an exit above OK_MAX, or the time limit).
sanitize() {
  local tool=$1 secs=$2 ok_max=$3 log=$4
  shift 4
  timeout -k 10 "$secs" compute-sanitizer --tool "$tool" --error-exitcode 86 "$@" >"$log" 2>&1
  local rc=$?
  cat "$log" >>"$out/checks.log"
  if grep -q "Device not supported" "$log"; then
    # gVisor machines refuse the sanitizer (device/KINDS.md): not a finding of ours.
    verdict="not supported on this machine's runtime"
  elif ((rc == 124 || rc == 137)); then
    verdict="inconclusive: stopped at its $secs s limit"
    return 1
  elif ((rc <= ok_max)); then
    verdict="clean (the run's own exit code $rc)"
  else
    verdict="FAILED (rc $rc; 86: the sanitizer found errors, see checks.log)"
    return 1
  fi
}
# Out-of-bounds accesses and shared-memory races in the sampling kernels, on a small run of one
# case (every sampling kernel is one template; this run exercises init, burn-in, sampling and
# the flush). The run's own verdict at 1000 chains does not matter (exit 0 or 1).
if command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck; do
    phase_seconds "sanitizer-$tool" 90 || continue
    t0=$SECONDS
    sanitize "$tool" "$secs" 1 "/tmp/orbitmc-sanitizer-$tool.log" build-gpu/orbitmc run \
      validation/block_1_3.json --backend cuda --chains 1000 --quick --quiet --no-html \
      --out "/tmp/orbitmc-sanitizer-$tool" || status=1
    echo "phase sanitizer-$tool: $verdict, $((SECONDS - t0)) s" | tee -a "$out/summary.txt"
  done
  # The training kernel (experiments) is another template: memcheck over every experiment and
  # noise model, 37 seeds (a second, partly empty block of 32), two log segments; exit 0 only.
  if phase_seconds sanitizer-training 120; then
    t0=$SECONDS
    for ex in relu attention matcomp spectral tv; do
      left=$((secs - (SECONDS - t0)))
      if ((left <= 5)); then
        verdict="inconclusive: out of time before $ex"
        status=1
        break
      fi
      if ! sanitize memcheck "$left" 0 "/tmp/orbitmc-sanitizer-$ex.log" build-gpu/orbitmc \
        experiment "$ex" --backend cuda --seeds 37 --steps 20 --log-every 10 \
        --noise sgd,gd,langevin --quiet --no-html --out "/tmp/orbitmc-sanitizer-$ex"; then
        verdict="$ex: $verdict"
        status=1
        break
      fi
      [[ $verdict == not\ supported* ]] && break
    done
    echo "phase sanitizer-training: $verdict, $((SECONDS - t0)) s" | tee -a "$out/summary.txt"
  fi
else
  echo "compute-sanitizer not found: kernels not sanitized" | tee -a "$out/summary.txt"
fi
phase cpu-tests 120 checks.log ctest --test-dir build-gpu -LE gpu -j "$(nproc)" --output-on-failure
tail -n 3 "$out/ctest-gpu.log" "$out/checks.log"
cat "$out/validate.txt"
cat "$out/summary.txt"
exit $status
