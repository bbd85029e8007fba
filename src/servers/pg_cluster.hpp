// The throwaway PostgreSQL cluster's facts shared by the benchmark (servers/postgres.hpp) and
// its guardian program (programs/concbench_pg.cpp): where Debian keeps the server programs,
// and why a cluster cannot be started here.
#pragma once

#include <optional>
#include <string>

namespace concbench {

// The folder with initdb and postgres: $CONCBENCH_PG_BINDIR, else the newest
// /usr/lib/postgresql/<version>/bin (Debian's layout, off PATH), else PATH; "" if none.
std::string pg_bindir();

// pgbench beside that server (the same version), else the one on PATH.
std::string pgbench_program();

// Why this machine cannot start a throwaway cluster, with the command that fixes it;
// nothing if it can.
std::optional<std::string> pg_cluster_unavailable();

}  // namespace concbench
