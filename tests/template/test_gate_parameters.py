"""The gate's template parameters agree with the gate's own validation (issue 10).

A value the template accepts but the gate refuses fails every pipeline run at 3 a.m.; a value
the gate accepts but the template refuses cannot be deployed. CloudFormation's AllowedPattern
is a Java regular expression over the whole value; the patterns here use no construct whose
meaning differs in Python.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from health_gate.config.settings import MAX_WAIT_MINUTES
from health_gate.config.user_parameters import ENV_VARS, EXTRA_REGIONS_ENV, load_settings
from health_gate.errors import ConfigurationError
from tests.fakes.regions import KNOWN_REGIONS

TEMPLATE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "template.yaml").read_text(encoding="utf-8")
)
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
GLOBAL_ENV: dict[str, Any] = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]


def template_accepts(parameter: str, value: str) -> bool:
    return re.fullmatch(PARAMETERS[parameter]["AllowedPattern"], value) is not None


def gate_accepts(variable: str, value: str) -> bool:
    try:
        load_settings(None, {"AWS_REGION": "us-east-1", variable: value}, KNOWN_REGIONS)
    except ConfigurationError:
        return False
    return True


@pytest.mark.parametrize(
    ("parameter", "variable", "value"),
    [
        ("DefaultServices", ENV_VARS["services"], "EC2,CLOUDFORMATION"),
        ("DefaultServices", ENV_VARS["services"], "MULTIPLE_SERVICES"),
        ("DefaultServices", ENV_VARS["services"], "E"),
        ("DefaultServices", ENV_VARS["services"], "EC2,E"),
        ("DefaultServices", ENV_VARS["services"], "EC:2"),
        ("DefaultServices", ENV_VARS["services"], "EC/2"),
        ("DefaultServices", ENV_VARS["services"], "X" * 30),
        ("DefaultServices", ENV_VARS["services"], "X" * 31),
        ("IgnoreEventTypeCodes", ENV_VARS["ignoreEventTypeCodes"], "AWS_EC2_MAINTENANCE"),
        ("IgnoreEventTypeCodes", ENV_VARS["ignoreEventTypeCodes"], "AB"),
        ("IgnoreEventTypeCodes", ENV_VARS["ignoreEventTypeCodes"], "A" * 101),
    ],
)
def test_code_parameters_accept_what_the_gate_accepts(
    parameter: str, variable: str, value: str
) -> None:
    assert template_accepts(parameter, value) == gate_accepts(variable, value)


@pytest.mark.parametrize("value", ["us-east-1,global", "eu-west-1", "global"])
def test_region_defaults_the_template_accepts_are_accepted_by_the_gate(value: str) -> None:
    assert template_accepts("DefaultRegions", value)
    assert gate_accepts(ENV_VARS["regions"], value)


@pytest.mark.parametrize("value", ["us-esat-1", "aws-global", "us-east-1,cn-north-1"])
def test_the_gate_refuses_region_defaults_the_templates_pattern_cannot_tell(value: str) -> None:
    # The template checks the format only; which regions exist is the gate's to know
    assert not gate_accepts(ENV_VARS["regions"], value)


def test_extra_regions_reach_every_function_and_admit_new_regions() -> None:
    assert GLOBAL_ENV[EXTRA_REGIONS_ENV] == {"Ref": "ExtraRegions"}
    assert template_accepts("ExtraRegions", "eu-newregion-1, ap-newregion-2")
    assert not template_accepts("ExtraRegions", "global")


def test_the_wait_limit_is_the_gates() -> None:
    assert PARAMETERS["MaxWaitMinutes"]["MaxValue"] == MAX_WAIT_MINUTES == 1380
