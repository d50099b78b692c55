// Theory density of a closed-form model, from its registration's law.
#include "theory/theory_density.hpp"

#include "analysis/bin_probabilities.hpp"
#include "analysis/factor_density.hpp"
#include "analysis/stiff_density.hpp"
#include "models/model_registry.hpp"

namespace orbitmc {

std::function<double(double, double)> theory_log_density(const RunSpec& spec) {
  const ClosedFormLaw law = model_closed_form(spec.model);
  const double beta = spec.beta;
  return [=](double x, double c) {
    return analysis::log_factor_sigma_density(x, beta, law.loss, law.factors, c);
  };
}

bool has_stiff_law(const RunSpec& spec) {
  return !is_constrained(spec.sampler) && spec.kappa > 0 &&
         model_closed_form(spec.model).factors.size() == 2;
}

std::function<double(double, double)> sampler_log_density(const RunSpec& spec) {
  if (!has_stiff_law(spec)) return theory_log_density(spec);
  const ClosedFormLaw law = model_closed_form(spec.model);
  return analysis::stiff_log_density(spec.beta, law.loss, law.factors[0], law.factors[1],
                                     spec.kappa);
}

std::vector<double> law_bin_probabilities(const std::function<double(double, double)>& family,
                                          const HistogramSpec& h) {
  return analysis::bin_probabilities([&](double x) { return family(x, 1.0); }, h.lo, h.hi, h.bins);
}

}  // namespace orbitmc
