#!/usr/bin/env bash
# make demo-pipeline runs this first, so that missing credentials are reported before the
# gate is built: the AWS CLI, a region and working credentials.
set -euo pipefail

# shellcheck source=examples/demo-pipeline/common.sh
source "${BASH_SOURCE[0]%/*}/common.sh"

require_aws
