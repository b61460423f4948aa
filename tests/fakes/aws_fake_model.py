"""The botocore service models as the fake's source of truth for shapes and limits.

AWS validates each request against the same Smithy model that botocore ships, so the fake reads
its member names, lengths, ranges, enums and patterns from there instead of copying numbers
by hand. Messages follow the Coral wording AWS JSON services use
("1 validation error detected: Value '…' at 'filter.regions' failed to satisfy constraint: …").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StringShape,
    StructureShape,
)

__all__ = [
    "AwsError",
    "check_members",
    "epoch",
    "error_status",
    "operation_model",
    "service_model",
    "to_wire",
    "validate_request",
]


class AwsError(Exception):
    """An AWS error answer: `{"__type": code, "message": message}` with an HTTP status."""

    def __init__(self, code: str, message: str = "", status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


# Common errors of AWS JSON services that are not in the service models.
_COMMON_STATUS = {
    "InternalFailure": 500,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
    "InvalidClientTokenId": 403,
    "InvalidSignatureException": 403,
    "MissingAuthenticationTokenException": 403,
    "OptInRequired": 403,
    "UnrecognizedClientException": 403,
}


@functools.cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def error_status(code: str) -> int:
    """The HTTP status AWS uses for `code`: a model's `httpStatusCode`, else 400 or 5xx."""
    if code in _COMMON_STATUS:
        return _COMMON_STATUS[code]
    for service in ("health", "codepipeline"):
        model = service_model(service)
        if code in model.shape_names:
            status = model.shape_for(code).metadata.get("error", {}).get("httpStatusCode")
            if isinstance(status, int):
                return status
    return 400


def epoch(value: object) -> float:
    """Epoch seconds from a datetime (naive means UTC) or a number, to the millisecond."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return round(value.timestamp(), 3)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(float(value), 3)
    raise TypeError(f"expected a datetime or epoch seconds, got {value!r}")


# --- requests ---------------------------------------------------------------------------------


def validate_request(service: str, operation: str, params: Mapping[str, Any]) -> None:
    """Raise SerializationException for wrong JSON types, ValidationException for constraints."""
    shape = operation_model(service, operation).input_shape
    errors: list[str] = []
    if shape is not None:
        _validate(shape, params, "", errors)
    if errors:
        count = len(errors)
        noun = "error" if count == 1 else "errors"
        raise AwsError(
            "ValidationException", f"{count} validation {noun} detected: " + "; ".join(errors)
        )


def _show(value: object) -> str:
    if isinstance(value, list):
        text = "[" + ", ".join(_show(item) for item in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _violation(value: object, path: str, constraint: str) -> str:
    return f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: {constraint}"


def _type_error(path: str, expected: str, value: object) -> AwsError:
    got = type(value).__name__
    return AwsError("SerializationException", f"Expected {expected} at '{path}', got {got}")


def _validate(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    if isinstance(shape, StructureShape):
        _validate_structure(shape, value, path, errors)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _type_error(path, "a list", value)
        errors.extend(
            _violation(value, path, c) for c in _bound_problems(shape, len(value), "length")
        )
        for item in value:
            _validate_member(shape.member, item, path, errors)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        errors.extend(
            _violation(value, path, c) for c in _bound_problems(shape, len(value), "length")
        )
        for key, item in value.items():
            for problem in _scalar_problems(shape.key, key, path):
                errors.append(
                    _violation(value, path, f"Map keys must satisfy constraint: [{problem}]")
                )
            _validate_member(shape.value, item, path, errors, "Map value")
    else:
        errors.extend(_violation(value, path, c) for c in _scalar_problems(shape, value, path))


def _validate_structure(shape: StructureShape, value: Any, path: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        raise _type_error(path or "body", "an object", value)
    for name in shape.required_members:
        if value.get(name) is None:
            errors.append(
                f"Value null at '{_join(path, name)}' failed to satisfy constraint: "
                "Member must not be null"
            )
    for name, member in shape.members.items():
        if value.get(name) is not None:
            _validate(member, value[name], _join(path, name), errors)
    # Unknown members are ignored, as AWS JSON services do.


def _validate_member(
    shape: Shape, item: Any, path: str, errors: list[str], label: str = "Member"
) -> None:
    """List members and map values: scalars are reported on the container, like Coral does."""
    if isinstance(shape, StructureShape | ListShape | MapShape):
        _validate(shape, item, f"{path}.member", errors)
        return
    for problem in _scalar_problems(shape, item, path):
        errors.append(_violation(item, path, f"{label} must satisfy constraint: [{problem}]"))


def _bound_problems(shape: Shape, measured: int, what: str) -> list[str]:
    """AWS's wording for a `what` ("length" or "value") outside the model's min and max."""
    problems = []
    if "min" in shape.metadata and measured < shape.metadata["min"]:
        problems.append(f"Member must have {what} greater than or equal to {shape.metadata['min']}")
    if "max" in shape.metadata and measured > shape.metadata["max"]:
        problems.append(f"Member must have {what} less than or equal to {shape.metadata['max']}")
    return problems


def _scalar_problems(shape: Shape, value: Any, path: str) -> list[str]:
    kind = shape.type_name
    if kind == "string":
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        if isinstance(shape, StringShape) and shape.enum:
            ok = value in shape.enum
            return [] if ok else [f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"]
        problems = _bound_problems(shape, len(value), "length")
        pattern = shape.metadata.get("pattern")
        if pattern and re.fullmatch(pattern, value) is None:
            problems.append(f"Member must satisfy regular expression pattern: {pattern}")
        return problems
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _type_error(path, "an integer", value)
        return _bound_problems(shape, value, "value")
    if kind == "boolean" and not isinstance(value, bool):
        raise _type_error(path, "a boolean", value)
    if kind == "timestamp" and (not isinstance(value, int | float) or isinstance(value, bool)):
        raise _type_error(path, "epoch seconds", value)
    return []


# --- responses and test set-up ----------------------------------------------------------------


def to_wire(shape: Shape, value: Any) -> Any:
    """JSON-ready copy of `value` keeping only the shape's members; datetimes become epoch."""
    if isinstance(shape, StructureShape):
        return {
            name: to_wire(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if isinstance(shape, ListShape):
        return [to_wire(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {key: to_wire(shape.value, item) for key, item in value.items()}
    if shape.type_name == "timestamp":
        return epoch(value)
    return value


def check_members(shape: Shape, value: Any, path: str) -> None:
    """Reject member names the shape lacks (botocore would silently drop them) and values
    AWS would never send (bad enums, patterns, lengths).

    Used on data a test configures, so a typo fails the test instead of vanishing.
    Keys starting with "_" are the fake's own annotations and are allowed.
    """
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: expected a dict, got {value!r}")
        unknown = sorted(k for k in value if k not in shape.members and not k.startswith("_"))
        if unknown:
            raise ValueError(
                f"{path}: {shape.name} has no member(s) {unknown}; known: {sorted(shape.members)}"
            )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                check_members(member, value[name], _join(path, name))
    elif isinstance(shape, ListShape):
        for index, item in enumerate(value):
            check_members(shape.member, item, f"{path}[{index}]")
    elif isinstance(shape, MapShape):
        for key, item in value.items():
            check_members(shape.value, item, f"{path}.{key}")
    else:
        _check_scalar(shape, value, path)


def _check_scalar(shape: Shape, value: Any, path: str) -> None:
    if shape.type_name == "timestamp":
        try:
            epoch(value)
        except TypeError as err:
            raise ValueError(f"{path}: {err}") from None
        return
    try:
        problems = _scalar_problems(shape, value, path)
    except AwsError as err:
        raise ValueError(f"{path}: {err.message}") from None
    if problems:
        raise ValueError(f"{path}: {value!r} fails {shape.name}: {'; '.join(problems)}")
