// Lookups over the registered models (ORBITMC_FOR_EACH_MODEL_TEMPLATE).
#include "models/model_registry.hpp"

#include <set>

#include "input_error.hpp"

namespace orbitmc {
namespace {

// Calls f(ModelInfo<M>{}, the spec's parameters) for the spec's model.
template <class F>
void with_params(const ModelSpec& s, F&& f) {
  const bool known = with_model_template(s.name, [&](auto tag) {
    using Info = info_of_tag<decltype(tag)>;
    f(Info{}, params_as<typename Info::Params>(s));
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

namespace {
// The keys the model's fields() reads: its reads over an empty object, which give the defaults.
template <class Info>
std::set<std::string> own_keys() {
  typename Info::Params defaults;
  JsonFields probe(nlohmann::json::object(), "");
  Info::fields(probe, defaults);
  return probe.keys();
}

// "Keys: a, b, …": the model's own keys, then the data set's.
template <class Info>
std::string model_keys() {
  std::string out;
  for (const auto& k : own_keys<Info>()) out += (out.empty() ? "" : ", ") + k;
  if (Info::data_words(typename Info::Params{}) > 0) out += ", data_seed, data_file";
  return "Keys: " + out;
}
}  // namespace

std::string model_catalogue() {
  std::string out;
#define ORBITMC_LINE(...)                                           \
  out += std::string("  ") + ModelInfo<__VA_ARGS__>::kName + ": " + \
         ModelInfo<__VA_ARGS__>::kHelp + ". " + model_keys<ModelInfo<__VA_ARGS__>>() + "\n";
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
  with_model_template(name, [&](auto tag) { closed = info_of_tag<decltype(tag)>::kClosedForm; });
  return closed;
}

std::string closed_form_model_names() {
  std::string out;
#define ORBITMC_CLOSED_NAME(...)           \
  if (ModelInfo<__VA_ARGS__>::kClosedForm) \
    out += std::string(out.empty() ? "" : ", ") + ModelInfo<__VA_ARGS__>::kName;
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_CLOSED_NAME)
#undef ORBITMC_CLOSED_NAME
  return out;
}

ModelSpec parse_model(const nlohmann::json& j, const std::string& w) {
  if (!j.is_object())
    bad_input(w, brief(j), std::string("must be a JSON object, not ") + type_name(j));
  ModelSpec m;
  m.name = get_string(j, "name", w, "");
  const bool known = with_model_template(m.name, [&](auto tag) {
    using Info = info_of_tag<decltype(tag)>;
    std::set<std::string> allowed = own_keys<Info>();
    allowed.insert({"name", "data_seed", "data_file"});
    check_keys(j, w, allowed);  // unknown keys first, before any value is read
    typename Info::Params params;
    JsonFields fields(j, w);
    Info::fields(fields, params);
    m.params = params;
  });
  if (!known) bad_input(w + ".name", m.name, "allowed: " + model_names());
  m.data_seed = get_seed(j, "data_seed", w, m.data_seed);
  m.data_file = get_string(j, "data_file", w, "");
  // The file system reads a path up to its first NUL: "good.npy\u0000x" would open good.npy.
  if (m.data_file.find('\0') != std::string::npos)
    bad_input(w + ".data_file", brief(j.at("data_file")), "a path may not contain NUL (\\u0000)");
  return m;
}

nlohmann::json model_json(const ModelSpec& s) {
  nlohmann::json out;
  with_params(s, [&](auto info, auto p) {
    const nlohmann::json none = nlohmann::json::object();
    JsonFields values(none, "model");
    decltype(info)::fields(values, p);
    out = values.values();
  });
  out["name"] = s.name;
  out["data_seed"] = s.data_seed;
  return out;
}

ModelSpec model_preset(const std::string& name) {
  ModelSpec out;
  bool found = false;
#define ORBITMC_PRESETS(...)                              \
  for (const auto& p : ModelInfo<__VA_ARGS__>::presets()) \
    if (!found && p.first == name) {                      \
      out.name = ModelInfo<__VA_ARGS__>::kName;           \
      out.params = p.second;                              \
      found = true;                                       \
    }
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_PRESETS)
#undef ORBITMC_PRESETS
  if (!found) bad_input("preset", name, "unknown model preset");
  return out;
}

std::vector<std::string> model_preset_names() {
  std::vector<std::string> out;
#define ORBITMC_PRESET_NAMES(...) \
  for (const auto& p : ModelInfo<__VA_ARGS__>::presets()) out.push_back(p.first);
  ORBITMC_FOR_EACH_MODEL_TEMPLATE(ORBITMC_PRESET_NAMES)
#undef ORBITMC_PRESET_NAMES
  return out;
}

void check_model_params(const ModelSpec& s, const std::string& where) {
  const bool known = with_model_template(s.name, [&](auto tag) {
    using Info = info_of_tag<decltype(tag)>;
    Info::check(params_as<typename Info::Params>(s), where);
  });
  if (!known) bad_input(where + "name", s.name, "allowed: " + model_names());
}

ClosedFormLaw model_closed_form(const ModelSpec& s) {
  ClosedFormLaw law;
  bool closed = false;
  with_params(s, [&](auto info, const auto& p) {
    using Info = decltype(info);
    if constexpr (Info::kClosedForm) {
      law = Info::closed_form(p);
      closed = true;
    }
  });
  if (!closed) bad_input("model.name", s.name, "has no closed-form law (theory cases need one)");
  return law;
}

RuntimeLayout model_layout(const ModelSpec& s) {
  RuntimeLayout l;
  with_params(s, [&](auto info, const auto& p) { l = decltype(info)::layout(p); });
  return l;
}

ModelScales model_scales(const ModelSpec& s) {
  ModelScales out;
  with_params(s, [&](auto info, const auto& p) { out = decltype(info)::scales(p); });
  return out;
}

std::string model_coordinate_name(const ModelSpec& s, int k) {
  std::string name;
  with_params(s, [&](auto info, const auto& p) { name = decltype(info)::coordinate_name(p, k); });
  return name;
}

int model_sigma_coordinates(const ModelSpec& s) {
  int n = 0;
  with_params(s, [&](auto info, const auto& p) { n = decltype(info)::sigma_coordinates(p); });
  return n;
}

std::vector<double> model_data(const ModelSpec& s) {
  if (s.data) return *s.data;
  std::vector<double> d;
  with_params(s, [&](auto info, const auto& p) { d = decltype(info)::data(p, s.data_seed); });
  return d;
}

int64_t model_data_words(const ModelSpec& s) {
  int64_t n = 0;
  with_params(s, [&](auto info, const auto& p) { n = decltype(info)::data_words(p); });
  return n;
}

int model_coordinate_count(const ModelSpec& s) {
  int n = 0;
  with_params(s, [&](auto info, const auto& p) {
    using Info = decltype(info);
    n = Info::template build<double>(p, Info::layout(p)).coords();
  });
  return n;
}

std::string describe_layout(const RuntimeLayout& l) {
  std::string sizes;
  for (int k = 0; k < l.factors(); ++k) sizes += (k ? ", " : "") + std::to_string(l.factor_size(k));
  std::string out = "(" + std::to_string(l.blocks()) + " block" + (l.blocks() == 1 ? "" : "s") +
                    " of (" + sizes + ")";
  if (l.free_dim() > 0) out += ", " + std::to_string(l.free_dim()) + " free";
  return out + ")";
}

}  // namespace orbitmc
