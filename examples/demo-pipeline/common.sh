# shellcheck shell=bash
# Shared by the demo-pipeline scripts (deploy.sh, release.sh, delete.sh): names, the AWS CLI
# and its credentials, stack status and outputs. Sourced, never run.

ROOT="$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)"
DEMO_DIR="$ROOT/examples/demo-pipeline"
AWS_CLI="${AWS_CLI:-aws}"
PYTHON="${PYTHON:-python3}"

STACK_PREFIX="${STACK_PREFIX:-health-gate-demo}"
if [[ ! "$STACK_PREFIX" =~ ^[A-Za-z][A-Za-z0-9-]{0,40}$ ]]; then
    echo "STACK_PREFIX must start with a letter and hold at most 41 letters, digits and" \
         "hyphens, got '$STACK_PREFIX'." >&2
    exit 2
fi
# Used by the scripts that source this file.
# shellcheck disable=SC2034
{
    GATE_STACK="$STACK_PREFIX-gate"
    PIPELINE_STACK="$STACK_PREFIX-pipeline"
    PIPELINE_NAME="$PIPELINE_STACK"   # the template names the pipeline after its stack
    APP_STACK="$STACK_PREFIX-app"     # the stack the pipeline's Deploy stage creates
}

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

# Every AWS call goes through here, in the region require_aws chose.
aws_cli() { "$AWS_CLI" --region "$REGION" "$@"; }

# Before anything else: the AWS CLI, a region and working credentials, each with a clear message.
require_aws() {
    if ! command -v "$AWS_CLI" >/dev/null 2>&1; then
        die "the AWS CLI ('$AWS_CLI') is not installed or not on PATH. Install it" \
            "(https://docs.aws.amazon.com/cli/), configure credentials, and run this again." \
            "(make test needs neither the CLI nor an AWS account.)"
    fi
    REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
    if [[ -z "$REGION" ]]; then
        REGION="$("$AWS_CLI" configure get region 2>/dev/null || true)"
    fi
    if [[ -z "$REGION" ]]; then
        die "no AWS region: set AWS_REGION (for example 'AWS_REGION=us-east-1 make ...')" \
            "or a region in your AWS CLI profile."
    fi
    local identity
    if ! identity="$(aws_cli sts get-caller-identity --query Arn --output text 2>&1)"; then
        die "no usable AWS credentials ('aws sts get-caller-identity' failed: ${identity})." \
            "Configure them (aws configure, aws sso login, or AWS_PROFILE=...) and run this" \
            "again. (make test needs no AWS account.)"
    fi
    say "AWS: $identity in $REGION"
}

# CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... or NONE when the stack does not exist.
stack_status() {
    local out
    if out="$(aws_cli cloudformation describe-stacks --stack-name "$1" \
        --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
        say "$out"
    elif [[ "$out" == *"does not exist"* ]]; then
        say NONE
    else
        die "cannot read stack $1: $out"
    fi
}

# The value of one output of a stack, empty when the stack has no such output.
stack_output() {
    aws_cli cloudformation describe-stacks --stack-name "$1" \
        --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue | [0]" --output text |
        sed 's/^None$//'
}

# Delete a stack and wait until it is gone; nothing to do when it does not exist. Returns 1
# (instead of exiting) when the deletion fails, so that a caller may clean up and retry.
delete_stack() {
    local name="$1" status
    [[ -n "$name" ]] || die "delete_stack: no stack name"
    status="$(stack_status "$name")" || return 1
    if [[ "$status" == NONE ]]; then
        say "Stack $name: not there."
        return 0
    fi
    say "Deleting stack $name ..."
    aws_cli cloudformation delete-stack --stack-name "$name" || return 1
    if ! aws_cli cloudformation wait stack-delete-complete --stack-name "$name"; then
        say "Stack $name: deletion failed; its events say why:"
        # The backticks are a JMESPath literal, not a shell expansion.
        # shellcheck disable=SC2016
        aws_cli cloudformation describe-stack-events --stack-name "$name" --max-items 5 \
            --query 'StackEvents[?ResourceStatus==`DELETE_FAILED`].[LogicalResourceId, ResourceStatusReason]' \
            --output text || true
        return 1
    fi
    say "Stack $name: deleted."
}

# A stack whose creation failed can only be deleted; anything in progress must finish first.
ensure_deployable() {
    local name="$1" status
    status="$(stack_status "$name")"
    case "$status" in
        ROLLBACK_COMPLETE)
            say "Stack $name failed to create earlier (ROLLBACK_COMPLETE): deleting it first."
            delete_stack "$name"
            ;;
        *_IN_PROGRESS)
            die "stack $name is busy ($status). Wait for it to finish, then run this again."
            ;;
    esac
}

# Delete every version and delete marker, up to 1,000 per call, until none is left.
empty_bucket() {
    local bucket="$1" versions markers batch
    [[ -n "$bucket" ]] || return 0
    if ! aws_cli s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
        say "Bucket $bucket: not there."
        return 0
    fi
    say "Emptying bucket $bucket ..."
    while true; do
        versions="$(aws_cli s3api list-object-versions --bucket "$bucket" --max-items 500 \
            --query 'Versions[].{Key: Key, VersionId: VersionId}' --output json)"
        markers="$(aws_cli s3api list-object-versions --bucket "$bucket" --max-items 500 \
            --query 'DeleteMarkers[].{Key: Key, VersionId: VersionId}' --output json)"
        batch="$("$PYTHON" -c '
import json, sys
found = [item for text in sys.argv[1:] for item in (json.loads(text) or [])]
print(json.dumps({"Objects": found[:1000], "Quiet": True}) if found else "")
' "$versions" "$markers")"
        [[ -n "$batch" ]] || break
        aws_cli s3api delete-objects --bucket "$bucket" --delete "$batch" >/dev/null
    done
    say "Bucket $bucket: empty."
}

# The demo source: the app template plus a release note, zipped with Python's zipfile.
build_source_zip() {
    local out="$1" work
    work="$(mktemp -d)"
    cp "$DEMO_DIR/app/app.yaml" "$work/app.yaml"
    printf 'health-gate demo release, built %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/release.txt"
    (cd "$work" && "$PYTHON" -m zipfile -c "$out" app.yaml release.txt)
    rm -rf "$work"
}

console_base() { say "https://$REGION.console.aws.amazon.com/codesuite/codepipeline/pipelines"; }
