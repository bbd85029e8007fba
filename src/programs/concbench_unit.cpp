// concbench-unit: the tiny program spawn/exec_per_task starts (posix_spawn). It says it has
// arrived (one byte on stdout), waits for its gate byte on stdin, and exits 0 if that byte was
// 'G' (3 otherwise). --no-wait: it does not wait (the test that the check can fail).
#include <unistd.h>

#include <cstring>

int main(int argc, char** argv) {
  const char a = 'r';
  if (write(1, &a, 1) != 1) return 4;
  if (argc > 1 && std::strcmp(argv[1], "--no-wait") == 0) return 0;
  char g = 0;
  return read(0, &g, 1) == 1 && g == 'G' ? 0 : 3;
}
