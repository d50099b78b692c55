#!/usr/bin/env python3
"""The per-instruction-set objects share no inline code with the rest of the library.

Each file compiled for one instruction set (simd_noise_<arch>.cpp, lane_chains_<arch>.cpp) may
define weak (inline, template) symbols only if their names carry that arch: a weak symbol defined
both there and elsewhere is one the linker keeps a single copy of, and an AVX-512 copy would then
run on CPUs without AVX-512. Arguments: --expect-simd=0|1 (whether xsimd was found: then the
objects must be there, or the check would pass empty), then the library's object files; nm
lists their symbols.
"""
import re
import subprocess
import sys

ISA_OBJECT = re.compile(r"(simd_noise|lane_chains)_(sse2|avx2|avx512)\.cpp\.o(bj)?$")
ALLOWED = {"DW.ref.__gxx_personality_v0"}


def weak_symbols(path):
    out = subprocess.run(["nm", "-C", "--defined-only", path], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in ("W", "V", "u"):
            yield parts[2]


def main(args):
    expect = [a for a in args if a.startswith("--expect-simd=")]
    objects = [a for a in args if not a.startswith("--expect-simd=")]
    expect_simd = bool(expect) and expect[-1].split("=", 1)[1] not in ("", "0", "OFF", "FALSE")
    isa = [(o, ISA_OBJECT.search(o).group(2)) for o in objects if ISA_OBJECT.search(o)]
    if not isa:
        if expect_simd:
            print("xsimd was found at build time, yet no per-instruction-set object is named here")
            return 1
        print("no per-instruction-set objects in this build (xsimd not found): nothing to check")
        return 0
    bad = []
    for path, arch in isa:
        for name in weak_symbols(path):
            if name not in ALLOWED and arch not in name:
                bad.append(f"{path.rsplit('/', 1)[-1]}: {name}")
    for b in bad:
        print("shared inline symbol:", b)
    print(f"{len(isa)} objects checked, {len(bad)} shared inline symbols")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
