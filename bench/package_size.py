"""Package size: the `sam build` artifact of HealthGateFunction, unzipped and zipped.

`sam build` fetches src/requirements.txt from the package index, so the benchmark reuses an
existing build and runs `make sam-build` only when none is there or it is older than the
sources (SAM CLI is installed under .tools/). The artifact includes the bytecode that
`make sam-build` compiles into it, as deployed. boto3 and botocore come from the Lambda
runtime: bundling them would add ~25 MB and pin an old SDK, so the figure fails if they are in.
"""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from bench.environment import ROOT
from bench.report import Figure, skipped

__all__ = ["BUILD_DIR", "measure"]

FUNCTION = "HealthGateFunction"
BUILD_DIR = ROOT / ".aws-sam" / "build" / FUNCTION
SAM = ROOT / ".tools" / "sam" / "bin" / "sam"
SOURCES = (ROOT / "src" / "health_gate", ROOT / "src" / "requirements.txt", ROOT / "template.yaml")
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
NAME = "package size (sam build)"
TARGET = "report; no boto3/botocore bundled"


def _newest_mtime(paths: tuple[Path, ...]) -> float:
    newest = 0.0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if "__pycache__" not in file.parts and file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def _is_stale() -> bool:
    return not BUILD_DIR.is_dir() or BUILD_DIR.stat().st_mtime < _newest_mtime(SOURCES)


def _sam_build() -> str | None:
    """`make sam-build`, the build a deployment uses (bytecode included); None when it worked."""
    if not SAM.exists():
        return "SAM CLI not installed (make tools)"
    build = subprocess.run(
        ["make", "sam-build"], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    return None if build.returncode == 0 else f"sam build failed: {build.stderr.strip()[-300:]}"


def _sizes(root: Path) -> tuple[int, dict[str, int]]:
    total = 0
    by_entry: dict[str, int] = defaultdict(int)
    for file in root.rglob("*"):
        if file.is_file():
            size = file.stat().st_size
            total += size
            by_entry[file.relative_to(root).parts[0]] += size
    return total, by_entry


def _zipped_size(root: Path) -> int:
    """The artifact zipped with deflate, as `sam package`/`sam deploy` uploads it."""
    with tempfile.TemporaryDirectory(prefix="health-gate-bench-") as tmp:
        archive = Path(tmp) / "function.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for file in sorted(root.rglob("*")):
                if file.is_file():
                    zipped.write(file, file.relative_to(root))
        return archive.stat().st_size


def _group(by_entry: dict[str, int]) -> dict[str, int]:
    """One line per dependency: `<dist>-<version>.dist-info` (or `.data`) and a single-module
    distribution's `<name>.py` count with the package."""
    grouped: dict[str, int] = defaultdict(int)
    for entry, size in by_entry.items():
        name = entry.removesuffix(".py")
        if entry.endswith((".dist-info", ".data")):
            name = entry.split("-")[0]
        grouped[name] += size
    return dict(sorted(grouped.items(), key=lambda item: -item[1]))


def measure(allow_build: bool = True) -> Figure:
    note = ""
    if _is_stale():
        reason = _sam_build() if allow_build else "building is off in quick mode"
        if not BUILD_DIR.is_dir():
            return skipped("package_size", NAME, TARGET, f"no {BUILD_DIR.name} build: {reason}")
        if reason:
            note = f" (stale build: {reason})"
    total, by_entry = _sizes(BUILD_DIR)
    zipped = _zipped_size(BUILD_DIR)
    grouped = _group(by_entry)
    bundled = [name for name in RUNTIME_PROVIDED if name in grouped]
    top = ", ".join(f"{name} {size / 2**20:.1f}" for name, size in list(grouped.items())[:4])
    result = f"{total / 2**20:.1f} MB unzipped, {zipped / 2**20:.1f} MB zipped (MB: {top})"
    if bundled:
        result += f"; BUNDLES {', '.join(bundled)}"
    return Figure(
        key="package_size",
        name=NAME,
        result=result + note,
        target=TARGET,
        met=not bundled,
        exact=True,
        data={
            "build_dir": str(BUILD_DIR.relative_to(ROOT)),
            "unzipped_bytes": total,
            "zipped_bytes": zipped,
            "bytes_by_entry": grouped,
            "runtime_packages_bundled": bundled,
            "stale": bool(note),
        },
    )
