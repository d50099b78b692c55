// One step of one training (one seed of an experiment ensemble), written once for every backend:
// θ' = θ − η ∇L(θ) (+ sqrt(2η/β) R for Langevin), where ∇L is the model's gradient on the data
// its prepare() chose for this step (the minibatch of SGD, or everything). Along the way it
// checks the imbalance identity of THEORY §7 per block (BalanceTally). A step that would leave
// the bound or produce a non-finite value marks the training diverged and keeps its last state.
#pragma once

#include "../core/block_geometry.hpp"
#include "../core/chain_state.hpp"
#include "../core/philox_noise.hpp"
#include "train_rule.hpp"

namespace orbitmc {

// Scratch vectors a training step needs: ∇L, the Langevin noise R, the candidate θ'.
constexpr int kTrainVectors = 3;

// x: the training's parameters (model.layout.dim() values); w: kTrainVectors vectors and the
// model's scratch; tally: BalanceTally::kWords words per block; seed: the training's global seed
// index (its noise and minibatches are drawn at (seed, step)). Returns the loss the step
// descended, at θ before the step (SGD: the minibatch's), 0 for a diverged training: the
// trainings' running losses, the experiments' training curves, add these up.
template <class Model, class X, class W, class A, class T = typename Model::Scalar>
ORBITMC_HD T train_step(const Model& model, const TrainRule<T>& rule, X x, const W& w, A tally,
                        ChainCounters& c, NoiseKey key, uint32_t seed, uint64_t n) {
  if (c.diverged) return T(0);
  const auto& l = model.layout;
  const int d = l.dim();
  auto g = w.vec(0);
  auto r = w.vec(1);
  auto xn = w.vec(2);
  model.prepare(key, seed, n, w.model_ws());
  const T loss = model.loss_grad(x, g, w.model_ws());
  const bool langevin = rule.noise == NoiseModel::kLangevin;
  const T s = langevin ? lane::sqrt(T(2) * rule.eta / rule.beta) : T(0);
  if (langevin) normals(key, kStreamLangevin, seed, n, d, r);
  for (int k = 0; k < d; ++k) xn[k] = x[k] - rule.eta * g[k] + (langevin ? s * r[k] : T(0));
  for (int b = 0; b < l.blocks(); ++b) {
    // In double from the float values: the residual then holds only the rounding of the update
    // itself (zero-mean), not that of the norms.
    double dx = 0, dn = 0, dg = 0, k = 0;
    for (int i = 0; i < l.n(); ++i) {
      const double a = x[l.u(b, i)], an = xn[l.u(b, i)], ga = g[l.u(b, i)];
      dx += a * a;
      dn += an * an;
      dg += ga * ga;
    }
    k = dx;
    for (int j = 0; j < l.m(); ++j) {
      const double a = x[l.v(b, j)], an = xn[l.v(b, j)], ga = g[l.v(b, j)];
      dx -= a * a;
      dn -= an * an;
      dg -= ga * ga;
      k += a * a;
    }
    const double eta = rule.eta;
    const double predicted = eta * eta * dg;
    const double res = (dn - dx) - predicted;
    const double rel = k > 0 ? lane::fabs(res) / k : lane::fabs(res);
    auto t = tally + BalanceTally::kWords * b;
    // A NaN residual replaces the maximum (and a later finite one would replace it again: it is
    // the step's non-finite update that marks the training diverged and stops it, below).
    if (!(t[0] >= rel)) t[0] = rel;
    t[1] += res;
    t[2] += res * res;
    t[3] += predicted;
  }
  commit_or_diverge(d, x, xn, rule.bound, c);
  return loss;
}

}  // namespace orbitmc
