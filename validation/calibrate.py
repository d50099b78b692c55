#!/usr/bin/env python3
"""Calibration of orbitmc's verdicts on physics drawn at random (docs/THEORY.md §6).

Draws theory cases of a two-factor block from a fixed seed — factor sizes (n, m) in 1..3, β in
[0.5, 3], σ₀ in [0.5, 1.5], width in [0.25, 0.5], the window [0, σ₀ + 5·width/√β] (from
0.4·σ₀ for (1, 1), whose law σ^(−1) is not integrable at 0) — each with
the samplers of the shipped block_1_2 case (ambient MALA at κ = 3200, constrained Metropolis
corrected and uncorrected), runs them with `orbitmc validate`, and reports

- the false-alarm rate of each verdict where the truth holds (a sampler expected to match
  rejected at α; the exponent fit's interval excluding 1; the case's verdict), with a 95 %
  Wilson interval, against the nominal bound (α per test; a sampler is judged by the smaller
  of two p-values, so at most 2α);
- the p-values of the exact samplers (ambient MALA against its own law at κ, corrected
  Metropolis against the theory): uniform on (0, 1) when the verdicts are calibrated, checked by
  a Kolmogorov–Smirnov test;
- the power to detect a planted correction scale c ≠ 1 (`--correction-scale c`: the corrected
  sampler then samples the wrong law): the share of cases that fail.

    calibrate.py ORBITMC_BINARY --cases N --seed S --out DIR [--quick] [--power 0.9,1.1]
                 [--require-power C=F ...]

Writes DIR/calibration.json and prints a table. Exit status: 0 when the false alarms are
consistent with the nominal rate (the Wilson interval reaches below it) and the p-values pass
the KS test at 0.001 and every --require-power C=F holds (power at C ≥ F); 1 otherwise; 2 on
bad arguments or a failed run."""

import argparse
import json
import math
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orbitmc_report.page import sampler_p  # noqa: E402  (the page's own verdict p-value)

ALPHA = 1e-3  # the shipped cases' alpha (and the exponent fit's 99.9 % interval)


def wilson(k, n, z=1.959964):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, centre - half), min(1.0, centre + half))


def ks_uniform(values):
    """Kolmogorov–Smirnov test of values against U(0, 1): (D, asymptotic p)."""
    x = sorted(values)
    n = len(x)
    if n == 0:
        return (float("nan"), float("nan"))
    d = max(max((i + 1) / n - v, v - i / n) for i, v in enumerate(x))
    t = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d  # Stephens' small-sample correction
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * t * t) for k in range(1, 101))
    return (d, min(1.0, max(0.0, p)))


def draw_case(rng, index, seed):
    n, m = rng.randint(1, 3), rng.randint(1, 3)
    beta = rng.uniform(0.5, 3.0)
    sigma0 = rng.uniform(0.5, 1.5)
    width = rng.uniform(0.25, 0.5)
    hi = sigma0 + 5 * width / math.sqrt(beta)
    # (1, 1): the law σ^(−1) is not integrable at 0; compare on a window away from it, as
    # scalar_window does.
    lo = round(0.4 * sigma0, 3) if n + m == 2 else 0.0
    name = "calib_%03d" % index
    return {
        "name": name,
        "title": "Calibration draw %d: block (%d, %d), beta %.3g, sigma0 %.3g, width %.3g" % (
            index, n, m, beta, sigma0, width),
        "kind": "theory",
        "model": {"name": "block", "n": n, "m": m, "sigma0": sigma0, "width": width},
        "beta": beta,
        "precision": "float",
        "seed": seed + index,
        "chains": 40000,
        "quick_chains": 12000,
        "init": {"sigma_lo": 0.3 * sigma0, "sigma_hi": min(hi, 1.8 * sigma0)},
        "observe": [{"coord": 0, "lo": lo, "hi": round(hi, 3), "bins": 40}],
        "fit_exponent": True,
        "c_range": [-2.0, 2.8],
        "samplers": {
            "ambient": {"kind": "ambient_mala", "h": 6.25e-05, "kappa": 3200, "steps": 24000,
                        "burn_in": 12000, "thin": 240, "expect": "match"},
            "corrected": {"kind": "constrained_metropolis", "h": 0.3, "c": 1, "steps": 1500,
                          "burn_in": 750, "thin": 15, "expect": "match"},
            "uncorrected": {"kind": "constrained_metropolis", "h": 0.3, "c": 0, "steps": 1500,
                            "burn_in": 750, "thin": 15, "expect": "reject"},
        },
    }


def run_suite(orbitmc, cases_dir, out, quick, c=None):
    args = [orbitmc, "validate", "--cases", cases_dir, "--out", out, "--no-html", "--quiet",
            "--backend", "cpu"]
    if quick:
        args.append("--quick")
    if c is not None:
        args += ["--correction-scale", repr(c)]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode not in (0, 1):  # 1: some case failed, which calibration counts
        sys.exit("calibrate: orbitmc validate exited %d\n%s" % (r.returncode, r.stderr[-3000:]))
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        return json.load(f)


def false_alarms(report):
    """Counts where the truth holds: per matching sampler, per fit, per case."""
    out = {"sampler": [0, 0], "fit": [0, 0], "case": [0, 0], "p_values": []}
    for case in report["cases"]:
        for s in case["samplers"]:
            if s.get("expect") != "match":
                continue
            p = sampler_p(s)
            if p is None:
                continue
            out["sampler"][1] += 1
            out["sampler"][0] += p < ALPHA
            test = s["coords"][0]["test"]
            out["p_values"].append(test["p_chi2"])
        fit = case.get("exponent_fit")
        if isinstance(fit, dict):
            out["fit"][1] += 1
            out["fit"][0] += not (fit["ci_lo"] <= 1 <= fit["ci_hi"])
        out["case"][1] += 1
        out["case"][0] += case.get("pass") is not True
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("orbitmc")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--power", default="0.9,0.95,1.05,1.1")
    ap.add_argument("--require-power", action="append", default=[],
                    help="C=F: the share of cases failing at planted c = C must be >= F")
    a = ap.parse_args(argv)
    if a.cases < 1:
        ap.error("--cases must be >= 1")
    planted = [float(c) for c in a.power.split(",") if c.strip()] if a.power else []
    required = {}
    for item in a.require_power:
        c, _, f = item.partition("=")
        required[float(c)] = float(f)
        if float(c) not in planted:
            planted.append(float(c))
    rng = random.Random(a.seed)
    cases_dir = os.path.join(a.out, "cases")
    os.makedirs(cases_dir, exist_ok=True)
    for i in range(a.cases):
        case = draw_case(rng, i, a.seed)
        with open(os.path.join(cases_dir, case["name"] + ".json"), "w") as f:
            json.dump(case, f, indent=1)

    truth = false_alarms(run_suite(a.orbitmc, cases_dir, os.path.join(a.out, "truth"), a.quick))
    result = {"cases": a.cases, "seed": a.seed, "quick": a.quick, "alpha": ALPHA,
              "false_alarms": {}, "power": {}}
    ok = True
    print("verdict           false alarms    rate    95 % interval     nominal")
    for key, nominal in (("sampler", 2 * ALPHA), ("fit", ALPHA), ("case", 5 * ALPHA)):
        k, n = truth[key]
        lo, hi = wilson(k, n)
        consistent = lo <= nominal
        ok = ok and consistent
        result["false_alarms"][key] = {"count": k, "trials": n, "rate": k / n if n else None,
                                       "ci95": [lo, hi], "nominal_at_most": nominal,
                                       "consistent": consistent}
        print("%-16s %5d / %-6d %7.4f  [%.4f, %.4f]  <= %g%s" % (
            key, k, n, k / n if n else float("nan"), lo, hi, nominal,
            "" if consistent else "  INCONSISTENT"))
    d, p = ks_uniform(truth["p_values"])
    result["p_uniformity"] = {"count": len(truth["p_values"]), "ks_d": d, "ks_p": p}
    ok = ok and p >= 1e-3
    print("p-values of the exact samplers (chi2): %d, KS D = %.4f, p = %.3g (uniform: p >= 0.001)"
          % (len(truth["p_values"]), d, p))
    for c in planted:
        rep = run_suite(a.orbitmc, cases_dir, os.path.join(a.out, "c%g" % c), a.quick, c)
        failed = sum(case.get("pass") is not True for case in rep["cases"])
        n = len(rep["cases"])
        lo, hi = wilson(failed, n)
        result["power"][repr(c)] = {"detected": failed, "cases": n, "power": failed / n,
                                    "ci95": [lo, hi]}
        need = required.get(c)
        met = need is None or failed / n >= need
        ok = ok and met
        print("planted c = %-5g detected in %d / %d cases (power %.2f, 95 %% [%.2f, %.2f])%s" % (
            c, failed, n, failed / n, lo, hi, "" if met else "  BELOW %g" % need))
    with open(os.path.join(a.out, "calibration.json"), "w") as f:
        json.dump(result, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
