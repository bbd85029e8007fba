// cpu.nested: recursive fork-join: a merge sort of `tasks` 32-bit keys (default 2^21) that
// splits in two until 16,384 keys, sorts those with std::sort and merges on the way back.
// Every model runs this same algorithm; only `fork(a, b)` (run a and b, possibly in
// parallel, return when both are done) differs. The checksum hashes the sorted keys in order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/case.hpp"
#include "core/fault.hpp"

namespace concbench::cpu_nested {

const Workload& workload();

inline constexpr std::size_t kCutoff = 1 << 14;
std::size_t elements(const Params& p);
std::vector<uint32_t> input(std::size_t n);
TaskResult digest(const std::vector<uint32_t>& sorted);

// Sorts [a, a + n) using tmp (same size) as scratch.
template <class Fork>
void merge_sort(uint32_t* a, uint32_t* tmp, std::size_t n, Fork& fork) {
  if (fault::skip_compute()) return;
  if (n <= kCutoff) {
    std::sort(a, a + n);
    return;
  }
  const std::size_t h = n / 2;
  fork([&] { merge_sort(a, tmp, h, fork); }, [&] { merge_sort(a + h, tmp + h, n - h, fork); });
  std::merge(a, a + h, a + h, a + n, tmp);
  std::copy(tmp, tmp + n, a);
}

struct Sequential {
  template <class A, class B>
  void operator()(A&& a, B&& b) {
    a();
    b();
  }
};

// Merges k sorted runs of `v` (boundaries in `bounds`, k+1 entries) pairwise into one.
void merge_runs(std::vector<uint32_t>& v, std::vector<std::size_t> bounds);

std::vector<Params> grid(const Suite& s, bool workers);

}  // namespace concbench::cpu_nested
