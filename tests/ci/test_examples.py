"""The GitLab CI and Jenkins examples: a gate before deploy, in wait mode, reading the JSON.

`make ci-schemas` validates the GitLab file against GitLab's schema. Nothing lints a
Jenkinsfile offline (Jenkins validates it on its controller), so its test is structural.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.harness import REPO
from tests.ci.verdicts import BLOCKED, EC2_ARN, HEALTHY

GITLAB = REPO / "examples" / "gitlab-ci" / ".gitlab-ci.yml"
JENKINSFILE = REPO / "examples" / "jenkins" / "Jenkinsfile"
HEREDOC = re.compile(r"python3 - <<'PY'\n(.*?)\nPY", re.DOTALL)
PAIRS = {")": "(", "]": "[", "}": "{"}


def gitlab() -> dict[str, Any]:
    return dict(yaml.safe_load(GITLAB.read_text(encoding="utf-8")))


def test_gitlab_runs_the_gate_in_wait_mode_in_a_stage_before_deploy() -> None:
    # Given the GitLab example
    config = gitlab()
    gate, deploy = config["health-gate"], config["deploy"]

    # Then the gate's stage comes first, and the deploy job needs the gate job
    assert config["stages"].index(gate["stage"]) < config["stages"].index(deploy["stage"])
    assert deploy["needs"] == ["health-gate"]
    # And the gate waits, writes JSON, and keeps it even when it fails
    (check,) = [line for line in gate["script"] if line.startswith("health-gate check")]
    assert "--wait" in check.split()
    assert check.endswith("--json > health-gate.json")
    assert gate["artifacts"]["when"] == "always"
    assert gate["artifacts"]["paths"] == ["health-gate.json"]
    assert gate["artifacts"]["reports"]["dotenv"] == "health-gate.env"
    # And it signs in with an OIDC ID token for STS
    assert gate["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "sts.amazonaws.com"
    assert {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} <= set(gate["variables"])


@pytest.mark.parametrize(("verdict", "count"), [(BLOCKED, "1"), (HEALTHY, "0")])
def test_gitlab_after_script_reads_the_json_verdict(
    tmp_path: Path, verdict: dict[str, Any], count: str
) -> None:
    # Given the JSON verdict the gate wrote, and the Python of the after_script
    (tmp_path / "health-gate.json").write_text(json.dumps(verdict), encoding="utf-8")
    (script,) = HEREDOC.findall("\n".join(gitlab()["health-gate"]["after_script"]))

    # When the after_script's Python runs
    result = subprocess.run(  # noqa: S603 - the example's own code
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    # Then it lists the incidents and passes the verdict on as dotenv variables
    assert f"AWS Health gate {verdict['verdict']}: {verdict['summary']}" in result.stdout
    assert (EC2_ARN in result.stdout) == (count == "1")
    assert (tmp_path / "health-gate.env").read_text(encoding="utf-8") == (
        f"GATE_VERDICT={verdict['verdict']}\nGATE_BLOCKING_COUNT={count}\n"
    )


def groovy_code(text: str) -> str:
    """The text with comments removed and each string literal replaced by an empty one."""
    token = re.compile(
        r"//[^\n]*|/\*.*?\*/|'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"",
        re.DOTALL,
    )
    return token.sub(lambda m: "" if m.group().startswith("/") else "''", text)


def test_the_jenkinsfile_is_balanced_outside_strings_and_comments() -> None:
    # Given the Jenkinsfile's code
    code = groovy_code(JENKINSFILE.read_text(encoding="utf-8"))

    # Then every bracket closes, in order
    stack: list[str] = []
    for char in code:
        if char in "([{":
            stack.append(char)
        elif char in PAIRS:
            assert stack and stack.pop() == PAIRS[char], f"unbalanced {char}"
    assert not stack
    assert code.lstrip().startswith("pipeline {")


def test_jenkins_runs_the_gate_in_wait_mode_in_a_stage_before_deploy() -> None:
    # Given the Jenkinsfile
    text = JENKINSFILE.read_text(encoding="utf-8")
    stages = re.findall(r"stage\('([^']+)'\)", text)

    # Then the health gate stage comes right before the deploy stage
    assert stages.index("Health gate") + 1 == stages.index("Deploy")
    # And it waits, within the stage's timeout, and reads the JSON verdict
    check = text[text.index("health-gate check") : text.index("> health-gate.json")]
    assert "--wait" in check.split()
    assert "--json" in check.split()
    assert "timeout(time: 75, unit: 'MINUTES')" in text
    assert "--max-wait-minutes 60" in " ".join(check.split())
    assert "readJSON(file: 'health-gate.json')" in text
    # And it maps the exit codes: blocked and errors fail the stage
    assert "sh(returnStatus: true" in text
    assert "if (code == 1)" in text
    assert "else if (code != 0)" in text
    assert "archiveArtifacts artifacts: 'health-gate.json'" in text
