"""`source: "auto"` falls back only on a missing support plan; MULTIPLE_SERVICES matches all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from health_gate.config.settings import GateSettings, Source
from health_gate.errors import HealthUnavailable, PermissionDenied, SubscriptionRequired
from health_gate.pipeline.report import Succeed, report_for
from health_gate.verdict.decision import Verdict, blocks, decide, decide_events
from health_gate.verdict.events import MULTIPLE_SERVICES, HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import FALLBACK_NOTE, SubscriptionFallback

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
QUERY = HealthQuery(categories=("issue",), status_codes=("open",))


def event(service: str, region: str = "us-east-1") -> HealthEvent:
    return HealthEvent(
        arn=f"arn:aws:health:{region}::event/{service}/X/X_{service}",
        service=service,
        event_type_code=f"AWS_{service}_OPERATIONAL_ISSUE",
        category="issue",
        region=region,
        status="open",
    )


class ScriptedSource:
    """A HealthSource that answers with events or raises, counting its calls."""

    source_note: str | None = None

    def __init__(self, events: Sequence[HealthEvent] = (), error: Exception | None = None):
        self._events = list(events)
        self._error = error
        self.calls = 0

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        self.calls += 1
        if self._error is not None:
            raise self._error
        return self._events


class NotedSource(ScriptedSource):
    source_note = "public events only"


# --- MULTIPLE_SERVICES ------------------------------------------------------------------------


@pytest.mark.parametrize("service", [MULTIPLE_SERVICES, "multiple_services"])
def test_a_multi_service_event_matches_any_service_filter(service: str) -> None:
    settings = GateSettings(regions=("us-east-1",), services=("EC2", "LAMBDA"))
    assert blocks(event(service), settings)


def test_a_multi_service_event_still_needs_a_watched_region() -> None:
    settings = GateSettings(regions=("eu-west-1",), services=("EC2",))
    assert not blocks(event(MULTIPLE_SERVICES), settings)


def test_other_services_still_must_be_listed() -> None:
    settings = GateSettings(regions=("us-east-1",), services=("EC2",))
    assert not blocks(event("S3"), settings)
    assert blocks(event("ec2"), settings)


# --- SubscriptionFallback ---------------------------------------------------------------------


def test_the_api_answer_is_used_when_the_account_has_a_plan() -> None:
    # Given an API that answers, and a fallback that must not even be built
    api = ScriptedSource([event("EC2")])
    built: list[ScriptedSource] = []

    def build_feed() -> ScriptedSource:
        built.append(ScriptedSource())
        return built[-1]

    source = SubscriptionFallback(api, build_feed)
    # When events are asked for
    found = source.events(QUERY)
    # Then they come from the API, with no note
    assert [e.service for e in found] == ["EC2"]
    assert built == []
    assert source.source_note is None
    assert not source.fell_back


def test_subscription_required_switches_to_the_fallback_for_good() -> None:
    # Given an account without a support plan
    api = ScriptedSource(error=SubscriptionRequired("no plan"))
    feed = ScriptedSource([event("S3")])
    source = SubscriptionFallback(api, lambda: feed)
    # When asked twice
    first = source.events(QUERY)
    second = source.events(QUERY)
    # Then the API was asked once and the feed answered both times, with the note
    assert [e.service for e in first] == [e.service for e in second] == ["S3"]
    assert (api.calls, feed.calls) == (1, 2)
    assert source.source_note == FALLBACK_NOTE
    assert "public events only" in FALLBACK_NOTE


@pytest.mark.parametrize("error", [HealthUnavailable("down"), PermissionDenied("no")])
def test_other_api_errors_are_not_hidden_by_the_fallback(error: Exception) -> None:
    source = SubscriptionFallback(ScriptedSource(error=error), lambda: ScriptedSource())
    with pytest.raises(type(error)):
        source.events(QUERY)
    assert not source.fell_back


def test_the_pass_summary_names_the_public_feed_after_a_fallback() -> None:
    # Given the gate in auto mode on an account without a plan, and a quiet feed
    settings = GateSettings(regions=("us-east-1",), source=Source.AUTO)
    api = ScriptedSource(error=SubscriptionRequired("no plan"))
    source = SubscriptionFallback(api, lambda: ScriptedSource([]))
    # When the gate evaluates
    decision = decide(source, settings, NOW)
    outcome = report_for(decision)
    # Then it passes, and says it saw public events only
    assert decision.verdict is Verdict.HEALTHY
    assert isinstance(outcome, Succeed)
    assert outcome.summary.endswith(FALLBACK_NOTE)


def test_the_decision_carries_the_note_of_the_source_it_asked() -> None:
    settings = GateSettings(regions=("us-east-1",))
    assert decide_events([], settings, NOW).source_note is None
    assert decide(ScriptedSource(), settings, NOW).source_note is None
    assert decide(NotedSource(), settings, NOW).source_note == "public events only"
