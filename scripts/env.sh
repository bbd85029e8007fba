# Sourced by the scripts: where the Python libraries are. The python3 first on PATH may be
# another interpreter: the scripts run /usr/bin/python3, which sees Debian's packages.
CONCBENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=/usr/bin/python3
scipy_dir="$CONCBENCH_ROOT/third_party/scipy/usr/lib/python3/dist-packages"
if [ -d "$scipy_dir" ]; then export PYTHONPATH="$scipy_dir${PYTHONPATH:+:$PYTHONPATH}"; fi
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
