"""`health-gate check --wait` and `--source`: progress, exit codes, on a fake clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from health_gate.errors import EXIT_BLOCKED, EXIT_ERROR, EXIT_HEALTHY
from health_gate.verdict.sources import FALLBACK_NOTE, PUBLIC_FEED_NOTE
from tests.fakes.aws_fake import AwsFake
from tests.fakes.cli import run_check
from tests.fakes.clock import FakeClock
from tests.fakes.feed_server import FeedServer

OPEN_EC2 = {
    "arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/open-1",
    "service": "EC2",
    "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
    "eventTypeCategory": "issue",
    "region": "us-east-1",
    "startTime": 1777633200,
    "statusCode": "open",
}


pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def blocked_file(tmp_path: Path) -> Path:
    path = tmp_path / "blocked.json"
    path.write_text(json.dumps({"events": [OPEN_EC2]}), encoding="utf-8")
    return path


@pytest.fixture
def feed(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    monkeypatch.setenv("HEALTH_GATE_PUBLIC_FEED_URL", feed_server.url)
    return feed_server


def test_a_wait_that_runs_out_exits_1_after_printing_each_check(
    clock: FakeClock, blocked_file: Path
) -> None:
    # Given a recorded open issue that will not clear
    # When the CLI waits up to 1 minute, checking every 30 s
    code, out, _ = run_check(
        "--events-file",
        str(blocked_file),
        "--wait",
        "--max-wait-minutes",
        "1",
        "--poll-interval-seconds",
        "30",
    )
    # Then it printed progress after each check, then the blocking events, and exits 1
    assert code == EXIT_BLOCKED
    lines = out.splitlines()
    assert lines[0] == (
        "[12:00:00 UTC] waiting: 1 blocking AWS Health event in us-east-1; "
        "0 s of 1 min waited; next check in 30 s"
    )
    assert lines[1] == (
        "[12:00:30 UTC] waiting: 1 blocking AWS Health event in us-east-1; "
        "30 s of 1 min waited; next check in 30 s"
    )
    assert lines[1].startswith("[12:00:30 UTC] waiting:")
    assert lines[2].startswith("BLOCKED: 1 AWS Health event(s)")
    assert out.rstrip().endswith("Waited 1 min 0 s.")
    assert clock.offset == 60


def test_a_wait_that_clears_exits_0(clock: FakeClock, feed: FeedServer) -> None:
    # Given an open issue on the public feed that clears 25 s later
    feed.serve_file("ec2-open.utf16be.json")
    clock.at(25, lambda: feed.serve_file("empty.utf16be.json"))
    # When the CLI waits on the public feed
    code, out, _ = run_check(
        "--source", "public-dashboard", "--regions", "us-east-1", "--wait",
        "--poll-interval-seconds", "10",
    )  # fmt: skip
    # Then it exits 0, saying it saw public events only and how long it waited
    assert code == EXIT_HEALTHY
    assert out.count("waiting: 1 blocking") == 3
    assert "HEALTHY: no blocking AWS Health events in us-east-1" in out
    assert f"Note: {PUBLIC_FEED_NOTE}" in out
    assert out.rstrip().endswith("Waited 0 min 30 s.")


def test_healthy_at_once_prints_no_progress(clock: FakeClock, feed: FeedServer) -> None:
    feed.serve_file("empty.utf16be.json")
    code, out, _ = run_check("--source", "public-dashboard", "--wait")
    assert code == EXIT_HEALTHY
    assert "waiting:" not in out and "Waited" not in out


def test_json_output_stays_clean_with_progress_on_stderr(
    clock: FakeClock, blocked_file: Path
) -> None:
    code, out, err = run_check(
        "--events-file", str(blocked_file), "--wait", "--max-wait-minutes", "1", "--json"
    )
    assert code == EXIT_BLOCKED
    body = json.loads(out)
    assert body["verdict"] == "BLOCKED"
    assert body["waitedSeconds"] == 60
    progress = [json.loads(line) for line in err.splitlines()]
    assert [p["progress"]["waitedSeconds"] for p in progress] == [0, 30]
    assert progress[0]["progress"]["regions"] == ["us-east-1"]


@pytest.mark.parametrize(
    ("flags", "key"),
    [
        (["--max-wait-minutes", "5"], "flag --max-wait-minutes: maxWaitMinutes applies only"),
        (["--poll-interval-seconds", "30"], "flag --poll-interval-seconds: pollIntervalSeconds"),
        (["--wait", "--max-wait-minutes", "0"], "flag --max-wait-minutes: expected a whole"),
        (["--wait", "--max-wait-minutes", "1381"], "from 1 to 1380"),
        (["--wait", "--max-wait-minutes", "ten"], 'got "ten"'),
        (["--wait", "--poll-interval-seconds", "5"], "flag --poll-interval-seconds: expected"),
    ],
)
def test_wait_flags_out_of_place_or_range_exit_2_naming_the_key(
    blocked_file: Path, flags: list[str], key: str
) -> None:
    code, _, err = run_check("--events-file", str(blocked_file), *flags)
    assert code == EXIT_ERROR
    assert key in err


def test_an_unknown_source_is_a_usage_error() -> None:
    code, _, err = run_check("--source", "rss")
    assert code == EXIT_ERROR
    assert "invalid choice: 'rss'" in err


def test_source_auto_falls_back_to_the_feed_and_says_so(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    feed.serve_file("empty.utf16be.json")
    code, out, _ = run_check("--source", "auto", "--regions", "us-east-1")
    assert code == EXIT_HEALTHY
    assert f"Note: {FALLBACK_NOTE}" in out


def test_an_unreadable_feed_exits_2_naming_the_feed(feed: FeedServer) -> None:
    feed.serve_file("html-error.html", content_type="text/html")
    code, _, err = run_check("--source", "public-dashboard")
    assert code == EXIT_ERROR
    assert "public AWS Health Dashboard feed" in err
