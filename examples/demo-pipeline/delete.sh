#!/usr/bin/env bash
# make demo-pipeline-delete: remove everything make demo-pipeline and the pipeline created, in
# the order that works:
#   1. stop the pipeline's running executions (a running Deploy would race the next step);
#   2. the stack the Deploy stage created (it uses the pipeline stack's CloudFormation role, so
#      it goes first);
#   3. every object version and delete marker in the artifact and source buckets;
#   4. the pipeline stack (pipeline, roles, buckets, CodeCommit repository if any);
#   5. the gate stack (gate, retrier, topics, table, queues, Slack channel).
#
# Inputs (environment): STACK_PREFIX (default health-gate-demo); YES=1 skips the question.
set -euo pipefail

# shellcheck source=examples/demo-pipeline/common.sh
source "${BASH_SOURCE[0]%/*}/common.sh"

require_aws

pipeline_status="$(stack_status "$PIPELINE_STACK")"
app_stack=""
if [[ "$pipeline_status" != NONE ]]; then
    app_stack="$(stack_output "$PIPELINE_STACK" DeployedStackName)"
fi
app_stack="${app_stack:-$APP_STACK}"
say "This deletes, in $REGION: stacks $app_stack, $PIPELINE_STACK and $GATE_STACK, and every"
say "object version in the demo's artifact and source buckets."
if [[ "${YES:-}" != 1 && -t 0 ]]; then
    read -r -p "Type the stack prefix ($STACK_PREFIX) to go on: " answer
    [[ "$answer" == "$STACK_PREFIX" ]] || die "nothing deleted."
fi

step "1/5 Stop running executions of $PIPELINE_NAME"
if [[ "$pipeline_status" != NONE && -n "$(stack_output "$PIPELINE_STACK" PipelineName)" ]]; then
    running="$(aws_cli codepipeline list-pipeline-executions --pipeline-name "$PIPELINE_NAME" \
        --max-items 20 --query "pipelineExecutionSummaries[?status=='InProgress'].pipelineExecutionId" \
        --output text | sed 's/^None$//')"
    for execution in $running; do
        aws_cli codepipeline stop-pipeline-execution --pipeline-name "$PIPELINE_NAME" \
            --pipeline-execution-id "$execution" --abandon --reason "make demo-pipeline-delete" >/dev/null
        say "Stopped $execution."
    done
else
    say "No pipeline."
fi

step "2/5 The Deploy stage's stack"
delete_stack "$app_stack"

step "3/5 Buckets"
artifact_bucket=""
source_bucket=""
if [[ "$pipeline_status" != NONE ]]; then
    artifact_bucket="$(stack_output "$PIPELINE_STACK" ArtifactBucketName)"
    source_bucket="$(stack_output "$PIPELINE_STACK" SourceBucketName)"
fi
empty_bucket "$artifact_bucket"
empty_bucket "$source_bucket"

step "4/5 Pipeline stack"
if ! delete_stack "$PIPELINE_STACK"; then
    # An action that was still finishing may have written one more artifact: empty, try again.
    say "Deleting $PIPELINE_STACK failed; emptying the buckets again and retrying once."
    empty_bucket "$artifact_bucket"
    empty_bucket "$source_bucket"
    delete_stack "$PIPELINE_STACK"
fi

step "5/5 Gate stack"
delete_stack "$GATE_STACK"

say
say "Done. The gate's KMS key is scheduled for deletion after a 7-day waiting period, which"
say "AWS does not bill; the log groups, queues and table went with the gate stack."
