"""Pytest fixtures for the local AWS fake. Load with `pytest_plugins = ["tests.fakes.fixtures"]`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakes.aws_fake import AwsFake

__all__ = ["aws_credentials", "aws_fake", "aws_fake_factory"]

_DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # No shared config or profile may add endpoints, retries or credentials of its own.
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_UNSET = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",  # would make botocore ignore the fake's URL
    "AWS_RETRY_MODE",
    "AWS_MAX_ATTEMPTS",
)


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and region, and no configuration leaking in from the machine."""
    for name, value in _DUMMY_ENV.items():
        monkeypatch.setenv(name, value)
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def aws_fake(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsFake]:
    """One fake serving both APIs; boto3 clients created in the test are pointed at it."""
    with AwsFake() as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_HEALTH", fake.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_CODEPIPELINE", fake.url)
        yield fake
    _fail_on_fake_bugs(fake)


@pytest.fixture
def aws_fake_factory() -> Iterator[Callable[..., AwsFake]]:
    """Starts more independent fakes (e.g. a passive Health endpoint), leaving the env alone.

    Keyword arguments go to `AwsFake`, e.g. `aws_fake_factory(signing_region="us-east-2")`.
    """
    started: list[AwsFake] = []

    def start(**kwargs: Any) -> AwsFake:
        fake = AwsFake(**kwargs)
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.close()
    for fake in started:
        _fail_on_fake_bugs(fake)


def _fail_on_fake_bugs(fake: AwsFake) -> None:
    """A crash inside the fake answers 500, which retries could hide: surface it here."""
    if fake.internal_errors:
        pytest.fail("the AWS fake crashed:\n" + "\n".join(fake.internal_errors), pytrace=False)
