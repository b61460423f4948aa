"""`health-gate`: the gate's decision in any CI system, or offline on recorded events."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from health_gate.cli.check import run_check
from health_gate.config.settings import Source
from health_gate.config.validation import split_list
from health_gate.errors import EXIT_ERROR, GateError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="health-gate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="judge AWS Health now: exit 0 healthy, 1 blocked, 2 error"
    )
    check.add_argument("--regions", type=split_list, help="comma list of regions and/or global")
    check.add_argument(
        "--services", type=split_list, help="comma list of Health service codes, e.g. EC2,LAMBDA"
    )
    check.add_argument(
        "--categories", type=split_list, help="event type categories (default: issue)"
    )
    check.add_argument("--organization", action="store_true", help="use the organizational view")
    check.add_argument("--params", help="UserParameters JSON, as the pipeline action would pass it")
    check.add_argument(
        "--events-file", type=Path, help="decide a recorded DescribeEvents response offline"
    )
    check.add_argument(
        "--source",
        choices=[s.value for s in Source],
        help="health-api (default), public-dashboard or auto",
    )
    check.add_argument(
        "--wait", action="store_true", help="poll until healthy: exit 1 only when the wait ran out"
    )
    check.add_argument("--max-wait-minutes", type=int, help="with --wait: 1 to 1440 (default 60)")
    check.add_argument(
        "--poll-interval-seconds", type=int, help="with --wait: 10 to 300 (default 30)"
    )
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    args = _parser().parse_args(argv)
    try:
        return run_check(args, out, err)
    except GateError as error:
        print(f"health-gate: {error}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("health-gate: interrupted", file=err)
        return EXIT_ERROR
    except Exception as error:  # a CI step must get exit 2, not a traceback's exit 1 (= blocked)
        print(f"health-gate: unexpected error: {error!r}", file=err)
        return EXIT_ERROR
