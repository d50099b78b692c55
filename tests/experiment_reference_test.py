#!/usr/bin/env python3
"""The gd trainings of every experiment against an independent NumPy implementation of the
same update, for 100 steps.

For each experiment, `orbitmc experiment NAME --noise gd --steps 100 --save-states` writes the
seeds' problems and each parametrisation's first and last states (states/*.npy). This script
rebuilds every loss and gradient from the problems as the paper defines them (THEORY §8: mean
squared errors, the L1 term, the Hadamard and cumulative-sum products, M = PQ on the mask),
takes 100 steps θ ← θ − η∇L in float64 from the same start, and requires orbitmc's float32
result to agree to float tolerance: max |Δθ| ≤ 2e-4 · (1 + max |θ|) over every seed and
parameter, and ≤ 5 % of how far the reference moved (float32 rounding of 100 small steps
is below 1 % of it). A wrong gradient, learning rate, scaling
or data layout misses by orders of magnitude more.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

ORBITMC = os.environ.get("ORBITMC_BIN", os.path.join(os.path.dirname(__file__), "..", "build",
                                                     "orbitmc"))
STEPS, SEEDS, TOL = 100, 2, 2e-4


def run(name, out):
    subprocess.run([ORBITMC, "experiment", name, "--noise", "gd", "--steps", str(STEPS),
                    "--seeds", str(SEEDS), "--save-states", "--no-html", "--quiet",
                    "--out", out], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "states")


def gd(theta, grad, eta):
    theta = theta.astype(np.float64)
    for _ in range(STEPS):
        theta = theta - eta * grad(theta)
    return theta


def relu_grad(problem, units=16, d=3, points=256):
    teacher = units * (1 + d)
    x = problem[teacher:teacher + points * d].reshape(points, d)
    y = problem[teacher + points * d:teacher + points * (d + 1)]

    def grad(th):
        blocks = th.reshape(units, 1 + d)  # unit j: a_j, then w_j
        a, w = blocks[:, 0], blocks[:, 1:]
        z = x @ w.T  # points × units
        h = np.maximum(z, 0)
        r = h @ a - y
        ga = 2 / points * (h.T @ r)
        gw = 2 / points * (((z > 0) * r[:, None]) * a[None, :]).T @ x
        return np.concatenate([ga[:, None], gw], axis=1).ravel()
    return grad


def spectral_grad(problem, variant, p=64, points=32, l1=0.1):
    t = problem[:points]
    y = problem[points + p:2 * points + p]
    design = np.cos(2 * np.pi * np.outer(t, np.arange(p)))

    def grad(th):
        if variant == "hadamard":
            u, v = th[0::2], th[1::2]
            gc = 2 / points * design.T @ (design @ (u * v) - y)
            return np.stack([gc * v, gc * u], axis=1).ravel()
        g = 2 / points * design.T @ (design @ th - y)
        return g + (l1 * np.sign(th) if variant == "plain_l1" else 0)
    return grad


def tv_grad(problem, variant, n=200, rows=60):
    a = problem[:rows * n].reshape(rows, n)
    y = problem[rows * n:rows * (n + 1)]

    def grad(th):
        if variant == "cumsum":
            u, v = th[0::2], th[1::2]
            w = np.cumsum(u * v)
            gw = 2 / rows * a.T @ (a @ w - y)
            gc = np.cumsum(gw[::-1])[::-1]  # w = B c, B the cumulative sum: ∇c = Bᵀ ∇w
            return np.stack([gc * v, gc * u], axis=1).ravel()
        return 2 / rows * a.T @ (a @ th - y)
    return grad


def attention_grad(problem, e=16, h=8, t=8, points=32):
    dim = h * 2 * e + e * h
    x = problem[dim:dim + points * t * e].reshape(points, t, e)
    y = problem[dim + points * t * e:dim + points * t * (e + h)].reshape(points, t, h)
    count = points * t * h

    def grad(th):
        blocks = th[:h * 2 * e].reshape(h, 2 * e)  # column j: W_Q[:, j], then W_K[:, j]
        wq, wk = blocks[:, :e].T, blocks[:, e:].T  # e × h
        wv = th[h * 2 * e:].reshape(e, h)
        q, k, v = x @ wq, x @ wk, x @ wv  # points × t × h
        s = q @ k.transpose(0, 2, 1) / np.sqrt(h)
        a = np.exp(s - s.max(axis=2, keepdims=True))
        a /= a.sum(axis=2, keepdims=True)
        d = 2 / count * (a @ v - y)  # dL/d out
        da = d @ v.transpose(0, 2, 1)
        ds = a * (da - (a * da).sum(axis=2, keepdims=True)) / np.sqrt(h)
        dq, dk, dv = ds @ k, ds.transpose(0, 2, 1) @ q, a.transpose(0, 2, 1) @ d
        gq = np.einsum("pti,ptj->ij", x, dq)
        gk = np.einsum("pti,ptj->ij", x, dk)
        gv = np.einsum("pti,ptj->ij", x, dv)
        return np.concatenate([np.concatenate([gq.T, gk.T], axis=1).ravel(), gv.ravel()])
    return grad


def matcomp_grad(problem, n=20, keep=0.5):
    """gd's loss: keep · Σ_observed (PQ − M*)² / n², the mean of sgd's over its subsampling."""
    target = problem[:n * n].reshape(n, n)
    mask = problem[n * n:2 * n * n].reshape(n, n)

    def grad(th):
        blocks = th.reshape(n, 2 * n)  # mode k: P[:, k], then Q[k, :]
        p, q = blocks[:, :n].T, blocks[:, n:]
        r = 2 * keep / (n * n) * mask * (p @ q - target)
        return np.concatenate([(r @ q.T).T, p.T @ r], axis=1).ravel()
    return grad


CASES = {
    "relu": [("network", 5e-5, lambda pr, v: relu_grad(pr))],
    "attention": [("head", 1e-3, lambda pr, v: attention_grad(pr))],
    "spectral": [(v, 1e-3, lambda pr, v=v: spectral_grad(pr, v))
                 for v in ("plain", "plain_l1", "hadamard")],
    "tv": [("plain", 1e-2, lambda pr, v: tv_grad(pr, "plain")),
           ("cumsum", 1e-3, lambda pr, v: tv_grad(pr, "cumsum"))],
    "matcomp": [("factorisation", 1e-3, lambda pr, v: matcomp_grad(pr))],
}


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, variants in CASES.items():
            states = run(name, os.path.join(tmp, name))
            problems = np.load(os.path.join(states, "problems.npy"))
            for variant, eta, make_grad in variants:
                start = np.load(os.path.join(states, "%s_gd_initial.npy" % variant))
                final = np.load(os.path.join(states, "%s_gd_final.npy" % variant))
                worst = 0.0
                for s in range(SEEDS):
                    ref = gd(start[s], make_grad(problems[s], variant), eta)
                    moved = np.max(np.abs(ref - start[s]))
                    err = np.max(np.abs(final[s] - ref)) / (1 + np.max(np.abs(ref)))
                    worst = max(worst, err)
                    if not moved > 0 or np.max(np.abs(final[s] - ref)) > 0.05 * moved:
                        failures.append("%s %s seed %d: off by more than 5 %% of the move %.2e"
                                        % (name, variant, s, moved))
                status = "ok" if worst <= TOL else "FAIL"
                print("%-8s %-13s max |dθ|/(1 + max|θ|) = %.2e  %s" % (name, variant, worst, status))
                if worst > TOL:
                    failures.append("%s %s: %.2e > %.0e" % (name, variant, worst, TOL))
    for f in failures:
        print("failure: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
