#!/usr/bin/env bash
# Configures and builds orbitmc into BUILD_DIR (default: build). The CUDA backend is built when
# nvcc is found, unless CUDA=off; CUDA_ARCHS (default "90-real;90-virtual", Hopper) fixes the
# architectures. TARGET builds one target only (the main job: the CLI, `orbitmc_cli`). Extra
# arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if ! command -v nvcc >/dev/null 2>&1 && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
cuda_flags=()
if [[ ${CUDA:-auto} == off ]]; then
  cuda_flags=(-DORBITMC_CUDA=OFF)
elif command -v nvcc >/dev/null 2>&1; then
  cuda_flags=(-DORBITMC_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHS:-90-real;90-virtual}")
else
  echo "build: nvcc not found, building the CPU backend only"
  cuda_flags=(-DORBITMC_CUDA=OFF)
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${cuda_flags[@]}" "$@" >/dev/null
target=()
[[ -z ${TARGET:-} ]] || target=(--target "$TARGET")
cmake --build "$build_dir" --parallel "${JOBS:-$(nproc)}" "${target[@]}"
