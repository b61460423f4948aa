"""The continuation token that carries a wait from one Lambda invocation to the next.

CodePipeline stores the token (at most 2,048 characters) and hands it back verbatim on the
next invocation. It is compact, canonical JSON, readable in the pipeline's job details:

    {"arns":[...],"attempt":2,"firstBlocked":1714564800,"sum":"9f86d081884c7d65","total":3,"v":1}

`sum` is the first 16 hex digits of SHA-256 over the same JSON without `sum`. It detects
corruption and hand edits; it is not a secret or a signature (anyone can recompute it), so the
token is never trusted with more than a forged one could do: the wait stays bounded by
`maxWaitMinutes`, and `health_gate.pipeline.waiting` rejects a first-blocked time in the future.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from health_gate.errors import ConfigurationError

__all__ = ["MAX_TOKEN_CHARS", "TOKEN_VERSION", "WaitState", "decode_token", "encode_token"]

TOKEN_VERSION = 1
MAX_TOKEN_CHARS = 2048  # PutJobSuccessResult continuationToken
CHECKSUM_CHARS = 16
_KEYS = frozenset({"v", "firstBlocked", "attempt", "total", "arns", "sum"})
_RESTART = "Retry the stage to start a new wait."


@dataclass(frozen=True)
class WaitState:
    """A wait in progress: since when the gate has been blocked, and by what.

    `attempt` counts the invocations that ended still waiting. `arns` may hold fewer ARNs
    than `total` when they did not all fit into the token; times are whole seconds.
    """

    first_blocked: datetime
    attempt: int
    arns: tuple[str, ...]
    total: int


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _checksum(body: dict[str, Any]) -> str:
    content = {key: value for key, value in body.items() if key != "sum"}
    return hashlib.sha256(_canonical(content).encode("ascii")).hexdigest()[:CHECKSUM_CHARS]


def _render(state: WaitState, kept: int) -> str:
    body: dict[str, Any] = {
        "v": TOKEN_VERSION,
        "firstBlocked": int(state.first_blocked.timestamp()),
        "attempt": state.attempt,
        "total": state.total,
        "arns": list(state.arns[:kept]),
    }
    body["sum"] = _checksum(body)
    return _canonical(body)


def encode_token(state: WaitState) -> str:
    """The token for `state`, keeping as many ARNs (in the given order) as fit 2,048 characters."""
    low, high = 0, len(state.arns)
    while low < high:  # the largest prefix of ARNs that fits; length grows with the prefix
        middle = (low + high + 1) // 2
        if len(_render(state, middle)) <= MAX_TOKEN_CHARS:
            low = middle
        else:
            high = middle - 1
    token = _render(state, low)
    if len(token) > MAX_TOKEN_CHARS:
        raise ValueError("wait state does not fit a continuation token even without ARNs")
    return token


def _invalid(reason: str) -> ConfigurationError:
    return ConfigurationError(f"Invalid continuation token: {reason}. {_RESTART}")


def _whole(body: dict[str, Any], key: str, low: int) -> int:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _invalid(f"{key} must be a whole number of at least {low}")
    return value


def _parse(token: str) -> dict[str, Any]:
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        raise _invalid(f"expected 1 to {MAX_TOKEN_CHARS} characters")
    try:
        body = json.loads(token)
    except ValueError:
        raise _invalid("not JSON written by health-gate") from None
    if not isinstance(body, dict):
        raise _invalid("not a JSON object")
    if body.get("v") != TOKEN_VERSION or isinstance(body.get("v"), bool):
        raise _invalid(
            f"unknown version {json.dumps(body.get('v'))[:20]} "
            f"(this gate reads version {TOKEN_VERSION})"
        )
    if set(body) != _KEYS:
        raise _invalid("unexpected or missing fields")
    if body["sum"] != _checksum(body) or _canonical(body) != token:
        raise _invalid("its checksum does not match its content, so it was altered or corrupted")
    return body


def decode_token(token: str) -> WaitState:
    """The wait state in a token this gate wrote; ConfigurationError for anything else."""
    body = _parse(token)
    arns = body["arns"]
    if not isinstance(arns, list) or not all(isinstance(arn, str) for arn in arns):
        raise _invalid("arns must be a list of strings")
    total = _whole(body, "total", len(arns))
    first_blocked = _whole(body, "firstBlocked", 0)
    try:
        since = datetime.fromtimestamp(first_blocked, UTC)
    except (OverflowError, OSError, ValueError):
        raise _invalid("firstBlocked is not a usable time") from None
    return WaitState(since, _whole(body, "attempt", 1), tuple(arns), total)
