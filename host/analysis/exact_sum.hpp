// The exact sum of any number of doubles, independent of the order they are added in: the
// reductions of a run over MPI ranks give the one-process numbers whatever the split.
// A fixed-point accumulator of 32-bit limbs covering every double (2^-1074 to 2^1024; a
// "superaccumulator", as in Neal 2015 or ExBLAS): adding is exact, and value() is a
// deterministic rounding of the exact sum (within a few units in the last place).
#pragma once

#include <array>
#include <cstdint>

namespace orbitmc::analysis {

class ExactSum {
 public:
  static constexpr int kLimbs = 67;  // 32-bit digits from 2^-1074 past 2^1024, with carry room

  // Adds a finite x (std::invalid_argument otherwise: a NaN or infinity has no exact sum).
  void add(double x);
  void add(const ExactSum& other);
  // The sum, rounded: the same for the same exact sum, however it was formed.
  double value() const;

  // For a reduction between processes: the digits (normalised: each in [0, 2^32) but the last,
  // which carries the sign), which add element-wise across up to 2^24 accumulators without
  // overflow; from_digits takes such a sum back.
  std::array<int64_t, kLimbs> digits() const;
  static ExactSum from_digits(const std::array<int64_t, kLimbs>& digits);

 private:
  void normalise();
  std::array<int64_t, kLimbs> limb_{};
  // Additions since the last normalisation: each adds under 2^32 to a digit, so after 2^30 of
  // them the digits are carried before an int64 could overflow.
  uint64_t pending_ = 0;
};

}  // namespace orbitmc::analysis
