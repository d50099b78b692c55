// The GPU side of the shared-matrix measurement (see shared_matrix_bench.cpp for the CPU side):
// hadamard gradients for every chain, (a) by the general path's per-chain code (one chain per
// thread, state interleaved: component k of chain i at k·chains + i) and (b) with the ensemble
// as a matrix, chains as columns, and two cuBLAS GEMMs (R = D C − y 1ᵀ, G_c = Dᵀ R / s²).
// Prints gradient evaluations per second of both and the largest difference.
#include <cublas_v2.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/cuda_check.cuh"
#include "kernels/device_buffer.cuh"
#include "models/model_registry.hpp"

namespace {

using orbitmc::cuda::DeviceBuffer;
using Model = orbitmc::HadamardModel<float, orbitmc::RuntimeLayout>;

__global__ void per_chain_gradients(Model m, const float* x, float* g, float* ws, uint64_t chains) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= chains) return;
  const orbitmc::Strided<const float> xv{x + i, chains};
  const orbitmc::Strided<float> gv{g + i, chains}, wv{ws + i, chains};
  m.loss_grad(xv, gv, wv);
}

// C[k][i] = u_k v_k of chain i (row-major p × chains) and R[j][i] = −y_j.
__global__ void coefficients(Model m, const float* x, float* c, float* r, uint64_t chains) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= chains) return;
  for (int k = 0; k < m.layout.blocks(); ++k)
    c[k * chains + i] = x[m.layout.u(k, 0) * chains + i] * x[m.layout.v(k, 0) * chains + i];
  for (int j = 0; j < m.points; ++j) r[j * chains + i] = -m.output(j);
}

// (g_u, g_v) = G_c (v, u) plus the ridge, interleaved like the state.
__global__ void scatter(Model m, const float* x, const float* gc, float* g, uint64_t chains) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= chains) return;
  for (int k = 0; k < m.layout.blocks(); ++k) {
    const float u = x[m.layout.u(k, 0) * chains + i], v = x[m.layout.v(k, 0) * chains + i];
    const float gk = gc[k * chains + i];
    g[m.layout.u(k, 0) * chains + i] = gk * v + m.ridge * v * v * u;
    g[m.layout.v(k, 0) * chains + i] = gk * u + m.ridge * u * u * v;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shared_matrix_bench_gpu: per-chain gradients against cuBLAS GEMMs (hadamard)"};
  uint64_t chains = 1u << 20;
  int repeats = 5;
  app.add_option("--chains", chains, "chains (columns of the GEMMs)")->check(CLI::PositiveNumber);
  app.add_option("--repeats", repeats, "timed repeats (median)")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  cublasHandle_t blas;
  if (cublasCreate(&blas) != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "cuBLAS could not start (is there a GPU?)\n");
    return 1;
  }
  std::printf("%-20s %9s %16s %16s %8s %10s\n", "model", "chains", "per-chain grad/s",
              "cublas grad/s", "ratio", "max diff");
  for (const char* name : {"hadamard_64_cosine", "hadamard_200_cumsum"}) {
    const orbitmc::ModelSpec spec = orbitmc::model_preset(name);
    using Info = orbitmc::ModelInfo<orbitmc::HadamardModel>;
    const auto params = orbitmc::params_as<Info::Params>(spec);
    Model m = Info::build<float>(params, Info::layout(params));
    const std::vector<double> words = orbitmc::model_data(spec);
    const std::vector<float> data(words.begin(), words.end());
    const int d = m.layout.dim(), p = m.layout.blocks(), n = m.points;
    std::vector<float> hx(chains * d);
    std::vector<float> z(d);
    for (uint64_t i = 0; i < chains; ++i) {
      orbitmc::normals(orbitmc::NoiseKey{7}, orbitmc::kStreamInit, static_cast<uint32_t>(i), 0, d,
                       z.data());
      for (int k = 0; k < d; ++k) hx[k * chains + i] = z[k];
    }
    DeviceBuffer<float> dd(data.size()), dx(hx.size()), g1(hx.size()), g2(hx.size());
    DeviceBuffer<float> ws(chains * m.scratch_words()), c(chains * p), r(chains * n),
        gc(chains * p);
    dd.upload(data.data());
    dx.upload(hx.data());
    m.data = dd.get();
    const unsigned grid = static_cast<unsigned>((chains + 255) / 256);
    cudaEvent_t e0, e1;
    ORBITMC_CUDA_CHECK(cudaEventCreate(&e0));
    ORBITMC_CUDA_CHECK(cudaEventCreate(&e1));
    std::vector<float> t1, t2;
    for (int rep = 0; rep <= repeats; ++rep) {  // the first round warms up
      float ms = 0;
      ORBITMC_CUDA_CHECK(cudaEventRecord(e0));
      per_chain_gradients<<<grid, 256>>>(m, dx.get(), g1.get(), ws.get(), chains);
      ORBITMC_CUDA_CHECK(cudaEventRecord(e1));
      ORBITMC_CUDA_CHECK(cudaEventSynchronize(e1));
      ORBITMC_CUDA_CHECK(cudaEventElapsedTime(&ms, e0, e1));
      if (rep) t1.push_back(ms);
      ORBITMC_CUDA_CHECK(cudaEventRecord(e0));
      coefficients<<<grid, 256>>>(m, dx.get(), c.get(), r.get(), chains);
      // Row-major A (rows × cols) is column-major Aᵀ: R = D C becomes Rᵀ = Cᵀ Dᵀ.
      const float one = 1.0f, inv_s2 = 1.0f / (m.width * m.width), zero = 0.0f;
      const int nc = static_cast<int>(chains);
      cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, nc, n, p, &one, c.get(), nc, dd.get(), p, &one,
                  r.get(), nc);
      cublasSgemm(blas, CUBLAS_OP_N, CUBLAS_OP_T, nc, p, n, &inv_s2, r.get(), nc, dd.get(), p,
                  &zero, gc.get(), nc);
      scatter<<<grid, 256>>>(m, dx.get(), gc.get(), g2.get(), chains);
      ORBITMC_CUDA_CHECK(cudaEventRecord(e1));
      ORBITMC_CUDA_CHECK(cudaEventSynchronize(e1));
      ORBITMC_CUDA_CHECK(cudaEventElapsedTime(&ms, e0, e1));
      if (rep) t2.push_back(ms);
    }
    std::vector<float> a(hx.size()), b(hx.size());
    g1.download(a.data());
    g2.download(b.data());
    double diff = 0;
    for (size_t k = 0; k < a.size(); ++k)
      diff = std::max(diff, double(std::fabs(a[k] - b[k])) / (1 + std::fabs(a[k])));
    std::sort(t1.begin(), t1.end());
    std::sort(t2.begin(), t2.end());
    const double r1 = chains / (1e-3 * t1[repeats / 2]), r2 = chains / (1e-3 * t2[repeats / 2]);
    std::printf("%-20s %9llu %16.4g %16.4g %8.2f %10.2g\n", name,
                static_cast<unsigned long long>(chains), r1, r2, r2 / r1, diff);
  }
  cublasDestroy(blas);
  return 0;
}
