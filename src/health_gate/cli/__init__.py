"""`health-gate` commands over `runtime/`: `check`, `drill` and `completion`. A new command is
a module here and a sub-parser in `main.py`."""

from health_gate.cli.main import main

__all__ = ["main"]
