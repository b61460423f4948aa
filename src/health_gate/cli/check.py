"""`health-gate check`: decide on AWS Health now (or wait), print the verdict, exit 0/1/2."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from health_gate.cli.output import event_json, print_table
from health_gate.config.settings import GateSettings, Mode
from health_gate.errors import EXIT_BLOCKED, EXIT_HEALTHY, GateError
from health_gate.verdict.decision import decide
from health_gate.verdict.sources import HealthSource

__all__ = ["run_check"]


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


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`health-gate check`: decide, print, and return the exit code."""
    from health_gate.runtime import clock as runtime_clock
    from health_gate.runtime.settings import gate_settings

    settings = gate_settings(_user_parameters(args))
    source = _source(args, settings)
    waited: int | None = None
    if settings.mode is Mode.WAIT:
        from health_gate.cli.wait import watch

        decision, waited = watch(source, settings, err if args.json else out)
    else:
        decision = decide(source, settings, runtime_clock.system_clock().now())
    if args.json:
        body: dict[str, Any] = {
            "verdict": decision.verdict.value,
            "regions": list(decision.regions),
            "blocking": [event_json(e) for e in decision.blocking],
            "warning": decision.warning,
        }
        if decision.source_note:
            body["sourceNote"] = decision.source_note
        if waited is not None:
            body["waitedSeconds"] = waited
        print(json.dumps(body, indent=2), file=out)
    else:
        print_table(decision, out)
        if waited:
            print(f"Waited {waited // 60} min {waited % 60} s.", file=out)
    return EXIT_BLOCKED if decision.blocked else EXIT_HEALTHY
