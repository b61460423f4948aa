#!/usr/bin/env bash
# make demo-pipeline: deploy, or update, the gate stack and the demo pipeline.
#
# Inputs (environment; make passes them through):
#   STACK_PREFIX         stacks <prefix>-gate, <prefix>-pipeline, <prefix>-app (default health-gate-demo)
#   REGIONS              regions the gate watches, comma-separated (default: this region,global)
#   SLACK_WORKSPACE_ID   with SLACK_CHANNEL_ID: an AWS Chatbot Slack channel for the gate stack
#   SLACK_CHANNEL_ID
#   SERVICES             AWS Health service codes (default CLOUDFORMATION,SSM)
#   GATE_MODE            fail (default) or wait
#   HEALTH_SOURCE        auto (default), health-api or public-dashboard
#   SOURCE_PROVIDER      S3 (default) or CodeCommit (an account that can create repositories)
#   RETRYABLE_PIPELINES  the gate stack's RetryablePipelines (default: the demo pipeline's name)
#   SAM, BUILT_TEMPLATE  the SAM CLI and the `make sam-build` output (make passes both)
#
# First run: the buckets (pipeline stack with CreatePipeline=false), the gate stack (its
# package goes to the artifact bucket), the source zip, then the pipeline, whose automatic
# first execution finds the zip. Later runs update the two stacks and release nothing.
set -euo pipefail

# shellcheck source=examples/demo-pipeline/common.sh
source "${BASH_SOURCE[0]%/*}/common.sh"

require_aws

regions="${REGIONS:-$REGION,global}"
services="${SERVICES:-CLOUDFORMATION,SSM}"
gate_mode="${GATE_MODE:-fail}"
health_source="${HEALTH_SOURCE:-auto}"
source_provider="${SOURCE_PROVIDER:-S3}"
retryable="${RETRYABLE_PIPELINES:-$PIPELINE_NAME}"
sam="${SAM:-$ROOT/.tools/sam/bin/sam}"
built="${BUILT_TEMPLATE:-$ROOT/.aws-sam/build/template.yaml}"

[[ -x "$sam" ]] || die "no SAM CLI at $sam: 'make demo-pipeline' builds it (make tools)."
[[ -f "$built" ]] || die "no built gate at $built: 'make demo-pipeline' runs make sam-build first."
if [[ -n "${SLACK_WORKSPACE_ID:-}" && -z "${SLACK_CHANNEL_ID:-}" ]] ||
    [[ -z "${SLACK_WORKSPACE_ID:-}" && -n "${SLACK_CHANNEL_ID:-}" ]]; then
    die "give both SLACK_WORKSPACE_ID and SLACK_CHANNEL_ID, or neither."
fi

deploy_pipeline_stack() {
    aws_cli cloudformation deploy \
        --stack-name "$PIPELINE_STACK" \
        --template-file "$DEMO_DIR/pipeline.yaml" \
        --capabilities CAPABILITY_IAM \
        --no-fail-on-empty-changeset \
        --parameter-overrides \
        "SourceProvider=$source_provider" \
        "DeployedStackName=$APP_STACK" \
        "GateRegions=$regions" \
        "GateServices=$services" \
        "GateMode=$gate_mode" \
        "HealthSource=$health_source" \
        "$@"
}

step "1/5 Buckets: stack $PIPELINE_STACK"
ensure_deployable "$PIPELINE_STACK"
first_run=false
if [[ "$(stack_status "$PIPELINE_STACK")" == NONE ]]; then
    first_run=true
    deploy_pipeline_stack CreatePipeline=false GateFunctionName= GateFunctionArn=
else
    say "Exists; the pipeline is updated in step 5."
fi
artifact_bucket="$(stack_output "$PIPELINE_STACK" ArtifactBucketName)"
source_bucket="$(stack_output "$PIPELINE_STACK" SourceBucketName)"
source_key="$(stack_output "$PIPELINE_STACK" SourceObjectKey)"

step "2/5 Gate: stack $GATE_STACK (RetryablePipelines=$retryable, HealthSource=$health_source)"
ensure_deployable "$GATE_STACK"
gate_parameters=("HealthSource=$health_source" "RetryablePipelines=$retryable")
if [[ -n "${SLACK_WORKSPACE_ID:-}" ]]; then
    gate_parameters+=("SlackWorkspaceId=$SLACK_WORKSPACE_ID" "SlackChannelId=$SLACK_CHANNEL_ID")
fi
"$sam" deploy \
    --config-file "$DEMO_DIR/samconfig.toml" \
    --template-file "$built" \
    --stack-name "$GATE_STACK" \
    --region "$REGION" \
    --s3-bucket "$artifact_bucket" \
    --s3-prefix gate-package \
    --no-progressbar \
    --parameter-overrides "${gate_parameters[@]}"
gate_name="$(stack_output "$GATE_STACK" HealthGateFunctionName)"
gate_arn="$(stack_output "$GATE_STACK" HealthGateFunctionArn)"
[[ -n "$gate_name" && -n "$gate_arn" ]] || die "stack $GATE_STACK has no gate function outputs."
say "Gate: $gate_arn"

step "3/5 Source: s3://$source_bucket/$source_key"
if aws_cli s3api head-object --bucket "$source_bucket" --key "$source_key" >/dev/null 2>&1; then
    say "Present (make demo-release uploads the next one)."
else
    zip_file="$(mktemp -d)/source.zip"
    build_source_zip "$zip_file"
    aws_cli s3api put-object --bucket "$source_bucket" --key "$source_key" \
        --body "$zip_file" --query VersionId --output text
    rm -rf "${zip_file%/*}"
fi

step "4/5 Pipeline: stack $PIPELINE_STACK ($source_provider source, gate mode $gate_mode, regions $regions)"
deploy_pipeline_stack CreatePipeline=true "GateFunctionName=$gate_name" "GateFunctionArn=$gate_arn"

step "5/5 Done"
say "Pipeline:  $(stack_output "$PIPELINE_STACK" PipelineConsoleUrl)"
if [[ "$first_run" == true ]]; then
    say "CodePipeline starts a new pipeline once on creation: that first execution is running now."
fi
say "Release:   make demo-release STACK_PREFIX=$STACK_PREFIX"
say "Clean up:  make demo-pipeline-delete STACK_PREFIX=$STACK_PREFIX"
