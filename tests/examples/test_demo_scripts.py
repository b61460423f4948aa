"""The make demo-* scripts, offline: before any AWS call they check for the AWS CLI, a region
and credentials, and say clearly what is missing. No test here reaches AWS."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.examples.conftest import EXAMPLES

DEMO = EXAMPLES / "demo-pipeline"
SCRIPTS = ["deploy.sh", "release.sh", "delete.sh"]
BASH = "/bin/bash"


def fake_aws(tmp_path: Path, *, region: str = "", credentials: bool = False) -> Path:
    """An `aws` that logs its arguments, knows a region, and has credentials or not."""
    log = tmp_path / "aws-calls.log"
    script = tmp_path / "aws"
    script.write_text(
        f"""#!/bin/bash
echo "$*" >> {log}
case "$*" in
  *"configure get region"*) [[ -n "{region}" ]] && echo "{region}"; exit 0 ;;
  *"sts get-caller-identity"*)
    {"echo arn:aws:iam::111122223333:user/demo; exit 0" if credentials else ""}
    echo "Unable to locate credentials. You can configure credentials by running" \\
         "\\"aws configure\\"." >&2
    exit 253 ;;
esac
echo "unexpected call: $*" >&2
exit 99
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(  # noqa: S603 (fixed argv: bash and our own scripts)
        [BASH, str(DEMO / script)],
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_without_the_aws_cli_each_script_says_so(script: str, tmp_path: Path) -> None:
    # Given no AWS CLI
    # When a demo script runs
    done = run(script, AWS_CLI=str(tmp_path / "no-such-aws"), AWS_REGION="us-east-1")
    # Then it stops at once and says what is missing
    assert done.returncode == 1
    assert "the AWS CLI" in done.stderr
    assert "not installed" in done.stderr


@pytest.mark.parametrize("script", SCRIPTS)
def test_without_credentials_each_script_stops_before_any_other_call(
    script: str, tmp_path: Path
) -> None:
    # Given an AWS CLI without credentials
    aws = fake_aws(tmp_path)
    # When a demo script runs
    done = run(script, AWS_CLI=str(aws), AWS_REGION="eu-west-1")
    # Then it says the credentials are missing, with the CLI's own words
    assert done.returncode == 1
    assert "no usable AWS credentials" in done.stderr
    assert "Unable to locate credentials" in done.stderr
    assert "make test needs no AWS account" in done.stderr
    # And get-caller-identity was its only AWS call
    calls = (tmp_path / "aws-calls.log").read_text(encoding="utf-8").splitlines()
    assert calls == ["--region eu-west-1 sts get-caller-identity --query Arn --output text"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_without_a_region_each_script_asks_for_one(script: str, tmp_path: Path) -> None:
    # Given credentials but no region in the environment or the CLI profile
    aws = fake_aws(tmp_path, credentials=True)
    # When a demo script runs
    done = run(script, AWS_CLI=str(aws))
    # Then it asks for AWS_REGION
    assert done.returncode == 1
    assert "no AWS region: set AWS_REGION" in done.stderr


def test_a_stack_prefix_that_cannot_name_a_stack_is_refused(tmp_path: Path) -> None:
    # When the prefix has a character stack names do not allow
    done = run("deploy.sh", STACK_PREFIX="demo_1", AWS_CLI=str(fake_aws(tmp_path)))
    # Then the script refuses it before anything else
    assert done.returncode == 2
    assert "STACK_PREFIX" in done.stderr
    assert not (tmp_path / "aws-calls.log").exists()


def test_the_source_zip_holds_the_app_template_and_a_release_note(tmp_path: Path) -> None:
    # When the scripts' zip builder runs
    out = tmp_path / "source.zip"
    subprocess.run(  # noqa: S603 (fixed argv: bash and our own script)
        [BASH, "-c", f'source "{DEMO / "common.sh"}" && build_source_zip "{out}"'],
        check=True,
        timeout=60,
    )
    # Then the zip holds app.yaml (the template the Deploy stage uses) and release.txt
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["app.yaml", "release.txt"]
        app = archive.read("app.yaml")
    assert app == (DEMO / "app" / "app.yaml").read_bytes()


VERSIONS = [{"Key": "a.zip", "VersionId": "v1"}, {"Key": "a.zip", "VersionId": "v2"}]
MARKERS = [{"Key": "b.zip", "VersionId": "m1"}]


def versioned_bucket_aws(tmp_path: Path) -> Path:
    """An `aws` whose bucket holds two versions and a delete marker until delete-objects runs.

    Like the real CLI, it prints JSON over several lines."""
    (tmp_path / "versions.json").write_text(json.dumps(VERSIONS, indent=4), encoding="utf-8")
    (tmp_path / "markers.json").write_text(json.dumps(MARKERS, indent=4), encoding="utf-8")
    state = tmp_path / "deleted"
    script = tmp_path / "aws"
    script.write_text(
        f"""#!/bin/bash
listing() {{ if [[ -e {state} ]]; then echo null; else cat "{tmp_path}/$1.json"; fi; }}
case "$*" in
  *"head-bucket"*) exit 0 ;;
  *"list-object-versions"*"Versions[]"*) listing versions ;;
  *"list-object-versions"*"DeleteMarkers[]"*) listing markers ;;
  *"delete-objects"*)
    while [[ $# -gt 0 ]]; do
      [[ "$1" == --delete ]] && echo "$2" >> {tmp_path}/deletes.log; shift
    done
    touch {state} ;;
  *) echo "unexpected call: $*" >&2; exit 99 ;;
esac
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_emptying_a_bucket_deletes_every_version_and_delete_marker(tmp_path: Path) -> None:
    # Given a versioned bucket with two versions of one key and a delete marker of another
    aws = versioned_bucket_aws(tmp_path)
    # When the delete script's empty_bucket runs on it
    subprocess.run(  # noqa: S603 (fixed argv: bash and our own script)
        [BASH, "-c", f'source "{DEMO / "common.sh"}" && REGION=us-east-1 && empty_bucket demo'],
        env={**os.environ, "AWS_CLI": str(aws)},
        check=True,
        capture_output=True,
        timeout=60,
    )
    # Then one delete-objects call removed all three, and the next listing found nothing
    (batch,) = (tmp_path / "deletes.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(batch) == {"Objects": VERSIONS + MARKERS, "Quiet": True}


@pytest.mark.parametrize("script", [*SCRIPTS, "check-aws.sh"])
def test_every_script_is_strict_bash(script: str) -> None:
    text = (DEMO / script).read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
