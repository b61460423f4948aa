"""`PublicFeedSource` over real HTTP on 127.0.0.1, serving recorded feeds byte for byte."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from requests.adapters import HTTPAdapter

import health_gate
from health_gate.adapters.public_feed import PublicFeedSource, feed_session
from health_gate.errors import HealthUnavailable
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import PUBLIC_FEED_NOTE
from tests.fakes.feed_server import FEEDS, FeedServer

QUERY = HealthQuery(categories=("issue",), status_codes=("open",))
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/"
    "AWS_EC2_OPERATIONAL_ISSUE_7C4F2A9B1E3"
)


def source(feed: FeedServer, timeout: tuple[float, float] = (1.0, 2.0)) -> PublicFeedSource:
    return PublicFeedSource(feed.url, session=feed_session(backoff_seconds=0.01), timeout=timeout)


@pytest.mark.parametrize(
    "name", ["ec2-open.utf16be.json", "ec2-open.utf16le.json", "ec2-open.utf8.json"]
)
def test_the_feed_is_read_in_either_utf16_byte_order_and_in_utf8(
    feed_server: FeedServer, name: str
) -> None:
    # Given the feed serves one open EC2 issue, in UTF-16 (BE or LE, with BOM) or UTF-8
    feed_server.serve_file(name)
    # When the source is asked for events
    events = source(feed_server).events(QUERY)
    # Then it is one open public issue in us-east-1
    assert [(e.arn, e.service, e.region, e.status) for e in events] == [
        (EC2_ARN, "EC2", "us-east-1", "open")
    ]


def test_a_wrong_charset_in_the_header_does_not_matter(feed_server: FeedServer) -> None:
    feed_server.serve_file("ec2-open.utf16be.json", content_type="application/json; charset=utf-8")
    assert len(source(feed_server).events(QUERY)) == 1


def test_an_empty_array_means_no_events(feed_server: FeedServer) -> None:
    feed_server.serve_file("empty.utf16be.json")
    assert source(feed_server).events(QUERY) == []


def test_a_resolved_event_is_closed(feed_server: FeedServer) -> None:
    feed_server.serve_file("resolved.utf16be.json")
    [event] = source(feed_server).events(QUERY)
    assert (event.service, event.status, event.end_time is not None) == ("LAMBDA", "closed", True)


def test_a_multi_service_regional_event(feed_server: FeedServer) -> None:
    feed_server.serve_file("multiple-services-eu-west-1.utf16be.json")
    [event] = source(feed_server).events(QUERY)
    assert (event.service, event.region, event.status) == ("MULTIPLE_SERVICES", "eu-west-1", "open")


def test_a_global_service_event(feed_server: FeedServer) -> None:
    feed_server.serve_file("global-route53.utf16be.json")
    [event] = source(feed_server).events(QUERY)
    assert (event.service, event.region, event.status) == ("ROUTE53", "global", "open")
    assert event.arn == "public-dashboard:route53:1777626000"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("garbage.bin", "application/octet-stream"), ("html-error.html", "text/html")],
)
def test_garbage_or_html_is_an_unavailable_source_naming_the_feed(
    feed_server: FeedServer, name: str, content_type: str
) -> None:
    feed_server.serve_file(name, content_type=content_type)
    with pytest.raises(HealthUnavailable) as caught:
        source(feed_server).events(QUERY)
    message = str(caught.value)
    assert "public AWS Health Dashboard feed" in message
    assert feed_server.url in message
    assert "expected JSON list of events" in message


def test_one_failure_is_retried_after_a_pause(feed_server: FeedServer) -> None:
    # Given the feed fails once with 503, then answers
    feed_server.serve_file("ec2-open.utf16be.json")
    feed_server.fail_next(503)
    # When the source is asked
    events = source(feed_server).events(QUERY)
    # Then the retry got the events: two requests in all
    assert len(events) == 1
    assert len(feed_server.requests) == 2


def test_two_failures_make_the_feed_unavailable(feed_server: FeedServer) -> None:
    feed_server.fail_next(503, times=2)
    with pytest.raises(HealthUnavailable, match="could not be fetched after a retry"):
        source(feed_server).events(QUERY)
    assert len(feed_server.requests) == 2


def test_a_client_error_is_not_retried(feed_server: FeedServer) -> None:
    feed_server.fail_next(403)
    with pytest.raises(HealthUnavailable, match="403"):
        source(feed_server).events(QUERY)
    assert len(feed_server.requests) == 1


def test_an_unreachable_feed_is_unavailable() -> None:
    # Given a port nobody listens on
    with FeedServer() as gone:
        url = gone.url
    with pytest.raises(HealthUnavailable, match="could not be fetched"):
        PublicFeedSource(url, session=feed_session(backoff_seconds=0.01)).events(QUERY)


def test_requests_say_who_is_asking(feed_server: FeedServer) -> None:
    source(feed_server).events(QUERY)
    [request] = feed_server.requests
    assert request["user-agent"] == f"health-gate/{health_gate.__version__}"
    assert request["accept"] == "application/json"


def test_the_source_says_it_sees_public_events_only() -> None:
    assert PublicFeedSource("http://127.0.0.1:9/").source_note == PUBLIC_FEED_NOTE
    assert "public events only" in PUBLIC_FEED_NOTE


def test_the_session_retries_once_with_a_real_pause() -> None:
    session = feed_session(backoff_seconds=0.5)
    adapter = session.get_adapter("https://health.aws.amazon.com")
    assert isinstance(adapter, HTTPAdapter)
    retry = adapter.max_retries
    assert retry.total == 1
    assert not retry.respect_retry_after_header
    after_one_failure = retry.increment(method="GET", url="/", error=requests.ConnectionError())
    assert after_one_failure.get_backoff_time() == 0.5


def test_importing_the_gate_does_not_import_requests() -> None:
    # The Health API path must not pay for requests at cold start.
    code = "import sys, health_gate.handlers.gate; print('requests' in sys.modules)"
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- limits: size and redirects (issue 10) ----------------------------------------------------


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "streamed"])
def test_a_body_over_the_limit_is_unavailable_not_read(
    feed_server: FeedServer, send_length: bool
) -> None:
    # Given a feed that answers with more bytes than the limit, with or without saying so
    feed_server.serve(b"[" + b" " * 5000 + b"]", send_length=send_length)
    limited = PublicFeedSource(feed_server.url, session=feed_session(0.01), max_bytes=4096)
    # Then the source refuses it as unavailable, naming the limit and its setting
    with pytest.raises(HealthUnavailable, match="more than 4096 bytes.*MAX_BYTES"):
        limited.events(QUERY)


def test_a_body_within_the_limit_is_read(feed_server: FeedServer) -> None:
    feed_server.serve_file("ec2-open.utf16be.json", content_type="application/json")
    size = len((FEEDS / "ec2-open.utf16be.json").read_bytes())
    exact = PublicFeedSource(feed_server.url, session=feed_session(0.01), max_bytes=size)
    assert len(exact.events(QUERY)) == 1


def test_a_redirect_to_plain_http_is_refused(feed_server: FeedServer) -> None:
    # Given a feed that redirects to an http address (here: itself)
    feed_server.redirect_next(feed_server.url)
    # Then the source does not follow it
    with pytest.raises(HealthUnavailable, match="not https"):
        source(feed_server).events(QUERY)
    assert len(feed_server.requests) == 1


def test_a_relative_redirect_on_http_is_refused_too(feed_server: FeedServer) -> None:
    feed_server.redirect_next("/public/currentevents?again=1", status=301)
    with pytest.raises(HealthUnavailable, match="not https"):
        source(feed_server).events(QUERY)


def test_a_redirect_to_https_is_followed(feed_server: FeedServer) -> None:
    # Given a redirect to an https address where nothing listens (no TLS server here)
    with FeedServer() as gone:
        target = gone.url.replace("http://", "https://")
    feed_server.redirect_next(target)
    # Then the source follows it: the failure is the https address's, not a refusal
    with pytest.raises(HealthUnavailable, match="could not be fetched"):
        source(feed_server).events(QUERY)
    assert len(feed_server.requests) == 1
