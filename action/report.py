"""The GitHub Action's report: `health-gate check --json` output → step outputs, summary, exit code.

action/run.sh runs the CLI and then this script with the CLI's exit code and its stdout. It
writes the outputs `verdict`, `blocking-count`, `summary`, `json` and `exit-code` to
$GITHUB_OUTPUT, a Markdown table of the blocking incidents to $GITHUB_STEP_SUMMARY, annotations
to the log, and exits with the CLI's code (0 healthy, 1 blocked, 2 error), except that a blocked
verdict exits 0 with `--fail-on-blocked false`. Output that is not a JSON verdict (a crash, a
CLI without --json) becomes an ERROR verdict, so the outputs are always set.

Standard library only: it runs with the Python the action installed health-gate into.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_ERROR = 2
MAX_TABLE_ROWS = 100
HEADINGS = {
    "HEALTHY": "✅ AWS Health gate: HEALTHY",
    "BLOCKED": "⛔ AWS Health gate: BLOCKED",
    "UNKNOWN": "⚠️ AWS Health gate: UNKNOWN",
    "ERROR": "❌ AWS Health gate: ERROR",
}


def error_verdict(message: str, kind: str = "ConfigurationError") -> dict[str, Any]:
    """A verdict in the CLI's JSON shape for an error the CLI could not report itself."""
    return {
        "schemaVersion": 1,
        "verdict": "ERROR",
        "exitCode": EXIT_ERROR,
        "summary": f"health-gate could not check AWS Health: {message}",
        "regions": [],
        "blocking": [],
        "blockingCount": 0,
        "considered": 0,
        "warning": None,
        "sourceNote": None,
        "waitedSeconds": None,
        "error": {"type": kind, "message": message},
    }


def parse_verdict(text: str) -> dict[str, Any] | None:
    """The CLI's JSON verdict, or None when it printed none."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("verdict"), str):
        return None
    return body


def verdict_of(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    """The verdict to report and the exit code it came with."""
    if args.input_error is not None:
        return error_verdict(args.input_error), EXIT_ERROR
    text = args.verdict_file.read_text(encoding="utf-8")
    body = parse_verdict(text)
    if body is None:
        shown = " ".join(text.split())[:200] or "nothing"
        message = (
            f"health-gate exited {args.exit_code} and printed no JSON verdict "
            f"(stdout: {shown}); see the log above"
        )
        return error_verdict(message, "NoVerdict"), EXIT_ERROR
    return body, args.exit_code


def blocking_of(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    events = body.get("blocking")
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def blocking_count(body: Mapping[str, Any]) -> int:
    count = body.get("blockingCount")
    return count if isinstance(count, int) else len(blocking_of(body))


def summary_of(body: Mapping[str, Any]) -> str:
    summary = body.get("summary")
    if isinstance(summary, str) and summary:
        return summary
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return f"{body['verdict']}: {blocking_count(body)} blocking AWS Health event(s)"


def step_exit_code(body: Mapping[str, Any], cli_exit: int, fail_on_blocked: bool) -> int:
    """The CLI's exit code; a blocked verdict passes without fail-on-blocked."""
    if body["verdict"] == "ERROR" and cli_exit in (0, 1):
        return EXIT_ERROR
    if body["verdict"] == "BLOCKED" and cli_exit == 1 and not fail_on_blocked:
        return 0
    return cli_exit


def outputs_of(body: Mapping[str, Any], exit_code: int) -> dict[str, str]:
    return {
        "verdict": str(body["verdict"]),
        "blocking-count": str(blocking_count(body)),
        "summary": summary_of(body),
        "json": json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        "exit-code": str(exit_code),
    }


def github_output_text(outputs: Mapping[str, str]) -> str:
    """GITHUB_OUTPUT lines in the multi-line form, with a delimiter no value contains."""
    lines = []
    for name, value in outputs.items():
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        while delimiter in value:  # a random UUID: practically never
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(lines)


def cell(value: object) -> str:
    """Text that stays inside one Markdown table cell and renders as text."""
    text = " ".join(str(value).split())
    for raw, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(raw, escaped)
    return text


def started(value: object) -> str:
    if not isinstance(value, str):
        return "unknown"
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return value


def incident_table(events: list[dict[str, Any]], count: int) -> list[str]:
    rows = ["| Service | Event type | Region | Started | ARN |", "|---|---|---|---|---|"]
    for event in events[:MAX_TABLE_ROWS]:
        arn = cell(event.get("arn", "")).replace("`", "")
        rows.append(
            f"| {cell(event.get('service', ''))} | {cell(event.get('eventTypeCode', ''))} "
            f"| {cell(event.get('region', ''))} | {cell(started(event.get('startTime')))} "
            f"| `{arn}` |"
        )
    if count > min(len(events), MAX_TABLE_ROWS):
        rows.append("")
        rows.append(f"… and {count - min(len(events), MAX_TABLE_ROWS)} more (see the json output)")
    return rows


def step_summary(body: Mapping[str, Any], exit_code: int) -> str:
    """The job summary: verdict, summary line, incidents, warnings, what was checked."""
    verdict = str(body["verdict"])
    lines = [f"### {HEADINGS.get(verdict, 'AWS Health gate: ' + cell(verdict))}", ""]
    lines += [cell(summary_of(body)), ""]
    events = blocking_of(body)
    if events or blocking_count(body):
        lines += [*incident_table(events, blocking_count(body)), ""]
    elif verdict == "HEALTHY":
        lines += ["No open AWS Health event blocks this deployment.", ""]
    error = body.get("error")
    if isinstance(error, dict):
        lines += [f"> **{cell(error.get('type', 'Error'))}:** {cell(error.get('message', ''))}", ""]
    for label, key in (("Warning", "warning"), ("Note", "sourceNote")):
        if body.get(key):
            lines += [f"> **{label}:** {cell(body[key])}", ""]
    facts = []
    regions = body.get("regions")
    if isinstance(regions, list) and regions:
        facts.append("regions checked: " + ", ".join(cell(r) for r in regions))
    if isinstance(body.get("waitedSeconds"), int):
        facts.append(f"waited {body['waitedSeconds']} s")
    if verdict == "BLOCKED" and exit_code == 0:
        facts.append("not failing the step (fail-on-blocked: false)")
    if facts:
        lines += ["<sub>" + "; ".join(facts) + "</sub>", ""]
    return "\n".join(lines)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def log_lines(body: Mapping[str, Any], exit_code: int) -> list[str]:
    """What the job log shows: annotations (workflow commands) and one line per incident."""
    verdict, summary = body["verdict"], summary_of(body)
    if verdict == "BLOCKED":
        level = "error" if exit_code else "warning"
    else:
        level = {"ERROR": "error", "UNKNOWN": "warning"}.get(verdict, "notice")
    lines = [f"::{level} title=AWS Health gate {verdict}::{escape_data(summary)}"]
    if body.get("warning"):
        lines.append(f"::warning title=AWS Health gate::{escape_data(str(body['warning']))}")
    for event in blocking_of(body):
        lines.append(
            f"- {event.get('service')} {event.get('eventTypeCode')} in {event.get('region')} "
            f"since {started(event.get('startTime'))}: {event.get('arn')}"
        )
    return lines


def append(path: str | None, text: str) -> None:
    if path:
        with Path(path).open("a", encoding="utf-8") as file:
            file.write(text)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exit-code", type=int, required=True, help="the CLI's exit code")
    parser.add_argument("--fail-on-blocked", choices=["true", "false"], default="true")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--verdict-file", type=Path, help="what the CLI printed on stdout")
    source.add_argument("--input-error", help="an invalid input: report it as an ERROR verdict")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    body, cli_exit = verdict_of(args)
    exit_code = step_exit_code(body, cli_exit, args.fail_on_blocked == "true")
    print("\n".join(log_lines(body, exit_code)))
    append(environ.get("GITHUB_OUTPUT"), github_output_text(outputs_of(body, exit_code)))
    append(environ.get("GITHUB_STEP_SUMMARY"), step_summary(body, exit_code) + "\n")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
