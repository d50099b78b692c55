// Candidates for a model whose per-chain work is a product with a matrix every chain shares
// (hadamard: ŷ = D c, ∇_c = Dᵀ r / s²), measured side by side on the CPU: the general path's
// per-chain gradient (the code the chains run, one chain after another on each thread) against
// the ensemble as a matrix with chains as columns and two CBLAS GEMMs (OpenBLAS). Both compute
// the same gradients (checked); the output is gradient evaluations per second and their ratio.
// bench/NOTES.md records what it says and what the chains run because of it.
#include <cblas.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

#include "models/model_registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Model = orbitmc::HadamardModel<float, orbitmc::RuntimeLayout>;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Per-chain: each thread runs loss_grad for its range of chains (state AoS, chain after chain).
void per_chain(const Model& m, const std::vector<float>& x, std::vector<float>& g, int chains,
               int threads) {
  const int d = m.layout.dim();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::vector<float> ws(m.scratch_words());
      for (int i = chains * t / threads; i < chains * (t + 1) / threads; ++i)
        m.loss_grad(x.data() + size_t(i) * d, g.data() + size_t(i) * d, ws.data());
    });
  for (auto& th : pool) th.join();
}

// Ensemble as matrices: C (p × chains) = u ⊙ v, R = D C − y 1ᵀ, G_c = Dᵀ R / s², then
// (g_u, g_v) = G_c (v, u) and the ridge. Chains are columns (row-major: chain index fastest).
void as_gemm(const Model& m, const std::vector<float>& x, std::vector<float>& g, int chains,
             std::vector<float>& c, std::vector<float>& r, std::vector<float>& gc) {
  const int p = m.layout.blocks(), n = m.points, d = m.layout.dim();
  for (int i = 0; i < chains; ++i)
    for (int k = 0; k < p; ++k)
      c[size_t(k) * chains + i] = x[size_t(i) * d + 2 * k] * x[size_t(i) * d + 2 * k + 1];
  for (int row = 0; row < n; ++row)
    std::fill_n(r.begin() + size_t(row) * chains, chains, -m.output(row));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, chains, p, 1.0f, m.data, p, c.data(),
              chains, 1.0f, r.data(), chains);
  const float inv_s2 = 1.0f / (m.width * m.width);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, p, chains, n, inv_s2, m.data, p, r.data(),
              chains, 0.0f, gc.data(), chains);
  for (int i = 0; i < chains; ++i)
    for (int k = 0; k < p; ++k) {
      const float u = x[size_t(i) * d + 2 * k], v = x[size_t(i) * d + 2 * k + 1];
      const float gk = gc[size_t(k) * chains + i];
      g[size_t(i) * d + 2 * k] = gk * v + m.ridge * v * v * u;
      g[size_t(i) * d + 2 * k + 1] = gk * u + m.ridge * u * u * v;
    }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shared_matrix_bench: per-chain gradients against CBLAS GEMMs (hadamard)"};
  int chains = 16384, repeats = 5;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--chains", chains, "chains (columns of the GEMMs)")->check(CLI::PositiveNumber);
  app.add_option("--repeats", repeats, "timed repeats (median)")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads for both candidates")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  openblas_set_num_threads(static_cast<int>(threads));
  std::printf("%-20s %8s %16s %16s %8s %10s\n", "model", "chains", "per-chain grad/s",
              "gemm grad/s", "ratio", "max diff");
  for (const char* name : {"hadamard_8_identity", "hadamard_64_cosine", "hadamard_200_cumsum"}) {
    const orbitmc::ModelSpec spec = orbitmc::model_preset(name);
    const std::vector<double> words = orbitmc::model_data(spec);
    const std::vector<float> data(words.begin(), words.end());
    using Info = orbitmc::ModelInfo<orbitmc::HadamardModel>;
    const auto params = orbitmc::params_as<Info::Params>(spec);
    Model m = Info::build<float>(params, Info::layout(params));
    m.data = data.data();
    const int d = m.layout.dim(), p = m.layout.blocks();
    std::vector<float> x(size_t(chains) * d), g1(x.size()), g2(x.size());
    for (int i = 0; i < chains; ++i)
      orbitmc::normals(orbitmc::NoiseKey{7}, orbitmc::kStreamInit, i, 0, d,
                       x.data() + size_t(i) * d);
    std::vector<float> c(size_t(p) * chains), r(size_t(m.points) * chains), gc(c.size());
    std::vector<double> t1, t2;
    for (int rep = 0; rep < repeats; ++rep) {
      auto t0 = Clock::now();
      per_chain(m, x, g1, chains, static_cast<int>(threads));
      t1.push_back(seconds_since(t0));
      t0 = Clock::now();
      as_gemm(m, x, g2, chains, c, r, gc);
      t2.push_back(seconds_since(t0));
    }
    std::sort(t1.begin(), t1.end());
    std::sort(t2.begin(), t2.end());
    double diff = 0;
    for (size_t k = 0; k < g1.size(); ++k)
      diff = std::max(diff, double(std::fabs(g1[k] - g2[k])) / (1 + std::fabs(g1[k])));
    const double a = chains / t1[repeats / 2], b = chains / t2[repeats / 2];
    std::printf("%-20s %8d %16.4g %16.4g %8.2f %10.2g\n", name, chains, a, b, b / a, diff);
  }
  return 0;
}
