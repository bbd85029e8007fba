# Writes concbench_build_info.hpp; rewrites it only when its text changes.
execute_process(COMMAND git -C "${SRC}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR rev STREQUAL "")
  set(rev "unknown")
else()
  execute_process(COMMAND git -C "${SRC}" status --porcelain --untracked-files=no
    OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT dirty STREQUAL "")
    set(rev "${rev}-dirty")
  endif()
endif()
set(text "#pragma once
#define CONCBENCH_VERSION \"${VERSION}\"
#define CONCBENCH_BUILD_TYPE \"${BUILD_TYPE}\"
#define CONCBENCH_GIT_REVISION \"${rev}\"
#define CONCBENCH_BENCHMARK_VERSION \"${BENCHMARK_VERSION}\"
#define CONCBENCH_COMPILER_ID \"${COMPILER_ID}\"
")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
