#!/usr/bin/env python3
"""orbitmc beside its peers on the same work, in one run (bench/README.md explains every number).

For each case, orbitmc (build/orbitmc_compare_case) and every peer variant (bench/peers/*.py)
run as separate processes with the same thread count, interleaved round by round so that a
slow moment of the machine falls on all of them. Each process times its steps alone (JAX and
BlackJAX compile first, timed apart) and writes the final orbit coordinate of every chain. The
table gives chain-steps/s (median over rounds, min-max), orbitmc's rate over the tool's, and two
agreement columns: a two-sample Kolmogorov-Smirnov test of the tool's coordinates against
orbitmc's, and a one-sample test against the theory's law of sigma (THEORY section 4; the
ambient cases approach it as h -> 0 and kappa -> infinity). Mici's samples come from a few long
chains, so its tests use its effective sample size. Results go to
bench/results/<date>-<machine>.json.
"""
import argparse
import datetime
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
from importlib import metadata

import numpy as np
from scipy import special, stats

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
import common  # noqa: E402


def cases(args):
    """The work: (name, case, orbitmc options, peer variants, chains, steps, theory c)."""
    amb = ["--h", str(args.h), "--kappa", str(args.kappa)]
    gpu = args.backend == "cuda"
    em_peers = [("jax", "soa"), ("jax", "vmap"), ("torch", "inplace")]
    mala_peers = [("jax", "soa"), ("jax", "vmap"), ("torch", "inplace")]
    if not gpu:  # BlackJAX and Mici are measured on the CPU
        em_peers += [("blackjax", "sgld_vmap"), ("blackjax", "sgld_batched")]
        mala_peers += [("blackjax", "mala_vmap")]
    # orbitmc's own references in the EM case: its noise ceiling and its scalar path.
    em_peers = [("orbitmc", "ceiling"), ("orbitmc", "scalar"), ("orbitmc", "scalar ceiling")] + em_peers
    out = [
        ("block_1_3 ambient EM", "em", ["--sampler", "ambient_em"] + amb, em_peers, args.chains,
         args.steps, 1.0),
        ("block_1_3 ambient MALA", "mala", ["--sampler", "ambient_mala"] + amb, mala_peers,
         args.chains, args.steps, 1.0),
    ]
    # A runtime-sized model: relu (16, 3), 64 parameters, on orbitmc's data set.
    out.append(("relu_16_3 ambient EM", "relu", ["--sampler", "ambient_em"] + amb,
                [("jax", "vmap"), ("torch", "batched")], args.relu_chains, args.relu_steps, 1.0))
    if not gpu:
        # The exact samplers on the slice: orbitmc's constrained Metropolis against Mici's
        # constrained HMC, with the Gram term (the corrected law) and without it.
        for label, c, variant in (("corrected", 1.0, "corrected"), ("uncorrected", 0.0, "uncorrected")):
            out.append((f"block_1_3 constrained, {label}", "constrained",
                        ["--sampler", "constrained_metropolis", "--h", "0.2", "--c", str(c)],
                        [("mici", variant)], args.constrained_chains, args.constrained_steps, c))
    return out


def run_json(cmd, env=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def orbitmc_cmd(args, case, options, chains, steps, coords):
    exe = os.path.join(args.build, "orbitmc_compare_case")
    model = "relu_16_3" if case == "relu" else "block_1_3"
    return [exe, "--backend", args.backend, "--model", model, "--chains", str(chains),
            "--steps", str(steps), "--beta", str(args.beta), "--threads", str(args.threads),
            "--seed", str(args.seed), "--coords", coords] + options


def peer_cmd(args, tool, variant, case, chains, steps, coords):
    cmd = [sys.executable, os.path.join(HERE, "peers", f"{tool}_peer.py"), "--case", case,
           "--variant", variant, "--beta", str(args.beta), "--threads", str(args.threads),
           "--seed", str(args.seed), "--coords", coords]
    if tool == "mici":  # a few long chains: its length is the number of samples kept
        return cmd + ["--samples", str(args.mici_samples)]
    return cmd + ["--chains", str(chains), "--steps", str(steps), "--h", str(args.h), "--kappa",
                  str(args.kappa), "--device", "cuda" if args.backend == "cuda" else "cpu"]


def ks_p(a, b, n_a=None, n_b=None):
    """Two-sample KS p-value; n_a, n_b: effective sizes (default: the sample sizes)."""
    d = stats.ks_2samp(a, b).statistic
    n_a = len(a) if n_a is None else n_a
    n_b = len(b) if n_b is None else n_b
    return float(special.kolmogorov(d * np.sqrt(n_a * n_b / (n_a + n_b)))), float(d)


def ks_theory_p(a, cdf, n_eff=None):
    d = stats.kstest(a, cdf).statistic
    n = len(a) if n_eff is None else n_eff
    return float(special.kolmogorov(d * np.sqrt(n))), float(d)


def versions():
    out = {}
    for pkg in ("jax", "jaxlib", "blackjax", "torch", "mici", "numpy", "scipy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def machine_name():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return socket.gethostname(), model


def fmt(x):
    return "-" if x is None else f"{x:.3g}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--backend", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--chains", type=int, default=131072)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (timed repeats)")
    p.add_argument("--h", type=float, default=1e-3)
    p.add_argument("--kappa", type=float, default=100.0)
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--relu-chains", type=int, default=16384)
    p.add_argument("--relu-steps", type=int, default=500)
    p.add_argument("--constrained-chains", type=int, default=65536)
    p.add_argument("--constrained-steps", type=int, default=1000)
    p.add_argument("--mici-samples", type=int, default=40000)
    p.add_argument("--only", default="", help="run the cases whose name contains this text")
    p.add_argument("--out", default=None, help="results file (default bench/results/<date>-<machine>.json)")
    args = p.parse_args()

    host, cpu = machine_name()
    print(f"orbitmc against its peers on {host} ({cpu}), backend {args.backend}, "
          f"{args.threads} threads, {args.rounds} interleaved rounds")
    rows = []
    tmp = tempfile.mkdtemp(prefix="orbitmc-compare-")
    for name, case, options, peers, chains, steps, theory_c in cases(args):
        if args.only and args.only not in name:
            continue
        tools = [("orbitmc", None)] + peers
        data_path = os.path.join(tmp, f"{case}-data.npy")  # written by orbitmc, read by peers
        runs = {t: [] for t in tools}
        coords = {}
        for r in range(args.rounds):
            for tool, variant in tools:
                path = os.path.join(tmp, f"{case}-{theory_c}-{tool}-{variant}-{r}.npy")
                if tool == "orbitmc":
                    extra = ["--data", data_path] if case == "relu" else []
                    opts = list(options)
                    if variant and "ceiling" in variant:
                        opts[opts.index("--sampler") + 1] = "noise_ceiling"
                    env = (dict(os.environ, ORBITMC_SIMD="scalar")
                           if variant and "scalar" in variant else None)
                    res = run_json(orbitmc_cmd(args, case, opts + extra, chains, steps, path), env)
                else:
                    res = run_json(peer_cmd(args, tool, variant, case, chains, steps, path) +
                                   (["--data", data_path] if case == "relu" else []))
                runs[(tool, variant)].append(res)
                if r == 0:
                    coords[(tool, variant)] = np.load(path)
                print(f"  round {r + 1}: {name}: {tool} {variant or res.get('path', '')}: "
                      f"{res['seconds'][0]:.3f} s", file=sys.stderr)
        # The law of sigma is known in closed form for the block only (THEORY section 4).
        cdf = common.theory_cdf(args.beta, theory_c) if case != "relu" else None
        wrong_cdf = common.theory_cdf(args.beta, 1.0 - theory_c) if case == "constrained" else None
        base = None
        for tool, variant in tools:
            res = runs[(tool, variant)]
            first = res[0]
            # Chain-steps per round: Mici reports HMC iterations of its few chains.
            work = (first["iterations"] if tool == "mici" else chains * steps)
            rates = sorted(work / x["seconds"][0] for x in res)
            rate = float(np.median(rates))
            if tool == "orbitmc" and not variant:
                base = rate
            n_eff = first.get("ess")
            sample = coords[(tool, variant)]
            ceiling = bool(variant) and "ceiling" in variant  # samples no law: no tests
            p_orbitmc = (None if tool == "orbitmc" and not variant or ceiling else
                         ks_p(sample, coords[("orbitmc", None)], n_eff)[0])
            p_theory = ks_theory_p(sample, cdf, n_eff)[0] if cdf and not ceiling else None
            p_wrong = ks_theory_p(sample, wrong_cdf, n_eff)[0] if wrong_cdf else None
            rows.append({
                "case": name, "tool": tool,
                "variant": (f"{variant} ({first['path']})" if tool == "orbitmc" and variant
                            else variant or first.get("path", "")),
                "chains": first.get("chains", chains) if tool != "mici" else first.get("chains"),
                "steps": steps if tool != "mici" else first["iterations"] // max(1, first.get("chains", 1)),
                "chain_steps_per_second": rate, "min": rates[0], "max": rates[-1],
                "compile_seconds": first.get("compile_seconds", first.get("setup_seconds", 0.0)),
                "ratio_orbitmc_over_tool": base / rate,
                "samples": int(len(sample)), "effective_samples": n_eff,
                "p_vs_orbitmc": p_orbitmc, "p_vs_theory": p_theory, "p_vs_other_law": p_wrong,
                "theory_c": theory_c, "diverged": first.get("diverged", 0), "raw": res})
    header = (f"{'case':34} {'tool':9} {'variant':32} {'chains':>7} {'steps':>6} "
              f"{'chain-steps/s':>13} {'min-max':>19} {'orbitmc/tool':>12} {'p vs orbitmc':>12} "
              f"{'p vs theory':>11} {'p vs other law':>14}")
    print(header)
    for r in rows:
        print(f"{r['case']:34} {r['tool']:9} {r['variant']:32} {r['chains']:>7} {r['steps']:>6} "
              f"{r['chain_steps_per_second']:>13.3g} {fmt(r['min']) + '-' + fmt(r['max']):>19} "
              f"{r['ratio_orbitmc_over_tool']:>12.2f} {fmt(r['p_vs_orbitmc']):>12} "
              f"{fmt(r['p_vs_theory']):>11} {fmt(r['p_vs_other_law']):>14}")
    out = args.out or os.path.join(
        HERE, "results", f"{datetime.date.today().isoformat()}-{host}-{args.backend}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "w") as f:
        json.dump({"host": host, "cpu": cpu, "backend": args.backend, "threads": args.threads,
                   "rounds": args.rounds, "versions": versions(),
                   "settings": {k: v for k, v in vars(args).items() if k not in ("out", "build")},
                   "rows": rows}, f, indent=1)
    os.replace(out + ".tmp", out)
    print(f"results: {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
