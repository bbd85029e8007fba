"""concbench-py: the Python arm (issue 11); run as /usr/bin/python3 -m concbench_py."""
