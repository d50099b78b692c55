"""PyTorch peer of bench/compare.py: block (1, 3) Euler-Maruyama and MALA in eager mode on
(4, chains) tensors with in-place updates (`inplace`), the fast way to write it without
compilation. torch.set_num_threads caps the intra-op pool at --threads."""
import math
import time

import common

args = common.parser(__doc__).parse_args()
common.limit_threads(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(args.threads)
DEV = torch.device(args.device)
H, KAPPA, BETA = args.h, args.kappa, args.beta
INV_S2 = 1.0 / common.WIDTH ** 2
NOISE = math.sqrt(2 * H / BETA)


def potential_grad(x, g):
    """V for every chain, and its gradient written into g; x, g of shape (4, chains)."""
    u, v = x[:common.N], x[common.N:]
    uu = (u * u).sum(0)
    vv = (v * v).sum(0)
    p = uu * vv
    r = torch.rsqrt(p)
    d = p * r - common.SIGMA0
    fl = d * INV_S2 * r
    f = 0.5 * (uu - vv)
    torch.mul(u, fl * vv + KAPPA * f, out=g[:common.N])
    torch.mul(v, fl * uu - KAPPA * f, out=g[common.N:])
    return 0.5 * d * d * INV_S2 + 0.5 * KAPPA * f * f


def run_em(x, gen, steps):
    g = torch.empty_like(x)
    r = torch.empty_like(x)
    for _ in range(steps):
        potential_grad(x, g)
        r.normal_(generator=gen)
        x.add_(g, alpha=-H).add_(r, alpha=NOISE)


def run_mala(x, gen, steps):
    gx, gy, r = torch.empty_like(x), torch.empty_like(x), torch.empty_like(x)
    u = torch.empty(x.shape[1], device=x.device)
    for _ in range(steps):
        vx = potential_grad(x, gx)
        r.normal_(generator=gen)
        y = x - H * gx + NOISE * r
        vy = potential_grad(y, gy)
        fwd = (y - x + H * gx).square_().sum(0)
        bwd = (x - y + H * gy).square_().sum(0)
        log_alpha = -BETA * (vy - vx) - BETA * (bwd - fwd) / (4 * H)
        u.uniform_(generator=gen)
        accept = u.log_() < log_alpha
        torch.where(accept, y, x, out=x)


def main():
    if args.variant != "inplace":
        raise SystemExit(f"torch_peer: unknown variant {args.variant} (inplace)")
    gen = torch.Generator(device=DEV)
    gen.manual_seed(args.seed)
    x = torch.from_numpy(np.ascontiguousarray(common.initial_states(args.chains, args.seed).T)).to(DEV)
    run = run_em if args.case == "em" else run_mala
    run(x.clone(), gen, 2)  # warm-up: allocator, kernels
    seconds = []
    with torch.no_grad():
        for _ in range(args.repeats):
            if DEV.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            run(x, gen, args.steps)
            if DEV.type == "cuda":
                torch.cuda.synchronize()
            seconds.append(time.perf_counter() - t0)
    common.report(args, "torch", 0.0, seconds, common.sigma_of(x.cpu().numpy().T))


main()
