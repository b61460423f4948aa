"""A newcomer's first five minutes with `health-gate check`, and a CI system's (issue 12)."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

import health_gate
from health_gate.cli import check as check_command
from health_gate.cli import main
from health_gate.errors import EXIT_BLOCKED, EXIT_ERROR, EXIT_HEALTHY, EXIT_INTERRUPTED
from tests.fakes.cli import run_check
from tests.fakes.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(
    resources.files("health_gate.cli").joinpath("output.schema.json").read_text("utf-8")
)
EC2 = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/open-1"
IAM = "arn:aws:health:global::event/IAM/AWS_IAM_OPERATIONAL_ISSUE/open-2"

pytestmark = pytest.mark.usefixtures("cli_environment")


def event(arn: str, **fields: Any) -> dict[str, Any]:
    service, code = arn.split("/")[1:3]
    raw = {"arn": arn, "service": service, "eventTypeCode": code, "eventTypeCategory": "issue"}
    return {**raw, "region": arn.split(":")[3], "statusCode": "open", **fields}


def recording(tmp_path: Path, *events: dict[str, Any], encode: Any = None) -> Path:
    path = tmp_path / "events.json"
    text = json.dumps({"events": list(events)})
    path.write_bytes(encode(text) if encode else text.encode("utf-8"))
    return path


def conforms(document: dict[str, Any]) -> dict[str, Any]:
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    return document


# --- credentials ------------------------------------------------------------------------------


@pytest.fixture
def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine with no AWS credentials at all, and a Health endpoint nobody answers."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_HEALTH", "http://127.0.0.1:9")
    return tmp_path


@pytest.mark.parametrize(
    ("setup", "named"),
    [
        ("none", "NoCredentialsError"),
        ("unknown-profile", "ProfileNotFound"),
        ("sso-signed-out", "SSOTokenLoadError"),
    ],
)
def test_missing_credentials_say_so_and_what_to_do(
    no_credentials: Path, monkeypatch: pytest.MonkeyPatch, setup: str, named: str
) -> None:
    # Given no credentials, a profile that does not exist, or an SSO profile whose sign-in
    # expired (no cached token)
    if setup == "unknown-profile":
        monkeypatch.setenv("AWS_PROFILE", "nope")
    if setup == "sso-signed-out":
        (no_credentials / "config").write_text(
            "[profile dev]\nsso_start_url = https://example.awsapps.com/start\n"
            "sso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
        )
        monkeypatch.setenv("AWS_PROFILE", "dev")
    # When the CLI asks AWS Health
    code, out, err = run_check("--regions", "us-east-1")
    # Then it exits 2 with what is wrong and what to do, not "unexpected error"
    assert code == EXIT_ERROR
    assert "No usable AWS credentials" in err and named in err
    assert "aws sso login" in err and "--events-file" in err
    assert "unexpected" not in err and out == ""


# --- events files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),  # PowerShell's `>`
    ],
    ids=["utf8-bom", "utf16-powershell"],
)
def test_an_events_file_saved_by_windows_tools_is_read(tmp_path: Path, encode: Any) -> None:
    path = recording(tmp_path, event(EC2), encode=encode)
    assert run_check("--events-file", str(path))[0] == EXIT_BLOCKED


def test_an_event_without_a_status_blocks(tmp_path: Path) -> None:
    raw = event(EC2)
    raw.pop("statusCode")
    assert run_check("--events-file", str(recording(tmp_path, raw)))[0] == EXIT_BLOCKED


def test_a_wait_on_a_recording_ends_when_the_recording_does(
    tmp_path: Path, clock: FakeClock
) -> None:
    # Given a recorded incident that someone marks closed after 45 s
    path = recording(tmp_path, event(EC2))

    def incident_ends() -> None:
        path.write_text(json.dumps({"events": [event(EC2, statusCode="closed")]}))

    clock.at(45, incident_ends)
    # When the CLI waits on the file
    code, out, _ = run_check("--events-file", str(path), "--wait", "--poll-interval-seconds", "30")
    # Then it read the file again at each check and let the deployment through
    assert code == EXIT_HEALTHY
    assert out.count("waiting:") == 2 and "Waited 1 min 00 s." not in out
    assert "Waited 1 min 0 s." in out


def test_progress_lists_regions_in_the_configured_order(tmp_path: Path, clock: FakeClock) -> None:
    path = recording(tmp_path, event(EC2), event(IAM))
    _, out, _ = run_check(
        "--events-file", str(path), "--regions", "global,us-east-1", "--wait",
        "--max-wait-minutes", "1",
    )  # fmt: skip
    assert "2 blocking AWS Health events in global, us-east-1;" in out.splitlines()[0]


# --- flags, --params, precedence --------------------------------------------------------------


def test_params_take_the_pipelines_legacy_comma_form(tmp_path: Path) -> None:
    path = recording(tmp_path, event(EC2))
    code, out, _ = run_check("--events-file", str(path), "--params", "eu-west-1, global")
    assert code == EXIT_HEALTHY and "in eu-west-1, global" in out


def test_every_unknown_key_is_named(tmp_path: Path) -> None:
    params = json.dumps({"region": ["us-east-1"], "servics": ["EC2"], "zzz": 1})
    code, _, err = run_check("--events-file", str(recording(tmp_path)), "--params", params)
    assert code == EXIT_ERROR
    assert '"region" (did you mean "regions"?)' in err
    assert '"servics" (did you mean "services"?)' in err and '"zzz"' in err


def test_flags_cover_every_user_parameters_key() -> None:
    from health_gate.config.user_parameters import KEYS

    # autoRetry is the retrier's, for pipeline actions only
    covered = set(check_command.FLAGS) | {"organization", "mode", "autoRetry"}
    assert "drillUntil" in check_command.FLAGS
    assert covered == set(KEYS)


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        (["--ignore-event-types", "AWS_EC2_OPERATIONAL_ISSUE"], EXIT_HEALTHY),
        (["--status-codes", "closed"], EXIT_HEALTHY),
        (["--organization", "--account-ids", "123456789012"], EXIT_BLOCKED),
        (["--on-health-api-error", "pass"], EXIT_BLOCKED),
    ],
)
def test_the_new_flags_apply(tmp_path: Path, flags: list[str], code: int) -> None:
    path = recording(tmp_path, event(EC2))
    assert run_check("--events-file", str(path), "--regions", "us-east-1", *flags)[0] == code


def test_flags_beat_params_which_beat_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three layers naming three different regions
    monkeypatch.setenv("HEALTH_GATE_REGIONS", "eu-west-1")
    monkeypatch.setenv("HEALTH_GATE_SERVICES", "LAMBDA")
    path = recording(tmp_path, event(EC2))
    params = json.dumps({"regions": ["ap-south-1"], "services": ["EC2"]})
    # Then the flag wins for regions, --params for services, and the environment for nothing
    code, out = run_check("--events-file", str(path), "--params", params, "--regions", "us-east-1")[
        :2
    ]
    assert code == EXIT_BLOCKED and "in us-east-1:" in out


def test_an_aws_region_that_is_no_region_is_refused_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "not-a-region")
    code, _, err = run_check("--events-file", str(recording(tmp_path)))
    assert code == EXIT_ERROR and "environment variable AWS_REGION" in err


# --- the command line itself ------------------------------------------------------------------


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"health-gate {health_gate.__version__}\n"


def test_check_help_fits_a_screen_with_examples_exit_codes_and_variables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["check", "--help"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert len(lines) <= 45 and max(len(line) for line in lines) <= 80
    for needed in ("examples:", "exit codes:", "130 interrupted", "HEALTH_GATE_", "AWS_REGION"):
        assert needed in text


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any) -> int:
        raise KeyboardInterrupt

    # Given a check that the person interrupts with Ctrl-C
    monkeypatch.setattr(check_command, "run_check", interrupted)
    err = io.StringIO()
    # Then the exit code is the shell's convention for SIGINT, not 2 (a usage error)
    code = main(["check"], out=io.StringIO(), err=err)
    assert code == EXIT_INTERRUPTED == 130
    assert "interrupted" in err.getvalue()


# --- JSON, every kind of document -------------------------------------------------------------


@pytest.fixture
def docs(tmp_path: Path, clock: FakeClock) -> Iterator[list[dict[str, Any]]]:
    """Every JSON document the CLI prints, from every kind of run."""
    found: list[dict[str, Any]] = []
    blocked = recording(tmp_path, event(EC2))
    runs = [
        ["--events-file", str(blocked)],
        ["--events-file", str(blocked), "--regions", "eu-west-1"],
        ["--events-file", str(blocked), "--wait", "--max-wait-minutes", "1"],
        ["--events-file", str(tmp_path / "missing.json")],
        ["--regions", "us-esat-1"],
        ["--no-such-flag"],
    ]
    for argv in runs:
        code, out, err = run_check(*argv, "--json")
        document = json.loads(out)
        assert document["exitCode"] == code
        found.append(document)
        found += [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    yield found


def test_every_json_document_follows_the_published_schema(docs: list[dict[str, Any]]) -> None:
    kinds = set()
    for document in docs:
        conforms(document)
        kinds.add(document.get("verdict", "progress"))
    assert kinds == {"HEALTHY", "BLOCKED", "ERROR", "progress"}


def test_an_unknown_verdict_follows_the_schema(aws_fake: Any) -> None:
    aws_fake.fail_next("DescribeEvents", "InternalFailure", times=10)
    code, out, _ = run_check("--regions", "us-east-1", "--on-health-api-error", "pass", "--json")
    assert code == EXIT_HEALTHY
    assert conforms(json.loads(out))["verdict"] == "UNKNOWN"


def test_errors_with_json_are_json(tmp_path: Path) -> None:
    code, out, err = run_check("--regions", "us-esat-1", "--json")
    body = json.loads(out)
    assert (code, body["verdict"], body["error"]["type"]) == (2, "ERROR", "ConfigurationError")
    assert 'Did you mean "us-east-1"?' in body["error"]["message"]
    assert err.startswith("health-gate: ")


# --- shell completion, licence, changelog -----------------------------------------------------


def test_bash_completion_offers_the_flags_and_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    typed = ["check --sou", "check --source a", "c", "completion z"]
    probe = script + "".join(
        f"COMP_WORDS=(health-gate {words}); COMP_CWORD={len(words.split())}; "
        '_health_gate; echo "${COMPREPLY[*]}"\n'
        for words in typed
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603, S607
    assert done.stdout.splitlines() == ["--source", "auto", "check completion", "zsh"]


def test_the_project_has_a_licence_and_a_changelog_of_this_version() -> None:
    assert "MIT No Attribution" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert f"## {health_gate.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


# --- drills (issue 13) ------------------------------------------------------------------------


def test_a_drill_blocks_recorded_healthy_data_until_it_ends(tmp_path: Path) -> None:
    path = recording(tmp_path)
    soon = (datetime.now(UTC) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out, _ = run_check("--events-file", str(path), "--drill-until", soon)
    assert code == EXIT_BLOCKED and "DRILL" in out and "not an AWS incident" in out
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run_check("--events-file", str(path), "--drill-until", past)[0] == EXIT_HEALTHY


def test_a_drill_time_without_a_zone_is_refused_by_its_flag(tmp_path: Path) -> None:
    code, _, err = run_check("--events-file", str(recording(tmp_path)), "--drill-until", "10:00")
    assert code == EXIT_ERROR and "flag --drill-until" in err
