"""An AWS CDK app that adds the health gate to a pipeline with HealthGateStage.

A V2 pipeline with an S3 source and a CloudFormation deploy stage (an "existing" pipeline),
and the gate stage placed right before the deploy stage. The deploy stage deploys the demo
app template (examples/demo-pipeline/app/app.yaml, zipped as source.zip in the source bucket)
with parameter values taken from the gate's output variables.

    cdk deploy --parameters HealthGateFunctionArn=<the gate stack's output HealthGateFunctionArn>

The region is explicit (context key "region", default us-east-1): the gate function must be in
the pipeline's region. `make examples-check` synthesizes this app without the cdk CLI:
`python app.py` writes the template to $CDK_OUTDIR.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct
from health_gate_stage import HealthGateStage

GATE_ARN_PATTERN = r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$"
APP_STACK_NAME = "health-gate-cdk-demo-app"


def private_bucket(scope: Construct, construct_id: str, *, expire_days: int | None) -> s3.Bucket:
    """Versioned, SSE-S3, TLS only, no public access, old versions expire."""
    rules = [s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(7))]
    if expire_days:
        rules.append(s3.LifecycleRule(expiration=cdk.Duration.days(expire_days)))
    return s3.Bucket(
        scope,
        construct_id,
        versioned=True,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        lifecycle_rules=rules,
    )


class GatedPipelineStack(cdk.Stack):
    """Source -> HealthGate -> Deploy."""

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        gate_arn = cdk.CfnParameter(
            self,
            "HealthGateFunctionArn",
            type="String",
            allowed_pattern=GATE_ARN_PATTERN,
            description="The gate stack's output HealthGateFunctionArn (same region as this stack)",
        )

        source_bucket = private_bucket(self, "SourceBucket", expire_days=None)
        pipeline = codepipeline.Pipeline(
            self,
            "Pipeline",
            pipeline_type=codepipeline.PipelineType.V2,
            artifact_bucket=private_bucket(self, "ArtifactBucket", expire_days=30),
        )
        source = codepipeline.Artifact("SourceOutput")
        pipeline.add_stage(
            stage_name="Source",
            actions=[
                actions.S3SourceAction(
                    action_name="S3Source",
                    bucket=source_bucket,
                    bucket_key="source.zip",
                    output=source,
                    trigger=actions.S3Trigger.NONE,
                )
            ],
        )
        deploy = pipeline.add_stage(stage_name="Deploy")

        gate = HealthGateStage(
            self,
            "HealthGate",
            pipeline=pipeline,
            gate_function_arn=gate_arn.value_as_string,
            user_parameters={
                "regions": [self.region, "global"],
                "services": ["CLOUDFORMATION", "SSM"],
            },
            placement=codepipeline.StagePlacement(right_before=deploy),
        )

        deploy_action = actions.CloudFormationCreateUpdateStackAction(
            action_name="DeployDemoStack",
            stack_name=APP_STACK_NAME,
            template_path=source.at_path("app.yaml"),
            admin_permissions=False,
            replace_on_failure=True,
            parameter_overrides={
                "GateStatus": gate.variable("status"),
                "BlockingEvents": gate.variable("blockingEvents"),
                "GateRegions": gate.variable("regions"),
                "PipelineExecutionId": codepipeline.GlobalVariables.EXECUTION_ID,
            },
        )
        deploy.add_action(deploy_action)
        # The demo app stack holds one SSM parameter under /<stack name>/.
        deploy_action.deployment_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "ssm:PutParameter",
                    "ssm:GetParameters",
                    "ssm:DeleteParameter",
                    "ssm:AddTagsToResource",
                    "ssm:RemoveTagsFromResource",
                    "ssm:ListTagsForResource",
                ],
                resources=[
                    self.format_arn(
                        service="ssm", resource="parameter", resource_name=f"{APP_STACK_NAME}/*"
                    )
                ],
            )
        )


def main() -> None:
    app = cdk.App()
    region = app.node.try_get_context("region") or "us-east-1"
    GatedPipelineStack(app, "HealthGateCdkExample", env=cdk.Environment(region=region))
    app.synth()


if __name__ == "__main__":
    main()
