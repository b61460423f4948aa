#!/usr/bin/env bash
# make demo-release: upload a new source revision, start an execution of the demo pipeline on
# exactly that revision (StartPipelineExecution with a source revision override), and print the
# console link of that execution.
#
# Inputs (environment): STACK_PREFIX (default health-gate-demo).
set -euo pipefail

# shellcheck source=examples/demo-pipeline/common.sh
source "${BASH_SOURCE[0]%/*}/common.sh"

require_aws

pipeline="$(stack_output "$PIPELINE_STACK" PipelineName 2>/dev/null || true)"
[[ -n "$pipeline" ]] || die "no demo pipeline in stack $PIPELINE_STACK ($REGION): run 'make demo-pipeline' first."
provider="$(stack_output "$PIPELINE_STACK" SourceProvider)"
action="$(stack_output "$PIPELINE_STACK" SourceActionName)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$provider" == CodeCommit ]]; then
    repository="$(stack_output "$PIPELINE_STACK" SourceRepositoryName)"
    step "Commit a release note to CodeCommit repository $repository (branch main)"
    printf 'health-gate demo release, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/release.txt"
    parent="$(aws_cli codecommit get-branch --repository-name "$repository" --branch-name main \
        --query branch.commitId --output text)"
    revision="$(aws_cli codecommit put-file --repository-name "$repository" --branch-name main \
        --parent-commit-id "$parent" --file-path release.txt \
        --file-content "fileb://$work/release.txt" \
        --commit-message "health-gate demo release" --query commitId --output text)"
    revision_type=COMMIT_ID
else
    bucket="$(stack_output "$PIPELINE_STACK" SourceBucketName)"
    key="$(stack_output "$PIPELINE_STACK" SourceObjectKey)"
    step "Upload a new source zip to s3://$bucket/$key"
    build_source_zip "$work/source.zip"
    revision="$(aws_cli s3api put-object --bucket "$bucket" --key "$key" \
        --body "$work/source.zip" --query VersionId --output text)"
    revision_type=S3_OBJECT_VERSION_ID
fi
say "Revision: $revision"

step "Start pipeline $pipeline on that revision"
execution="$(aws_cli codepipeline start-pipeline-execution --name "$pipeline" \
    --source-revisions "actionName=$action,revisionType=$revision_type,revisionValue=$revision" \
    --query pipelineExecutionId --output text)"
say "Execution: $execution"
say "Console:   $(console_base)/$pipeline/executions/$execution/timeline?region=$REGION"
say "Follow it: aws codepipeline get-pipeline-execution --region $REGION --pipeline-name $pipeline --pipeline-execution-id $execution"
