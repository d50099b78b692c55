"""Mici peer of bench/compare.py: constrained HMC on the slice F = 0 of the block (1, 3).

Mici (Graham's constrained HMC: RATTLE-style leapfrog with Newton projections and a
reversibility check) is an independent, exact-in-law sampler of a density on a manifold, so
its sigma histogram checks orbitmc's constrained samplers from outside. The target is
exp(-beta L(q)) with L(q) = l(|u||v|):

  --variant corrected    dens_wrt_hausdorff=False: Mici adds (1/2) log det(dF dF^T) to the
                         energy, i.e. conditions the ambient law on F = 0. This is orbitmc's
                         mu_S, sigma density ~ exp(-beta l) sigma^0 (theory_cdf(beta, 1)).
  --variant uncorrected  dens_wrt_hausdorff=True: exp(-beta L) against the Hausdorff measure
                         of the slice, sigma density ~ exp(-beta l) sigma^(1/2)
                         (theory_cdf(beta, 0)).

Every chain is a sequential Python loop, so the peer runs few chains (--chains, default 8)
for many iterations over --processes worker processes. The step size is fixed (no
adaptation) so that every run integrates the same dynamics; the number of leapfrog steps is
drawn uniformly from 1..--n-step-max each iteration, because a fixed integration time near
half a period of the radial oscillation makes sigma antithetic: its ESS then exceeds the
sample count while tail quantiles mix slower, and a KS test scaled by that ESS would be
overconfident. The ambient options of the shared command line (--h, --kappa, --repeats) do
not apply and are ignored.
"""
import functools
import math
import sys
import time

import common
import numpy as np


def parse_args():
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=40000,
                   help="kept samples over all chains (rounded up to a multiple of --chains)")
    p.add_argument("--warm-up", type=int, default=200,
                   help="iterations per chain run and discarded before the kept ones")
    p.add_argument("--step-size", type=float,
                   help="leapfrog step size (default 0.25/sqrt(beta), acceptance ~0.86: the "
                        "target's width in sigma scales as 1/sqrt(beta))")
    p.add_argument("--n-step-max", type=int, default=5,
                   help="leapfrog steps per iteration are uniform on 1..this (at least 2)")
    p.add_argument("--processes", type=int, help="Mici worker processes (default: --threads)")
    # The shared defaults suit vectorised peers; Mici runs a Python loop per chain, and the
    # iterations per chain follow from --samples, so --steps is rejected rather than ignored.
    p.set_defaults(chains=8, steps=None)
    args = p.parse_args()
    if args.case != "constrained":
        p.error("Mici samples only the constrained case")
    if args.variant not in ("corrected", "uncorrected"):
        p.error("--variant must be corrected or uncorrected")
    if args.device != "cpu":
        p.error("Mici runs on the CPU only")
    if args.n_step_max < 2:
        p.error("--n-step-max must be at least 2")
    if args.steps is not None:
        p.error("--steps does not apply: give --samples (kept samples over all chains)")
    args.steps = math.ceil(args.samples / args.chains)  # reported as iterations per chain
    if args.step_size is None:
        args.step_size = 0.25 / math.sqrt(args.beta)
    if args.processes is None:
        args.processes = args.threads
    return args


# Module-level functions (bound with functools.partial) so that Mici's worker processes can
# unpickle the system.

def loss(sigma):
    """l(sigma) = (sigma - sigma0)^2 / (2 width^2)."""
    return (sigma - common.SIGMA0) ** 2 / (2 * common.WIDTH ** 2)


def neg_log_dens(q, beta):
    """beta L(q) = beta l(|u||v|)."""
    return beta * loss(np.linalg.norm(q[:common.N]) * np.linalg.norm(q[common.N:]))


def grad_neg_log_dens(q, beta):
    """d(beta L)/dq = beta l'(sigma) dsigma/dq, dsigma/du = |v| u/|u|, dsigma/dv = |u| v/|v|;
    returned with beta L as Mici allows."""
    u, v = q[:common.N], q[common.N:]
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    sigma = nu * nv
    dl = beta * (sigma - common.SIGMA0) / common.WIDTH ** 2
    grad = np.concatenate([u * (nv / nu), v * (nu / nv)]) * dl
    return grad, beta * loss(sigma)


def constr(q):
    """F(q) = (|u|^2 - |v|^2) / 2 as the 1-vector Mici expects."""
    return np.array([(q[:common.N] @ q[:common.N] - q[common.N:] @ q[common.N:]) / 2])


def jacob_constr(q):
    """dF = (u, -v) as a (1, DIM) row, returned with F as Mici allows."""
    row = np.concatenate([q[:common.N], -q[common.N:]])
    return row[None, :], constr(q)


HESS_DIAG = np.array([1.0] * common.N + [-1.0] * common.M)  # d^2 F = diag(1, -1, -1, -1)


def mhp_constr(q):
    """Matrix-Hessian product of F, needed for the Gram term's gradient when
    dens_wrt_hausdorff=False: d^2 F is constant, so mhp(m) = m[0] * diag(d^2 F)."""
    jacob, value = jacob_constr(q)
    return (lambda m: m[0] * HESS_DIAG), jacob, value


def trace_sigma(state):
    """The one quantity compare.py looks at, recorded every iteration."""
    return {"sigma": np.linalg.norm(state.pos[:common.N]) * np.linalg.norm(state.pos[common.N:])}


def geyer_ess(x):
    """Effective sample size of one chain by Geyer's initial positive sequence: sums of
    consecutive autocorrelation pairs, truncated at the first non-positive one."""
    n = len(x)
    y = x - x.mean()
    f = np.fft.rfft(y, 2 * n)
    acov = np.fft.irfft(f * np.conj(f))[:n] / n
    if acov[0] == 0:  # a chain that never moved holds one sample's worth
        return 1.0
    rho = acov / acov[0]
    pairs = rho[:n - 1:2] + rho[1:n:2]
    bad = np.flatnonzero(pairs <= 0)
    tau = -1.0 + 2.0 * pairs[:bad[0] if bad.size else pairs.size].sum()
    # Stan's cap: an antithetic chain's tau is floored at 1/log10(n)
    return n / max(tau, 1.0 / math.log10(n))


def on_slice(x):
    """The float32 starting states in float64, moved exactly onto F = 0 (|u| = |v| =
    sqrt(sigma), directions kept): Mici's reversibility check (2e-8) rejects every step of a
    chain that starts float32 rounding (~1e-7) off the slice, so such a chain never moves."""
    x = x.astype(np.float64)
    u, v = x[:, :common.N], x[:, common.N:]
    nu, nv = np.linalg.norm(u, axis=1, keepdims=True), np.linalg.norm(v, axis=1, keepdims=True)
    r = np.sqrt(nu * nv)
    return np.concatenate([u * (r / nu), v * (r / nv)], axis=1)


def sample(args):
    """Runs the chains; returns Mici's traces and statistics, warm-up included, and the wall
    seconds of sample_chains (warm-up and the worker pool's start included)."""
    import mici  # after limit_threads: Mici may load an autodiff framework

    system = mici.systems.DenseConstrainedEuclideanMetricSystem(
        neg_log_dens=functools.partial(neg_log_dens, beta=args.beta),
        constr=constr,
        dens_wrt_hausdorff=args.variant == "uncorrected",
        grad_neg_log_dens=functools.partial(grad_neg_log_dens, beta=args.beta),
        jacob_constr=jacob_constr,
        mhp_constr=mhp_constr,
    )
    integrator = mici.integrators.ConstrainedLeapfrogIntegrator(system, step_size=args.step_size)
    sampler = mici.samplers.RandomMetropolisHMC(
        system, integrator, np.random.default_rng(args.seed), n_step_range=(1, args.n_step_max))
    init = on_slice(common.initial_states(args.chains, args.seed))
    # No adapters: the warm-up is plain burn-in. Tracing it too gives the leapfrog count of
    # the whole run; the kept samples are sliced off afterwards.
    start = time.perf_counter()
    _, traces, stats = sampler.sample_chains(
        args.warm_up, args.steps, list(init), trace_funcs=[trace_sigma], adapters=None,
        trace_warm_up=True, n_worker=args.processes, display_progress=False,
        monitor_stats=None)
    return traces, stats, time.perf_counter() - start


def main():
    args = parse_args()
    common.limit_threads(args.threads)
    traces, stats, seconds = sample(args)

    sigma = np.asarray(traces["sigma"])[:, args.warm_up:]
    ess = sum(geyer_ess(chain) for chain in sigma)
    # Iterations (warm-up included) rejected because a Newton projection failed to converge
    # or the reversibility check failed; each is a rejection, not a bias.
    errors = np.asarray(stats["convergence_error"]) | np.asarray(stats["non_reversible_step"])
    common.report(
        args, "mici", compile_seconds=0.0, seconds=[seconds], sigma=sigma.ravel(),
        samples=int(sigma.size), ess=float(ess),
        iterations=int(args.chains * (args.warm_up + args.steps)),
        leapfrog_steps=int(np.asarray(stats["n_step"]).sum()),
        accept_rate=float(  # mean Metropolis acceptance probability of the kept iterations
            np.asarray(stats["accept_stat"])[:, args.warm_up:].mean()),
        integrator_errors=int(errors.sum()),
        step_size=args.step_size, n_step_max=args.n_step_max, processes=args.processes)


if __name__ == "__main__":
    sys.exit(main())
