#!/usr/bin/env python3
"""Checks that every include of host/ and cuda/ points down the layer table.

Reads scripts/include-layers.txt, resolves each quoted #include of every source file under
host/ and cuda/ (relative to the including file, then to host/ and cuda/, as the build's
include paths do), and fails, naming each offence, on:
  - an include of a folder on the same line of the table or above (upward or sideways),
  - an include of a folder whose line says "| only …" from a folder not named there,
  - a circle of includes among the files of one folder,
  - an include that resolves to no file, or a folder missing from the table,
  - a CUDA header (<cuda…>, <cub/…>, <thrust/…>, <curand…>, <cublas…>) in host/ or in the
    per-chain headers of cuda/orbitmc/ (only the kernels' .cu/.cuh may include them; NVTX,
    a header-only C API for profiler ranges that host code marks too, is not one).
Usage: scripts/check-includes.py [repository root]   (exit 0 clean, 1 with offences)
"""
import os
import re
import sys

SOURCE = re.compile(r"\.(hpp|cpp|h|cu|cuh)$")
QUOTED = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SYSTEM = re.compile(r"^\s*#\s*include\s+<([^>]+)>")
CUDA_HEADER = re.compile(r"^(cuda|cub/|thrust/|curand|cublas|cooperative_groups)")


def read_layers(path):
    """Folder -> (layer index, folders allowed to include it from above, or None)."""
    layers = {}
    index = 0
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        folders, _, only = line.partition("|")
        only = only.split()
        if only and only[0] != "only":
            sys.exit(f"{path}: a '|' must be followed by 'only': {raw.strip()}")
        allowed = set(only[1:]) if only else None
        for folder in folders.split():
            if folder in layers:
                sys.exit(f"{path}: {folder} is listed twice")
            layers[folder] = (index, allowed)
        index += 1
    return layers


def sources(root):
    found = []
    for top in ("host", "cuda"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            found += [os.path.relpath(os.path.join(folder, n), root)
                      for n in sorted(names) if SOURCE.search(n)]
    return sorted(found)


def resolve(root, including, name):
    for base in (os.path.dirname(including), "host", "cuda"):
        candidate = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, candidate)):
            return candidate
    return None


def circles(edges):
    """Every circle of the file graph `edges` (file -> set of files), each once."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    root = os.path.abspath(root)
    layers = read_layers(os.path.join(root, "scripts", "include-layers.txt"))
    offences, same_folder = [], {}
    for path in sources(root):
        folder = os.path.dirname(path)
        if folder not in layers:
            offences.append(f"{path}: its folder {folder} is not in scripts/include-layers.txt")
            continue
        mine, _ = layers[folder]
        for number, line in enumerate(open(os.path.join(root, path), encoding="utf-8"), 1):
            where = f"{path}:{number}"
            system = SYSTEM.match(line)
            if system and CUDA_HEADER.match(system.group(1)):
                if path.startswith("host/") or (path.startswith("cuda/orbitmc/")):
                    offences.append(f"{where}: includes the CUDA header <{system.group(1)}>; "
                                    "only cuda/kernels may")
            quoted = QUOTED.match(line)
            if not quoted:
                continue
            target = resolve(root, path, quoted.group(1))
            if target is None:
                offences.append(f'{where}: "{quoted.group(1)}" names no file under host/ or cuda/')
                continue
            other = os.path.dirname(target)
            if other == folder:
                same_folder.setdefault(path, set()).add(target)
                continue
            if other not in layers:
                continue  # reported once for the folder's own files
            theirs, allowed = layers[other]
            if theirs >= mine:
                kind = "sideways (a peer)" if theirs == mine else "upward"
                offences.append(f"{where}: {folder} includes {target}: {kind}, "
                                f"{other} is not below {folder} in scripts/include-layers.txt")
            elif allowed is not None and folder not in allowed and not any(
                    folder.startswith(a + "/") for a in allowed):
                offences.append(f"{where}: {folder} includes {target}: only "
                                f"{', '.join(sorted(allowed))} may include {other}")
    for circle in circles(same_folder):
        offences.append("circular include: " + " -> ".join(circle))
    for offence in offences:
        print(offence)
    print(f"check-includes: {len(sources(root))} files, {len(offences)} offences")
    return 1 if offences else 0


if __name__ == "__main__":
    sys.exit(main())
