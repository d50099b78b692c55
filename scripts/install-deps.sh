#!/usr/bin/env bash
# Installs the Debian packages orbitmc builds, tests and renders reports with, skipping those
# already present. Needs root (or sudo). CUDA is not installed here: the CUDA backend is built
# when nvcc is found (/usr/local/cuda/bin or PATH). With --main, only what the main job needs
# (scripts/run-validation.sh: the command-line tool and the report's figures).
set -euo pipefail
pkgs=(cmake ninja-build g++ libcli11-dev nlohmann-json3-dev libboost-math-dev librandom123-dev
      libxsimd-dev python3 python3-numpy python3-matplotlib)
if [[ ${1:-} != --main ]]; then
  # chromium: the page_view test looks at the pages as a person would.
  pkgs+=(pkg-config libgtest-dev clang libclang-rt-14-dev libopenblas-dev libopenmpi-dev
         openmpi-bin chromium)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
