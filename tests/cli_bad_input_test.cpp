// Bad input, one test per class: the CLI prints one line naming the field, the value and what
// is allowed, exits 2 and writes nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli_support.hpp"

namespace orbitmc {
namespace {

using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

// A valid small case; each test breaks one thing in it.
std::string good_case() {
  return R"({
  "name": "tiny", "kind": "theory",
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 3, "chains": 200,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40, "burn_in": 20, "thin": 10}
  }
})";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

struct BadInput {
  const char* name;
  std::string from, to;  // edit of the good case
  const char* expect;    // regex the message must match
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoNamingFieldValueAndAllowedAndWritesNothing) {
  const auto dir = temp_dir(std::string("bad-") + GetParam().name);
  const auto file = dir / "case.json";
  write_text(file, replace(good_case(), GetParam().from, GetParam().to));
  const auto out = dir / "out";
  const auto r = run_cli("run " + file.string() + " --backend cpu --quiet --out " + out.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(GetParam().expect))) << r.output;
  EXPECT_NE(r.output.find("error:"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out)) << "nothing may be written on bad input";
}

INSTANTIATE_TEST_SUITE_P(
    EveryClass, CliBadInput,
    ::testing::Values(
        BadInput{"unknown_model", R"("name": "block", "n")", R"("name": "blob", "n")",
                 R"(model\.name = blob: allowed: block, scalar, relu, matfac)"},
        BadInput{"unknown_sampler", R"("kind": "ambient_lm")", R"("kind": "ambient_xx")",
                 R"(samplers\.ambient\.kind = ambient_xx: allowed: ambient_em)"},
        BadInput{
            "too_many_parameters", R"("n": 1, "m": 3)", R"("n": 1000000, "m": 100000)",
            R"(case\.json\.model = \(1 block of \(1000000, 100000\)\): has 1100000 parameters per chain; at most 1048576)"},
        BadInput{"beta_not_positive", R"("beta": 1.0)", R"("beta": 0)",
                 R"(beta = 0: must be finite and > 0)"},
        BadInput{"negative_step", R"("h": 5e-4)", R"("h": -0.001)",
                 R"(\.h = -0\.001: step must be finite and > 0)"},
        BadInput{"non_finite_step", R"("h": 5e-4)", R"("h": 1e999)",
                 R"(numbers must be finite: .*number overflow parsing '1e999')"},
        BadInput{"negative_kappa", R"("kappa": 200)", R"("kappa": -1)",
                 R"(\.kappa = -1: must be finite and >= 0)"},
        BadInput{"empty_bin_range", R"("lo": 0.0, "hi": 2.4)", R"("lo": 1.0, "hi": 1.0)",
                 R"(observe\[0\]\.range = \[1, 1\]: need finite lo < hi)"},
        BadInput{"zero_chains", R"("chains": 200)", R"("chains": 0)",
                 R"(chains = 0: must be an integer in 1\.\.4294967295)"},
        BadInput{"beta_not_representable", R"("beta": 1.0)", R"("beta": 1e300)",
                 R"(case\.json\.beta = 1e\+300: )"},
        BadInput{"not_json", R"("name": "tiny",)", R"("name": "tiny" "oops",)",
                 R"(case\.json = \(file contents\): not valid JSON)"},
        BadInput{"unknown_key", R"("beta": 1.0,)", R"("beta": 1.0, "betta": 2,)",
                 R"(\.betta = 2: unknown key; allowed: )"}),
    [](const ::testing::TestParamInfo<BadInput>& i) { return std::string(i.param.name); });

TEST(CliBadFlags, BackendNotAllowed) {
  const auto r = run_cli("validate --backend tpu --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("tpu"), std::string::npos) << r.output;
}

TEST(CliBadFlags, MissingCaseFile) {
  const auto dir = temp_dir("missing-file");
  const auto r = run_cli("run " + (dir / "nope.json").string() + " --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("cannot be opened"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "o"));
}

TEST(CliBadFlags, ResumeFromNonCheckpoint) {
  const auto dir = temp_dir("bad-resume");
  write_text(dir / "case.json", good_case());
  write_text(dir / "ck", "not a checkpoint");
  const auto r = run_cli("run " + (dir / "case.json").string() + " --backend cpu --resume " +
                         (dir / "ck").string() + " --out " + (dir / "o").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
}

TEST(CliBadFlags, ScalePresetWithTheFlagsItSets) {
  const auto dir = temp_dir("gpu-scale-flags");
  write_text(dir / "case.json", good_case());
  for (const char* flag : {"--chains 5", "--refine 2", "--longer 2", "--quick"}) {
    const auto r = run_cli("run " + (dir / "case.json").string() + " --gpu-scale " + flag +
                           " --out " + (dir / "o").string());
    EXPECT_EQ(r.code, 2) << flag << ": " << r.output;
    EXPECT_NE(r.output.find("--gpu-scale"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "o"));
  }
}

// (Named without "Gpu": they run on the CPU, outside the `gpu` label.)
// On the CPU, --gpu-scale changes nothing: the case's own chains and steps, and the report
// says the preset did not apply.
TEST(CliScalePreset, NoEffectOnTheCpu) {
  const auto dir = temp_dir("gpu-scale-cpu");
  write_text(dir / "case.json", good_case());
  const auto r =
      run_cli("run " + (dir / "case.json").string() +
              " --backend cpu --gpu-scale --quiet --no-html --out " + (dir / "o").string());
  ASSERT_LE(r.code, 1) << r.output;
  std::ifstream in(dir / "o" / "report.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["gpu_scale"], false);
  EXPECT_EQ(j["refine"], 1);
  EXPECT_EQ(j["longer"], 1);
  EXPECT_EQ(j["cases"][0]["samplers"][0]["chains"], 200);
}

}  // namespace
}  // namespace orbitmc
