"""examples/demo-pipeline/pipeline.yaml: the stages, the UserParameters it builds (validated by
the gate itself), least privilege, and the buckets. cfn-lint and checkov run on it in
`make examples-check`."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.examples.conftest import (
    EXAMPLES,
    REPO,
    UserParametersError,
    validate_user_parameters,
)
from tests.fakes import cfn

DEMO = EXAMPLES / "demo-pipeline"
TEMPLATE = cfn.load(DEMO / "pipeline.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
PIPELINE = RESOURCES["Pipeline"]
APP = cfn.load(DEMO / "app" / "app.yaml")
DEFAULTS = {name: str(p.get("Default", "")) for name, p in TEMPLATE["Parameters"].items()}
TEN_REGIONS = (
    "us-east-1,us-east-2,us-west-1,us-west-2,eu-west-1,eu-central-1,ap-southeast-2,"
    "ap-northeast-1,sa-east-1,global"
)


def user_parameters(template: dict[str, Any] = TEMPLATE, **parameters: str) -> str:
    """The HealthGate action's UserParameters as CloudFormation would resolve them."""
    values = {**DEFAULTS, **parameters}
    gate = cfn.stage(template["Resources"]["Pipeline"], "HealthGate")["Actions"][0]
    conditions = {"IsWaitMode": values["GateMode"] == "wait"}
    text = cfn.resolve(gate["Configuration"]["UserParameters"], values, conditions)
    assert isinstance(text, str)
    return text


def test_the_pipeline_is_v2_with_source_gate_and_deploy_stages() -> None:
    # Given the pipeline resource
    properties = PIPELINE["Properties"]
    # Then it is a V2 pipeline with exactly the three stages, in order
    assert properties["PipelineType"] == "V2"
    assert [s["Name"] for s in properties["Stages"]] == ["Source", "HealthGate", "Deploy"]


def test_no_source_polls_the_demo_is_released_by_start_pipeline_execution() -> None:
    # Given both branches of the source action (S3 by default, CodeCommit optional)
    condition, codecommit, s3 = cfn.stage(PIPELINE, "Source")["Actions"][0]["Fn::If"]
    # Then neither polls, and S3 is the default branch
    assert condition == "IsCodeCommitSource"
    assert DEFAULTS["SourceProvider"] == "S3"
    assert s3["ActionTypeId"]["Provider"] == "S3"
    assert codecommit["ActionTypeId"]["Provider"] == "CodeCommit"
    for action in (s3, codecommit):
        assert action["Configuration"]["PollForSourceChanges"] is False


def test_the_gate_stage_invokes_the_gate_by_name_in_the_healthgate_namespace() -> None:
    # Given the HealthGate stage
    (action,) = cfn.stage(PIPELINE, "HealthGate")["Actions"]
    # Then it is a Lambda invoke action on the function named by the gate stack's output
    assert action["ActionTypeId"] == {
        "Category": "Invoke",
        "Owner": "AWS",
        "Provider": "Lambda",
        "Version": "1",
    }
    assert action["Namespace"] == "HealthGate"
    assert action["Configuration"]["FunctionName"] == {"Ref": "GateFunctionName"}


@pytest.mark.parametrize("mode", ["fail", "wait"])
@pytest.mark.parametrize(
    ("regions", "services"),
    [
        (DEFAULTS["GateRegions"], DEFAULTS["GateServices"]),
        ("eu-west-1", "EC2"),
        (TEN_REGIONS, "CLOUDFORMATION,SSM,LAMBDA,S3,EC2,IAM,CODEPIPELINE,KMS,SNS"),
    ],
)
def test_every_user_parameters_the_template_builds_pass_the_gates_validation(
    mode: str, regions: str, services: str
) -> None:
    # Given the template's UserParameters for these parameter values
    text = user_parameters(GateMode=mode, GateRegions=regions, GateServices=services)
    # When the gate validates them, Then they pass
    validate_user_parameters(text)
    # And they say what was asked, within CodePipeline's 1,000-character configuration limit
    parsed = json.loads(text)
    assert parsed["regions"] == regions.split(",")
    assert parsed["services"] == services.split(",")
    assert parsed["mode"] == mode
    assert ("maxWaitMinutes" in parsed) is (mode == "wait")
    assert len(text) <= 1000


def test_fail_mode_and_a_source_that_works_without_a_support_plan_are_the_defaults() -> None:
    # Given the UserParameters of a default deployment
    parsed = json.loads(user_parameters())
    # Then the gate fails the stage (the blocked-then-retried demo) and reads Health with "auto"
    assert parsed == {
        "regions": ["us-east-1", "global"],
        "services": ["CLOUDFORMATION", "SSM"],
        "source": "auto",
        "mode": "fail",
    }


def test_a_broken_user_parameters_string_is_caught() -> None:
    # Given a template whose UserParameters lost the brackets around the regions list
    broken = json.loads(json.dumps(TEMPLATE))
    gate = cfn.stage(broken["Resources"]["Pipeline"], "HealthGate")["Actions"][0]
    sub = gate["Configuration"]["UserParameters"]["Fn::If"][2]["Fn::Sub"]
    sub[0] = sub[0].replace('["${Regions}"]', '"${Regions}"')
    # When the gate validates the UserParameters, Then it refuses them, naming the key
    with pytest.raises(UserParametersError, match="regions"):
        validate_user_parameters(user_parameters(broken))


def test_the_pipeline_role_may_invoke_exactly_the_gate_and_nothing_is_granted_on_star() -> None:
    # Given every statement of both roles
    pipeline = cfn.statements(RESOURCES["PipelineRole"])
    deploy = cfn.statements(RESOURCES["DeployRole"])
    # Then the one Lambda permission is invoke on the gate's ARN
    assert pipeline["InvokeHealthGate"]["Action"] == "lambda:InvokeFunction"
    assert pipeline["InvokeHealthGate"]["Resource"] == {"Ref": "GateFunctionArn"}
    lambda_actions = [s for s in pipeline.values() if "lambda:" in json.dumps(s["Action"])]
    assert len(lambda_actions) == 1
    # And no statement of either role allows anything on "*"
    for statement in [*pipeline.values(), *deploy.values()]:
        assert statement["Resource"] != "*"
        assert "*" not in json.dumps(statement["Action"])


def test_the_deploy_stage_may_touch_only_the_demo_app_stack_and_its_parameter() -> None:
    # Given the roles' CloudFormation, PassRole and SSM statements
    pipeline = cfn.statements(RESOURCES["PipelineRole"])
    deploy = cfn.statements(RESOURCES["DeployRole"])
    prefix = "arn:${AWS::Partition}:"
    # Then the pipeline manages one stack and passes one role, to CloudFormation only
    assert pipeline["DeployOneStack"]["Resource"] == {
        "Fn::Sub": prefix
        + "cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${DeployedStackName}/*"
    }
    assert pipeline["PassDeployRoleToCloudFormation"]["Resource"] == {
        "Fn::GetAtt": ["DeployRole", "Arn"]
    }
    assert pipeline["PassDeployRoleToCloudFormation"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}
    }
    # And CloudFormation manages the parameters under /<stack name>/, where the app puts its one
    assert deploy["ManageParametersOfTheDemoStack"]["Resource"] == {
        "Fn::Sub": prefix + "ssm:${AWS::Region}:${AWS::AccountId}:parameter/${DeployedStackName}/*"
    }
    app_parameter = APP["Resources"]["GateResult"]["Properties"]["Name"]
    assert app_parameter == {"Fn::Sub": "/${AWS::StackName}/gate-result"}


def test_the_deployed_stack_gets_its_values_from_the_gates_output_variables() -> None:
    # Given the Deploy action
    (action,) = cfn.stage(PIPELINE, "Deploy")["Actions"]
    configuration = action["Configuration"]
    overrides = json.loads(configuration["ParameterOverrides"])
    # Then it deploys the demo app stack from the source, with the gate's variables
    assert action["ActionTypeId"]["Provider"] == "CloudFormation"
    assert configuration["StackName"] == {"Ref": "DeployedStackName"}
    assert configuration["TemplatePath"] == "SourceOutput::app.yaml"
    assert configuration["RoleArn"] == {"Fn::GetAtt": ["DeployRole", "Arn"]}
    assert overrides == {
        "GateStatus": "#{HealthGate.status}",
        "BlockingEvents": "#{HealthGate.blockingEvents}",
        "GateRegions": "#{HealthGate.regions}",
        "PipelineExecutionId": "#{codepipeline.PipelineExecutionId}",
    }
    # And the app template declares exactly those parameters
    assert set(APP["Parameters"]) == set(overrides)


@pytest.mark.parametrize("bucket", ["ArtifactBucket", "SourceBucket"])
def test_each_bucket_is_encrypted_private_versioned_tls_only_and_has_a_lifecycle(
    bucket: str,
) -> None:
    # Given the bucket and its policy
    properties = RESOURCES[bucket]["Properties"]
    policy = RESOURCES[f"{bucket}Policy"]["Properties"]["PolicyDocument"]["Statement"]
    # Then it is encrypted (SSE-S3), blocks public access, is versioned and expires old data
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["VersioningConfiguration"]["Status"] == "Enabled"
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert "NoncurrentVersionExpiration" in rule
    # And its policy denies every request without TLS
    (deny,) = policy
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_artifacts_outlive_a_blocked_record_so_a_retried_stage_finds_them() -> None:
    # Given the artifact retention and the gate stack's record lifetime
    gate = cfn.load(REPO / "template.yaml")
    retention = TEMPLATE["Parameters"]["ArtifactRetentionDays"]
    # Then artifacts live longer than the retrier keeps a blocked execution
    assert retention["MinValue"] > gate["Parameters"]["BlockedRecordTtlDays"]["Default"]


def test_auto_retry_relies_on_the_gate_stacks_rule_and_the_demo_is_retryable() -> None:
    # Given the gate stack's StageFailedRule and the demo's deploy script
    gate = cfn.load(REPO / "template.yaml")
    pattern = gate["Resources"]["StageFailedRule"]["Properties"]["EventPattern"]
    deploy_script = (DEMO / "deploy.sh").read_text(encoding="utf-8")
    common = (DEMO / "common.sh").read_text(encoding="utf-8")
    # Then the gate's rule hears every pipeline's stage failures, so the demo adds no rule
    assert "pipeline" not in pattern["detail"]
    assert not [r for r in RESOURCES.values() if r["Type"] == "AWS::Events::Rule"]
    # And the pipeline is named after its stack, which the script passes as RetryablePipelines
    assert PIPELINE["Properties"]["Name"] == {"Ref": "AWS::StackName"}
    assert 'PIPELINE_NAME="$PIPELINE_STACK"' in common
    assert 'retryable="${RETRYABLE_PIPELINES:-$PIPELINE_NAME}"' in deploy_script
    assert '"RetryablePipelines=$retryable"' in deploy_script


@pytest.mark.parametrize("path", ["pipeline.yaml", "app/app.yaml"])
def test_every_checkov_skip_says_why(path: str) -> None:
    # Given the checkov skips of a demo template
    for logical_id, skips in cfn.checkov_skips(cfn.load(DEMO / path)).items():
        for skip in skips:
            # Then each names a check and carries a real justification
            assert skip["id"].startswith("CKV_"), logical_id
            assert len(skip.get("comment", "").split()) >= 8, (logical_id, skip["id"])


@pytest.mark.parametrize(
    ("template", "parameter", "value"),
    [
        ("pipeline.yaml", "GateRegions", "eu-west-1,global"),  # deploy.sh's default: $REGION,global
        ("pipeline.yaml", "GateRegions", TEN_REGIONS),
        ("pipeline.yaml", "GateServices", "CLOUDFORMATION,SSM"),
        ("pipeline.yaml", "DeployedStackName", "health-gate-demo-app"),
        ("app/app.yaml", "GateRegions", "us-east-1,global"),  # the gate's regions variable
        ("app/app.yaml", "BlockingEvents", "0"),
        ("app/app.yaml", "PipelineExecutionId", "0c1a5b9e-6f7d-4b2e-9a8c-3d4e5f6a7b8c"),
    ],
)
def test_the_values_the_demo_passes_fit_the_parameters_patterns(
    template: str, parameter: str, value: str
) -> None:
    # Given a parameter's AllowedPattern
    pattern = cfn.load(DEMO / template)["Parameters"][parameter]["AllowedPattern"]
    # Then the value the demo passes to it matches
    assert re.fullmatch(pattern, value), (parameter, value)
