"""Read CloudFormation templates in the tests: load the YAML, and resolve the few intrinsic
functions the tests need to evaluate (Ref, Fn::If, Fn::Sub, Fn::Join, Fn::Split, Fn::Select)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["checkov_skips", "load", "resolve", "stage", "statements"]


def load(path: Path) -> dict[str, Any]:
    """The templates use only long-form intrinsics, so plain YAML reads them."""
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def resolve(value: Any, parameters: Mapping[str, str], conditions: Mapping[str, bool]) -> Any:
    """Evaluate value with the given parameter values and condition results."""
    if isinstance(value, list):
        return [resolve(item, parameters, conditions) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        return {key: resolve(item, parameters, conditions) for key, item in value.items()}
    ((name, argument),) = value.items()
    if name == "Ref":
        return parameters[argument]
    if name == "Fn::If":
        condition, when_true, when_false = argument
        return resolve(when_true if conditions[condition] else when_false, parameters, conditions)
    if name == "Fn::Join":
        delimiter, items = argument
        return delimiter.join(resolve(items, parameters, conditions))
    if name == "Fn::Split":
        delimiter, text = argument
        return resolve(text, parameters, conditions).split(delimiter)
    if name == "Fn::Select":
        index, items = argument
        return resolve(items, parameters, conditions)[int(index)]
    if name == "Fn::Sub":
        text, names = (argument, {}) if isinstance(argument, str) else argument
        known = {**parameters, **{k: resolve(v, parameters, conditions) for k, v in names.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda match: known[match.group(1)], text)
    return {name: resolve(argument, parameters, conditions)}


def stage(pipeline: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One stage of an AWS::CodePipeline::Pipeline resource, by name."""
    (found,) = [s for s in pipeline["Properties"]["Stages"] if s["Name"] == name]
    return dict(found)


def statements(role: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Sid -> statement of an inline-policy role; both branches of a conditional statement."""
    found: dict[str, dict[str, Any]] = {}
    for policy in role["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            branches = statement["Fn::If"][1:] if "Fn::If" in statement else [statement]
            for branch in branches:
                if "Sid" in branch:
                    found[branch["Sid"]] = branch
    return found


def checkov_skips(template: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Logical ID -> its checkov skips."""
    return {
        logical_id: resource["Metadata"]["checkov"]["skip"]
        for logical_id, resource in template["Resources"].items()
        if "checkov" in resource.get("Metadata", {})
    }
