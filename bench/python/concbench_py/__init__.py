"""concbench-py: the Python arm; run as /usr/bin/python3 -m concbench_py."""
