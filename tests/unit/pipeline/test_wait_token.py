"""The continuation token: round trip, tamper detection, versions, garbage, size."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from health_gate.errors import ConfigurationError
from health_gate.pipeline.wait_token import (
    MAX_TOKEN_CHARS,
    TOKEN_VERSION,
    WaitState,
    decode_token,
    encode_token,
)

SINCE = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def arn(index: int, code: str = "AWS_EC2_OPERATIONAL_ISSUE") -> str:
    service = code.split("_")[1]
    return f"arn:aws:health:us-east-1::event/{service}/{code}/{code}_{index:012X}"


def state(arns: int = 3, attempt: int = 2) -> WaitState:
    return WaitState(SINCE, attempt, tuple(arn(i) for i in range(arns)), arns)


def signed(body: dict[str, Any]) -> str:
    """A token with a correct checksum, computed here from the documented format."""
    content = {k: v for k, v in body.items() if k != "sum"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    full = {**content, "sum": hashlib.sha256(canonical.encode()).hexdigest()[:16]}
    return json.dumps(full, sort_keys=True, separators=(",", ":"))


def valid_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "v": 1,
        "firstBlocked": int(SINCE.timestamp()),
        "attempt": 1,
        "total": 1,
        "arns": [arn(1)],
    }
    body.update(changes)
    return body


def test_a_token_round_trips_to_the_same_wait_state() -> None:
    # Given a wait with three blocking events
    original = state()
    # When it is encoded and decoded
    token = encode_token(original)
    # Then the same state comes back, from readable, versioned JSON
    assert decode_token(token) == original
    body = json.loads(token)
    assert body["v"] == TOKEN_VERSION
    assert body["firstBlocked"] == int(SINCE.timestamp())
    assert body["attempt"] == 2
    assert body["arns"] == list(original.arns)


def test_the_documented_format_is_accepted() -> None:
    # Given a token built from the format described in the module docstring
    token = signed(valid_body())
    # When it is decoded
    decoded = decode_token(token)
    # Then it is the wait it describes
    assert decoded == WaitState(SINCE, 1, (arn(1),), 1)


def test_sub_second_times_are_kept_to_the_whole_second() -> None:
    original = WaitState(SINCE.replace(microsecond=987654), 1, (), 0)
    assert decode_token(encode_token(original)).first_blocked == SINCE


def _variants(token: str) -> list[str]:
    """Every single-character substitution (two per position), deletion and insertion."""
    found: set[str] = set()
    for index, char in enumerate(token):
        for other in {chr(ord(char) ^ 1), "0" if char != "0" else "1"}:
            found.add(token[:index] + other + token[index + 1 :])
        found.add(token[:index] + token[index + 1 :])
        found.add(token[:index] + " " + token[index:])
    found.add(token + " ")
    found.discard(token)
    return sorted(found)


def test_every_single_character_change_is_rejected() -> None:
    # Given a valid token
    token = encode_token(state())
    variants = _variants(token)
    assert len(variants) > 3 * len(token)
    # When any one character is changed, removed or added
    accepted = []
    for variant in variants:
        try:
            decode_token(variant)
        except ConfigurationError:
            continue
        accepted.append(variant)
    # Then none of them is trusted
    assert accepted == []


def test_a_changed_value_reports_the_checksum_mismatch() -> None:
    token = encode_token(state(attempt=2))
    altered = token.replace('"attempt":2', '"attempt":3')
    with pytest.raises(ConfigurationError, match="checksum does not match"):
        decode_token(altered)


def test_reformatted_json_with_the_same_content_is_rejected() -> None:
    # Given the same content with spaces after separators (not this gate's canonical form)
    token = encode_token(state())
    spaced = json.dumps(json.loads(token), sort_keys=True)
    # Then it is refused like any other edit
    with pytest.raises(ConfigurationError, match="altered or corrupted"):
        decode_token(spaced)


@pytest.mark.parametrize("version", [0, 2, 99, "1", None, True])
def test_an_unknown_version_is_a_configuration_error(version: Any) -> None:
    token = signed(valid_body(v=version))
    with pytest.raises(ConfigurationError, match="unknown version"):
        decode_token(token)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "not a token",
        "null",
        "[]",
        '"text"',
        "{}",
        "{" * 5000,
        "x" * (MAX_TOKEN_CHARS + 1),
        '{"v":1}',
    ],
)
def test_garbage_is_a_configuration_error(garbage: str) -> None:
    with pytest.raises(ConfigurationError, match="Invalid continuation token"):
        decode_token(garbage)


@pytest.mark.parametrize(
    "changes",
    [
        {"attempt": 0},
        {"attempt": "1"},
        {"attempt": True},
        {"attempt": 1.5},
        {"firstBlocked": -1},
        {"firstBlocked": 10**20},
        {"total": 0},
        {"arns": "arn"},
        {"arns": [1]},
        {"extra": 1},
    ],
)
def test_well_signed_but_invalid_content_is_a_configuration_error(changes: dict[str, Any]) -> None:
    # Given a token whose checksum is right but whose content is not what the gate writes
    token = signed(valid_body(**changes))
    # Then it is still refused, never trusted
    with pytest.raises(ConfigurationError, match="Invalid continuation token"):
        decode_token(token)


def test_the_error_tells_the_reader_how_to_recover() -> None:
    with pytest.raises(ConfigurationError, match="Retry the stage to start a new wait"):
        decode_token("garbage")


def test_500_blocking_events_still_fit_2048_characters() -> None:
    # Given 500 blocking events with realistic ARNs
    many = state(arns=500)
    # When the token is encoded
    token = encode_token(many)
    # Then it fits CodePipeline's limit, keeps the count, and keeps as many ARNs as fit
    assert len(token) <= MAX_TOKEN_CHARS
    decoded = decode_token(token)
    assert decoded.total == 500
    assert 0 < len(decoded.arns) < 500
    assert decoded.arns == many.arns[: len(decoded.arns)]
    next_arn = many.arns[len(decoded.arns)]
    assert len(token) + len(json.dumps(next_arn)) + 1 > MAX_TOKEN_CHARS  # no room for one more


def test_arns_longer_than_the_token_are_dropped_not_cut() -> None:
    huge = WaitState(SINCE, 1, ("arn:" + "x" * 3000, arn(1)), 2)
    decoded = decode_token(encode_token(huge))
    assert decoded.arns == ()
    assert decoded.total == 2


@pytest.mark.parametrize("count", [0, 1, 17, 18, 19, 50, 500, 5000])
def test_every_size_of_wait_fits_and_round_trips(count: int) -> None:
    many = state(arns=count, attempt=10**6)
    token = encode_token(many)
    assert len(token) <= MAX_TOKEN_CHARS
    decoded = decode_token(token)
    assert (decoded.total, decoded.attempt, decoded.first_blocked) == (count, 10**6, SINCE)
