"""What the JAX-based peers (jax_peer.py, blackjax_peer.py) share: the platform choice and the
potential of one chain of the block (1, 3), written once. Import after common.limit_threads()."""
import jax
import jax.numpy as jnp

import common


def use_device(device):
    if device == "cpu":
        jax.config.update("jax_platforms", "cpu")


def block_potential(kappa):
    """V = L + (kappa/2) F^2 of one chain, as a function of x of shape (4,)."""
    inv_s2 = 1.0 / common.WIDTH ** 2

    def potential(x):
        uu = jnp.sum(x[:common.N] ** 2)
        vv = jnp.sum(x[common.N:] ** 2)
        d = jnp.sqrt(uu * vv) - common.SIGMA0
        f = 0.5 * (uu - vv)
        return 0.5 * d * d * inv_s2 + 0.5 * kappa * f * f

    return potential
