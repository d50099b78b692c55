// Superaccumulator: every finite double is an integer multiple of 2^-1074 below 2^1024, so a
// sum of them is an integer in units of 2^-1074, held here in base-2^32 digits.
#include "analysis/exact_sum.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace orbitmc::analysis {

namespace {
constexpr int kMinExponent = -1074;  // the unit: the smallest subnormal double
constexpr uint64_t kMask = 0xffffffffull;
constexpr uint64_t kCarryEvery = uint64_t{1} << 30;
}  // namespace

void ExactSum::add(double x) {
  // Read off the IEEE-754 fields: |x| = mant·2^(bit − 1074), mant < 2^53.
  uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  if (biased == 0x7ff) throw std::invalid_argument("ExactSum: a non-finite value");
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  int bit = 0;  // a subnormal (or zero): mant units of 2^-1074
  if (biased != 0) {
    mant |= uint64_t{1} << 52;
    bit = biased - 1;
  }
  if (mant == 0) return;
  const unsigned __int128 v = static_cast<unsigned __int128>(mant) << (bit % 32);
  const int i = bit / 32;  // bit ≤ 2045: i + 2 ≤ 65 < kLimbs
  const int64_t sign = (bits >> 63) ? -1 : 1;
  limb_[i] += sign * static_cast<int64_t>(static_cast<uint64_t>(v) & kMask);
  limb_[i + 1] += sign * static_cast<int64_t>(static_cast<uint64_t>(v >> 32) & kMask);
  limb_[i + 2] += sign * static_cast<int64_t>(static_cast<uint64_t>(v >> 64));
  if (++pending_ >= kCarryEvery) normalise();
}

void ExactSum::add(const ExactSum& other) {
  const auto d = other.digits();
  normalise();
  for (int i = 0; i < kLimbs; ++i) limb_[i] += d[i];
  pending_ = 1;
}

void ExactSum::normalise() {
  for (int i = 0; i + 1 < kLimbs; ++i) {
    const int64_t low = static_cast<int64_t>(static_cast<uint64_t>(limb_[i]) & kMask);
    limb_[i + 1] += (limb_[i] - low) / (int64_t{1} << 32);  // exact: a multiple of 2^32
    limb_[i] = low;
  }
  pending_ = 0;
}

std::array<int64_t, ExactSum::kLimbs> ExactSum::digits() const {
  ExactSum s = *this;
  s.normalise();
  return s.limb_;
}

ExactSum ExactSum::from_digits(const std::array<int64_t, kLimbs>& digits) {
  ExactSum s;
  s.limb_ = digits;
  s.normalise();
  return s;
}

double ExactSum::value() const {
  std::array<int64_t, kLimbs> d = digits();
  // Digits below the last are in [0, 2^32) and the last carries the sign: a negative sum is
  // rounded as its magnitude, so that the digits summed below never cancel.
  const bool negative = d[kLimbs - 1] < 0;
  if (negative) {
    ExactSum s;
    for (int i = 0; i < kLimbs; ++i) s.limb_[i] = -d[i];
    d = s.digits();
  }
  // Ascending: every term is exact (a 32-bit digit times a power of two) and the running sum
  // only ever meets larger terms, so the result is within a few ulps of the exact sum.
  double v = 0;
  for (int i = 0; i < kLimbs; ++i)
    if (d[i] != 0) v += std::ldexp(static_cast<double>(d[i]), kMinExponent + 32 * i);
  return negative ? -v : v;
}

}  // namespace orbitmc::analysis
