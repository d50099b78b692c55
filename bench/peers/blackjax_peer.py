"""BlackJAX peer of bench/compare.py: block (1, 3) under BlackJAX's own kernels. `em` is SGLD with
the full gradient (Euler-Maruyama, i.e. ULA): `sgld_vmap` vmaps the kernel over chains with a
key per chain (the idiomatic form), `sgld_batched` steps one (chains, 4) position whose
log-density is the sum over chains (valid because SGLD has no accept step). `mala` is
blackjax.mala vmapped over chains (`mala_vmap`). With log density -V and temperature 1/beta
(SGLD), or log density -beta V and step h/beta (MALA), each is orbitmc's move
x - h grad V + sqrt(2h/beta) R. Steps run in one jitted lax.scan; compilation timed apart."""
import time

import common

args = common.parser(__doc__).parse_args()
common.limit_threads(args.threads)

import blackjax  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jax_model  # noqa: E402

jax_model.use_device(args.device)
H, KAPPA, BETA = args.h, args.kappa, args.beta
potential = jax_model.block_potential(KAPPA)


def scan_steps(step, carry):
    def body(c, _):
        return step(c), None
    return jax.lax.scan(body, carry, None, length=args.steps)[0]


def sgld_step(batched):
    sgld = blackjax.sgld(lambda x, _: -jax.grad(potential)(x))
    if batched:
        total = blackjax.sgld(lambda x, _: -jax.grad(lambda y: jnp.sum(jax.vmap(potential)(y)))(x))
        def step(c):
            x, key = c
            key, sub = jax.random.split(key)
            return total.step(sub, x, None, H, 1.0 / BETA), key
        return step
    one = jax.vmap(lambda k, x: sgld.step(k, x, None, H, 1.0 / BETA))
    def step(c):
        x, key = c
        key, sub = jax.random.split(key)
        return one(jax.random.split(sub, x.shape[0]), x), key
    return step


def mala_step():
    mala = blackjax.mala(lambda x: -BETA * potential(x), H / BETA)
    one = jax.vmap(mala.step)
    def step(c):
        state, key = c
        key, sub = jax.random.split(key)
        state, _ = one(jax.random.split(sub, state.position.shape[0]), state)
        return state, key
    return step, jax.vmap(mala.init)


def main():
    x = jnp.asarray(common.initial_states(args.chains, args.seed))
    key = jax.random.PRNGKey(args.seed)
    if args.case == "em" and args.variant in ("sgld_vmap", "sgld_batched"):
        carry, step = (x, key), sgld_step(args.variant == "sgld_batched")
        position = lambda c: c[0]
    elif args.case == "mala" and args.variant == "mala_vmap":
        step, init = mala_step()
        carry = (init(x), key)
        position = lambda c: c[0].position
    else:
        raise SystemExit(f"blackjax_peer: no variant {args.variant} for case {args.case}")
    t0 = time.perf_counter()
    compiled = jax.jit(lambda c: scan_steps(step, c)).lower(carry).compile()
    compile_seconds = time.perf_counter() - t0
    seconds = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        carry = compiled(carry)
        jax.block_until_ready(carry)
        seconds.append(time.perf_counter() - t0)
    common.report(args, "blackjax", compile_seconds, seconds, common.sigma_of(np.asarray(position(carry))))


main()
