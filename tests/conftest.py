"""Shared test set-up: the AWS fake's fixtures, and dummy credentials so no test reaches AWS."""

import os

pytest_plugins = [
    "tests.fakes.fixtures",
    "tests.fakes.feed_server",
    "tests.fakes.cli",
    "tests.fakes.runtime_fixtures",
    "tests.fakes.pipeline_world",
]

os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
