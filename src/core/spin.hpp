// Calibrated integer work: spin(seed, n) is a dependent chain of n xorshift steps that the
// compiler cannot shorten; its result enters checksums.
#pragma once

#include <cstdint>

namespace concbench {

uint64_t spin(uint64_t seed, uint64_t iterations);

// Iterations of spin() per microsecond on this machine, measured once per process (best of
// three 20 ms runs), unless set_spin_rate() fixed it (to compare runs of different days).
// Call it before forking workers: children must use the parent's figure.
double spin_iterations_per_us();
void set_spin_rate(double iterations_per_us);

inline uint64_t spin_iterations_for_us(double us) {
  const double it = us * spin_iterations_per_us();
  return it < 1 ? 1 : uint64_t(it);
}

}  // namespace concbench
