// A case whose chain states cannot fit in memory is refused before it runs, naming the chain
// count and the limit (exit 2 from the CLI), instead of failing later with bad_alloc.
#include "memory_budget.hpp"

#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "input_error.hpp"

namespace orbitmc {
namespace {

CaseSpec flagship(uint64_t chains) {
  CaseSpec c = load_case_file(std::string(ORBITMC_SOURCE_DIR) + "/validation/block_1_3.json");
  CaseOverrides o;
  o.chains = chains;
  apply_overrides(c, o);
  return c;
}

TEST(MemoryBudget, CountsEveryHeldStateAndTheWorkingCopy) {
  const CaseSpec c = flagship(1000);
  // block (1, 3): 4 positions + 6 moment words per observed coordinate, 8 bytes each, and the
  // 12-byte counters: 92 bytes a chain; three samplers' states plus one working copy.
  EXPECT_EQ(host_state_bytes(c.samplers[0].spec), 92000u);
  EXPECT_EQ(case_host_bytes(c), 4 * 92000u);
}

TEST(MemoryBudget, RefusesACaseLargerThanTheMemoryWithTheLimitInTheMessage) {
  const CaseSpec c = flagship(10000000);  // 3.68 GB
  EXPECT_NO_THROW(check_case_fits(c, 4000000000ull));
  EXPECT_NO_THROW(check_case_fits(c, 0));  // unknown memory: no check
  try {
    check_case_fits(c, 1ull << 30);
    FAIL() << "no error for 3.4 GiB of states in 1 GiB";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("chains = 10000000"), std::string::npos) << m;
    EXPECT_NE(m.find("3.4 GiB"), std::string::npos) << m;
    EXPECT_NE(m.find("1.0 GiB"), std::string::npos) << m;
  }
}

TEST(MemoryBudget, CliExitsTwoBeforeWritingAnything) {
  const auto dir = testing::temp_dir("memory-budget");
  const std::string run = "run " + std::string(ORBITMC_SOURCE_DIR) +
                          "/validation/block_1_3.json --backend cpu --quiet --out " +
                          (dir / "o").string();
  // 4e9 chains need ~1.5 TB of states.
  const auto big = testing::run_cli(run + " --chains 4000000000");
  EXPECT_EQ(big.code, 2) << big.output;
  EXPECT_NE(big.output.find("GiB"), std::string::npos) << big.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "o" / "report.json"));
  // Chain indices are 32-bit.
  const auto huge = testing::run_cli(run + " --chains 5000000000");
  EXPECT_EQ(huge.code, 2) << huge.output;
  EXPECT_NE(huge.output.find("4294967295"), std::string::npos) << huge.output;
}

}  // namespace
}  // namespace orbitmc
