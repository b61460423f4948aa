"""Pipeline declarations for CreatePipeline: the demo pipeline, and its variants the drill
must handle (a V1 pipeline, a gate sharing its stage with a deployment)."""

from __future__ import annotations

from typing import Any

from tests.fakes.aws_fake_pipelines import ACCOUNT, REGION

DEMO_PIPELINE = "health-gate-demo"
GATE_FUNCTION = "health-gate-HealthGateFunction-TEST"
GATE_PARAMS = '{"regions": ["us-east-1", "global"]}'
ARTIFACT_BUCKET = f"codepipeline-{REGION}-{ACCOUNT}"


def source_action(name: str = "Source", artifact: str = "SourceArtifact") -> dict[str, Any]:
    return {
        "name": name,
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "runOrder": 1,
        "configuration": {
            "S3Bucket": f"health-gate-demo-source-{ACCOUNT}",
            "S3ObjectKey": "app.zip",
            "PollForSourceChanges": "false",
        },
        "outputArtifacts": [{"name": artifact}],
        "inputArtifacts": [],
        "namespace": "SourceVariables",
    }


def gate_action(
    name: str = "CheckAwsHealth",
    *,
    function: str = GATE_FUNCTION,
    user_parameters: str | None = GATE_PARAMS,
    run_order: int = 1,
    namespace: str = "HealthGate",
) -> dict[str, Any]:
    configuration = {"FunctionName": function}
    if user_parameters is not None:
        configuration["UserParameters"] = user_parameters
    return {
        "name": name,
        "actionTypeId": {
            "category": "Invoke",
            "owner": "AWS",
            "provider": "Lambda",
            "version": "1",
        },
        "runOrder": run_order,
        "configuration": configuration,
        "inputArtifacts": [{"name": "SourceArtifact"}],
        "outputArtifacts": [],
        "namespace": namespace,
    }


def deploy_action(name: str = "DeployStack", *, run_order: int = 1) -> dict[str, Any]:
    return {
        "name": name,
        "actionTypeId": {
            "category": "Deploy",
            "owner": "AWS",
            "provider": "CloudFormation",
            "version": "1",
        },
        "runOrder": run_order,
        "configuration": {
            "ActionMode": "CREATE_UPDATE",
            "StackName": "health-gate-demo-app",
            "TemplatePath": "SourceArtifact::template.yaml",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/health-gate-demo-cfn",
        },
        "inputArtifacts": [{"name": "SourceArtifact"}],
        "outputArtifacts": [],
    }


def declaration(
    name: str, stages: list[dict[str, Any]], *, pipeline_type: str = "V2"
) -> dict[str, Any]:
    """A PipelineDeclaration for CreatePipeline."""
    return {
        "name": name,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{name}-pipeline",
        "artifactStore": {"type": "S3", "location": ARTIFACT_BUCKET},
        "stages": stages,
        "pipelineType": pipeline_type,
        "executionMode": "SUPERSEDED",
    }


def demo_declaration(
    name: str = DEMO_PIPELINE,
    *,
    user_parameters: str | None = GATE_PARAMS,
    pipeline_type: str = "V2",
) -> dict[str, Any]:
    """Source (S3) -> HealthGate (the gate) -> Deploy (CloudFormation)."""
    return declaration(
        name,
        [
            {"name": "Source", "actions": [source_action()]},
            {"name": "HealthGate", "actions": [gate_action(user_parameters=user_parameters)]},
            {"name": "Deploy", "actions": [deploy_action()]},
        ],
        pipeline_type=pipeline_type,
    )


def shared_stage_declaration(
    name: str = "health-gate-shared", *, gate_run_order: int = 1, deploy_run_order: int = 2
) -> dict[str, Any]:
    """Source -> Deploy, where the gate shares the Deploy stage with the deploy action. With
    equal run orders the two run side by side: the deployment does not wait for the gate."""
    actions = [gate_action(run_order=gate_run_order), deploy_action(run_order=deploy_run_order)]
    return declaration(
        name,
        [{"name": "Source", "actions": [source_action()]}, {"name": "Deploy", "actions": actions}],
    )
