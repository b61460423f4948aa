"""RecordedHealthSource: recorded DescribeEvents responses (one page or a list of pages)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest

from health_gate.adapters.recorded import RecordedHealthSource
from health_gate.errors import ConfigurationError
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import HealthSource

QUERY = HealthQuery(categories=("issue",), status_codes=("open",), regions=("us-east-1",))


def api_event(n: int, region: str = "us-east-1", status: str = "open") -> dict[str, Any]:
    return {
        "arn": f"arn:aws:health:{region}::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/e{n}",
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": region,
        "startTime": "2024-05-01T08:00:00+00:00",
        "statusCode": status,
    }


def write(tmp_path: Path, body: Any, name: str = "events.json") -> Path:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


def test_a_single_response_object_gives_its_events(tmp_path: Path) -> None:
    path = write(tmp_path, {"events": [api_event(1), api_event(2, "eu-west-1", "closed")]})
    source: HealthSource = RecordedHealthSource(path)
    events = source.events(QUERY)
    assert [(e.arn[-2:], e.region, e.status) for e in events] == [
        ("e1", "us-east-1", "open"),
        ("e2", "eu-west-1", "closed"),
    ]


def test_a_list_of_pages_gives_every_page_in_order(tmp_path: Path) -> None:
    pages = [
        {"events": [api_event(1)], "nextToken": "t2"},
        {"events": [], "nextToken": "t3"},
        {"events": [api_event(3), api_event(4)]},
    ]
    events = RecordedHealthSource(write(tmp_path, pages)).events(QUERY)
    assert [e.arn[-2:] for e in events] == ["e1", "e3", "e4"]


def test_the_query_is_not_applied_the_core_filters(tmp_path: Path) -> None:
    # Given events outside the query's region and status
    path = write(tmp_path, {"events": [api_event(1, "ap-south-1", "closed")]})
    # Then they are still returned: the decision core applies the filters itself
    assert len(RecordedHealthSource(path).events(QUERY)) == 1


def test_the_file_is_read_again_for_every_query(tmp_path: Path) -> None:
    # Given a source that has read a file with an open event
    path = write(tmp_path, {"events": [api_event(1)]})
    source = RecordedHealthSource(path)
    assert len(source.events(QUERY)) == 1
    # When the recording changes (the incident ended: a wait re-checks the same file)
    write(tmp_path, {"events": []})
    # Then the next query sees the change
    assert source.events(QUERY) == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),  # PowerShell 5's `>`
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ],
    ids=["utf8-bom", "utf16-le", "utf16-be"],
)
def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path, encode: Any) -> None:
    path = tmp_path / "events.json"
    path.write_bytes(encode(json.dumps({"events": [api_event(1)]})))
    assert len(RecordedHealthSource(path).events(QUERY)) == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ({"Events": []}, 'the response has no "events" list'),
        ([{"events": []}, {"events": "x"}], 'page 2 has no "events" list'),
        ({"events": [1]}, "event 1 of the response is not a JSON object"),
        ({"events": [{"startTime": "yesterday"}]}, "event 1 of the response has a field"),
        ("just text", "it is not JSON"),
    ],
)
def test_a_wrong_shape_is_named_in_plain_words(tmp_path: Path, content: Any, says: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigurationError) as caught:
        RecordedHealthSource(path).events(QUERY)
    assert says in str(caught.value)
    assert "DescribeEvents" in str(caught.value)
    assert "Traceback" not in str(caught.value) and "KeyError" not in str(caught.value)


def test_an_event_without_a_status_counts_as_open(tmp_path: Path) -> None:
    raw = api_event(1)
    raw.pop("statusCode")
    [event] = RecordedHealthSource(write(tmp_path, {"events": [raw]})).events(QUERY)
    assert event.status == "open"


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    source = RecordedHealthSource(tmp_path / "nope.json")
    with pytest.raises(ConfigurationError, match="Cannot read events file .*nope.json"):
        source.events(QUERY)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "",
        '{"Events": []}',
        '{"events": 3}',
        "[1]",
        '"events"',
        '{"events": [{"arn": "a", "startTime": "yesterday"}]}',
    ],
)
def test_anything_but_a_recorded_response_is_a_configuration_error(
    tmp_path: Path, body: str
) -> None:
    source = RecordedHealthSource(write(tmp_path, body))
    with pytest.raises(ConfigurationError, match="is not a recorded DescribeEvents response"):
        source.events(QUERY)


def test_a_file_that_is_not_utf8_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigurationError, match="is not a recorded DescribeEvents response"):
        RecordedHealthSource(path).events(QUERY)
