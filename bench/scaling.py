#!/usr/bin/env python3
"""Throughput and peak memory of orbitmc as the ensemble and the model grow.

Runs build/orbitmc_compare_case (ambient Euler-Maruyama) in a fresh process per point and reads
its peak resident memory from the kernel (os.wait4), so every point is measured alone:
  - chains from 10^2 to 10^6 (--max-chains; 10^7 on a GPU) on block (1, 3);
  - the model from block (1, 3) through relu (16, 3) to matfac (20, 20, 20) at fixed chains.
Each run's steps are sized to about --seconds of compute. Prints both tables, fits the run
memory's bytes per chain (state, moments, counters: nothing grows with the steps), and writes
bench/results/scaling-<date>-<host>-<backend>.json and a .png of the two curves.
"""
import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(args, model, chains, steps):
    """(result JSON, peak RSS in bytes) of one run in its own process."""
    cmd = [os.path.join(args.build, "orbitmc_compare_case"), "--backend", args.backend, "--model",
           model, "--sampler", "ambient_em", "--chains", str(chains), "--steps", str(steps),
           "--h", "1e-3", "--kappa", "100", "--threads", str(args.threads)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{err.read()}")
        return json.loads(out.read().strip().splitlines()[-1]), usage.ru_maxrss * 1024


def sized_steps(args, model, chains):
    """Steps for about --seconds of compute, from a short probe run."""
    probe = max(10, int(2e6 / chains))
    res, _ = measure(args, model, chains, probe)
    per_step = max(res["seconds"][0], 1e-6) / probe
    return max(10, int(args.seconds / per_step))


def point(args, model, chains):
    steps = sized_steps(args, model, chains)
    res, rss = measure(args, model, chains, steps)
    rate = chains * steps / res["seconds"][0]
    held = res["resident_bytes"] - res["resident_bytes_at_start"]
    print(f"{model:16} {chains:>9} {steps:>8} {rate:>13.3g} {rss / 2**20:>10.1f} "
          f"{held / 2**20:>10.1f} {res['path']}")
    sys.stdout.flush()
    return {"model": model, "chains": chains, "steps": steps, "chain_steps_per_second": rate,
            "peak_rss_bytes": rss, "run_resident_bytes": held, "path": res["path"],
            "seconds": res["seconds"][0]}


def plot(ensemble, models, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    n = [p["chains"] for p in ensemble]
    a.loglog(n, [p["chain_steps_per_second"] for p in ensemble], "o-", label="block (1, 3)")
    for p in models:
        a.loglog([p["chains"]], [p["chain_steps_per_second"]], "s", label=p["model"])
    a.set_xlabel("chains")
    a.set_ylabel("chain-steps / s")
    a.legend()
    b.loglog(n, [p["peak_rss_bytes"] / 2**20 for p in ensemble], "o-", label="peak of the process")
    b.loglog(n, [max(p["run_resident_bytes"], 1) / 2**20 for p in ensemble], "s-",
             label="held by the run")
    b.set_xlabel("chains")
    b.set_ylabel("resident memory (MiB)")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--backend", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--max-chains", type=int, default=None, help="10^6 on the CPU, 10^7 on a GPU")
    p.add_argument("--model-chains", type=int, default=16384)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--out", default=None)
    args = p.parse_args()
    top = args.max_chains or (10**7 if args.backend == "cuda" else 10**6)
    print(f"{'model':16} {'chains':>9} {'steps':>8} {'chain-steps/s':>13} {'peak MiB':>10} "
          f"{'run MiB':>10} path")
    ensemble = [point(args, "block_1_3", int(n)) for n in np.logspace(2, np.log10(top),
                                                                      int(np.log10(top)) - 1)]
    models = [point(args, m, args.model_chains) for m in ("block_1_3", "relu_16_3",
                                                          "matfac_20_20_20")]
    n = np.array([p["chains"] for p in ensemble], dtype=float)
    held = np.array([p["run_resident_bytes"] for p in ensemble], dtype=float)
    slope, base = np.polyfit(n, held, 1)
    print(f"run memory: {base / 2**20:.2f} MiB + {slope:.1f} bytes per chain (least squares over "
          f"{len(n)} points); a chain of block (1, 3) holds {(4 + 6) * 8 + 12} bytes (state, "
          f"moments, counters)")
    host = socket.gethostname()
    out = args.out or os.path.join(
        HERE, "results", f"scaling-{datetime.date.today().isoformat()}-{host}-{args.backend}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "w") as f:
        json.dump({"host": host, "backend": args.backend, "threads": args.threads,
                   "ensemble": ensemble, "models": models,
                   "run_memory_fit": {"base_bytes": base, "bytes_per_chain": slope}}, f, indent=1)
    os.replace(out + ".tmp", out)
    plot(ensemble, models, out.replace(".json", ".png"))
    print(f"results: {os.path.relpath(out)} and .png")


if __name__ == "__main__":
    main()
