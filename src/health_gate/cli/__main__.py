"""`python -m health_gate.cli`, the same as the `health-gate` script."""

import sys

from health_gate.cli.main import main

sys.exit(main())
