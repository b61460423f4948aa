"""Mapping public-feed entries to `HealthEvent`s, and decoding the feed's bytes."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from health_gate.adapters.public_feed_events import decode_feed, feed_event
from health_gate.verdict.events import HealthEvent
from tests.fakes.feed_server import FEEDS

EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_ABC"
)


def entry(**fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "date": "1777633200",
        "arn": EC2_ARN,
        "region_name": "N. Virginia",
        "status": "2",
        "service": "ec2-us-east-1",
        "service_name": "Amazon Elastic Compute Cloud",
        "summary": "Increased API Error Rates",
        "event_log": [{"summary": "s", "message": "m", "status": 2, "timestamp": 1777635000}],
    }
    raw.update(fields)
    return {k: v for k, v in raw.items() if v is not None}


def test_an_open_regional_event_maps_to_an_open_public_issue() -> None:
    event = feed_event(entry())
    assert event.arn == EC2_ARN
    assert event.service == "EC2"
    assert event.event_type_code == "AWS_EC2_OPERATIONAL_ISSUE"
    assert event.category == "issue"
    assert event.region == "us-east-1"
    assert event.status == "open"
    assert event.scope == "PUBLIC"
    assert event.start_time == datetime(2026, 5, 1, 11, 0, tzinfo=UTC)
    assert event.last_updated == datetime(2026, 5, 1, 11, 30, tzinfo=UTC)
    assert event.end_time is None


@pytest.mark.parametrize("status", ["1", "2", "3", 2, "7", ""])
def test_any_status_but_0_without_end_time_is_open(status: Any) -> None:
    assert feed_event(entry(status=status)).status == "open"


def test_status_0_is_closed() -> None:
    assert feed_event(entry(status="0")).status == "closed"


def test_an_end_time_closes_the_event_whatever_its_status() -> None:
    event = feed_event(entry(status="2", end_time="1777640000"))
    assert event.status == "closed"
    assert event.end_time == datetime.fromtimestamp(1777640000, UTC)


@pytest.mark.parametrize(
    ("service", "code", "region"),
    [
        ("ec2-us-east-1", "EC2", "us-east-1"),
        ("elasticbeanstalk-ap-southeast-2", "ELASTICBEANSTALK", "ap-southeast-2"),
        ("ec2-us-gov-west-1", "EC2", "us-gov-west-1"),
        ("multipleservices-me-central-1", "MULTIPLE_SERVICES", "me-central-1"),
        ("route53", "ROUTE53", "global"),
        ("management-console", "MANAGEMENT-CONSOLE", "global"),
        ("cloudfront", "CLOUDFRONT", "global"),
    ],
)
def test_service_code_and_region_come_from_the_service_field(
    service: str, code: str, region: str
) -> None:
    # Given an entry without an ARN (as in older captures)
    event = feed_event(entry(arn=None, service=service))
    # Then the service suffix names the region, or "global" when there is none
    assert (event.service, event.region) == (code, region)


def test_the_arn_gives_the_api_service_code_and_type() -> None:
    arn = (
        "arn:aws:health:eu-west-1::event/MULTIPLE_SERVICES/AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE/"
        "AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE_1"
    )
    event = feed_event(entry(arn=arn, service="multipleservices-eu-west-1"))
    assert event.service == "MULTIPLE_SERVICES"
    assert event.event_type_code == "AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE"
    assert event.region == "eu-west-1"


def test_without_a_service_the_arn_region_is_used() -> None:
    event = feed_event(entry(service=None))
    assert (event.service, event.region) == ("EC2", "us-east-1")


def test_without_an_arn_a_stable_id_stands_in() -> None:
    # Given the same ARN-less entry read twice (two checks of a wait)
    first = feed_event(entry(arn=None))
    second = feed_event(entry(arn=None))
    # Then both carry the same synthetic identifier, so the event counts once
    assert first.arn == second.arn == "public-dashboard:ec2-us-east-1:1777633200"
    assert first.event_type_code == "AWS_EC2_OPERATIONAL_ISSUE"


def test_an_entry_with_odd_fields_still_maps_and_fails_safe() -> None:
    event = feed_event({"date": "not a time", "event_log": "nope", "status": None})
    assert (event.service, event.region, event.status) == ("UNKNOWN", "global", "open")
    assert event.start_time is None and event.last_updated is None


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16-be"),  # no BOM: detected from the zero bytes
    ],
    ids=["utf16-be-bom", "utf16-le-bom", "utf8", "utf8-bom", "utf16-be-no-bom"],
)
def test_the_feed_decodes_from_its_bytes_in_any_of_its_encodings(encode: Any) -> None:
    text = json.dumps([entry(summary="Erhöhte Fehlerraten")], ensure_ascii=False)
    decoded = decode_feed(encode(text))
    assert decoded[0]["summary"] == "Erhöhte Fehlerraten"


@pytest.mark.parametrize(
    "body",
    [b"", b"<html>503</html>", b'{"events": []}', b"[1, 2]", b'["x"]', b"\xff\xfe\x00\xd8"],
)
def test_anything_but_an_array_of_objects_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        decode_feed(body)


# --- regions, from recorded entries (tests/data/public-feed/README.md says where each is from) --


def recorded(name: str) -> list[HealthEvent]:
    return [feed_event(raw) for raw in decode_feed((FEEDS / name).read_bytes())]


def test_an_arn_region_wins_over_a_service_key_without_a_suffix() -> None:
    # Given an entry whose ARN names us-east-1 while its service key is plain "ec2"
    [event] = recorded("arn-region-without-suffix.utf16be.json")
    # Then it is filed under us-east-1, not global: a gate for us-east-1 must see it
    assert (event.service, event.region, event.status) == ("EC2", "us-east-1", "open")


def test_the_legacy_us_standard_key_is_s3_in_us_east_1() -> None:
    # Given the old status feed's S3 entry, keyed "s3-us-standard", without an ARN
    [event] = recorded("legacy-s3-us-standard.utf16be.json")
    # Then it is S3 in us-east-1
    assert (event.service, event.region) == ("S3", "us-east-1")


def test_the_live_capture_maps_to_a_multi_service_issue_in_its_region() -> None:
    [event] = recorded("capture-me-central-1.utf16be.json")
    assert (event.service, event.region, event.status) == (
        "MULTIPLE_SERVICES",
        "me-central-1",
        "open",
    )
    assert event.event_type_code == "AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE"


@pytest.mark.parametrize(
    ("arn_region", "service", "region"),
    [
        ("", "ec2-eu-west-1", "eu-west-1"),  # an empty ARN region: the suffix decides
        ("global", "iam", "global"),
        ("not a region", "lambda-ap-south-1", "ap-south-1"),
        ("", "route53", "global"),
    ],
)
def test_the_region_comes_from_the_arn_then_the_suffix_then_global(
    arn_region: str, service: str, region: str
) -> None:
    arn = f"arn:aws:health:{arn_region}::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X_1"
    assert feed_event(entry(arn=arn, service=service)).region == region
