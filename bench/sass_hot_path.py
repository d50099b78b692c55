#!/usr/bin/env python3
"""Static estimate of the instructions a chain kernel issues per chain-step.

The chain kernels are bound by instruction issue (bench/NOTES.md), so the number of SASS
instructions on the common path of the step loop predicts their relative speed without a GPU.
This walks the step loop of every advance_kernel in `cuobjdump -sass` output: it starts at the
loop head (the longest backward branch), follows unconditional branches, takes a conditional
forward branch when the code it skips calls a slow path (CALL: sqrt/division fix-ups for
special operands) or records a sample (ATOMS: the shared-memory histogram, once per thin
steps), and counts what it passes. It suits straight-line steps (ambient samplers, the
projection scheme, the noise ceiling); for the Metropolis sampler, whose reject paths
(failed or non-reversible projection, rejection) diverge within a warp, it is a lower bound. On the H200 the issue rate measured this way was
2.65e13 instructions/s for three kernels of different mixes (bench/NOTES.md).

Usage: sass_hot_path.py LIBRARY_OR_CUBIN [--filter TEXT] [--rate INSTR_PER_S]
       (needs cuobjdump on PATH), or --sass FILE to read a saved listing.
"""
import argparse
import re
import subprocess
import sys

INSTR = re.compile(r"\s+/\*([0-9a-f]+)\*/\s+(.*?)\s*;")
TARGET = re.compile(r"BRA[^;]*?(0x[0-9a-f]+)")


def kernel_label(mangled):
    """'AmbientEM BlockSigmaModel f 1 3' from the mangled advance_kernel name."""
    m = re.search(r"advance_kernelINS_\d+(\w+?)INS_\d+(\w+?)I([fd])(?:Li(\d)ELi(\d))?", mangled)
    if not m:
        return mangled[:60]
    return " ".join(g for g in m.groups() if g)


def parse(listing):
    """{kernel name: [(address, instruction text)]} from cuobjdump -sass output."""
    kernels = {}
    for chunk in re.split(r"\n\s+Function : ", listing)[1:]:
        name = chunk.split("\n", 1)[0].strip()
        if "advance_kernel" not in name:
            continue
        kernels[name] = [(int(a, 16), t) for a, t in INSTR.findall(chunk)]
    return kernels


def hot_path(ins):
    """(loop length, instructions on the common path of one iteration)."""
    index = {a: i for i, (a, _) in enumerate(ins)}

    def target(text):
        m = TARGET.search(text)
        return int(m.group(1), 16) if m else None

    loops = [(index[target(t)], i) for i, (a, t) in enumerate(ins)
             if "BRA" in t and target(t) is not None and target(t) < a and target(t) in index]
    if not loops:
        return 0, 0
    start, end = max(loops, key=lambda se: se[1] - se[0])
    i, count = start, 0
    while i <= end:
        a, t = ins[i]
        count += 1
        if count > end - start + 1:
            raise ValueError(f"walk of the loop at {ins[start][0]:#x} does not end")
        if "BRA" in t and i != end:
            j = index.get(target(t))
            if j is not None and not t.startswith("@"):
                if not start <= j <= end:
                    raise ValueError(f"branch at {a:#x} leaves the loop: not a step loop")
                i = j
                continue
            # A conditional exit from the loop is not the common path: fall through.
            if j is not None and i < j <= end and any("CALL" in x or "ATOMS" in x
                                                      for _, x in ins[i + 1:j]):
                i = j
                continue
        i += 1
    return end - start + 1, count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", help="static library, object or cubin")
    ap.add_argument("--sass", help="read a saved `cuobjdump -sass` listing instead")
    ap.add_argument("--filter", default="", help="only kernels whose label contains this")
    ap.add_argument("--rate", type=float, default=2.65e13,
                    help="issued instructions/s for the predicted rate (H200 calibration)")
    args = ap.parse_args()
    if args.sass:
        listing = open(args.sass).read()
    elif args.binary:
        listing = subprocess.run(["cuobjdump", "-sass", args.binary], check=True,
                                 capture_output=True, text=True).stdout
    else:
        ap.error("give a binary or --sass FILE")
    rows = []
    for name, ins in parse(listing).items():
        label = kernel_label(name)
        if args.filter in label:
            loop, hot = hot_path(ins)
            rows.append((label, loop, hot))
    print(f"{'kernel':44s} {'loop':>5s} {'per step':>8s} {'predicted chain-steps/s':>24s}")
    for label, loop, hot in sorted(rows):
        pred = args.rate / hot if hot else float("nan")
        print(f"{label:44s} {loop:5d} {hot:8d} {pred:24.3g}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
