"""One `Figure` per table row; the same figures go to the table and to bench/results.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Figure", "render_table", "skipped"]


@dataclass
class Figure:
    """A measured figure and its target.

    `met` is None when the figure has no pass/fail target (or was skipped). `exact` marks
    figures that do not depend on machine speed (call counts, bundled packages): even the quick
    smoke run fails when one of them is off.
    """

    key: str
    name: str
    result: str
    target: str
    met: bool | None
    exact: bool = False
    skipped: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return {True: "ok", False: "MISSED", None: "-"}[self.met]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}


def skipped(key: str, name: str, target: str, reason: str) -> Figure:
    return Figure(key, name, f"skipped: {reason}", target, None, skipped=True)


def render_table(figures: Sequence[Figure]) -> str:
    """A Markdown table, so a run can be pasted into the README as it is."""
    header = ("figure", "result", "target", "status")
    rows = [header] + [(f.name, f.result, f.target, f.status) for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows[1:])])
