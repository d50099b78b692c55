// Hostile and careless case files and flags: each class exits 2 with one short,
// printable line naming the field, before anything is written, and never dies by a signal.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cases/case_file.hpp"
#include "cli_support.hpp"
#include "input_error.hpp"

namespace orbitmc {
namespace {

using testing::run_cli;
using testing::temp_dir;
using testing::write_text;

std::string tiny_case(const std::string& extra_top = "", const std::string& observe_extra = "") {
  return R"({
  "name": "tiny", "kind": "theory",)" +
         extra_top + R"(
  "model": {"name": "block", "n": 1, "m": 3, "sigma0": 1.0, "width": 0.3},
  "beta": 1.0, "seed": 3, "chains": 200,
  "observe": [{"coord": 0, "lo": 0.0, "hi": 2.4, "bins": 12)" +
         observe_extra + R"(}],
  "samplers": {
    "ambient": {"kind": "ambient_lm", "h": 5e-4, "kappa": 200, "steps": 40, "burn_in": 20, "thin": 10}
  }
})";
}

// Runs `orbitmc run` on `text` and returns the result; the output folder must stay unwritten.
testing::CliResult run_text(const std::string& test, const std::string& text,
                            const std::string& flags = "") {
  const auto dir = temp_dir(test);
  write_text(dir / "case.json", text);
  auto r = run_cli("run " + (dir / "case.json").string() + " --backend cpu --quiet --no-html " +
                   flags + " --out " + (dir / "out").string());
  if (r.code == 2) EXPECT_FALSE(std::filesystem::exists(dir / "out")) << test;
  return r;
}

void expect_refused(const testing::CliResult& r, const std::string& needle) {
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(needle), std::string::npos) << r.output;
  EXPECT_LT(r.output.size(), 2000u) << "a message is one short line";
  for (char ch : r.output)
    EXPECT_TRUE(ch == '\n' || static_cast<unsigned char>(ch) >= 0x20) << "control byte in output";
}

// Class 2: nesting 10^5 deep used to overflow the stack while the message was built.
TEST(HostileCaseFile, DeepNestingIsRefusedWithoutASignal) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_refused(run_text("deep", R"({"name": "x", "model": )" + deep + "}"), "nested deeper");
}

// Class 2: a huge value is never printed back.
TEST(HostileCaseFile, HugeValuesAreNotPrintedBack) {
  const std::string big(5 << 20, 'x');
  expect_refused(run_text("huge", tiny_case(R"( "betta": ")" + big + R"(",)")), ".betta");
  std::string ones;
  for (int i = 0; i < 200000; ++i) ones += "1,";
  expect_refused(run_text("huge-array", tiny_case(R"( "betta": [)" + ones + R"(1],)")),
                 "(an array of 200001 values)");
  expect_refused(
      run_text("huge-number", tiny_case(R"( "betta": 1)" + std::string(400000, '0') + R"(,)")),
      "numbers must be finite");
}

// Class 3: a repeated key (the last used to win silently).
TEST(HostileCaseFile, DuplicateKeysAreRefusedNamingTheKey) {
  expect_refused(run_text("dup", tiny_case(R"( "beta": 2.0,)")), "key \"beta\"");
  expect_refused(run_text("dup-nested", tiny_case("", R"(, "bins": 13)")), "key \"bins\"");
}

// Class 4: integers past 2^31 and 2^32 used to wrap (2^32 + 12 bins ran with 12).
TEST(HostileCaseFile, IntegersAreRangeCheckedBeforeNarrowing) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = tiny_case();
    return s.replace(s.find(from), from.size(), to);
  };
  expect_refused(run_text("bins-wrap", with(R"("bins": 12)", R"("bins": 4294967308)")),
                 "observe[0].bins = 4294967308: must be an integer in 1..1048576");
  const auto neg = run_text("bins-31", with(R"("bins": 12)", R"("bins": 2147483648)"));
  expect_refused(neg, "bins = 2147483648");
  EXPECT_EQ(neg.output.find("-2147483648"), std::string::npos) << neg.output;
  expect_refused(run_text("coord-wrap", with(R"("coord": 0)", R"("coord": 4294967296)")),
                 "coord = 4294967296");
  expect_refused(run_text("n-wrap", with(R"("n": 1)", R"("n": 4294967297)")), "model.n");
  expect_refused(
      run_text("records-wrap", tiny_case(R"( "balance": {"records": 4294967298, "steps": 100},)")),
      "balance.records");
  expect_refused(run_text("steps-huge", with(R"("steps": 40)", R"("steps": 18446744073709551615)")),
                 "steps = 18446744073709551615");
}

// Class 5: the case file takes every 64-bit seed the CLI takes, and the report names the seed
// actually used.
TEST(HostileCaseFile, EverySixtyFourBitSeedIsTakenAndReported) {
  std::string text = tiny_case();
  text.replace(text.find(R"("seed": 3)"), 9, R"("seed": 18446744073709551615)");
  const auto dir = temp_dir("seed-max");
  write_text(dir / "case.json", text);
  const auto r = run_cli("run " + (dir / "case.json").string() +
                         " --backend cpu --quiet --no-html --out " + (dir / "o").string());
  ASSERT_LE(r.code, 1) << r.output;
  std::ifstream in(dir / "o" / "report.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["cases"][0]["seed"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE(j["seed_override"].is_null());
  const auto o = run_cli("run " + (dir / "case.json").string() +
                         " --backend cpu --quiet --no-html --seed 18446744073709551614 --out " +
                         (dir / "o2").string());
  ASSERT_LE(o.code, 1) << o.output;
  std::ifstream in2(dir / "o2" / "report.json");
  const auto j2 = nlohmann::json::parse(in2);
  EXPECT_EQ(j2["cases"][0]["seed"].get<uint64_t>(), 18446744073709551614ull);
  EXPECT_EQ(j2["seed_override"].get<uint64_t>(), 18446744073709551614ull);
}

// Class 5: non-finite, empty and saturating command-line numbers.
TEST(HostileFlags, NonFiniteEmptyAndOverflowingNumbersAreRefused) {
  const std::string text = tiny_case();
  for (const char* v : {"nan", "inf", "-inf", "1e309", "''", "' 1'", "1x"})
    expect_refused(run_text("cs", text, std::string("--correction-scale ") + v),
                   "--correction-scale");
  expect_refused(run_text("seed-64", text, "--seed 18446744073709551616"), "--seed");
  expect_refused(run_text("seed-neg", text, "--seed -1"), "--seed");
  expect_refused(run_text("chains-float", text, "--chains 1e3"), "--chains");
  expect_refused(run_text("threads-many", text, "--threads 3000"), "--threads");
  expect_refused(run_text("refine-empty", text, "--refine ''"), "--refine");
  // CLI11 would read a leading zero as octal: --seed 010 ran seed 8.
  expect_refused(run_text("seed-octal", text, "--seed 010"), "no leading zero");
  expect_refused(run_text("chains-octal", text, "--chains 010"), "--chains");
}

// Class 7: a fraction outside [0, 1].
TEST(HostileCaseFile, DivergedFractionMustBeAFraction) {
  expect_refused(run_text("frac-neg", tiny_case(R"( "max_diverged_fraction": -1,)")),
                 "max_diverged_fraction = -1");
  expect_refused(run_text("frac-5", tiny_case(R"( "max_diverged_fraction": 5,)")),
                 "max_diverged_fraction = 5");
}

// Class 15: messages that say what is wrong.
TEST(HostileCaseFile, MessagesSayWhatIsWrong) {
  const auto dir = temp_dir("folder-case");
  const auto r = run_cli("run " + dir.string() + " --backend cpu --quiet");
  expect_refused(r, "is a folder");
  EXPECT_EQ(r.output.find("not valid JSON"), std::string::npos) << r.output;

  std::string arr = tiny_case();
  const auto at = arr.find(R"("samplers": {)");
  arr = arr.substr(0, at) + R"("samplers": [1, 2]})";
  const auto a = run_text("samplers-array", arr);
  expect_refused(a, "samplers = [1,2]: must be a non-empty object");
  EXPECT_EQ(a.output.find("(missing)"), std::string::npos) << a.output;

  std::string bound = tiny_case();
  bound.replace(bound.find(R"("kappa": 200)"), 12, R"("kappa": 200, "bound": 1e301)");
  std::string crange = tiny_case(R"( "c_range": [-1e300, 1e300],)");
  expect_refused(run_text("c-range", crange), "c_range = [-1e+300,1e+300]");
  const auto b = run_text("bound", bound);
  expect_refused(b, "must be in (0, 1e+30]");
  EXPECT_LT(b.output.size(), 300u) << b.output;

  std::string esc = tiny_case();
  esc.replace(esc.find(R"("name": "tiny")"), 14, R"("name": "t\u001b[2Jx")");
  expect_refused(run_text("escape", esc), "\\x1b[2Jx");
}

TEST(HostileCaseFile, PrintableEscapesControlBytesAndCutsLongText) {
  EXPECT_EQ(printable("a\x1b[31mb\n"), "a\\x1b[31mb\\x0a");
  // C1 CSI, a right-to-left override and a byte that is not UTF-8 are escaped; κ is kept.
  EXPECT_EQ(printable("a\xc2\x9b"
                      "2J\xe2\x80\xae"
                      "b\xff\xce\xba"),
            "a\\u{009b}2J\\u{202e}b\\xff\xce\xba");
  const std::string cut = printable(std::string(1000, 'y'), 10);
  EXPECT_EQ(cut, "yyyyyyyyyy... (1000 bytes)");
}

// Every shipped case still parses under the strict rules.
TEST(HostileCaseFile, ShippedCasesStillParse) {
  for (const auto& f : list_case_files(std::string(ORBITMC_SOURCE_DIR) + "/validation"))
    EXPECT_NO_THROW(load_case_file(f)) << f;
}

}  // namespace
}  // namespace orbitmc
