"""`health-gate check` run in-process, as from a shell on a machine with no gate settings.

Load the fixture with `pytest_plugins = ["tests.fakes.cli"]` (the root conftest does).
"""

from __future__ import annotations

import io
import os

import pytest

from health_gate.cli import main

__all__ = ["cli_environment", "run_check"]


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine in us-east-1 with no deploy-time defaults (HEALTH_GATE_*) leaking in."""
    for name in list(os.environ):
        if name.startswith("HEALTH_GATE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_REGION", "us-east-1")


def run_check(*argv: str) -> tuple[int, str, str]:
    """`health-gate check ARGV...`: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()
