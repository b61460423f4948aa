"""Shared set-up for the examples' tests: the gate's own UserParameters validation, and the
tools that live outside .venv (cfn-lint, checkov, the CDK virtualenv).

`validate_user_parameters` is the one place these tests reach into the gate's code, so that a
change of the gate's package layout is adapted here only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from health_gate.config import load_settings
from health_gate.errors import ConfigurationError
from tests.fakes.regions import KNOWN_REGIONS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# Raised by validate_user_parameters for an invalid UserParameters string.
UserParametersError = ConfigurationError

# The tests that run cfn-lint, checkov or the CDK need the tool virtualenvs under .tools/;
# `make examples-check` builds them and sets this variable (and so does `make test`).
TOOLS_ENV = "HEALTH_GATE_EXAMPLE_TOOLS"


def validate_user_parameters(text: str) -> None:
    """Validate UserParameters as the deployed gate does; raise UserParametersError if invalid."""
    load_settings(text, {"AWS_REGION": "us-east-1"}, KNOWN_REGIONS)


@dataclass(frozen=True)
class Tools:
    """Command lines of the tools outside .venv."""

    cfn_lint: Path
    checkov: Path
    cdk_python: Path


@pytest.fixture(scope="session")
def tools() -> Tools:
    """The tool paths; skips unless `make examples-check` (or `make test`) runs the test."""
    if os.environ.get(TOOLS_ENV) != "1":
        pytest.skip(f"needs the example tools: run `make examples-check` ({TOOLS_ENV}=1)")
    found = Tools(
        cfn_lint=REPO / ".tools/sam/bin/cfn-lint",
        checkov=REPO / ".tools/checkov/bin/checkov",
        cdk_python=REPO / ".tools/cdk/bin/python",
    )
    missing = [str(path) for path in vars(found).values() if not path.exists()]
    assert not missing, f"{TOOLS_ENV}=1 but missing: {missing}; run `make examples-check`"
    return found
