"""Regions, services and accounts fail closed: a value that can match no AWS Health event is
refused by name, never passed on to a query that would find nothing (issue 10)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from health_gate.config.regions import KnownRegions
from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import load_settings
from health_gate.config.validation import Value
from health_gate.errors import ConfigurationError
from tests.fakes.regions import KNOWN_REGIONS

HOME = {"AWS_REGION": "us-east-1"}


def load(params: Any = None, env: dict[str, str] | None = None) -> GateSettings:
    text = json.dumps(params) if isinstance(params, dict) else params
    return load_settings(text, env if env is not None else HOME, KNOWN_REGIONS)


def refusal(params: Any = None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load(params, env)
    return str(caught.value)


# --- what the gate knows ----------------------------------------------------------------------


def test_the_known_regions_are_botocores_partitions_without_pseudo_regions() -> None:
    # Given botocore's bundled partition list, as the runtime reads it
    known = KNOWN_REGIONS
    # Then real regions of every partition are known, with their partition
    assert known.partition_of("us-east-1") == "aws"
    assert known.partition_of("me-central-1") == "aws"
    assert known.partition_of("cn-north-1") == "aws-cn"
    assert known.partition_of("us-gov-west-1") == "aws-us-gov"
    # And endpoint pseudo-regions and "global" are not regions of any partition
    assert known.partition_of("aws-global") is None
    assert known.partition_of("aws-cn-global") is None
    assert known.partition_of("global") is None


# --- regions ----------------------------------------------------------------------------------


def test_a_misspelled_region_is_refused_with_the_closest_known_one() -> None:
    # Given a region that does not exist (it would match no event: a silent pass)
    message = refusal({"regions": ["us-esat-1"]})
    # Then the refusal names the key and the value, and suggests the region meant
    assert "UserParameters key 'regions'" in message
    assert '"us-esat-1"' in message
    assert 'Did you mean "us-east-1"?' in message
    assert "ExtraRegions" in message


@pytest.mark.parametrize(
    "region",
    [
        "us-east-\u0661",  # an Arabic-Indic digit: `\d` would accept it
        "us-east-1\n",  # a trailing newline: `$` would accept it
        "US-EAST-1",
        "aws-global",  # botocore's pseudo-region for a global endpoint
        "us-east-99",
        "",
    ],
)
def test_anything_but_a_known_region_code_is_refused(region: str) -> None:
    message = refusal({"regions": [region]})
    assert "UserParameters key 'regions'" in message
    assert json.dumps(region) in message


def test_regions_of_two_partitions_are_refused() -> None:
    # Given regions in the commercial and the China partitions
    message = refusal({"regions": ["us-east-1", "cn-north-1"]})
    # Then the refusal says why: AWS Health answers for one partition at a time
    assert "us-east-1 (aws)" in message and "cn-north-1 (aws-cn)" in message
    assert "one partition" in message


def test_regions_outside_the_partition_the_gate_runs_in_are_refused() -> None:
    # Given a gate in us-east-1 configured for GovCloud regions only
    message = refusal({"regions": ["us-gov-west-1", "global"]})
    # Then they are refused: this partition's AWS Health would never be asked about them
    assert "outside partition aws" in message and "us-gov-west-1" in message


def test_a_gate_in_govcloud_watches_govcloud() -> None:
    settings = load({"regions": ["us-gov-west-1", "global"]}, {"AWS_REGION": "us-gov-east-1"})
    assert settings.regions == ("us-gov-west-1", "global")


def test_an_unknown_home_region_is_refused_by_its_variable() -> None:
    # Given the CLI on a machine with a wrong AWS_REGION and no regions configured
    message = refusal(None, {"AWS_REGION": "not-a-region"})
    # Then the refusal names the variable, not a UserParameters key
    assert "environment variable AWS_REGION" in message and '"not-a-region"' in message


def test_an_environment_default_is_checked_like_a_user_parameter() -> None:
    message = refusal(None, {**HOME, "HEALTH_GATE_REGIONS": "us-east-1,eu-wset-1"})
    assert "environment variable HEALTH_GATE_REGIONS" in message
    assert 'Did you mean "eu-west-1"?' in message


def test_extra_regions_admit_a_region_newer_than_botocore() -> None:
    # Given a region botocore does not list yet, allowed at deploy time
    env = {**HOME, "HEALTH_GATE_EXTRA_REGIONS": "eu-newregion-7"}
    # Then it is accepted, in the partition its pattern gives
    assert load({"regions": ["eu-newregion-7"]}, env).regions == ("eu-newregion-7",)
    # And without the setting it is refused
    assert "eu-newregion-7" in refusal({"regions": ["eu-newregion-7"]})


@pytest.mark.parametrize("extra", ["zz-new-1", "eu_newregion-1", "global"])
def test_an_extra_region_must_fit_a_partitions_pattern(extra: str) -> None:
    message = refusal({"regions": ["us-east-1"]}, {**HOME, "HEALTH_GATE_EXTRA_REGIONS": extra})
    assert "environment variable HEALTH_GATE_EXTRA_REGIONS" in message


def test_an_extra_region_of_another_partition_counts_as_that_partition() -> None:
    known = KNOWN_REGIONS.with_extra([("cn-newregion-1", "aws-cn")])
    assert known.partition_by_pattern("cn-newregion-2") == "aws-cn"
    assert known.partition_by_pattern("us-gov-newregion-1") == "aws-us-gov"
    assert known.partition_by_pattern("eu-newregion-1") == "aws"


def test_flags_name_themselves_in_refusals() -> None:
    # Given the CLI's --regions flag with a misspelled region
    flag = Value(["eu-wset-1"], "flag --regions")
    with pytest.raises(ConfigurationError, match="Invalid flag --regions"):
        load_settings(None, HOME, KNOWN_REGIONS, overrides={"regions": flag})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("us-esat-1", "us-east-1"), ("eu-wset-1", "eu-west-1"), ("useast1", "us-east-1"),
     ("ap-southeast-22", "ap-southeast-2"), ("us-east-١", "us-east-1")],
)  # fmt: skip
def test_the_suggestion_is_the_region_meant(typed: str, meant: str) -> None:
    assert KNOWN_REGIONS.closest(typed) == meant


def test_nothing_is_suggested_when_nothing_is_close() -> None:
    assert KNOWN_REGIONS.closest("frankfurt") is None


def test_known_regions_ignore_malformed_partition_data() -> None:
    data = {"partitions": [{"id": "aws", "regions": {"us-east-1": {}, "bad region": {}}}, 7]}
    assert KnownRegions.from_botocore(data).partitions == {"us-east-1": "aws"}


# --- services, event types, accounts ----------------------------------------------------------


def test_a_one_letter_service_code_is_a_configuration_error_not_a_crash() -> None:
    # Given "E", which botocore's parameter validation would reject as an internal error
    message = refusal({"services": ["E"]})
    assert "UserParameters key 'services'" in message and '"E"' in message


@pytest.mark.parametrize("code", ["AB", "AWS_EC2\tX", "X" * 101])
def test_event_type_codes_follow_the_apis_pattern(code: str) -> None:
    message = refusal({"ignoreEventTypeCodes": [code]})
    assert "UserParameters key 'ignoreEventTypeCodes'" in message


@pytest.mark.parametrize("account", ["\u0661" * 12, "12345678901", "123456789012\n"])
def test_account_ids_are_twelve_ascii_digits(account: str) -> None:
    message = refusal({"organization": True, "accountIds": [account]})
    assert "UserParameters key 'accountIds'" in message
