// What the CLI prints about its arguments reaches a terminal: CLI11's own parse errors (range
// checks, --backend's allowed values, unexpected arguments, unknown options, a mistyped
// subcommand) and the final `report: PATH` line carry no escape sequence, bell, bidi control,
// raw newline or invalid UTF-8 from an argument, and a 5000-digit value is not printed back whole.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace orbitmc {
namespace {

using testing::CliResult;
using testing::temp_dir;

// run_cli() goes through a shell: arguments holding any byte are passed as they are here,
// with fork and execv instead of quoting.
CliResult run_argv(const std::vector<std::string>& args) {
  const std::string bin = std::string(ORBITMC_BINARY_DIR) + "/orbitmc";
  std::vector<std::string> all{bin};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;  // built before fork: the child only calls exec
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  CliResult r;
  int fd[2];
  if (::pipe(fd) != 0) return r;
  const pid_t pid = ::fork();
  if (pid < 0) return r;
  if (pid == 0) {
    ::dup2(fd[1], 1);
    ::dup2(fd[1], 2);
    ::close(fd[0]);
    ::close(fd[1]);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fd[1]);
  std::array<char, 4096> buf{};
  ssize_t n;
  while ((n = ::read(fd[0], buf.data(), buf.size())) > 0) r.output.append(buf.data(), n);
  ::close(fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The first thing in `out` a terminal would act on or show misleadingly, or "": a control
// character other than the line end, DEL, a C1 control or bidi control (as UTF-8), a byte that
// is not UTF-8. A decoder of its own, not the one printable() uses.
std::string terminal_hazard(const std::string& out) {
  for (size_t i = 0; i < out.size();) {
    const auto b = static_cast<unsigned char>(out[i]);
    const size_t n = b < 0x80                ? 1
                     : b >= 0xc2 && b < 0xe0 ? 2
                     : b >= 0xe0 && b < 0xf0 ? 3
                     : b >= 0xf0 && b < 0xf5 ? 4
                                             : 0;
    const std::string where = " at byte " + std::to_string(i);
    if (n == 0 || i + n > out.size()) return "invalid UTF-8" + where;
    uint32_t cp = n == 1 ? b : b & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(out[i + k]);
      if ((c & 0xc0) != 0x80) return "invalid UTF-8" + where;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return "invalid UTF-8" + where;
    if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp <= 0x9f))
      return "control character " + std::to_string(cp) + where;
    if (cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069))
      return "bidi control" + where;
    i += n;
  }
  return "";
}

struct BadArgs {
  const char* name;
  std::vector<std::string> args;
  const char* escaped;  // what the odd bytes must read as
};

void PrintTo(const BadArgs& b, std::ostream* os) { *os << b.name; }

class CliParseMessage : public ::testing::TestWithParam<BadArgs> {};

TEST_P(CliParseMessage, ExitsTwoWithTheArgumentEscaped) {
  const auto r = run_argv(GetParam().args);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_EQ(terminal_hazard(r.output), "") << r.output;
  EXPECT_NE(r.output.find(GetParam().escaped), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("orbitmc: error: "), std::string::npos) << r.output;
  EXPECT_LT(r.output.size(), 1000u) << r.output;
}

const std::string kRlo = "\xe2\x80\xae";  // U+202E, right-to-left override

INSTANTIATE_TEST_SUITE_P(
    EveryParser, CliParseMessage,
    ::testing::Values(
        BadArgs{
            "backend_not_member", {"validate", "--backend", "\x1b[31mcpu\a"}, "\\x1b[31mcpu\\x07"},
        BadArgs{"chains_invalid_utf8", {"validate", "--chains", "\xff\xfe"}, "\\xff\\xfe"},
        BadArgs{"seeds_with_newline", {"experiment", "relu", "--seeds", "1\n2"}, "1\\x0a2"},
        BadArgs{"seeds_with_bidi", {"experiment", "relu", "--seeds", kRlo + "12"}, "\\u{202e}12"},
        BadArgs{
            "extra_positional", {"run", "case.json", kRlo + "evil\x1b[2J"}, "\\u{202e}evil\\x1b"},
        BadArgs{"unknown_option", {"validate", "--\x1b]0;title\a"}, "--\\x1b]0;title\\x07"},
        BadArgs{"mistyped_subcommand", {"valid\x1b[2Jate\x7f"}, "valid\\x1b[2Jate\\x7f"},
        BadArgs{"chains_of_5000_digits",
                {"validate", "--chains", std::string(5000, '5')},
                "(5000 bytes)"},
        BadArgs{"seeds_of_5000_digits",
                {"experiment", "relu", "--seeds", std::string(5000, '7')},
                "(5000 bytes)"}),
    [](const ::testing::TestParamInfo<BadArgs>& i) { return std::string(i.param.name); });

// A mistyped command is answered with the nearest one (none when nothing is near); --version
// and `orbitmc help [COMMAND]` answer on stdout with status 0, a mistyped help topic like a
// mistyped command.
TEST(CliParseMessage, MistypedCommandsGetASuggestion) {
  auto r = run_argv({"valdate"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean validate?"), std::string::npos) << r.output;
  // A mistyped option: its words in the order given, and the nearest option of the command.
  r = run_argv({"validate", "--chians", "5"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("unexpected arguments: --chians 5; did you mean --chains?"),
            std::string::npos)
      << r.output;
  r = run_argv({"qqqqqqqq"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_EQ(r.output.find("did you mean"), std::string::npos) << r.output;
  r = run_argv({"--version"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("orbitmc 0.", 0), 0u) << r.output;
  r = run_argv({"help", "experiment"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Usage: orbitmc experiment"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--seeds"), std::string::npos) << r.output;
  r = run_argv({"help"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Usage: orbitmc [OPTIONS] SUBCOMMAND"), std::string::npos) << r.output;
  r = run_argv({"help", "experimnt"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("did you mean experiment?"), std::string::npos) << r.output;
}

// Help is a parse "error" of exit code 0: still CLI11's whole help, not an escaped line.
TEST(CliParseMessage, HelpStillPrinted) {
  auto r = run_argv({"--help"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("experiment"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("error"), std::string::npos) << r.output;
  r = run_argv({"experiment", "--help"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("--seeds"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n"), r.output.rfind("\n")) << "help is many lines: " << r.output;
}

// The help's types read as words and bounds a person knows, with the defaults: not CLI11's
// "UINT:[1..1099511627776]=401" or "FLOAT:POSITIVE".
TEST(CliParseMessage, HelpTypesAreReadable) {
  const auto r = run_argv({"experiment", "--help"});
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* shown :
       {"--steps N in 1..2^40", "--seeds N in 1..2^24", "--seed N in 1..2^64-1 (default 20261201)",
        "--max-log-points N in 2..100000 (default 401)", "--beta X > 0 (default 10000)",
        "--eta X > 0 ", "--backend {cpu,cuda,auto} (default auto)",
        "--out TEXT (default experiment_out)"})
    EXPECT_NE(r.output.find(shown), std::string::npos) << shown << "\n" << r.output;
  for (const char* hidden : {"UINT", "FLOAT", "POSITIVE", "TEXT:{", "1099511627776", "]="})
    EXPECT_EQ(r.output.find(hidden), std::string::npos) << hidden << "\n" << r.output;
}

// The last line of an experiment names its report: the --out folder as given, escaped.
TEST(CliReportLine, OutputFolderEscaped) {
  const auto dir = temp_dir("report-line");
  const std::string out = (dir / ("\x1b[31m" + kRlo + "x\a")).string();
  const auto r =
      run_argv({"experiment", "relu", "--backend", "cpu", "--seeds", "1", "--steps", "10",
                "--log-every", "5", "--noise", "gd", "--quiet", "--no-html", "--out", out});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(terminal_hazard(r.output), "") << r.output;
  EXPECT_NE(r.output.find("report: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\\x1b[31m\\u{202e}x\\x07/experiment.json"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace orbitmc
