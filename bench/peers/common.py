"""What every peer of bench/compare.py shares: the benchmark model, its starting states, the
command line each peer script takes and the one JSON line it prints.

The model is orbitmc's `block` preset (1, 3): one rank-one block (u in R^1, v in R^3),
sigma = |u||v|, loss l(sigma) = (sigma - sigma0)^2 / (2 width^2), dual condition
F = (|u|^2 - |v|^2) / 2. The ambient samplers move as orbitmc's do: x - h grad V + sqrt(2h/beta) R
with V = L + (kappa/2) F^2 (stationary law exp(-beta V)); the constrained ones live on F = 0.
Starting states follow orbitmc's init_chain in law (not draw for draw): per block, uniform
directions for u and v and |u| = |v| = sqrt(s) with s uniform on [0.5, 1.5].
"""
import argparse
import json
import math
import os
import sys

N, M = 1, 3  # block sizes
DIM = N + M
SIGMA0 = 1.0
WIDTH = 0.3

# The relu case: orbitmc's preset relu_16_3, 16 units (a_j, w_j in R^3) in 16 blocks of (1, 3),
# L = sum_i (f(x_i) - y_i)^2 / (2 s^2) + (rho/2) sum_j sigma_j^2 on its data set (8 points, read
# from the .npy that orbitmc_compare_case --data writes: x row-major, then y).
RELU_UNITS, RELU_IN, RELU_POINTS, RELU_WIDTH, RELU_RIDGE = 16, 3, 8, 1.5, 1.0


def relu_data(path):
    """(x of shape (points, in), y of shape (points,)) from orbitmc's data file."""
    import numpy as np
    flat = np.load(path)
    x = flat[:RELU_POINTS * RELU_IN].reshape(RELU_POINTS, RELU_IN)
    return x.astype(np.float32), flat[RELU_POINTS * RELU_IN:].astype(np.float32)


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--case", required=True, choices=["em", "mala", "constrained", "relu"])
    p.add_argument("--variant", required=True)
    p.add_argument("--chains", type=int, default=131072)
    p.add_argument("--steps", type=int, default=1000, help="steps per timed repeat")
    p.add_argument("--repeats", type=int, default=1, help="timed repeats, each continuing the chains")
    p.add_argument("--h", type=float, default=1e-3)
    p.add_argument("--kappa", type=float, default=100.0)
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--coords", help="write the final orbit coordinates (sigma) here, .npy")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--data", help="the relu case's data set (.npy from orbitmc_compare_case)")
    return p


def limit_threads(threads):
    """Caps the BLAS/OpenMP pools before any framework is imported."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               f" --xla_cpu_multi_thread_eigen=true"
                               f" intra_op_parallelism_threads={threads}").strip()


def initial_states(chains, seed, blocks=1):
    """(chains, blocks * DIM) float32 on the slice, as orbitmc's init_chain draws them in law."""
    import numpy as np  # here, not at import: limit_threads() must run first
    if blocks > 1:
        return initial_states(chains * blocks, seed).reshape(chains, blocks * DIM)
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((chains, N))
    v = rng.standard_normal((chains, M))
    s = rng.uniform(0.5, 1.5, size=(chains, 1))
    u *= np.sqrt(s) / np.linalg.norm(u, axis=1, keepdims=True)
    v *= np.sqrt(s) / np.linalg.norm(v, axis=1, keepdims=True)
    return np.concatenate([u, v], axis=1).astype(np.float32)


def sigma_of(x):
    """sigma = |u||v| of every row of a (chains, DIM) array."""
    import numpy as np  # here, not at import: limit_threads() must run first
    x = np.asarray(x, dtype=np.float64)
    return np.linalg.norm(x[:, :N], axis=1) * np.linalg.norm(x[:, N:], axis=1)


def report(args, tool, compile_seconds, seconds, sigma, **extra):
    """Prints the peer's JSON line and writes its coordinates."""
    import numpy as np  # here, not at import: limit_threads() must run first
    sigma = np.asarray(sigma, dtype=np.float64)
    finite = np.isfinite(sigma)
    if args.coords:
        np.save(args.coords, sigma[finite])
    out = {"tool": tool, "variant": args.variant, "case": args.case, "chains": args.chains,
           "steps": args.steps, "compile_seconds": compile_seconds,
           "seconds": [float(s) for s in seconds], "diverged": int((~finite).sum())}
    out.update(extra)
    print(json.dumps(out))
    sys.stdout.flush()


def log_density_sigma(sigma, beta, exponent):
    """log of exp(-beta l(sigma)) sigma^exponent, unnormalised (THEORY section 4)."""
    import numpy as np  # here, not at import: limit_threads() must run first
    return -beta * (sigma - SIGMA0) ** 2 / (2 * WIDTH ** 2) + exponent * np.log(sigma)


def theory_cdf(beta, correction):
    """CDF of sigma on the slice for correction scale c (1: mu_S, the corrected law; 0: the
    uncorrected one): p(sigma) ∝ exp(-beta l) sigma^((n+m-3)/2 - c/2), by quadrature."""
    import numpy as np
    exponent = (N + M - 3) / 2 - correction / 2
    grid = np.linspace(1e-6, SIGMA0 + 12 * WIDTH / math.sqrt(beta), 200001)
    dens = np.exp(log_density_sigma(grid, beta, exponent) -
                  log_density_sigma(grid, beta, exponent).max())
    cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    cdf /= cdf[-1]
    return lambda s: np.interp(s, grid, cdf)
