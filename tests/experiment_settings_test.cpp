// Messages of experiment settings: integers from 2^63 up quoted as written (not wrapped to a
// negative int64), a repeated --set key refused like a repeated file key, and numbers a double
// holds (subnormals included) accepted from --set as from a file, with the range named when
// one is not. Through the CLI (exit 2, nothing written) and through Settings directly.
#include "experiment/experiment_settings.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "input_error_support.hpp"

namespace orbitmc {
namespace {

using testing::input_error_of;
using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

// Runs `experiment ARGS` into a fresh folder; expects exit 2, nothing written, and returns the
// output.
std::string refused(const std::string& name, const std::string& args) {
  const auto dir = temp_dir("xset-" + name);
  write_text(dir / "big.json",
             R"({"experiment": "tv", "settings": {"length": 18446744073709551615}})");
  write_text(dir / "big63.json",
             R"({"experiment": "tv", "settings": {"length": 9223372036854775808}})");
  std::string a = args;
  if (a.rfind("FILE:", 0) == 0) a = (dir / a.substr(5)).string();
  const auto r = run_cli("experiment " + a + " --backend cpu --no-html --quiet --out " +
                         (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("orbitmc: error: "), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "experiment.json")) << name;
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "experiment.html")) << name;
  return r.output;
}

TEST(ExperimentSettings, IntegersFrom2To63AreQuotedAsWritten) {
  std::string out = refused("file_max", "FILE:big.json");
  EXPECT_NE(out.find("settings.length = 18446744073709551615: must be in 2..65536"),
            std::string::npos)
      << out;
  out = refused("file_2_63", "FILE:big63.json");
  EXPECT_NE(out.find("settings.length = 9223372036854775808: must be in 2..65536"),
            std::string::npos)
      << out;
  out = refused("set_max", "tv --set length=18446744073709551615");
  EXPECT_NE(out.find("settings.length = 18446744073709551615: must be in 2..65536"),
            std::string::npos)
      << out;
  // Beyond 64 bits: no integer setting can hold it, and the message says so.
  out = refused("set_huge", "tv --set length=99999999999999999999");
  EXPECT_NE(out.find("--set length = 99999999999999999999: must be an integer in "
                     "-9223372036854775808..18446744073709551615"),
            std::string::npos)
      << out;
}

TEST(ExperimentSettings, RepeatedSetKeyIsRefused) {
  const std::string out = refused("twice", "relu --set steps=5 --set steps=6");
  EXPECT_NE(out.find("--set = steps=6: sets 'steps' a second time (first --set steps=5)"),
            std::string::npos)
      << out;
}

TEST(ExperimentSettings, SubnormalNumbersAreNumbers) {
  // 1e-320 is a finite (subnormal) double: --set takes it as a file does, and the setting's
  // own range speaks. Here label_noise (>= 0) accepts it, so the refusal is the later units=0.
  std::string out = refused("subnormal", "relu --set label_noise=1e-320 --set units=0");
  EXPECT_EQ(out.find("label_noise"), std::string::npos) << out;
  EXPECT_NE(out.find("settings.units = 0: must be in 1..4096"), std::string::npos) << out;
  // What a double cannot hold (it would read as 0 or inf) is refused with the range.
  out = refused("underflow", "relu --set label_noise=1e-400");
  EXPECT_NE(
      out.find("--set label_noise = 1e-400: is beyond what a double holds: give a finite number "
               "of magnitude 0 or in [4.9e-324, 1.8e308]"),
      std::string::npos)
      << out;
  out = refused("overflow", "relu --set eta=-1e400");
  EXPECT_NE(out.find("--set eta = -1e400: is beyond what a double holds"), std::string::npos)
      << out;
  out = refused("nan", "relu --set eta=nan");
  EXPECT_NE(out.find("--set eta = nan: must be a finite number"), std::string::npos) << out;
}

TEST(ExperimentSettings, SetTextDirectly) {
  Settings s(nlohmann::json{{"steps", 100}, {"noise", 0.1}, {"basis", "cosine"}});
  s.set_text("noise=1e-320", "--set");
  EXPECT_EQ(s.number("noise"), 1e-320);
  EXPECT_GT(s.number("noise"), 0.0);
  s.set_text("steps=9223372036854775808", "--set");
  EXPECT_TRUE(s.values()["steps"].is_number_unsigned());
  std::string e = input_error_of([&] { (void)s.integer_in("steps", 1, 1000); });
  EXPECT_EQ(e, "settings.steps = 9223372036854775808: must be in 1..1000");
  // Each key once from --set; set() (files, flags) still overrides freely.
  e = input_error_of([&] { s.set_text("steps=7", "--set"); });
  EXPECT_EQ(e,
            "--set = steps=7: sets 'steps' a second time (first --set "
            "steps=9223372036854775808): give each setting once");
  s.set("basis", "identity", "file");
  s.set("basis", "cumsum", "file");
  s.set_text("basis=identity", "--set");
  EXPECT_EQ(s.word("basis"), "identity");
  e = input_error_of([&] { s.set_text("basis=cosine", "--set"); });
  EXPECT_NE(e.find("sets 'basis' a second time"), std::string::npos) << e;
  // A fresh Settings (another experiment) starts with no keys assigned.
  Settings t(nlohmann::json{{"steps", 100}});
  t.set_text("steps=5", "--set");
  EXPECT_EQ(t.integer_in("steps", 1, 1000), 5);
}

}  // namespace
}  // namespace orbitmc
