"""HealthGateStage: the health-gate stage for an AWS CDK `codepipeline.Pipeline`.

The gate stack (template.yaml) exports nothing, so the gate comes in as the ARN of its function
(the stack output HealthGateFunctionArn), usually through a CfnParameter. The stage holds one
Lambda invoke action on that function; CDK's LambdaInvokeAction lets the pipeline invoke it
(lambda:InvokeFunction on the function, in the action's role).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_codepipeline_actions as actions
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

__all__ = ["HealthGateStage"]


class HealthGateStage(Construct):
    """A stage that invokes the health gate before the stages placed after it.

    `user_parameters` is the action's UserParameters as a mapping, for example
    `{"regions": ["us-east-1", "global"], "services": ["EC2"]}`; every key is optional (see
    the project README's Configuration table). `placement` puts the stage before an existing
    one, such as `codepipeline.StagePlacement(right_before=deploy_stage)`; without it the stage
    goes last.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline: codepipeline.Pipeline,
        gate_function_arn: str,
        user_parameters: Mapping[str, Any] | None = None,
        placement: codepipeline.StagePlacement | None = None,
        stage_name: str = "HealthGate",
        action_name: str = "CheckAwsHealth",
        namespace: str = "HealthGate",
    ) -> None:
        super().__init__(scope, construct_id)
        self.gate = lambda_.Function.from_function_arn(self, "Gate", gate_function_arn)
        self.user_parameters = json.dumps(dict(user_parameters)) if user_parameters else None
        self.action = actions.LambdaInvokeAction(
            action_name=action_name,
            lambda_=self.gate,
            user_parameters_string=self.user_parameters,
            variables_namespace=namespace,
        )
        self.stage = pipeline.add_stage(
            stage_name=stage_name, placement=placement, actions=[self.action]
        )

    def variable(self, name: str) -> str:
        """A reference to one of the gate's output variables: status, blockingEvents, regions."""
        return self.action.variable(name)
