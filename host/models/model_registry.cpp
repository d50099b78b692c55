// Lookups over the registered models (ORBITMC_FOR_EACH_MODEL_TEMPLATE).
#include "models/model_registry.hpp"

#include "input_error.hpp"

namespace orbitmc {
namespace {

// Calls f(ModelInfo<M>{}, model at run-time sizes in double) for the spec's model.
template <class F>
void with_model(const ModelSpec& s, F&& f) {
  const bool known = with_model_template(s.name, [&](auto tag) {
    using M = typename decltype(tag)::template type<double, RuntimeLayout>;
    using Info = typename info_of<M>::type;
    f(Info{}, Info::template build<double>(s, Info::layout(s)));
  });
  if (!known) bad_input("model.name", s.name, "allowed: " + model_names());
}

}  // namespace

std::string model_names() {
  std::string out;
#define ORBITMC_NAME(...) \
  out += std::string(out.empty() ? "" : ", ") + ModelInfo<__VA_ARGS__>::kName;
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_NAME)
#undef ORBITMC_NAME
  return out;
}

std::string model_catalogue() {
  std::string out;
#define ORBITMC_LINE(...)                                           \
  out += std::string("  ") + ModelInfo<__VA_ARGS__>::kName + ": " + \
         ModelInfo<__VA_ARGS__>::kHelp + "\n";
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_LINE)
#undef ORBITMC_LINE
  return out;
}

std::string compiled_sizes() {
  std::string out;
#define ORBITMC_SIZE(...)                                              \
  out += std::string("  ") + info_of<__VA_ARGS__>::type::kName + " " + \
         describe_layout(runtime_layout(typename __VA_ARGS__::Layout{})) + "\n";
  ORBITMC_FOR_EACH_FIXED_MODEL(ORBITMC_SIZE, double)
#undef ORBITMC_SIZE
  return out;
}

bool model_has_closed_form(const std::string& name) {
  bool closed = false;
  with_model_template(name, [&](auto tag) {
    using M = typename decltype(tag)::template type<double, RuntimeLayout>;
    closed = info_of<M>::type::kClosedForm;
  });
  return closed;
}

ClosedFormLaw model_closed_form(const ModelSpec& s) {
  ClosedFormLaw law;
  bool closed = false;
  with_model(s, [&](auto info, const auto&) {
    using Info = decltype(info);
    if constexpr (Info::kClosedForm) {
      law = Info::closed_form(s);
      closed = true;
    }
  });
  if (!closed) bad_input("model.name", s.name, "has no closed-form law (theory cases need one)");
  return law;
}

RuntimeLayout model_layout(const ModelSpec& s) {
  RuntimeLayout l;
  with_model(s, [&](auto info, const auto&) { l = decltype(info)::layout(s); });
  return l;
}

std::vector<double> model_data(const ModelSpec& s) {
  if (s.data) return *s.data;
  std::vector<double> d;
  with_model(s, [&](auto info, const auto&) { d = decltype(info)::data(s); });
  return d;
}

int64_t model_data_words(const ModelSpec& s) {
  int64_t n = 0;
  with_model(s, [&](auto info, const auto&) { n = decltype(info)::data_words(s); });
  return n;
}

int model_coordinate_count(const ModelSpec& s) {
  int n = 0;
  with_model(s, [&](auto, const auto& m) { n = m.coords(); });
  return n;
}

std::string describe_layout(const RuntimeLayout& l) {
  std::string out = "(" + std::to_string(l.blocks()) + " block" + (l.blocks() == 1 ? "" : "s") +
                    " of (" + std::to_string(l.n()) + ", " + std::to_string(l.m()) + ")";
  if (l.free_dim() > 0) out += ", " + std::to_string(l.free_dim()) + " free";
  return out + ")";
}

}  // namespace orbitmc
