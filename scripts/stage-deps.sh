#!/usr/bin/env bash
# Stages the header-only dependencies (Random123, CLI11, nlohmann-json, xsimd, the Boost headers the
# host code reaches) and the GoogleTest sources into deps/ (git-ignored), for a machine with no
# Debian -dev packages and no network (the lent GPU machine). Run on a development machine
# after scripts/install-deps.sh; configure there with -DORBITMC_DEPS_DIR=$PWD/deps.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=deps
rm -rf "$dest"
mkdir -p "$dest/include"
cp -r /usr/include/Random123 /usr/include/CLI /usr/include/nlohmann /usr/include/xsimd "$dest/include/"
cp -r /usr/src/googletest "$dest/googletest"
# Boost: every header the host sources include (closure from the preprocessor), plus the
# configuration folders, whose choice of files depends on the compiler that reads them.
{
  g++ -std=c++17 -M -Ihost -Icuda host/*.cpp host/*/*.cpp tests/*.cpp bench/*.cpp |
    tr ' \\' '\n\n' | grep '^/usr/include/boost/'
  find /usr/include/boost/config /usr/include/boost/predef /usr/include/boost/detail -type f
} | sort -u | while read -r f; do
  rel=${f#/usr/include/}
  mkdir -p "$dest/include/$(dirname "$rel")"
  cp "$f" "$dest/include/$rel"
done
du -sh "$dest"
