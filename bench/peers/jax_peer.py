"""JAX peer of bench/compare.py: block (1, 3) Euler-Maruyama and MALA written the two ways a JAX
user would: `soa`, the hand-written gradient on a (4, chains) array (the fast form), and `vmap`,
jax.grad of one chain's V vmapped over a (chains, 4) array (the idiomatic form); and
Euler-Maruyama on relu (16, 3) in the `vmap` form. All run the steps inside one jitted
lax.scan; compilation is timed apart (lower().compile())."""
import time

import common

args = common.parser(__doc__).parse_args()
common.limit_threads(args.threads)

import jax  # noqa: E402  (after the thread limits)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jax_model  # noqa: E402

jax_model.use_device(args.device)
H, KAPPA, BETA = args.h, args.kappa, args.beta
INV_S2 = 1.0 / common.WIDTH ** 2
NOISE = float(np.sqrt(2 * H / BETA))
potential_one = jax_model.block_potential(KAPPA)


def relu_potential_one(theta, x, y):
    """relu (16, 3): V = L + (kappa/2) sum_j F_j^2 of one chain, theta of shape (units * 4,)."""
    t = theta.reshape(common.RELU_UNITS, common.DIM)
    a, w = t[:, 0], t[:, 1:]
    f = jnp.maximum(w @ x.T, 0.0).T @ a  # (points,)
    aa, ww = a * a, jnp.sum(w * w, axis=1)
    fb = 0.5 * (aa - ww)
    return (jnp.sum((f - y) ** 2) / (2 * common.RELU_WIDTH ** 2) +
            0.5 * common.RELU_RIDGE * jnp.sum(aa * ww) + 0.5 * KAPPA * jnp.sum(fb * fb))


def potential_grad_soa(x):
    """V and its gradient for every chain, x of shape (4, chains), by hand."""
    u, v = x[:common.N], x[common.N:]
    uu = jnp.sum(u * u, axis=0)
    vv = jnp.sum(v * v, axis=0)
    p = uu * vv
    r = jax.lax.rsqrt(p)
    d = p * r - common.SIGMA0
    fl = d * INV_S2 * r
    f = 0.5 * (uu - vv)
    gu = (fl * vv + KAPPA * f) * u
    gv = (fl * uu - KAPPA * f) * v
    return 0.5 * d * d * INV_S2 + 0.5 * KAPPA * f * f, jnp.concatenate([gu, gv], axis=0)


def potential_grad_vmap(x):
    """The same for x of shape (chains, 4), by jax.value_and_grad of one chain, vmapped."""
    return jax.vmap(jax.value_and_grad(potential_one))(x)


def em_step(potential_grad, shape):
    def step(carry, _):
        x, key = carry
        key, sub = jax.random.split(key)
        _, g = potential_grad(x)
        return (x - H * g + NOISE * jax.random.normal(sub, shape, x.dtype), key), None
    return step


def mala_step(potential_grad, shape, chain_axis):
    def step(carry, _):
        x, key = carry
        key, k1, k2 = jax.random.split(key, 3)
        vx, gx = potential_grad(x)
        y = x - H * gx + NOISE * jax.random.normal(k1, shape, x.dtype)
        vy, gy = potential_grad(y)
        fwd = jnp.sum((y - x + H * gx) ** 2, axis=1 - chain_axis)
        bwd = jnp.sum((x - y + H * gy) ** 2, axis=1 - chain_axis)
        log_alpha = -BETA * (vy - vx) - BETA * (bwd - fwd) / (4 * H)
        u = jax.random.uniform(k2, log_alpha.shape, x.dtype, minval=1e-38)
        accept = jnp.log(u) < log_alpha
        keep = accept[None, :] if chain_axis == 1 else accept[:, None]
        return (jnp.where(keep, y, x), key), None
    return step


def main():
    x0 = common.initial_states(args.chains, args.seed)  # (chains, 4)
    if args.case == "relu":
        if args.variant != "vmap":
            raise SystemExit(f"jax_peer: unknown relu variant {args.variant} (vmap)")
        xd, yd = (jnp.asarray(v) for v in common.relu_data(args.data))
        x0 = common.initial_states(args.chains, args.seed, common.RELU_UNITS)
        x, axis = jnp.asarray(x0), 0
        pg = jax.vmap(jax.value_and_grad(lambda t: relu_potential_one(t, xd, yd)))
    elif args.variant == "soa":
        x, pg, axis = jnp.asarray(x0.T), potential_grad_soa, 1
    elif args.variant == "vmap":
        x, pg, axis = jnp.asarray(x0), potential_grad_vmap, 0
    else:
        raise SystemExit(f"jax_peer: unknown variant {args.variant} (soa, vmap)")
    step = mala_step(pg, x.shape, axis) if args.case == "mala" else em_step(pg, x.shape)

    def run(x, key):
        (x, key), _ = jax.lax.scan(step, (x, key), None, length=args.steps)
        return x, key

    key = jax.random.PRNGKey(args.seed)
    t0 = time.perf_counter()
    compiled = jax.jit(run).lower(x, key).compile()
    compile_seconds = time.perf_counter() - t0
    seconds = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        x, key = compiled(x, key)
        x.block_until_ready()
        seconds.append(time.perf_counter() - t0)
    final = np.asarray(x).T if axis == 1 else np.asarray(x)
    common.report(args, "jax", compile_seconds, seconds, common.sigma_of(final[:, :common.DIM]))


main()
