"""Which region codes exist, and in which partition: the values a region setting is checked
against, so that a misspelled region fails the gate instead of matching no event.

The data comes from botocore's bundled partition list, read by `runtime.regions` (this module
stays pure) and handed in as a value. Regions newer than that list come from the deploy-time
setting ExtraRegions (HEALTH_GATE_EXTRA_REGIONS) or the CLI flag --extra-regions; each must
still look like a region and fall in a partition by the partition's own region pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_REGION", "GLOBAL", "REGION_FORMAT", "KnownRegions", "home_region"]

DEFAULT_REGION = "us-east-1"
GLOBAL = "global"  # AWS Health's region for global services (IAM, CloudFront, Route 53 ...)
# The shape of a region code, ASCII only: `\Z` and re.ASCII, because `$` accepts a trailing
# newline and `\d` accepts digits of every script ("us-east-١").
REGION_FORMAT = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}\Z", re.ASCII)


def home_region(environ: Mapping[str, str]) -> str:
    """The region the code runs in (Lambda sets AWS_REGION); the default watched region."""
    return environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


@dataclass(frozen=True)
class KnownRegions:
    """Region code -> partition ID, and each partition's own pattern for new regions."""

    partitions: Mapping[str, str]
    patterns: Mapping[str, str] = field(default_factory=dict)  # partition -> regionRegex

    @classmethod
    def from_botocore(cls, data: Mapping[str, object]) -> KnownRegions:
        """From botocore's `partitions.json`. Its pseudo-regions (`aws-global`, …) name
        endpoints, not regions, and are left out."""
        regions: dict[str, str] = {}
        patterns: dict[str, str] = {}
        raw = data.get("partitions")
        for partition in raw if isinstance(raw, list) else []:
            if not isinstance(partition, dict) or not isinstance(partition.get("id"), str):
                continue
            pid = partition["id"]
            if isinstance(partition.get("regionRegex"), str):
                patterns[pid] = partition["regionRegex"]
            for name in partition.get("regions") or {}:
                if isinstance(name, str) and REGION_FORMAT.match(name):
                    regions[name] = pid
        return cls(regions, patterns)

    def partition_of(self, region: str) -> str | None:
        """The partition of a known region; None for `global` and unknown codes."""
        return self.partitions.get(region)

    def closest(self, region: str) -> str | None:
        """The known region most like `region`, for "did you mean …?": fewest edits (a swap
        of two neighbours counts as one), then the most similar; None when nothing is close."""
        import difflib  # on a refusal only: kept out of every cold start

        typed = region.strip().lower()
        scored = [
            (_edits(typed, known), -difflib.SequenceMatcher(None, typed, known).ratio(), known)
            for known in self.partitions
        ]
        best = min(scored, default=None)
        return best[2] if best is not None and best[0] <= 3 else None

    def partition_by_pattern(self, region: str) -> str | None:
        """The partition whose region pattern matches a new region; the most specific wins
        (aws's pattern also matches us-gov-… and us-iso-…)."""
        found = [
            pid
            for pid, pattern in self.patterns.items()
            if re.fullmatch(pattern.rstrip("$"), region, re.ASCII)
        ]
        return min(found, key=lambda pid: (pid == "aws", pid)) if found else None

    def with_extra(self, regions: Iterable[tuple[str, str]]) -> KnownRegions:
        """These known as well: (region, partition) pairs already checked by the caller."""
        return KnownRegions({**self.partitions, **dict(regions)}, self.patterns)


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring characters ("esat" -> "east") each count one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]
