"""`health-gate check`: the gate's decision in any CI system, or offline on recorded events."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from health_gate.config.settings import SOURCES, GateSettings
from health_gate.config.validation import split_list
from health_gate.errors import GateError
from health_gate.verdict.decision import Decision, Verdict, decide
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.sources import HealthSource

__all__ = ["main"]

EXIT_HEALTHY, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2


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
        "--source", choices=SOURCES, help="health-api (default), public-dashboard or auto"
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


def _user_parameters(args: argparse.Namespace) -> str:
    params: dict[str, Any] = {}
    if args.params:
        try:
            params = json.loads(args.params)
        except json.JSONDecodeError as err:
            raise GateError(f"--params is not valid JSON: {err.msg}") from err
        if not isinstance(params, dict):
            raise GateError("--params must be a JSON object")
    flags = {
        "regions": args.regions,
        "services": args.services,
        "eventTypeCategories": args.categories,
        "source": args.source,
        "mode": "wait" if args.wait else None,
        "maxWaitMinutes": args.max_wait_minutes,
        "pollIntervalSeconds": args.poll_interval_seconds,
    }
    params.update({key: value for key, value in flags.items() if value is not None})
    if args.organization:
        params["organization"] = True
    return json.dumps(params)


def _source(args: argparse.Namespace, settings: GateSettings) -> HealthSource:
    if args.events_file:
        from health_gate.adapters.recorded import RecordedHealthSource

        return RecordedHealthSource(args.events_file)
    from health_gate.runtime.sources import health_source

    return health_source(settings)


def _event_json(event: HealthEvent) -> dict[str, Any]:
    return {
        "arn": event.arn,
        "service": event.service,
        "eventTypeCode": event.event_type_code,
        "region": event.region,
        "startTime": event.start_time.isoformat() if event.start_time else None,
    }


def _print_table(decision: Decision, out: TextIO) -> None:
    regions = ", ".join(decision.regions)
    if decision.verdict is Verdict.HEALTHY:
        print(
            f"HEALTHY: no blocking AWS Health events in {regions} ({decision.considered} checked).",
            file=out,
        )
    elif decision.verdict is Verdict.UNKNOWN:
        print(
            f"UNKNOWN: AWS Health could not be checked ({decision.warning}); "
            "passing as onHealthApiError says.",
            file=out,
        )
    else:
        heading = f"BLOCKED: {len(decision.blocking)} AWS Health event(s) in {regions}:"
        print(heading, file=out)
        rows = [("SERVICE", "EVENT TYPE", "REGION", "STARTED (UTC)", "ARN")]
        for e in decision.blocking:
            started = e.start_time.strftime("%Y-%m-%d %H:%M") if e.start_time else "-"
            rows.append((e.service, e.event_type_code, e.region, started, e.arn))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            print(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
                + "  "
                + row[4],
                file=out,
            )
    if decision.source_note:
        print(f"Note: {decision.source_note}", file=out)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from health_gate.runtime import clock as runtime_clock
    from health_gate.runtime.settings import gate_settings

    settings = gate_settings(_user_parameters(args))
    source = _source(args, settings)
    waited: int | None = None
    if settings.mode == "wait":
        from health_gate.cli_wait import watch

        decision, waited = watch(source, settings, err if args.json else out)
    else:
        decision = decide(source, settings, runtime_clock.system_clock().now())
    if args.json:
        body: dict[str, Any] = {
            "verdict": decision.verdict.value,
            "regions": list(decision.regions),
            "blocking": [_event_json(e) for e in decision.blocking],
            "warning": decision.warning,
        }
        if decision.source_note:
            body["sourceNote"] = decision.source_note
        if waited is not None:
            body["waitedSeconds"] = waited
        print(json.dumps(body, indent=2), file=out)
    else:
        _print_table(decision, out)
        if waited:
            print(f"Waited {waited // 60} min {waited % 60} s.", file=out)
    return EXIT_BLOCKED if decision.blocked else EXIT_HEALTHY


def main(
    argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    args = _parser().parse_args(argv)
    try:
        return _check(args, out, err)
    except GateError as error:
        print(f"health-gate: {error}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("health-gate: interrupted", file=err)
        return EXIT_ERROR
    except Exception as error:  # a CI step must get exit 2, not a traceback's exit 1 (= blocked)
        print(f"health-gate: unexpected error: {error!r}", file=err)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
