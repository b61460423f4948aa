"""How a Lambda invoke action names its function, and whether it names a given one.

A Lambda invoke action's `FunctionName` may be a plain name, a name with a qualifier
("name:alias"), a partial ARN ("123456789012:function:name") or a full ARN, with or without a
qualifier. Two names the same function when the names match and, where both carry an ARN,
the ARNs (up to the name) match too.
"""

from __future__ import annotations

__all__ = ["names_function", "split_function"]


def split_function(function: str) -> tuple[str, str | None]:
    """("name", "arn:…:function:name") for an ARN, ("name", None) for a plain or partial name."""
    parts = function.split(":")
    if function.startswith("arn:") and len(parts) >= 7 and parts[5] == "function":
        return parts[6], ":".join(parts[:7])
    if len(parts) >= 3 and parts[1] == "function":  # "123456789012:function:name[:alias]"
        return parts[2], None
    return parts[0], None  # "name" or "name:alias"


def names_function(configured: str, name: str, arn: str | None = None) -> bool:
    """Whether an action's `configured` FunctionName invokes the function `name` (whose ARN,
    if known, is `arn`)."""
    found, prefix = split_function(configured.strip())
    if found != name:
        return False
    if prefix is None or arn is None:
        return True
    return prefix == split_function(arn)[1]
