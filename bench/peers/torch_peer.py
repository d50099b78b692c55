"""PyTorch peer of bench/compare.py: block (1, 3) Euler-Maruyama and MALA in eager mode on
(4, chains) tensors with in-place updates (`inplace`), the fast way to write it without
compilation; and Euler-Maruyama on relu (16, 3) (`batched`: the gradient by hand on
(chains, units, ...) tensors with einsum). torch.set_num_threads caps the intra-op pool."""
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


def relu_potential_grad(theta, g, x, y):
    """relu (16, 3): V = L + (kappa/2) sum_j F_j^2 for every chain and its gradient into g;
    theta, g of shape (chains, units, 4) with block j = (a_j, w_j)."""
    a, w = theta[:, :, 0], theta[:, :, 1:]
    z = torch.einsum("njd,pd->njp", w, x)
    act = torch.relu(z)
    r = (torch.einsum("nj,njp->np", a, act) - y) / common.RELU_WIDTH ** 2
    aa, ww = a * a, (w * w).sum(2)
    f = 0.5 * (aa - ww)
    g[:, :, 0] = torch.einsum("np,njp->nj", r, act) + (common.RELU_RIDGE * ww + KAPPA * f) * a
    back = (z > 0) * r[:, None, :] * a[:, :, None]
    g[:, :, 1:] = torch.einsum("njp,pd->njd", back, x) + \
        ((common.RELU_RIDGE * aa - KAPPA * f)[:, :, None]) * w


def run_relu(theta, gen, steps, x, y):
    g = torch.empty_like(theta)
    r = torch.empty_like(theta)
    for _ in range(steps):
        relu_potential_grad(theta, g, x, y)
        r.normal_(generator=gen)
        theta.add_(g, alpha=-H).add_(r, alpha=NOISE)


def main_relu(gen):
    if args.variant != "batched":
        raise SystemExit(f"torch_peer: unknown relu variant {args.variant} (batched)")
    xd, yd = (torch.from_numpy(v).to(DEV) for v in common.relu_data(args.data))
    x0 = common.initial_states(args.chains, args.seed, common.RELU_UNITS)
    theta = torch.from_numpy(x0).to(DEV).view(args.chains, common.RELU_UNITS, common.DIM)
    seconds = []
    with torch.no_grad():
        run_relu(theta.clone(), gen, 2, xd, yd)  # warm-up
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            run_relu(theta, gen, args.steps, xd, yd)
            if DEV.type == "cuda":
                torch.cuda.synchronize()
            seconds.append(time.perf_counter() - t0)
    first_unit = theta[:, 0, :].cpu().numpy()
    common.report(args, "torch", 0.0, seconds, common.sigma_of(first_unit))


def main():
    if args.case == "relu":
        gen = torch.Generator(device=DEV)
        gen.manual_seed(args.seed)
        return main_relu(gen)
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
