// A case whose chain states cannot fit in memory is refused before it runs, naming the chain
// count and the limit (exit 2 from the CLI), instead of failing later with bad_alloc.
#include "run/memory_budget.hpp"

#include <gtest/gtest.h>

#include "cases/case_memory.hpp"
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

TEST(MemoryBudget, CountsHeldStatesStudiesAndCheckpointCopies) {
  const CaseSpec c = flagship(1000);
  // block (1, 3): 4 positions + 6 moment words per observed coordinate, 8 bytes each, and the
  // 12-byte counters: 92 bytes a chain.
  EXPECT_EQ(host_state_bytes(c.samplers[0].spec), 92000u);
  // Three samplers, then the stiffness and balance studies (1000 chains each with --chains).
  const auto runs = case_runs(c);
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[3].chains, 1000u);
  EXPECT_EQ(runs[3].sampler, SamplerKind::kAmbientLM);
  // Held: 3 × 92000; the largest run twice (state and working copies).
  EXPECT_EQ(case_host_bytes(c, false), 3 * 92000u + 2 * 92000u);
  // Checkpoints serialise the states: four more copies of the held and the running states.
  EXPECT_EQ(case_host_bytes(c, true), 3 * 92000u + 2 * 92000u + 4 * (4 * 92000u));
}

TEST(MemoryBudget, RefusesACaseLargerThanTheMemoryWithTheLimitInTheMessage) {
  const CaseSpec c = flagship(10000000);  // 5 × 0.92 GB = 4.6 GB
  auto cpu = make_cpu_backend();
  EXPECT_NO_THROW(check_case_fits(c, false, 5000000000ull, *cpu));
  EXPECT_NO_THROW(check_case_fits(c, false, 0, *cpu));  // unknown memory: no check
  try {
    check_case_fits(c, false, 1ull << 30, *cpu);
    FAIL() << "no error for 4.3 GiB of states in 1 GiB";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("chains = 10000000"), std::string::npos) << m;
    EXPECT_NE(m.find("4.3 GiB"), std::string::npos) << m;
    EXPECT_NE(m.find("1.0 GiB"), std::string::npos) << m;
  }
}

TEST(MemoryBudget, OverMpiRanksEachRankNeedsItsShareInItsNodesMemory) {
  const CaseSpec c = flagship(10000000);  // 4.6 GB in one process
  auto cpu = make_cpu_backend();
  // Over 4 ranks each holds 2.5·10⁶ chains (1.15 GB) and gathers one number and flag per chain
  // of the balance study (2·10⁴ chains × 24 B).
  EXPECT_EQ(rank_host_bytes(c, false, 4), case_host_bytes(c, false) / 4 + 480000u);
  EXPECT_EQ(rank_host_bytes(c, true, 1), case_host_bytes(c, true));
  EXPECT_EQ(rank_share(c, 3).samplers[0].spec.chains, 3333334u);  // the largest share
  // 2 GB per node: one rank per node fits, four on one node do not.
  EXPECT_THROW(check_case_fits(c, false, 2000000000ull, *cpu), InputError);
  EXPECT_NO_THROW(check_case_fits(c, false, 2000000000ull, *cpu, 4, 1));
  try {
    check_case_fits(c, false, 2000000000ull, *cpu, 4, 4);
    ADD_FAILURE() << "four ranks on a 2 GB node were not refused";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("per rank over 4 ranks"), std::string::npos) << msg;
  }
}

TEST(MemoryBudget, EveryChainCountOfACaseFileFitsThirtyTwoBits) {
  const std::string head = R"({"name": "c", "kind": "theory", "model": {"name": "block", "n": 1,
    "m": 3}, "observe": [{"coord": 0, "lo": 0, "hi": 2, "bins": 10}],
    "samplers": {"ambient": {"kind": "ambient_em", "h": 0.001, "kappa": 10, "steps": 10,
    "burn_in": 5, "thin": 1}}, )";
  for (const std::string tail :
       {R"("chains": 4294967296})", R"("quick_chains": 0})",
        R"("stiffness": {"kappa": [10, 20], "quick_chains": 50127021939428130}})",
        R"("balance": {"chains": -3}})"}) {
    try {
      parse_case_text(head + tail, "c.json");
      FAIL() << "accepted " << tail;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("must be an integer in 1..4294967295"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(MemoryBudget, AControlGroupLimitBelowThePhysicalMemoryWins) {
  const auto dir = testing::temp_dir("memory-cgroup");
  const auto v2 = (dir / "memory.max").string(), v1 = (dir / "limit_in_bytes").string();
  const uint64_t phys = 64ull << 30;
  EXPECT_EQ(cgroup_limited(phys, v2, v1), phys);                         // no files: no limit
  testing::write_text(dir / "limit_in_bytes", "9223372036854771712\n");  // v1 "unlimited"
  EXPECT_EQ(cgroup_limited(phys, v2, v1), phys);
  testing::write_text(dir / "limit_in_bytes", "8589934592\n");
  EXPECT_EQ(cgroup_limited(phys, v2, v1), 8ull << 30);
  testing::write_text(dir / "memory.max", "max\n");  // v2 is read first
  EXPECT_EQ(cgroup_limited(phys, v2, v1), phys);
  testing::write_text(dir / "memory.max", "4294967296\n");
  EXPECT_EQ(cgroup_limited(phys, v2, v1), 4ull << 30);
}

TEST(MemoryBudget, CliExitsTwoBeforeWritingAnything) {
  const auto dir = testing::temp_dir("memory-budget");
  const std::string run = "run " + std::string(ORBITMC_SOURCE_DIR) +
                          "/validation/block_1_3.json --backend cpu --quiet --out " +
                          (dir / "o").string();
  // With 1 GiB of memory (the test hook ORBITMC_MEMORY_BYTES), 10^7 chains do not fit.
  const auto big = testing::run_cli(run + " --chains 10000000", "ORBITMC_MEMORY_BYTES=1073741824");
  EXPECT_EQ(big.code, 2) << big.output;
  EXPECT_NE(big.output.find("more than the 1.0 GiB of memory available"), std::string::npos)
      << big.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "o" / "report.json"));
  // Chain indices are 32-bit.
  const auto huge = testing::run_cli(run + " --chains 5000000000");
  EXPECT_EQ(huge.code, 2) << huge.output;
  EXPECT_NE(huge.output.find("4294967295"), std::string::npos) << huge.output;
}

}  // namespace
}  // namespace orbitmc
