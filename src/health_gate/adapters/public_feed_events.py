"""Read the public AWS Health Dashboard feed into the core's `HealthEvent`s.

AWS does not document the feed (see the facts sheet); this follows the shape open-source status
tools agree on and is strict only where a wrong guess could let a deployment through: a body
that is not a JSON array of objects is refused, while an entry with an unknown status and no
`end_time` counts as open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from health_gate.config.regions import GLOBAL, REGION_FORMAT
from health_gate.verdict.events import HealthEvent, parse_time_or_none

__all__ = ["decode_feed", "feed_event"]

_REGION = REGION_FORMAT.pattern.removesuffix(r"\Z")  # one spelling of a region code
_SERVICE_WITH_REGION = re.compile(rf"(?P<code>.+)-(?P<region>{_REGION})\Z", re.ASCII)
_EVENT_ARN = re.compile(
    r"arn:aws[a-z-]*:health:(?P<region>[^:]*):[^:]*:event/(?P<service>[^/]+)/(?P<type>[^/]+)/",
    re.ASCII,
)
_ARN_REGION = re.compile(rf"{GLOBAL}\Z|{REGION_FORMAT.pattern}", re.ASCII)
# Region names of the old status feed that are no region code, as service-key suffixes. The
# one seen in real feed data: "s3-us-standard", S3 in us-east-1 (erlcloud's test fixture of a
# status.aws.amazon.com entry, and status tools that special-case it; see docs/public-feed.md).
LEGACY_REGIONS = {"us-standard": "us-east-1"}
_FEED_CODES = {"MULTIPLESERVICES": "MULTIPLE_SERVICES"}  # the feed's name -> the API's code
CLOSED_STATUS = "0"


def decode_feed(body: bytes) -> list[dict[str, Any]]:
    """The feed's events; ValueError when the body is not a JSON array of objects.

    Decoded from the bytes, not from the Content-Type charset (sometimes wrong): `json.loads`
    detects UTF-8, UTF-16 and UTF-32 by BOM or by the zero bytes around ASCII characters.
    """
    data = json.loads(body)
    if not isinstance(data, list):
        raise ValueError(f"expected a JSON array, got {type(data).__name__}")
    if not all(isinstance(entry, dict) for entry in data):
        raise ValueError("an entry of the array is not a JSON object")
    return data


def _is_open(raw: Mapping[str, Any]) -> bool:
    """Status "1"-"3" without `end_time`; an unknown status also counts as open (fail safe)."""
    if parse_time_or_none(raw.get("end_time")) is not None:
        return False
    return str(raw.get("status", "")).strip() != CLOSED_STATUS


def _last_update(raw: Mapping[str, Any]) -> datetime | None:
    log = raw.get("event_log")
    entries = log if isinstance(log, list) else []
    times = [parse_time_or_none(e.get("timestamp")) for e in entries if isinstance(e, dict)]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _split_service_key(key: str) -> tuple[str, str | None]:
    """("ec2", "us-east-1") from "ec2-us-east-1"; ("s3", "us-east-1") from the legacy
    "s3-us-standard"; ("route53", None) from a key without a region suffix."""
    match = _SERVICE_WITH_REGION.match(key)
    if match:
        return match["code"], match["region"]
    for legacy, region in LEGACY_REGIONS.items():
        if key.endswith("-" + legacy):
            return key[: -len(legacy) - 1], region
    return key, None


def _service_and_region(raw: Mapping[str, Any], arn: re.Match[str] | None) -> tuple[str, str]:
    """The region from the ARN when it names one, else from the service key's suffix, and only
    then `global`: an event filed under `global` by mistake would let a regional gate pass.
    The service code from the ARN when it carries one (the API's own code)."""
    code, suffix_region = _split_service_key(str(raw.get("service") or "").strip())
    arn_region = arn["region"] if arn and _ARN_REGION.match(arn["region"]) else None
    region = arn_region or suffix_region or GLOBAL
    if arn:
        code = arn["service"]  # e.g. MULTIPLE_SERVICES
    code = code.upper()
    return _FEED_CODES.get(code, code) or "UNKNOWN", region


def feed_event(raw: Mapping[str, Any]) -> HealthEvent:
    """One feed entry as a public `issue`, in its region or `global`."""
    arn_text = str(raw.get("arn") or "").strip()
    arn = _EVENT_ARN.match(arn_text)
    service, region = _service_and_region(raw, arn)
    started = parse_time_or_none(raw.get("date"))
    if arn:
        type_code = arn["type"]
    else:
        type_code = f"AWS_{service.replace('-', '_')}_OPERATIONAL_ISSUE"
    if not arn_text:  # a stable stand-in, so the same event counts once across checks
        stamp = int(started.timestamp()) if started else 0
        arn_text = f"public-dashboard:{raw.get('service') or service.lower()}:{stamp}"
    return HealthEvent(
        arn=arn_text,
        service=service,
        event_type_code=type_code,
        category="issue",
        region=region,
        status="open" if _is_open(raw) else "closed",
        start_time=started,
        end_time=parse_time_or_none(raw.get("end_time")),
        last_updated=_last_update(raw),
        scope="PUBLIC",
    )
