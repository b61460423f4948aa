"""The AWS Health API as a `HealthSource`: one paginated query per filter, failover on outage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    ACCESS_DENIED_CODES,
    AWS_ERRORS,
    CREDENTIAL_ERRORS,
    credentials_missing,
    describe,
    error_code,
    error_message,
    is_transient,
)
from health_gate.errors import (
    GateError,
    HealthUnavailable,
    JobFailed,
    PermissionDenied,
    SubscriptionRequired,
)
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery

if TYPE_CHECKING:
    from mypy_boto3_health import HealthClient

__all__ = ["Boto3HealthSource", "SUBSCRIPTION_MESSAGE"]

PAGINATION = {"PageSize": 100}  # the API's maximum maxResults
SUBSCRIPTION_MESSAGE = (
    "The AWS Health API needs a Business, Enterprise On-Ramp or Enterprise Support plan, "
    "and this account has none (SubscriptionRequiredException). Upgrade the support plan, "
    'or set "source": "public-dashboard" (public events only) or "auto".'
)


class Boto3HealthSource:
    """Queries Health through boto3 clients ordered active endpoint first.

    Each client carries botocore's standard retry mode (throttling and 5xx with backoff);
    when one endpoint still fails, the next one is tried.
    """

    source_note: str | None = None  # all of the Health API's events

    def __init__(self, clients: Sequence[HealthClient]) -> None:
        if not clients:
            raise ValueError("at least one Health client is needed")
        self._clients = clients

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        failures: list[str] = []
        for client in self._clients:
            try:
                return self._fetch(client, query)
            except HealthUnavailable as err:
                failures.append(str(err))
        raise HealthUnavailable("; ".join(failures))

    def _fetch(self, client: HealthClient, query: HealthQuery) -> list[HealthEvent]:
        operation = "describe_events_for_organization" if query.organization else "describe_events"
        arguments: Any = {"filter": query.api_filter(), "PaginationConfig": PAGINATION}
        try:
            if query.organization:
                pages = client.get_paginator("describe_events_for_organization").paginate(
                    **arguments
                )
                return [HealthEvent.from_api(raw) for page in pages for raw in page["events"]]
            account_pages = client.get_paginator("describe_events").paginate(**arguments)
            return [HealthEvent.from_api(raw) for page in account_pages for raw in page["events"]]
        except CREDENTIAL_ERRORS as err:
            raise credentials_missing(err) from err
        except AWS_ERRORS as err:
            raise _translate(err, operation, client.meta.region_name) from err


def _translate(err: Exception, operation: str, region: str) -> GateError:
    action = "health:" + "".join(part.title() for part in operation.split("_"))
    where = f"AWS Health in {region}"
    if is_transient(err) or not isinstance(err, ClientError):
        return HealthUnavailable(f"{where} did not answer after retries ({describe(err)})")
    code = error_code(err)
    if code == "SubscriptionRequiredException":
        return SubscriptionRequired(SUBSCRIPTION_MESSAGE)
    if code in ACCESS_DENIED_CODES:
        return PermissionDenied(
            f"The gate's IAM role may not call {action} ({code}: {error_message(err)}). "
            f'Allow {action} on Resource "*" in the function\'s role.'
        )
    hint = (
        " The organizational view must be enabled once from the management account "
        "(EnableHealthServiceAccessForOrganization) or a delegated administrator."
        if operation.endswith("organization")
        else ""
    )
    return JobFailed(f"{where} rejected {action} ({code}: {error_message(err)}).{hint}")
