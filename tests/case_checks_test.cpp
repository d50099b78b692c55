// Inputs that parse but cannot be analysed are refused up front as bad input
// naming the field, every shipped and test case passes that check, and a study whose runs
// diverge is reported and fails its case instead of stopping the analysis.
#include "cases/case_checks.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "backend_param.hpp"
#include "cases/case_file.hpp"
#include "input_error.hpp"
#include "validate/validate_case.hpp"

namespace orbitmc {
namespace {

// A small theory case with every study; each test edits one field of it.
std::string small_case(const std::string& precision = "float") {
  return R"({
  "name": "small", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "precision": ")" +
         precision + R"(", "seed": 3, "chains": 200,
  "init": {"sigma_lo": 0.3, "sigma_hi": 1.8},
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "fit_exponent": true, "c_range": [-2.0, 2.8],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40, "burn_in": 20, "thin": 10},
    "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 40, "burn_in": 20, "thin": 10}
  },
  "stiffness": {"kappa": [25, 50, 100, 200, 400], "chains": 200},
  "balance": {"chains": 200, "steps": 40, "records": 4}
})";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

// What validate does before sampling: parse, apply the overrides, check. Returns the InputError
// message, or "" when the case is accepted.
std::string refusal(const std::string& text, const CaseOverrides& o = {}) {
  try {
    CaseSpec c = parse_case_text(text, "x.json");
    apply_overrides(c, o);
    check_case_analysable(c);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

struct Unworkable {
  const char* name;
  std::string from, to;  // edit of the small case
  const char* field;     // what the message must start with
};

void PrintTo(const Unworkable& u, std::ostream* os) { *os << u.name; }

class CaseChecksRefuse
    : public ::testing::TestWithParam<std::tuple<Unworkable, const char* /*precision*/>> {};

TEST_P(CaseChecksRefuse, NamingTheFileAndField) {
  const Unworkable& u = std::get<0>(GetParam());
  const std::string text = replace(small_case(std::get<1>(GetParam())), u.from, u.to);
  const std::string m = refusal(text);
  ASSERT_FALSE(m.empty()) << u.name << " was accepted";
  EXPECT_EQ(m.rfind(u.field, 0), 0u) << m;
}

INSTANTIATE_TEST_SUITE_P(
    Issue9, CaseChecksRefuse,
    ::testing::Combine(
        ::testing::Values(
            Unworkable{"huge_beta", R"("beta": 1.0)", R"("beta": 1e300)", "x.json.beta = 1e+300"},
            Unworkable{"huge_range", R"("lo": 0.0, "hi": 2.4)", R"("lo": -1e300, "hi": 1e300)",
                       "x.json.observe[0].range = [-1e+300, 1e+300]"},
            Unworkable{"tiny_width", R"("width": 0.3)", R"("width": 1e-308)",
                       "x.json.model.width = 1e-308"},
            Unworkable{"tiny_bins", R"("lo": 0.0, "hi": 2.4)", R"("lo": 0.0, "hi": 1.2e-307)",
                       "x.json.observe[0].range = [0, 1.2e-307]"},
            Unworkable{"huge_sigma0", R"("sigma0": 1.0)", R"("sigma0": 1e308)",
                       "x.json.model.sigma0 = 1e+308"},
            Unworkable{"stiffness_to_1e5", R"([25, 50, 100, 200, 400])", R"([25, 400, 1e5])",
                       "x.json.stiffness.kappa[2] = 100000"},
            Unworkable{"density_off_window", R"("lo": 0.0, "hi": 2.4)", R"("lo": -1.0, "hi": 2.4)",
                       "x.json.observe[0].range = [-1, 2.4]"},
            // A window far from the peak names the peak's centre, not its width.
            Unworkable{"window_far_from_peak", R"("lo": 0.0, "hi": 2.4)",
                       R"("lo": 10000.0, "hi": 10050.0)", "x.json.model.sigma0 = 1: "}),
        ::testing::Values("float", "double")),
    [](const auto& i) {
      return std::string(std::get<0>(i.param).name) + "_" + std::get<1>(i.param);
    });

TEST(CaseChecks, MessageSaysWhatIsAllowed) {
  const std::string m =
      refusal(replace(small_case(), R"([25, 50, 100, 200, 400])", R"([25, 400, 1e5])"));
  EXPECT_NE(m.find("samplers.ambient"), std::string::npos) << m;
  EXPECT_NE(m.find("need κ <= 1/(h·σ) = 833.3"), std::string::npos) << m;  // σ = 2.4
  const std::string b = refusal(replace(small_case(), R"("beta": 1.0)", R"("beta": 1e300)"));
  EXPECT_NE(b.find("\"precision\": \"float\""), std::string::npos) << b;
}

// Chains may wander up to the bound; their observed coordinates' moments must stay finite.
TEST(CaseChecks, BoundKeepsTheMomentsFinite) {
  const std::string f = small_case(), d = small_case("double");
  const std::string from = R"("thin": 10},)";
  EXPECT_EQ(refusal(replace(f, from, R"("thin": 10, "bound": 1e29},)"))
                .rfind("x.json.samplers.ambient.bound = 1e+29", 0),
            0u);
  EXPECT_EQ(refusal(replace(f, from, R"("thin": 10, "bound": 1e8},)")), "");
  EXPECT_EQ(refusal(replace(d, from, R"("thin": 10, "bound": 1e29},)")), "");
  EXPECT_EQ(refusal(replace(d, from, R"("thin": 10, "bound": 1e200},)"))
                .rfind("x.json.samplers.ambient.bound = 1e+200", 0),
            0u);
}

// Float chains cannot resolve 20 bins of width 5e-5 at 100 (float spacing there is 7.6e-6; a
// bin must span 8 of them); double chains can.
TEST(CaseChecks, BinsTheFloatCoordinateCannotResolve) {
  std::string text = replace(small_case(), R"("lo": 0.0, "hi": 2.4, "bins": 12)",
                             R"("lo": 100.0, "hi": 100.001, "bins": 20)");
  // (no stiffness study: at σ = 100 its κ would be refused)
  text = replace(text, R"("stiffness": {"kappa": [25, 50, 100, 200, 400], "chains": 200},)", "");
  text = replace(text, R"("sigma0": 1.0)", R"("sigma0": 100.0)");  // a density the bins resolve
  EXPECT_EQ(refusal(text).rfind("x.json.observe[0].bins = 20", 0), 0u) << refusal(text);
  EXPECT_EQ(refusal(replace(text, R"("precision": "float")", R"("precision": "double")")), "");
}

// The scalar density ∝ 1/w is not integrable at 0 (THEORY §4 compares on a window in (0, ∞)).
TEST(CaseChecks, ScalarWindowMustExcludeZero) {
  const std::string text = R"({"name": "s", "kind": "theory",
    "model": {"name": "scalar", "target": 1.0, "width": 0.3}, "chains": 100,
    "observe": [{"coord": 0, "lo": 0.0, "hi": 1.8, "bins": 24}],
    "samplers": {"ambient": {"kind": "ambient_lm", "h": 2.5e-4, "kappa": 400, "steps": 20}}})";
  EXPECT_EQ(refusal(text).rfind("x.json.observe[0].range = [0, 1.8]", 0), 0u) << refusal(text);
  EXPECT_EQ(refusal(replace(text, R"("lo": 0.0)", R"("lo": 0.6)")), "");
}

// A stiffness list up to the sampler's own κ is allowed even where that κ is unstable (the case
// runs it anyway and judges its divergence); beyond both limits it is refused.
TEST(CaseChecks, StiffnessUpToTheSamplersOwnKappa) {
  std::string text =
      replace(small_case(), R"("h": 5e-4, "kappa": 200)", R"("h": 0.008, "kappa": 100)");
  EXPECT_EQ(refusal(replace(text, R"([25, 50, 100, 200, 400])", R"([25, 50, 100])")), "");
  EXPECT_EQ(refusal(replace(text, R"([25, 50, 100, 200, 400])", R"([25, 50, 200])"))
                .rfind("x.json.stiffness.kappa[2] = 200", 0),
            0u);
  // Refinement divides h by K and runs the study's κ unchanged: allowed κ grows by K.
  CaseOverrides refined;
  refined.refine = 8;
  EXPECT_EQ(refusal(replace(text, R"([25, 50, 100, 200, 400])", R"([25, 50, 200])"), refined), "");
}

// Every case the project ships passes, under every override the CLI offers.
TEST(CaseChecks, AcceptsEveryShippedCase) {
  std::vector<CaseOverrides> overrides(6);
  overrides[1].quick = true;
  apply_gpu_scale(overrides[2]);
  overrides[3].refine = 2;
  overrides[3].longer = 2;
  overrides[4].has_correction_scale = true;
  overrides[4].correction_scale = -1;
  overrides[5].chains = 1;
  const auto files = list_case_files(std::string(ORBITMC_SOURCE_DIR) + "/validation");
  EXPECT_GE(files.size(), 5u);
  for (const auto& f : files)
    for (const auto& o : overrides) {
      CaseSpec c = load_case_file(f);
      apply_overrides(c, o);
      EXPECT_NO_THROW(check_case_analysable(c)) << f;
    }
}

// The cases of the other test files (CLI, resume, divergence, memory budget) pass too.
TEST(CaseChecks, AcceptsTheTestsCases) {
  const std::vector<std::string> texts = {
      small_case(),
      small_case("double"),
      R"({"name": "tiny", "kind": "theory",
        "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
        "beta": 1.0, "seed": 3, "chains": 200,
        "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
        "samplers": {"ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40,
                                 "burn_in": 20, "thin": 10}}})",
      R"({"name": "resumable", "kind": "theory",
        "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
        "beta": 1.0, "seed": 11, "chains": 3000,
        "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 24}],
        "fit_exponent": true, "c_scan": {"from": -1.0, "to": 3.0, "step": 0.1},
        "samplers": {
          "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 1200, "burn_in": 600, "thin": 30},
          "corrected": {"kind": "constrained_projection", "h": 1e-3, "c": 1, "steps": 600, "burn_in": 300, "thin": 15},
          "uncorrected": {"kind": "constrained_projection", "h": 1e-3, "c": 0, "steps": 600, "burn_in": 300, "thin": 15, "expect": "reject"}}})",
      R"({"name": "unstable", "kind": "theory",
        "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.6},
        "seed": 4, "chains": 2000, "init": {"sigma_lo": 0.2, "sigma_hi": 3.0},
        "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
        "samplers": {"ambient": {"kind": "ambient_em", "h": 0.008, "kappa": 100, "steps": 200,
                                 "burn_in": 100, "thin": 10, "bound": 1000}}})",
      R"({"name": "c", "kind": "theory", "model": {"name": "block", "n": 1, "m": 3},
        "observe": [{"coord": 0, "lo": 0, "hi": 2, "bins": 10}],
        "samplers": {"ambient": {"kind": "ambient_em", "h": 0.001, "kappa": 10, "steps": 10,
        "burn_in": 5, "thin": 1}}, "stiffness": {"kappa": [10, 20]}})"};
  for (const auto& t : texts) EXPECT_EQ(refusal(t), "") << t;
}

// A stiffness study whose runs diverge is reported like a divergent sampler: the point carries
// its diverged count and a note, is left out of the tests, and the case fails with a reason.
class StudiesDiverge : public ::testing::TestWithParam<testing::BackendKind> {};

TEST_P(StudiesDiverge, StiffnessStudyIsReportedNotThrown) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  // h·κ = 50 at σ ≈ 1: the penalty's normal mode grows by |1 − 2hκσ| ≈ 99 a step.
  const std::string text = replace(small_case(), R"([25, 50, 100, 200, 400])", R"([25, 1e5])");
  CaseSpec c = parse_case_text(text, "x.json");
  apply_overrides(c, CaseOverrides{});
  EXPECT_THROW(check_case_analysable(c), InputError);  // validate refuses it up front
  auto backend = testing::make_test_backend(GetParam());
  CaseResult r;
  ASSERT_NO_THROW(r = run_case(c, *backend, RunControl{}));  // the study must not throw either
  ASSERT_TRUE(r.has_stiffness);
  ASSERT_EQ(r.stiffness.points.size(), 2u);
  const StiffnessPoint& bad = r.stiffness.points[1];
  EXPECT_EQ(bad.diverged, c.stiffness.chains);
  EXPECT_FALSE(bad.tested);
  EXPECT_TRUE(bad.over_budget);
  EXPECT_NE(bad.note.find("diverged chains 100% > 1%"), std::string::npos) << bad.note;
  EXPECT_TRUE(r.stiffness.points[0].tested);
  EXPECT_FALSE(r.pass);
  bool named = false;
  for (const auto& why : r.reasons)
    named = named || why.rfind("stiffness study: κ = 1e+05: diverged chains 100% > 1%", 0) == 0;
  EXPECT_TRUE(named) << ::testing::PrintToString(r.reasons);
  // report.json: aligned arrays, the untested point's numbers null, no extrapolation from one
  // tested point.
  const nlohmann::json j = nlohmann::json::parse(case_result_json(r).dump());
  const auto& st = j["stiffness"];
  EXPECT_EQ(st["diverged"][1], c.stiffness.chains);
  EXPECT_EQ(st["tested"][1], false);
  EXPECT_TRUE(st["distance"][1].is_null());
  EXPECT_TRUE(st["distance"][0].is_number());
  EXPECT_EQ(st["distance"].size(), st["kappa"].size());
  EXPECT_EQ(st["c_hat"].size(), st["kappa"].size());
  EXPECT_NE(st["note"][1].get<std::string>().find("diverged"), std::string::npos);
  EXPECT_TRUE(st["extrapolated"].is_null());
  EXPECT_EQ(st["consistent_with_zero"], false);
}

TEST_P(StudiesDiverge, BalanceStudyIsReportedNotThrown) {
  ORBITMC_SKIP_UNLESS_BACKEND_USABLE(GetParam());
  // EM with h·κ = 0.8 (tests/divergence_test.cpp): chains that reach σ > 1.25 may blow up. The
  // sampler runs 20 steps, the balance study 400, in which many more chains diverge.
  const char* text = R"({
    "name": "unstable", "kind": "theory",
    "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.6},
    "seed": 4, "chains": 400, "init": {"sigma_lo": 0.2, "sigma_hi": 3.0},
    "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
    "max_diverged_fraction": 0.02,
    "samplers": {"ambient": {"kind": "ambient_em", "h": 0.008, "kappa": 100, "steps": 20,
                             "burn_in": 10, "thin": 10, "bound": 1000}},
    "balance": {"chains": 400, "steps": 400, "records": 4}})";
  CaseSpec c = parse_case_text(text, "x.json");
  apply_overrides(c, CaseOverrides{});
  EXPECT_NO_THROW(check_case_analysable(c));  // nothing to refuse: the divergence is dynamic
  auto backend = testing::make_test_backend(GetParam());
  CaseResult r;
  ASSERT_NO_THROW(r = run_case(c, *backend, RunControl{}));
  ASSERT_TRUE(r.has_balance);
  const BalanceTrace& stiff = r.balance.stiff_run;
  EXPECT_GT(stiff.diverged, 8u) << "the stiff balance run should exceed 2 % of 400 chains";
  EXPECT_TRUE(stiff.over_budget);
  EXPECT_FALSE(r.pass);
  bool named = false;
  for (const auto& why : r.reasons)
    named = named || why.rfind("balance study: κ = 100 run: diverged chains", 0) == 0;
  EXPECT_TRUE(named) << ::testing::PrintToString(r.reasons);
  const nlohmann::json j = nlohmann::json::parse(case_result_json(r).dump());
  EXPECT_EQ(j["balance"]["stiff"]["diverged"], stiff.diverged);
  EXPECT_EQ(j["balance"]["stiff"]["chains"], 400);
  EXPECT_NE(j["balance"]["stiff"]["note"].get<std::string>().find("diverged chains"),
            std::string::npos);
  EXPECT_EQ(j["balance"]["free"]["note"], r.balance.free_run.note);
}

ORBITMC_INSTANTIATE_PER_BACKEND(StudiesDiverge);

}  // namespace
}  // namespace orbitmc
