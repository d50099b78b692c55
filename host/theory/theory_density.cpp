// Theory density of a closed-form model, from its registration's law.
#include "theory/theory_density.hpp"

#include "analysis/factor_density.hpp"
#include "models/model_registry.hpp"

namespace orbitmc {

std::function<double(double, double)> theory_log_density(const RunSpec& spec) {
  const ClosedFormLaw law = model_closed_form(spec.model);
  const double beta = spec.beta;
  return [=](double x, double c) {
    return analysis::log_factor_sigma_density(x, beta, law.loss, law.factors, c);
  };
}

}  // namespace orbitmc
