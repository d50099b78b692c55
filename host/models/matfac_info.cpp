// Target and mask of model `matfac`.
#include "models/matfac_info.hpp"

#include "models/model_data.hpp"

namespace orbitmc {

std::vector<double> ModelInfo<MatfacModel>::data(const Params& s, uint64_t data_seed) {
  const int R = s.rows, C = s.cols, K = s.rank;
  std::vector<double> out(2 * static_cast<size_t>(R) * C);
  uint32_t k = 0;
  std::vector<double> u(static_cast<size_t>(R) * K), v(static_cast<size_t>(C) * K);
  for (auto& e : u) e = data_normal(data_seed, k++);
  for (auto& e : v) e = data_normal(data_seed, k++);
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      double t = 0;
      for (int r = 0; r < K; ++r) t += u[i * K + r] * v[j * K + r];
      out[static_cast<size_t>(i) * C + j] = t;
      const double p = data_uniform(data_seed, k++);
      out[static_cast<size_t>(R) * C + i * C + j] = (p < s.observed || (i == 0 && j == 0)) ? 1 : 0;
    }
  return out;
}

}  // namespace orbitmc
