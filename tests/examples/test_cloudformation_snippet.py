"""examples/cloudformation/health-gate-stage.yaml: the stage and IAM statement to paste into an
existing pipeline. Its UserParameters pass the gate's own validation, and pasted into a small
pipeline template (data/host-pipeline.yaml) it passes cfn-lint and checkov."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.examples.conftest import (
    EXAMPLES,
    Tools,
    UserParametersError,
    validate_user_parameters,
)
from tests.fakes import cfn

SNIPPET = cfn.load(EXAMPLES / "cloudformation" / "health-gate-stage.yaml")
HOST = cfn.load(Path(__file__).parent / "data" / "host-pipeline.yaml")


def pasted(snippet: dict[str, Any] = SNIPPET) -> dict[str, Any]:
    """The host pipeline with the snippet's three parts where their comments say."""
    template = copy.deepcopy(HOST)
    template["Parameters"].update(snippet["Parameters"])
    stages = template["Resources"]["Pipeline"]["Properties"]["Stages"]
    stages.insert([s["Name"] for s in stages].index("Release"), snippet["Stage"])
    policy = template["Resources"]["PipelineRole"]["Properties"]["Policies"][0]
    policy["PolicyDocument"]["Statement"].append(snippet["Statement"])
    return template


def test_the_snippets_user_parameters_pass_the_gates_validation() -> None:
    # Given the UserParameters in the snippet
    text = SNIPPET["Stage"]["Actions"][0]["Configuration"]["UserParameters"]
    # When the gate validates them, Then they pass and mean what they say
    validate_user_parameters(text)
    assert json.loads(text)["regions"] == ["us-east-1", "global"]


def test_a_typo_in_the_snippets_user_parameters_would_be_caught() -> None:
    # Given the snippet's UserParameters with a misspelt key
    text = SNIPPET["Stage"]["Actions"][0]["Configuration"]["UserParameters"]
    broken = text.replace('"regions"', '"region"')
    # When the gate validates them, Then it refuses the unknown key by name
    with pytest.raises(UserParametersError, match='unknown key "region"'):
        validate_user_parameters(broken)


def test_the_stage_invokes_the_gate_and_the_statement_allows_only_that() -> None:
    # Given the snippet's stage and statement
    (action,) = SNIPPET["Stage"]["Actions"]
    statement = SNIPPET["Statement"]
    # Then the stage is the gate's Lambda invoke action in the HealthGate namespace
    assert action["ActionTypeId"]["Category"] == "Invoke"
    assert action["ActionTypeId"]["Provider"] == "Lambda"
    assert action["Namespace"] == "HealthGate"
    assert action["Configuration"]["FunctionName"] == {"Ref": "HealthGateFunctionName"}
    # And the role statement allows invoking that one function
    assert statement == {
        "Sid": "InvokeHealthGate",
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": {"Ref": "HealthGateFunctionArn"},
    }


def test_pasted_the_gate_comes_right_before_the_release_stage() -> None:
    # When the snippet is pasted into the host pipeline
    stages = pasted()["Resources"]["Pipeline"]["Properties"]["Stages"]
    # Then the gate runs between the source and the release
    assert [s["Name"] for s in stages] == ["Source", "HealthGate", "Release"]


def test_pasted_into_a_pipeline_template_it_passes_cfn_lint_and_checkov(
    tools: Tools, tmp_path: Path
) -> None:
    # Given the host pipeline with the snippet pasted in, written as a template
    template = tmp_path / "pipeline-with-health-gate.yaml"
    template.write_text(yaml.safe_dump(pasted(), sort_keys=False), encoding="utf-8")
    # When cfn-lint and checkov check it
    lint = subprocess.run(  # noqa: S603 (fixed argv: the project's own tools)
        [str(tools.cfn_lint), str(template)], capture_output=True, text=True, check=False
    )
    scan = subprocess.run(  # noqa: S603 (fixed argv: the project's own tools)
        [
            str(tools.checkov),
            "--file",
            str(template),
            "--framework",
            "cloudformation",
            "--skip-download",
            "--compact",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # Then both pass
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert scan.returncode == 0, scan.stdout + scan.stderr
