// Teacher data set of model `relu`.
#include "models/relu_info.hpp"

#include "input_error.hpp"
#include "models/model_data.hpp"

namespace orbitmc {

void ModelInfo<ReluModel>::fields(JsonFields& f, Params& p) {
  p.width = f.number("width", p.width);
  p.units = f.size("units", p.units, 1);
  p.input_dim = f.size("input_dim", p.input_dim, 1);
  p.points = f.size("points", p.points, 1);
  p.batch = f.size("batch", p.batch, 0);
  p.ridge = read_ridge(f, p.ridge);
}

void ModelInfo<ReluModel>::check(const Params& s, const std::string& where) {
  if (s.batch < 0 || s.batch > (1 << 16))
    bad_input(where + "batch", s.batch, "must be in 0..65536 (0: the fixed data set of `points`)");
}

std::vector<double> ModelInfo<ReluModel>::data(const Params& s, uint64_t data_seed) {
  const int P = s.units, D = s.input_dim, N = s.points;
  uint32_t k = 0;
  std::vector<double> a(P), w(static_cast<size_t>(P) * D), xi(D);
  for (int j = 0; j < P; ++j) {
    a[j] = data_normal(data_seed, k++);
    for (int d = 0; d < D; ++d) w[j * D + d] = data_normal(data_seed, k++);
  }
  if (s.batch > 0) {  // the chains draw their points from the teacher
    std::vector<double> teacher(a);
    teacher.insert(teacher.end(), w.begin(), w.end());
    return teacher;
  }
  std::vector<double> out(static_cast<size_t>(N) * D + N);
  for (int i = 0; i < N; ++i) {
    for (int d = 0; d < D; ++d) xi[d] = data_normal(data_seed, k++);
    const double f = ReluModel<double>::network<double>(
        P, D, [&](int j) { return a[j]; }, [&](int j, int d) { return w[j * D + d]; },
        [&](int d) { return xi[d]; });
    for (int d = 0; d < D; ++d) out[static_cast<size_t>(i) * D + d] = xi[d];
    out[static_cast<size_t>(N) * D + i] = f + 0.1 * data_normal(data_seed, k++);
  }
  return out;
}

}  // namespace orbitmc
