"""Drills: a synthetic issue that only ever adds a block, says DRILL, and ends on time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from health_gate.config.settings import GateSettings, OnHealthApiError
from health_gate.config.user_parameters import load_settings
from health_gate.errors import ConfigurationError, HealthUnavailable
from health_gate.pipeline.block_message import blocked_message, parse_incidents
from health_gate.pipeline.report import Fail, report_for
from health_gate.verdict.decision import Verdict, decide
from health_gate.verdict.drill import MAX_DRILL, drill_event, drill_until_of, is_drill
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from tests.fakes.regions import KNOWN_REGIONS

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
UNTIL = NOW + timedelta(minutes=30)
EC2 = HealthEvent(
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X_1",
    "EC2",
    "AWS_EC2_OPERATIONAL_ISSUE",
    "issue",
    "us-east-1",
    "open",
)


class Source:
    source_note: str | None = None

    def __init__(self, events: Sequence[HealthEvent] = (), down: bool = False) -> None:
        self._events, self._down = list(events), down

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        if self._down:
            raise HealthUnavailable("AWS Health did not answer")
        return self._events


def settings(**fields: Any) -> GateSettings:
    return replace(GateSettings(regions=("eu-west-1", "global"), drill_until=UNTIL), **fields)


def test_until_drill_until_the_first_region_has_a_drill_issue() -> None:
    decision = decide(Source(), settings(), NOW)
    assert decision.verdict is Verdict.BLOCKED
    [drill] = decision.blocking
    assert is_drill(drill) and drill.region == "eu-west-1" and drill.end_time == UNTIL
    assert drill_until_of(drill.arn) == UNTIL


def test_after_drill_until_the_drill_is_gone() -> None:
    assert decide(Source(), settings(), UNTIL).verdict is Verdict.HEALTHY
    assert drill_event(settings(), UNTIL + timedelta(seconds=1)) is None


def test_a_drill_only_adds_a_block() -> None:
    # Given a real incident during the drill
    decision = decide(Source([EC2]), settings(regions=("us-east-1",)), NOW)
    # Then both are named
    assert {e.service for e in decision.blocking} == {"EC2", "DRILL"}
    # And a drill blocks even where AWS Health could not be asked and "pass" would pass
    down = decide(Source(down=True), settings(on_health_api_error=OnHealthApiError.PASS), NOW)
    assert down.verdict is Verdict.BLOCKED and down.warning


def test_a_drill_blocks_whatever_the_filters() -> None:
    narrow = settings(services=("LAMBDA",), event_status_codes=("upcoming",))
    assert decide(Source(), narrow, NOW).verdict is Verdict.BLOCKED


def test_a_drill_longer_than_two_hours_is_refused() -> None:
    long = settings(drill_until=NOW + MAX_DRILL + timedelta(minutes=1))
    with pytest.raises(ConfigurationError, match="drillUntil.*at most"):
        decide(Source(), long, NOW)


@pytest.mark.parametrize("text", ["2026-12-03T10:00:00", "tomorrow", "2026-13-03T10:00:00Z"])
def test_drill_until_needs_a_valid_time_with_its_zone(text: str) -> None:
    with pytest.raises(ConfigurationError, match="drillUntil"):
        load_settings(json.dumps({"drillUntil": text}), {}, KNOWN_REGIONS)


def test_drill_until_reads_any_zone_and_round_trips() -> None:
    loaded = load_settings('{"drillUntil": "2026-12-03T10:30:00+01:00"}', {}, KNOWN_REGIONS)
    assert loaded.drill_until == UNTIL
    again = json.dumps(loaded.to_user_parameters())
    assert load_settings(again, {}, KNOWN_REGIONS) == loaded


def test_the_block_message_says_drill_and_when_it_ends_and_reads_back() -> None:
    decision = decide(Source(), settings(), NOW)
    report = report_for(decision)
    assert isinstance(report, Fail)
    assert report.message.startswith("Blocked by AWS Health: 1 open event in eu-west-1, global")
    assert "one of them a DRILL until 2026-12-03 09:30 UTC" in report.message
    assert "a DRILL, not an AWS incident, until 2026-12-03 09:30 UTC" in report.message
    [incident] = parse_incidents([report.message])
    assert (incident.service, incident.region) == ("DRILL", "eu-west-1")
    assert drill_until_of(incident.arn) == UNTIL
    assert blocked_message([EC2], ["us-east-1"]).count("DRILL") == 0
