"""The report reads files with the results package's loader (concbench_results.load): one
reader of the format for the report, the gate and the tests."""
from concbench_results.load import *  # noqa: F401,F403
from concbench_results.load import InputError, Run, check_output_dir, describe, finite, load_runs  # noqa: F401
