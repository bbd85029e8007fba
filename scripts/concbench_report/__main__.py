import sys

from .cli import main

try:
    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C: a message and 128 + SIGINT, not a traceback
    print("scripts/report: interrupted; a report it was writing is incomplete", file=sys.stderr)
    sys.exit(130)
