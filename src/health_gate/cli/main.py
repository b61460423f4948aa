"""`health-gate`: the gate's decision in any CI system, or offline on recorded events.

Every way out is an exit code a CI step can act on: 0 healthy, 1 blocked, 2 error (usage,
settings, credentials, AWS Health unreachable), 130 interrupted. With --json, stdout carries
exactly one JSON document, errors included.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from health_gate import __version__
from health_gate.cli.check import add_check_command
from health_gate.cli.completion import add_completion_command
from health_gate.cli.drill import add_drill_command
from health_gate.cli.output import error_document
from health_gate.errors import EXIT_ERROR, EXIT_INTERRUPTED, GateError, UsageError

__all__ = ["build_parser", "main"]

PROG = "health-gate"
Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """Usage errors become UsageError, so they exit 2 and honour --json like any other."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_check_command(commands)
    add_drill_command(commands)
    add_completion_command(commands, parser)
    return parser


def _fail(message: str, kind: str, code: int, as_json: bool, out: TextIO, err: TextIO) -> int:
    """One error, said once to the person (stderr) and, with --json, to the machine."""
    print(f"{PROG}: {message}", file=err)
    if as_json:
        print(json.dumps(error_document(message, kind, code), indent=2), file=out)
    return code


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout  # looked up now, not at import: tests and wrappers replace them
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in arguments
    try:
        args = build_parser().parse_args(arguments)
        run: Command = args.run
        return run(args, out, err)
    except SystemExit as done:  # --help and --version print, then exit 0
        return done.code if isinstance(done.code, int) else 0
    except GateError as error:
        return _fail(str(error), type(error).__name__, error.exit_code, as_json, out, err)
    except KeyboardInterrupt:
        return _fail("interrupted", "Interrupted", EXIT_INTERRUPTED, as_json, out, err)
    except Exception as error:  # a CI step must get exit 2, not a traceback's exit 1 (= blocked)
        message = f"unexpected error: {error!r}. Please report it with the command line."
        return _fail(message, "InternalError", EXIT_ERROR, as_json, out, err)
