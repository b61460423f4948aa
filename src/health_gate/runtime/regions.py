"""The region codes this gate knows: botocore's bundled partition list, read once per process.

The file is read without importing botocore (the CLI's offline check does not otherwise load
it); botocore's loader is the fallback, for a botocore that ships its data compressed.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from health_gate.config import KnownRegions

__all__ = ["known_regions", "reset"]


def _read_partitions() -> Any:
    spec = importlib.util.find_spec("botocore")
    for folder in spec.submodule_search_locations or () if spec else ():
        data = Path(folder) / "data"
        if (data / "partitions.json").is_file():
            return json.loads((data / "partitions.json").read_bytes())
        if (data / "partitions.json.gz").is_file():
            return json.loads(gzip.decompress((data / "partitions.json.gz").read_bytes()))
    from botocore.loaders import create_loader

    return create_loader().load_data("partitions")


@cache
def known_regions() -> KnownRegions:
    return KnownRegions.from_botocore(_read_partitions())


def reset() -> None:
    known_regions.cache_clear()
