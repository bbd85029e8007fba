// The TBB engine: start and stop under repeated use, every task once, errors collected.
#include <gtest/gtest.h>

#include <stdexcept>

#include "models/tbb_arena.hpp"

namespace concbench {
namespace {

TaskResult square(std::size_t i) { return {i * i, 0}; }

void expect_every_task_once(TbbArena& e, std::size_t n, Dispatch g) {
  const Batch b = run_tasks(e, n, square, g);
  ASSERT_TRUE(b.errors.empty()) << b.errors.front();
  ASSERT_EQ(b.results.size(), n);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(b.results[i].value, i * i) << "task " << i;
}

TEST(TbbArena, StartsAndStopsRepeatedly) {
  for (int round = 0; round < 20; ++round) {
    TbbArena arena(std::size_t(1 + round % 4));
    expect_every_task_once(arena, 1000, Dispatch::map);
    expect_every_task_once(arena, 50, Dispatch::each);
  }
}

TEST(TbbArena, CollectsEveryError) {
  TbbArena arena(2);
  for (Dispatch d : {Dispatch::each, Dispatch::map}) {
    const Batch b = run_tasks(arena, 64, [](std::size_t i) -> TaskResult {
      if (i % 8 == 0) throw std::runtime_error("bad " + std::to_string(i));
      return {i, 0};
    }, d);
    EXPECT_EQ(b.errors.size(), 8u);
  }
}

}  // namespace
}  // namespace concbench
