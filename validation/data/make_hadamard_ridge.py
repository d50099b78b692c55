#!/usr/bin/env python3
"""Writes hadamard_ridge.npy, the data set of validation/hadamard_ridge.json.

Cosine features cos(2πk t) for k = 0, 1, 2 on the uniform grid t_i = (i + 1/2)/12, scaled to
orthonormal columns (DᵀD = I), and noiseless targets y = D c* with c* = (1.5, −2.0, 1.2).
Orthonormal columns make the loss |Dc − y|²/(2s²) + (ρ/2)|c|² separate per coefficient, so a
window on one coefficient conditions that coefficient alone: chains whose other coefficients
started on the wrong sign (a constrained chain cannot change the sign of c_k except through
u_k = v_k = 0) do not bias it. The file holds D (12 × 3, row-major) then y (12), float64.
"""
import numpy as np

points, coefficients = 12, 3
t = (np.arange(points) + 0.5) / points
design = np.cos(2 * np.pi * np.outer(t, np.arange(coefficients)))
design /= np.linalg.norm(design, axis=0)
truth = np.array([1.5, -2.0, 1.2])
assert np.allclose(design.T @ design, np.eye(coefficients))
np.save("hadamard_ridge.npy", np.concatenate([design.ravel(), design @ truth]))
