#!/usr/bin/env python3
"""Two reports (validation report.json, or experiment.json) hold the same results (a
run over MPI ranks against the one-process run). Every number and verdict must be equal exactly; only what describes the
invocation may differ: when and how it ran (created_utc, command, ranks, threads) and how long
it took (keys ending in "seconds" or "per_second"). Usage: same_report_test.py A/report.json B/report.json"""
import json
import sys

INVOCATION = {"created_utc", "command", "ranks", "threads"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items()
                if k not in INVOCATION and not k.endswith(("seconds", "per_second"))}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def differences(a, b, path="report"):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}.{k}: only in {'the second' if k not in a else 'the first'}"
            else:
                yield from differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} against {len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {a!r} against {b!r}"


def main(first, second):
    with open(first) as f, open(second) as g:
        a, b = strip(json.load(f)), strip(json.load(g))
    diffs = list(differences(a, b))
    for d in diffs[:40]:
        print(d)
    unit = "cases" if "cases" in a else "runs"
    items = len(a.get(unit, []))
    print(f"{items} {unit} compared, {len(diffs)} differences")
    return 1 if diffs or items == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
