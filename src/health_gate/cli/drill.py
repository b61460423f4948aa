"""`health-gate drill`: rehearse the whole loop on a deployed stack and a real pipeline.

It adds `drillUntil` to the gate's UserParameters, closes the inbound transition of the stage
after the gate's, starts an execution pinned to the last released source revisions, follows
the loop with a checklist (each step proven by something it reads back), then stops the run,
opens the transition and restores the pipeline exactly as it was: also on Ctrl-C and on errors.
Exit 0 when the whole loop worked, 1 when a link broke (named, with what to check), 2 for
usage errors, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

from health_gate.errors import EXIT_BLOCKED, EXIT_HEALTHY, EXIT_INTERRUPTED, UsageError

if TYPE_CHECKING:
    from health_gate.cli.drill_session import DrillSession, Facts
    from health_gate.pipeline.drill_checklist import Checklist
    from health_gate.pipeline.drill_plan import DrillPlan

# The drill's modules (and, through its CodePipeline editor, botocore) load only when a drill
# runs: every other command, `completion` on each shell start included, starts without them.

__all__ = ["add_drill_command", "run_drill"]

EPILOG = """\
examples:
  health-gate drill --pipeline web-app --dry-run
  health-gate drill --pipeline web-app --minutes 10 --stack health-gate
  health-gate drill --pipeline web-app --json > drill.json

exit codes: 0 the whole loop worked, 1 a link broke (named, with what to check),
  2 usage or settings, 130 interrupted (the pipeline is restored first)"""


def add_drill_command(commands: Any) -> None:
    drill = commands.add_parser(
        "drill",
        usage="health-gate drill --pipeline NAME [options]",
        help="rehearse the block-retry-resume loop on a real pipeline",
        description="Rehearse the whole loop on a deployed stack, without shipping anything.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    drill.add_argument("--pipeline", required=True, metavar="NAME", help="the pipeline to drill")
    drill.add_argument(
        "--minutes", type=int, default=10, metavar="N", help="how long the drill's issue lasts"
    )
    drill.add_argument("--stage", metavar="STAGE", help="the gate's stage (default: found)")
    drill.add_argument("--stack", default="health-gate", help="the gate's stack (health-gate)")
    drill.add_argument("--function", metavar="NAME", help="the gate's function (default: stack)")
    drill.add_argument("--table", metavar="NAME", help="the retrier's table (default: stack)")
    drill.add_argument("--deploy", action="store_true", help="let the drilled run deploy")
    drill.add_argument("--dry-run", action="store_true", help="print what would change")
    drill.add_argument("--poll-seconds", type=int, default=15, help=argparse.SUPPRESS)
    drill.add_argument("--json", action="store_true", help="the checklist as JSON on stdout")
    drill.set_defaults(run=run_drill)


@dataclass
class _Printer:
    out: TextIO
    quiet: bool
    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)
        if not self.quiet:
            print(text, file=self.out, flush=True)


def _facts(args: argparse.Namespace) -> Facts:
    from health_gate.cli.drill_session import Facts
    from health_gate.runtime import drill_services

    if args.function and args.table:
        return Facts(args.function, args.table, None)
    outputs = drill_services.stack_outputs(args.stack)
    function = args.function or outputs.get("HealthGateFunctionName")
    table = args.table or outputs.get("BlockedExecutionsTableName")
    if not function or not table:
        raise UsageError(
            f"Stack {args.stack} has no HealthGateFunctionName/BlockedExecutions"
            "TableName outputs: give --function and --table."
        )
    return Facts(function, table, outputs.get("RetrierDeadLetterQueueUrl"))


def _plan(args: argparse.Namespace, session: DrillSession, facts: Facts) -> DrillPlan:
    from health_gate.pipeline.drill_plan import plan_drill
    from health_gate.verdict.drill import MAX_DRILL

    if not 1 <= args.minutes <= MAX_DRILL.total_seconds() // 60:
        raise UsageError(f"--minutes must be from 1 to {int(MAX_DRILL.total_seconds() // 60)}.")
    declaration = session.editor.declaration(args.pipeline)
    if declaration.get("pipelineType") != "V2":
        raise UsageError(
            f"Pipeline {args.pipeline} is not a V2 pipeline: a drill cannot pin its run to the "
            "last released source revisions, so it could ship newer changes. Refused."
        )
    until = session.clock.now() + timedelta(minutes=args.minutes)
    return plan_drill(declaration, facts.function, until, args.stage, args.deploy)


def run_drill(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from health_gate.cli.drill_session import DrillSession
    from health_gate.pipeline.drill_plan import source_pins
    from health_gate.runtime import clock as runtime_clock
    from health_gate.runtime import drill_services

    printer = _Printer(out, quiet=args.json)
    facts = _facts(args)
    session = DrillSession(
        drill_services.editor(), runtime_clock.system_clock(), facts, printer.say
    )
    plan = _plan(args, session, facts)
    success = session.editor.last_success(args.pipeline)
    if success is None:
        raise UsageError(f"Pipeline {args.pipeline} has no successful execution to pin to.")
    pins = source_pins(plan.original, success.get("sourceRevisions") or [])
    if args.dry_run:
        for line in plan.changes():
            printer.say(line)
        pinned = ", ".join(f"{p.action}={p.revision}" for p in pins)
        printer.say(f"StartPipelineExecution {plan.pipeline} pinned to {pinned}")
        return EXIT_HEALTHY
    interrupted = False
    checklist: Checklist | None = None
    try:
        session.prepare(plan)
        execution_id = session.start(plan, [p.to_api() for p in pins], str(uuid.uuid4()))
        checklist = session.follow(plan, execution_id, args.poll_seconds)
    except KeyboardInterrupt:
        interrupted = True
        printer.say("Interrupted: stopping the drilled run and restoring the pipeline …")
    finally:
        restored = session.clean_up(plan, bool(checklist and checklist.done), args.deploy)
    code = _code(checklist, interrupted, restored)
    if args.json:
        print(json.dumps(_document(session, plan, checklist, restored, code), indent=2), file=out)
    return code


def _code(checklist: Checklist | None, interrupted: bool, restored: bool) -> int:
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_HEALTHY if checklist and checklist.done and restored else EXIT_BLOCKED


def _document(
    session: DrillSession,
    plan: DrillPlan,
    checklist: Checklist | None,
    restored: bool,
    code: int,
) -> dict[str, Any]:
    from health_gate.pipeline.drill_checklist import CHECKS, ORDER

    steps = []
    for name in ORDER:
        tick = checklist.ticks.get(name) if checklist else None
        steps.append(
            {
                "name": name.value,
                "done": tick is not None,
                "at": tick.at.isoformat() if tick else None,
                "elapsedSeconds": int((tick.at - checklist.started).total_seconds())
                if tick and checklist
                else None,
                "proof": tick.proof if tick else None,
            }
        )
    broken = session.broken
    return {
        "schemaVersion": 1,
        "command": "drill",
        "pipeline": plan.pipeline,
        "executionId": session.execution_id,
        "drillUntil": plan.drill_until.isoformat(),
        "steps": steps,
        "broken": {"step": broken.value, "check": list(CHECKS[broken])} if broken else None,
        "restored": restored,
        "exitCode": code,
    }
