// The noise ceiling's core on the CPU, scalar against SIMD: normals per second for
// block (1, 3)'s four per chain-step, one thread, the scalar normals() of every backend against
// each SIMD kernel this build and CPU offer (same numbers to float rounding). Each measurement
// runs for at least --min-seconds.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <vector>

#include "backend/simd/simd_noise_dispatch.hpp"

using namespace orbitmc;
using Clock = std::chrono::steady_clock;

template <class F>
double per_second(double min_seconds, uint64_t normals_per_call, F&& call) {
  uint64_t calls = 0;
  const auto t0 = Clock::now();
  double s = 0;
  do {
    for (int i = 0; i < 256; ++i) call(calls++);
    s = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (s < min_seconds);
  return static_cast<double>(calls * normals_per_call) / s;
}

int main(int argc, char** argv) {
  CLI::App app{"orbitmc_simd_noise_bench: normals per second, scalar against SIMD"};
  int d = 4;
  double min_seconds = 1.0;
  app.add_option("--dim", d, "normals per chain-step (block (1, 3): 4)");
  app.add_option("--min-seconds", min_seconds, "least time per measurement");
  CLI11_PARSE(app, argc, argv);
  const NoiseKey key{20261201};
  float sink = 0;
  std::vector<float> buf(static_cast<size_t>(d) * 64);
  const double scalar = per_second(min_seconds, d, [&](uint64_t i) {
    normals(key, kStreamLangevin, static_cast<uint32_t>(i), i >> 10, d, buf.data());
    sink += buf[0];
  });
  std::printf("%-8s %6s %14s %8s\n", "kernel", "lanes", "normals/s", "x scalar");
  std::printf("%-8s %6d %14.4g %8.2f\n", "scalar", 1, scalar, 1.0);
  for (const simd::NoiseKernel& k : simd::available_noise_kernels()) {
    const double rate = per_second(min_seconds, d * k.lanes, [&](uint64_t i) {
      k.normals(key, kStreamLangevin, static_cast<uint32_t>(i * k.lanes), i >> 10, d, buf.data());
      sink += buf[0];
    });
    std::printf("%-8s %6zu %14.4g %8.2f\n", k.arch, k.lanes, rate, rate / scalar);
  }
  return sink == 12345.f ? 1 : 0;  // keeps the work observable
}
