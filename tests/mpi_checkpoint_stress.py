#!/usr/bin/env python3
"""Checkpoints over MPI ranks under stress: many short runs on 2 and 3 ranks that checkpoint
every few steps (checkpoint/checkpoint_parts.hpp). While each runs, the folder is polled: every manifest
seen committed must name part files that all exist (rank 0 once removed the parts the other
ranks were already writing for the next generation, so a run failed at a rename or left a
manifest naming a missing part). Every other run is killed (SIGKILL, every process) at a random
moment after its first checkpoint, and what it left must resume, on 1, 2 or 3 ranks in turn, to
the one-process report bit for bit. Arguments: mpirun, the orbitmc binary, a case file to shrink,
and optionally the number of runs (default 50)."""
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time

from same_report_test import differences, strip

MPIRUN_FLAGS = ["--allow-run-as-root", "--oversubscribe"]


def check(ok, message):
    """An assert that `python -O` cannot strip."""
    if not ok:
        raise RuntimeError(message)


def cbor_item(data, at):
    """The CBOR item at data[at] (the subset nlohmann::json::to_cbor writes) and where it ends."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if major == 7:
        if info in (20, 21, 22):
            return {20: False, 21: True, 22: None}[info], at
        size = {25: 2, 26: 4, 27: 8}[info]
        fmt = {2: ">e", 4: ">f", 8: ">d"}[size]
        return struct.unpack(fmt, data[at:at + size])[0], at + size
    if info < 24:
        arg = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        arg = int.from_bytes(data[at:at + size], "big")
        at += size
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at:at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        out = []
        for _ in range(arg):
            item, at = cbor_item(data, at)
            out.append(item)
        return out, at
    if major == 5:
        out = {}
        for _ in range(arg):
            key, at = cbor_item(data, at)
            out[key], at = cbor_item(data, at)
        return out, at
    raise ValueError(f"CBOR major type {major} at {at - 1}")


def manifest_parts(data):
    """(generation, ranks) of a manifest's bytes (payload, then a 16-byte trailer), or None for
    a whole checkpoint."""
    payload, _ = cbor_item(data[:-16], 0)
    parts = payload.get("parts")
    return None if parts is None else (parts["generation"], parts["ranks"])


def part_name(ck, generation, rank, ranks):
    return f"{ck}.g{generation}.part{rank}of{ranks}"


def small_case(case, tmp):
    """The case at a size where a run takes about a second and checkpoints every few steps."""
    with open(case) as f:
        spec = json.load(f)
    spec["chains"] = spec["quick_chains"] = 600
    for s in spec["samplers"].values():
        s["steps"], s["burn_in"], s["thin"] = 160, 80, 8
    for study in ("stiffness", "balance", "c_scan"):
        spec.pop(study, None)
    path = os.path.join(tmp, "small.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def check_committed(ck, seen):
    """One look at the folder: the manifest committed at `ck` names parts that exist. A manifest
    read before and after listing the folder with the same bytes was committed throughout the
    listing, so its parts must all be in it."""
    folder, name = os.path.split(ck)
    try:
        with open(ck, "rb") as f:
            before = f.read()
        files = set(os.listdir(folder))
        with open(ck, "rb") as f:
            after = f.read()
    except FileNotFoundError:
        return
    gen_ranks = manifest_parts(before) if before == after else None
    if gen_ranks is None:
        return
    generation, ranks = gen_ranks
    missing = [part_name(name, generation, r, ranks) for r in range(ranks)
               if part_name(name, generation, r, ranks) not in files]
    check(not missing, f"a committed manifest names missing parts {missing}")
    seen.add(generation)


def poll(p, ck, seen, until=None):
    """check_committed until `p` ends (or the time `until`)."""
    while p.poll() is None and (until is None or time.time() < until):
        check_committed(ck, seen)


def kill_all(p):
    """SIGKILL to mpirun and every rank at once (the ranks are its children)."""
    children = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True)
    for pid in [int(x) for x in children.stdout.split()] + [p.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    p.wait(timeout=30)


def same_report(first, second):
    with open(first) as f, open(second) as g:
        diffs = list(differences(strip(json.load(f)), strip(json.load(g))))
    check(not diffs, "reports differ:\n" + "\n".join(diffs[:20]))


def one_run(k, mpirun, run, ck, tmp, reference, rng):
    ranks = 2 + k % 2
    kill = k % 4 in (1, 2)
    out = os.path.join(tmp, f"run{k}")
    cmd = [mpirun] + MPIRUN_FLAGS + ["-np", str(ranks)] + run + [
        "--out", out, "--checkpoint", ck, "--checkpoint-every", "5"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        return checked_run(k, p, ranks, kill, mpirun, run, ck, tmp, reference, rng)
    finally:
        if p.poll() is None:  # a failed check: no rank may outlive the test
            kill_all(p)


def checked_run(k, p, ranks, kill, mpirun, run, ck, tmp, reference, rng):
    out = os.path.join(tmp, f"run{k}")
    seen = set()
    if kill:
        while p.poll() is None and not os.path.exists(ck):
            time.sleep(0.005)
        poll(p, ck, seen, until=time.time() + rng.uniform(0.0, 0.4))
        kill_all(p)
        check(os.path.exists(ck), f"run {k}: killed, and no checkpoint on disk")
        again = 1 + k % 3  # resume on 1, 2 or 3 ranks
        resumed = os.path.join(tmp, f"resumed{k}")
        cmd = ([mpirun] + MPIRUN_FLAGS + ["-np", str(again)] if again > 1 else []) + run + [
            "--out", resumed, "--resume", ck]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        check(r.returncode in (0, 1), f"run {k}: resume on {again} rank(s) exit {r.returncode}\n"
              + r.stdout + r.stderr)
        same_report(reference, os.path.join(resumed, "report.json"))
        what = f"{ranks} ranks, {len(seen)} manifests polled, killed, resumed on {again}"
    else:
        poll(p, ck, seen)
        text = p.communicate(timeout=300)[0].decode("utf-8", "replace")
        check(p.returncode in (0, 1), f"run {k} on {ranks} ranks: exit {p.returncode}\n{text}")
        same_report(reference, os.path.join(out, "report.json"))
        what = f"{ranks} ranks, {len(seen)} manifests polled"
    os.remove(ck)
    folder, name = os.path.split(ck)
    for f in os.listdir(folder):  # the next run starts from an empty folder
        os.remove(os.path.join(folder, f))
    return what


def main(mpirun, orbitmc, case, runs="50"):
    rng = random.Random(20261207)
    with tempfile.TemporaryDirectory() as tmp:
        small = small_case(case, tmp)
        run = [orbitmc, "run", small, "--backend", "cpu", "--threads", "1", "--quiet",
               "--no-html"]
        one = os.path.join(tmp, "one")
        # Exit 1 (a case failed at this small size) is a result like 0: the reports must agree.
        first = subprocess.run(run + ["--out", one], capture_output=True, text=True, timeout=300)
        check(first.returncode in (0, 1), f"one process: exit {first.returncode}\n{first.stderr}")
        reference = os.path.join(one, "report.json")
        os.mkdir(os.path.join(tmp, "ck"))
        ck = os.path.join(tmp, "ck", "a.ck")
        passed = 0
        for k in range(int(runs)):
            what = one_run(k, mpirun, run, ck, tmp, reference, rng)
            passed += 1
            print(f"run {k}: {what}: the one-process report", flush=True)
        print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
