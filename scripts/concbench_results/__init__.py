"""concbench's results files, read once for every script: load (read and check a file),
names (a benchmark's workload, model and parameters) and facts (what the file declares of its
models). A leaf: it imports no other package of scripts/; the report (concbench_report) and the
regression gate (concbench_compare) both import it."""
