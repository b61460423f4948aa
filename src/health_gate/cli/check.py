"""`health-gate check`: decide on AWS Health now (or wait), print the verdict, exit 0/1/2.

Settings come, highest first, from the flags, then --params (UserParameters, in either of the
pipeline's forms), then the HEALTH_GATE_* environment variables, then the built-in defaults,
and are validated exactly as the Lambda gate validates them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from health_gate.cli.output import print_table, verdict_document
from health_gate.config import GateSettings, split_list
from health_gate.config.settings import MAX_WAIT_MINUTES, Mode, OnHealthApiError, Source
from health_gate.config.validation import Value
from health_gate.errors import EXIT_BLOCKED, EXIT_HEALTHY
from health_gate.verdict.decision import decide
from health_gate.verdict.sources import HealthSource

__all__ = ["FLAGS", "add_check_command", "run_check"]

# UserParameters key -> (flag, kind): every key the pipeline accepts has a flag.
FLAGS: dict[str, tuple[str, str]] = {
    "regions": ("--regions", "list"),
    "services": ("--services", "list"),
    "eventTypeCategories": ("--categories", "list"),
    "eventStatusCodes": ("--status-codes", "list"),
    "ignoreEventTypeCodes": ("--ignore-event-types", "list"),
    "accountIds": ("--account-ids", "list"),
    "onHealthApiError": ("--on-health-api-error", "text"),
    "source": ("--source", "text"),
    "maxWaitMinutes": ("--max-wait-minutes", "int"),
    "pollIntervalSeconds": ("--poll-interval-seconds", "int"),
    "drillUntil": ("--drill-until", "text"),
}

EPILOG = f"""\
examples:
  health-gate check --regions us-east-1,global --services EC2,LAMBDA
  health-gate check --events-file events/health/open-issue.json
  health-gate check --wait --max-wait-minutes 30 --json > verdict.json
  health-gate check --source public-dashboard    # no AWS support plan needed

exit codes: 0 healthy, 1 blocked (--wait: still blocked at the end),
  2 error (settings, credentials, AWS Health unreachable), 130 interrupted
settings, highest first: flags, --params, HEALTH_GATE_* variables (such as
  HEALTH_GATE_REGIONS), defaults (regions: AWS_REGION, else us-east-1, and
  global). Credentials as for the AWS CLI: AWS_PROFILE, SSO, OIDC roles.
--max-wait-minutes stops at {MAX_WAIT_MINUTES}: CodePipeline fails a Lambda action at 24 h."""


def add_check_command(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        usage="health-gate check [options]",
        help="decide on AWS Health now: exit 0 healthy, 1 blocked, 2 error",
        description="Decide whether AWS Health blocks a deployment, as the Lambda gate does.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    watch = check.add_argument_group("what blocks (comma lists)")
    watch.add_argument("--regions", metavar="LIST", help="region codes and/or global")
    watch.add_argument("--services", metavar="LIST", help="Health service codes (default: all)")
    watch.add_argument("--categories", metavar="LIST", help="event type categories (issue)")
    watch.add_argument("--status-codes", metavar="LIST", help="event status codes (open)")
    watch.add_argument("--ignore-event-types", metavar="LIST", help="event types never to block")
    watch.add_argument("--organization", action="store_true", help="the organizational view")
    watch.add_argument("--account-ids", metavar="LIST", help="with --organization: accounts")
    watch.add_argument("--extra-regions", metavar="LIST", help="regions newer than this gate")
    how = check.add_argument_group("how")
    how.add_argument("--params", metavar="TEXT", help="UserParameters: JSON, or regions")
    how.add_argument(
        "--source",
        choices=[s.value for s in Source],
        metavar="SOURCE",
        help="health-api (default), public-dashboard, auto",
    )
    how.add_argument(
        "--on-health-api-error",
        choices=[o.value for o in OnHealthApiError],
        metavar="WHAT",
        help="fail (default) or pass",
    )
    how.add_argument("--events-file", type=Path, metavar="FILE", help="decide on recorded events")
    how.add_argument("--wait", action="store_true", help="hold until healthy (mode wait)")
    how.add_argument("--max-wait-minutes", metavar="N", help=f"with --wait: 1-{MAX_WAIT_MINUTES}")
    how.add_argument("--poll-interval-seconds", metavar="N", help="with --wait: 10-300")
    how.add_argument("--drill-until", metavar="TIME", help="rehearse: a DRILL issue until TIME")
    how.add_argument("--json", action="store_true", help="one JSON document on stdout")
    check.set_defaults(run=run_check)


def _flag_value(text: str, kind: str) -> Any:
    if kind == "list":
        return split_list(text)
    if kind == "int":
        # isdecimal, not isdigit: int() refuses "²", which isdigit() accepts
        return int(text) if text.strip().isdecimal() else text
    return text


def overrides_from(args: argparse.Namespace) -> dict[str, Value]:
    """The flags given, each with its own name as the origin of its value."""
    found: dict[str, Value] = {}
    for key, (flag, kind) in FLAGS.items():
        text = getattr(args, flag[2:].replace("-", "_"))
        if text is not None:
            found[key] = Value(_flag_value(text, kind), f"flag {flag}")
    if args.organization:
        found["organization"] = Value(True, "flag --organization")
    if args.wait:
        found["mode"] = Value(Mode.WAIT.value, "flag --wait")
    if args.extra_regions is not None:
        found["extraRegions"] = Value(split_list(args.extra_regions), "flag --extra-regions")
    return found


def _source(args: argparse.Namespace, settings: GateSettings) -> HealthSource:
    if args.events_file:
        from health_gate.adapters.recorded import RecordedHealthSource

        return RecordedHealthSource(args.events_file)
    from health_gate.runtime.sources import health_source

    return health_source(settings)


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`health-gate check`: decide, print, and return the exit code."""
    from health_gate.runtime import clock as runtime_clock
    from health_gate.runtime.settings import gate_settings

    settings = gate_settings(args.params, overrides_from(args), label="--params")
    source = _source(args, settings)
    waited: int | None = None
    if settings.mode is Mode.WAIT:
        from health_gate.cli.wait import watch

        decision, waited = watch(source, settings, err if args.json else out, args.json)
    else:
        decision = decide(source, settings, runtime_clock.system_clock().now())
    code = EXIT_BLOCKED if decision.blocked else EXIT_HEALTHY
    if args.json:
        print(json.dumps(verdict_document(decision, code, waited), indent=2), file=out)
    else:
        print_table(decision, out)
        if waited:
            print(f"Waited {waited // 60} min {waited % 60} s.", file=out)
    return code
