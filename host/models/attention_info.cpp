// Teacher data set of model `attention`: the teacher is the model itself at fixed weights, so
// its outputs come from the same per-chain code (in double).
#include "models/attention_info.hpp"

#include <cmath>

#include "input_error.hpp"
#include "models/model_data.hpp"

namespace orbitmc {

void ModelInfo<AttentionModel>::check(const Params& s, const std::string& where) {
  const int64_t free = int64_t(s.embed) * s.head;
  if (free > (1 << 20))
    bad_input(where + "embed", s.embed,
              "embed x head = " + std::to_string(free) + " value weights; at most 1048576");
  const int64_t scratch = 4 * int64_t(s.sequence) * s.head + 2 * int64_t(s.sequence) * s.sequence;
  if (scratch > (1 << 24))
    bad_input(where + "sequence", s.sequence,
              "a chain's scratch (4 sequence head + 2 sequence^2 = " + std::to_string(scratch) +
                  " numbers) must be at most 16777216");
}

std::vector<double> ModelInfo<AttentionModel>::data(const Params& s, uint64_t data_seed) {
  const RuntimeLayout l = layout(s);
  const size_t x_words = size_t(s.points) * s.sequence * s.embed;
  std::vector<double> out(x_words + size_t(s.points) * s.sequence * s.head, 0.0);
  uint32_t k = 0;
  std::vector<double> teacher(l.dim());
  for (auto& w : teacher) w = 0.75 * data_normal(data_seed, k++);
  const double boost = 4 + 4 * std::fabs(data_normal(data_seed, k++));
  for (int j = 0; j < l.blocks(); ++j)
    for (int i = 0; i < l.n(); ++i) teacher[l.u(j, i)] *= boost;
  for (size_t w = 0; w < x_words; ++w) out[w] = data_normal(data_seed, k++);
  // The teacher's outputs: residuals against Y = 0 with s = 1 are the outputs themselves.
  AttentionModel<double, RuntimeLayout> m = build<double>(s, l);
  m.width = 1;
  m.data = out.data();
  std::vector<double> ws(m.scratch_words());
  const int nt = s.sequence, H = s.head;
  const auto work = m.scratch(ws.data());
  for (int p = 0; p < s.points; ++p) {
    m.forward(teacher.data(), p, ws.data(), work, 1.0);
    double* y = out.data() + x_words + size_t(p) * nt * H;
    for (int w = 0; w < nt * H; ++w) y[w] = work.d[w] + 0.02 * data_normal(data_seed, k++);
  }
  return out;
}

}  // namespace orbitmc
