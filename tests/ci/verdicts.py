"""`health-gate check --json` verdicts in the CLI contract's shape, for the fake CLI to print.

BLOCKED is what the CLI reports for the recorded events/health/open-issue.json with
`--regions us-east-1,global`: its open EC2 issue in us-east-1 (the Lambda issue is in
eu-west-1 and the CloudFormation one is closed).
"""

from __future__ import annotations

from typing import Any

__all__ = ["BLOCKED", "ERROR", "HEALTHY", "UNKNOWN", "EC2_ARN", "verdict"]

EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/"
    "AWS_EC2_OPERATIONAL_ISSUE_ABC123_EXAMPLE"
)


def verdict(name: str, exit_code: int, summary: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemaVersion": 1,
        "verdict": name,
        "exitCode": exit_code,
        "summary": summary,
        "regions": ["us-east-1", "global"],
        "blocking": [],
        "blockingCount": 0,
        "considered": 3,
        "warning": None,
        "sourceNote": None,
        "waitedSeconds": None,
        "error": None,
    }
    body.update(fields)
    return body


BLOCKED = verdict(
    "BLOCKED",
    1,
    "Blocked by AWS Health: 1 open event in us-east-1, global.",
    blocking=[
        {
            "arn": EC2_ARN,
            "service": "EC2",
            "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
            "region": "us-east-1",
            "startTime": "2026-11-23T14:05:00+00:00",
        }
    ],
    blockingCount=1,
)

HEALTHY = verdict("HEALTHY", 0, "No open AWS Health events in us-east-1, global.")

UNKNOWN = verdict(
    "UNKNOWN",
    0,
    "AWS Health could not be checked; passing because onHealthApiError is pass.",
    considered=0,
    warning="AWS Health unavailable: health.us-east-1.amazonaws.com timed out",
)

ERROR = verdict(
    "ERROR",
    2,
    "Configuration error: accountIds needs organization.",
    regions=[],
    considered=0,
    error={"type": "ConfigurationError", "message": "accountIds needs organization: true"},
)
