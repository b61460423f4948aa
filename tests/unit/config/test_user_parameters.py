"""UserParameters over environment defaults → one validated GateSettings, or a named error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from health_gate.config.settings import GateSettings, Mode, OnHealthApiError, Source
from health_gate.config.user_parameters import ENV_VARS, load_settings
from health_gate.errors import ConfigurationError
from tests.fakes.regions import KNOWN_REGIONS

HOME = {"AWS_REGION": "eu-west-1"}


def load(params: Any = None, env: dict[str, str] | None = None) -> GateSettings:
    """Load from a dict (sent as JSON), raw text, or nothing, over the Lambda's own region."""
    text = json.dumps(params) if isinstance(params, dict) else params
    return load_settings(text, {**HOME, **(env or {})}, KNOWN_REGIONS)


def config_error(params: Any = None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load(params, env)
    return str(caught.value)


# --- Defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [None, "", "   ", "\n", {}])
def test_empty_or_absent_user_parameters_give_every_default(params: Any) -> None:
    # Given no UserParameters at all (or an empty object) and no deploy-time defaults
    # When the settings are loaded
    settings = load(params)
    # Then every key has its documented default; regions are the function's region + global
    assert settings == GateSettings(
        regions=("eu-west-1", "global"),
        services=(),
        event_type_categories=("issue",),
        event_status_codes=("open",),
        ignore_event_type_codes=frozenset(),
        organization=False,
        account_ids=(),
        on_health_api_error=OnHealthApiError.FAIL,
        mode=Mode.FAIL,
        source=Source.HEALTH_API,
    )


@pytest.mark.parametrize(
    ("environ", "home"),
    [
        ({"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "sa-east-1"}, "ap-south-1"),
        ({"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1"),
        ({}, "us-east-1"),
    ],
)
def test_default_regions_are_the_function_region_plus_global(
    environ: dict[str, str], home: str
) -> None:
    # Given a Lambda environment naming its region (AWS_REGION first)
    # When nothing else names regions
    settings = load_settings(None, environ, KNOWN_REGIONS)
    # Then the gate watches its own region and global services
    assert settings.regions == (home, "global")


# --- Every key's valid values -----------------------------------------------------------------


def test_every_key_accepts_its_documented_values() -> None:
    # Given a UserParameters object that sets every fail-mode key
    params: dict[str, Any] = {
        "regions": ["us-east-1", "global", "ap-southeast-2", "me-central-1", "il-central-1"],
        "services": ["EC2", "CLOUDFORMATION"],
        "eventTypeCategories": ["issue", "accountNotification", "scheduledChange", "investigation"],
        "eventStatusCodes": ["open", "upcoming", "closed"],
        "ignoreEventTypeCodes": ["AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"],
        "organization": True,
        "accountIds": ["123456789012", "210987654321"],
        "onHealthApiError": "pass",
        "mode": "fail",
        "source": "health-api",
    }
    # When it is loaded
    settings = load(params)
    # Then each value lands in its field
    assert settings.regions == tuple(params["regions"])
    assert settings.services == ("EC2", "CLOUDFORMATION")
    assert settings.event_type_categories == tuple(params["eventTypeCategories"])
    assert settings.event_status_codes == ("open", "upcoming", "closed")
    assert settings.ignore_event_type_codes == frozenset(
        {"AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"}
    )
    assert settings.organization is True
    assert settings.account_ids == ("123456789012", "210987654321")
    assert settings.on_health_api_error == "pass"
    assert settings.mode == "fail"


@pytest.mark.parametrize("value", ["fail", "pass"])
def test_on_health_api_error_accepts_fail_and_pass(value: str) -> None:
    assert load({"onHealthApiError": value}).on_health_api_error == value


@pytest.mark.parametrize("value", ["health-api", "public-dashboard", "auto"])
def test_source_accepts_its_three_values(value: str) -> None:
    assert load({"source": value}).source == value


@pytest.mark.parametrize("value", [True, False])
def test_organization_accepts_booleans(value: bool) -> None:
    assert load({"organization": value}).organization is value


def test_services_are_matched_case_insensitively_so_stored_upper_case() -> None:
    # Given service codes in mixed case, with a duplicate and stray whitespace
    settings = load({"services": ["ec2", " Lambda ", "EC2"]})
    # Then they are upper-cased, trimmed and de-duplicated in order
    assert settings.services == ("EC2", "LAMBDA")


def test_duplicate_regions_are_dropped_keeping_order() -> None:
    settings = load({"regions": ["global", "us-east-1", "global", " us-east-1"]})
    assert settings.regions == ("global", "us-east-1")


def test_accounts_ids_without_organization_may_be_an_empty_list() -> None:
    # Given an explicitly empty account filter (nothing to filter on)
    # Then it is no error even outside the organizational view
    assert load({"accountIds": []}).account_ids == ()


# --- Legacy CSV -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("us-east-1", ("us-east-1",)),
        (" us-east-1 , global ,eu-west-1 ", ("us-east-1", "global", "eu-west-1")),
        ("us-east-1,,global,", ("us-east-1", "global")),
        ("global", ("global",)),
    ],
)
def test_legacy_comma_separated_regions_are_accepted(text: str, regions: tuple[str, ...]) -> None:
    # Given the original AWS sample's UserParameters: a plain comma list of regions
    # When it is loaded
    settings = load(text)
    # Then those regions (trimmed) are watched and everything else is default
    assert settings.regions == regions
    assert settings.event_status_codes == ("open",)


def test_legacy_csv_with_a_malformed_region_names_the_value() -> None:
    message = config_error("us-east-1, nowhere")
    assert "comma-separated" in message
    assert '"nowhere"' in message


# --- Invalid UserParameters -------------------------------------------------------------------


def test_unknown_key_is_named_with_the_known_keys() -> None:
    # Given a typo in a key
    message = config_error({"region": ["us-east-1"]})
    # Then the error names the unknown key and lists the real ones
    assert 'unknown key "region"' in message
    assert "regions" in message and "onHealthApiError" in message


@pytest.mark.parametrize(
    ("params", "key", "shown"),
    [
        ({"regions": "us-east-1"}, "regions", '"us-east-1"'),
        ({"regions": [1]}, "regions", "[1]"),
        ({"services": "EC2"}, "services", '"EC2"'),
        ({"services": [None]}, "services", "[null]"),
        ({"eventTypeCategories": "issue"}, "eventTypeCategories", '"issue"'),
        ({"eventStatusCodes": {"open": True}}, "eventStatusCodes", '{"open": true}'),
        ({"ignoreEventTypeCodes": "AWS_X"}, "ignoreEventTypeCodes", '"AWS_X"'),
        ({"organization": "true"}, "organization", '"true"'),
        ({"organization": 1}, "organization", "1"),
        ({"organization": True, "accountIds": 123456789012}, "accountIds", "123456789012"),
        ({"onHealthApiError": True}, "onHealthApiError", "true"),
        ({"mode": ["fail"]}, "mode", '["fail"]'),
        ({"source": None}, "source", "null"),
    ],
)
def test_wrong_type_names_key_and_value(params: dict[str, Any], key: str, shown: str) -> None:
    # Given a key set to a value of the wrong JSON type
    message = config_error(params)
    # Then the error names the key and shows the value as JSON
    assert f"UserParameters key '{key}'" in message
    assert shown in message


@pytest.mark.parametrize(
    ("params", "key", "bad"),
    [
        ({"eventTypeCategories": ["incident"]}, "eventTypeCategories", "incident"),
        ({"eventTypeCategories": ["Issue"]}, "eventTypeCategories", "Issue"),
        ({"eventStatusCodes": ["open", "resolved"]}, "eventStatusCodes", "resolved"),
        ({"onHealthApiError": "ignore"}, "onHealthApiError", "ignore"),
        ({"mode": "block"}, "mode", "block"),
        ({"source": "rss"}, "source", "rss"),
    ],
)
def test_unknown_enum_value_names_key_value_and_choices(
    params: dict[str, Any], key: str, bad: str
) -> None:
    message = config_error(params)
    assert f"UserParameters key '{key}'" in message
    assert bad in message
    assert "expected" in message


@pytest.mark.parametrize("key", ["eventTypeCategories", "eventStatusCodes", "regions"])
def test_empty_list_is_refused_where_nothing_would_be_checked(key: str) -> None:
    # Given an empty list for a key where that would silently disable the gate
    message = config_error({key: []})
    # Then it is an error naming the key
    assert f"UserParameters key '{key}'" in message


@pytest.mark.parametrize(
    "region", ["us-east", "US-EAST-1", "useast1", "", "us-east-1a", "eu_west_1"]
)
def test_malformed_region_is_named(region: str) -> None:
    message = config_error({"regions": ["us-east-1", region]})
    assert "UserParameters key 'regions'" in message
    assert f'"{region}" is not an AWS region code' in message


@pytest.mark.parametrize("code", ["EC 2", "E", "EC2\n", "EC/2", "EC:2", "ＥＣ２", "x" * 31])
def test_malformed_service_code_is_named(code: str) -> None:
    # Given a service code outside the API's pattern, or invisible characters in one
    message = config_error({"services": [code]})
    # Then the refusal names the key, shows the value escaped (a newline or a look-alike
    # letter becomes visible) and says what would be accepted
    assert "UserParameters key 'services'" in message
    assert json.dumps(code)[:20] in message
    assert "2 to 30 printable ASCII characters" in message


@pytest.mark.parametrize("ids", [["12345678901"], ["1234567890123"], ["12345678901a"]])
def test_account_ids_must_be_twelve_digits(ids: list[str]) -> None:
    message = config_error({"organization": True, "accountIds": ids})
    assert "UserParameters key 'accountIds'" in message
    assert "12-digit" in message


@pytest.mark.parametrize("organization", [None, False])
def test_account_ids_without_organization_are_refused(organization: bool | None) -> None:
    # Given an account filter outside the organizational view
    params: dict[str, Any] = {"accountIds": ["123456789012"]}
    if organization is not None:
        params["organization"] = organization
    # When loaded
    message = config_error(params)
    # Then the error names accountIds and says what it needs
    assert "UserParameters key 'accountIds'" in message
    assert '"organization": true' in message


def test_wait_mode_has_its_documented_defaults() -> None:
    settings = load({"mode": "wait"})
    assert (settings.mode, settings.max_wait_minutes, settings.poll_interval_seconds) == (
        "wait",
        60,
        30,
    )


@pytest.mark.parametrize(
    ("minutes", "seconds"), [(1, 10), (1380, 300), (90, 45)], ids=["low", "high", "mid"]
)
def test_wait_keys_accept_their_whole_range_in_wait_mode(minutes: int, seconds: int) -> None:
    settings = load({"mode": "wait", "maxWaitMinutes": minutes, "pollIntervalSeconds": seconds})
    assert (settings.max_wait_minutes, settings.poll_interval_seconds) == (minutes, seconds)


def test_wait_keys_are_allowed_when_the_deployed_default_mode_is_wait() -> None:
    settings = load({"maxWaitMinutes": 15}, {"HEALTH_GATE_MODE": "wait"})
    assert (settings.mode, settings.max_wait_minutes) == ("wait", 15)


@pytest.mark.parametrize(
    ("key", "value"),
    [("maxWaitMinutes", 30), ("pollIntervalSeconds", 60)],
)
def test_wait_keys_outside_wait_mode_are_refused(key: str, value: int) -> None:
    # Given a wait-mode key while the mode is the default "fail"
    message = config_error({key: value})
    # Then the error names the key and the mode it needs
    assert f"UserParameters key '{key}'" in message
    assert '"mode": "wait"' in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("maxWaitMinutes", 0),
        ("maxWaitMinutes", 1381),
        ("maxWaitMinutes", "60"),
        ("maxWaitMinutes", True),
        ("pollIntervalSeconds", 9),
        ("pollIntervalSeconds", 301),
        ("pollIntervalSeconds", 30.5),
    ],
)
def test_wait_keys_out_of_range_are_refused(key: str, value: Any) -> None:
    message = config_error({key: value})
    assert f"UserParameters key '{key}'" in message
    assert "whole number" in message


@pytest.mark.parametrize("text", ['["us-east-1"]', '"us-east-1"', "42", "[]"])
def test_json_that_is_not_an_object_is_refused(text: str) -> None:
    message = config_error(text)
    assert "expected a JSON object" in message


@pytest.mark.parametrize("text", ['{"regions": ["us-east-1"', "{regions: 1}", '{"a": 1,}'])
def test_broken_json_is_refused_with_the_accepted_forms(text: str) -> None:
    message = config_error(text)
    assert "not valid JSON" in message
    assert "comma-separated" in message


def test_a_huge_bad_value_is_shortened_in_the_message() -> None:
    # Given an absurdly long bad value
    message = config_error({"onHealthApiError": "x" * 5000})
    # Then the message stays readable in the pipeline console
    assert len(message) < 400
    assert "..." in message


# --- Environment defaults ---------------------------------------------------------------------


def test_environment_sets_deploy_time_defaults() -> None:
    # Given a gate deployed with defaults for every key
    env = {
        "HEALTH_GATE_REGIONS": "us-west-2, global",
        "HEALTH_GATE_SERVICES": "ec2,lambda",
        "HEALTH_GATE_EVENT_TYPE_CATEGORIES": "issue,investigation",
        "HEALTH_GATE_EVENT_STATUS_CODES": "open,upcoming",
        "HEALTH_GATE_IGNORE_EVENT_TYPE_CODES": "AWS_X_ONE, AWS_X_TWO",
        "HEALTH_GATE_ORGANIZATION": "TRUE",
        "HEALTH_GATE_ACCOUNT_IDS": "123456789012",
        "HEALTH_GATE_ON_HEALTH_API_ERROR": "pass",
        "HEALTH_GATE_MODE": "fail",
        "HEALTH_GATE_SOURCE": "health-api",
    }
    # When a pipeline passes no UserParameters
    settings = load(None, env)
    # Then the deploy-time defaults apply
    assert settings == GateSettings(
        regions=("us-west-2", "global"),
        services=("EC2", "LAMBDA"),
        event_type_categories=("issue", "investigation"),
        event_status_codes=("open", "upcoming"),
        ignore_event_type_codes=frozenset({"AWS_X_ONE", "AWS_X_TWO"}),
        organization=True,
        account_ids=("123456789012",),
        on_health_api_error=OnHealthApiError.PASS,
    )


def test_user_parameters_override_environment_defaults_key_by_key() -> None:
    # Given deploy-time defaults for regions, error handling and services
    env = {
        "HEALTH_GATE_REGIONS": "us-west-2",
        "HEALTH_GATE_ON_HEALTH_API_ERROR": "pass",
        "HEALTH_GATE_SERVICES": "EC2",
    }
    # When one pipeline's action overrides two of them
    settings = load({"regions": ["ap-northeast-1"], "onHealthApiError": "fail"}, env)
    # Then those two come from UserParameters and the third from the environment
    assert settings.regions == ("ap-northeast-1",)
    assert settings.on_health_api_error == "fail"
    assert settings.services == ("EC2",)


def test_legacy_csv_overrides_the_environment_regions_only() -> None:
    env = {"HEALTH_GATE_REGIONS": "us-west-2", "HEALTH_GATE_SERVICES": "EC2"}
    settings = load("eu-central-1, global", env)
    assert settings.regions == ("eu-central-1", "global")
    assert settings.services == ("EC2",)


def test_blank_environment_variables_mean_no_default() -> None:
    # Given template Parameters left empty (CloudFormation passes "")
    env = {name: "" for name in ENV_VARS.values()} | {"HEALTH_GATE_SERVICES": "  "}
    # Then the built-in defaults apply
    assert load(None, env) == load(None)


def test_deploy_time_wait_defaults_do_not_break_fail_mode() -> None:
    # Given the template always passes the wait defaults
    env = {"HEALTH_GATE_MAX_WAIT_MINUTES": "60", "HEALTH_GATE_POLL_INTERVAL_SECONDS": "30"}
    # When a pipeline uses the default fail mode
    settings = load({"regions": ["us-east-1"]}, env)
    # Then that is no error: only UserParameters can misuse the wait keys
    assert (settings.mode, settings.max_wait_minutes, settings.poll_interval_seconds) == (
        "fail",
        60,
        30,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HEALTH_GATE_REGIONS", "us-east-1,nowhere"),
        ("HEALTH_GATE_EVENT_TYPE_CATEGORIES", "issue,incident"),
        ("HEALTH_GATE_EVENT_STATUS_CODES", "resolved"),
        ("HEALTH_GATE_ORGANIZATION", "yes"),
        ("HEALTH_GATE_ON_HEALTH_API_ERROR", "ignore"),
        ("HEALTH_GATE_MODE", "block"),
        ("HEALTH_GATE_MAX_WAIT_MINUTES", "soon"),
        ("HEALTH_GATE_POLL_INTERVAL_SECONDS", "5"),
        ("HEALTH_GATE_SOURCE", "rss"),
        ("HEALTH_GATE_SERVICES", "EC 2"),
    ],
)
def test_bad_environment_default_names_the_variable(variable: str, value: str) -> None:
    # Given a bad deploy-time default
    message = config_error(None, {variable: value})
    # Then the error names the environment variable (not a UserParameters key)
    assert f"environment variable {variable}" in message
    assert "UserParameters" not in message


def test_environment_account_ids_without_organization_name_the_variable() -> None:
    message = config_error(None, {"HEALTH_GATE_ACCOUNT_IDS": "123456789012"})
    assert "environment variable HEALTH_GATE_ACCOUNT_IDS" in message


def test_a_bad_environment_default_is_not_reached_when_user_parameters_override_it() -> None:
    # Given a broken deploy-time default for regions
    env = {"HEALTH_GATE_REGIONS": "nowhere"}
    # When the action sets its own regions
    settings = load({"regions": ["us-east-1"]}, env)
    # Then the override is used and the default never judged
    assert settings.regions == ("us-east-1",)


def test_every_key_has_an_environment_variable() -> None:
    assert all(name.startswith("HEALTH_GATE_") for name in ENV_VARS.values())
    assert {"regions", "services", "onHealthApiError", "accountIds", "mode"} <= set(ENV_VARS)


# --- Round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"regions": ["us-east-1"], "services": ["EC2"], "onHealthApiError": "pass"},
        {"organization": True, "accountIds": ["123456789012"], "eventStatusCodes": ["upcoming"]},
        {"ignoreEventTypeCodes": ["AWS_B", "AWS_A"], "eventTypeCategories": ["scheduledChange"]},
        {"mode": "wait", "maxWaitMinutes": 120, "pollIntervalSeconds": 15},
    ],
)
def test_settings_round_trip_through_user_parameters(params: dict[str, Any]) -> None:
    # Given settings loaded from UserParameters
    settings = load(params)
    # When written back as UserParameters (as the retrier stores them) and loaded elsewhere
    again = load_settings(json.dumps(settings.to_user_parameters()), {}, KNOWN_REGIONS)
    # Then they are the same settings
    assert again == settings
