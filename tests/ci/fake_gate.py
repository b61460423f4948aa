"""A stand-in for the `health-gate` CLI: prints a prepared verdict and records its arguments.

FAKE_GATE_REPLY   file whose text it prints on stdout (the verdict JSON, or anything else)
FAKE_GATE_EXIT    its exit code
FAKE_GATE_STDERR  text it prints on stderr first (progress lines of --wait)
FAKE_GATE_ARGV    file it writes its arguments to, as a JSON list
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    Path(os.environ["FAKE_GATE_ARGV"]).write_text(json.dumps(sys.argv[1:]), encoding="utf-8")
    sys.stderr.write(os.environ.get("FAKE_GATE_STDERR", ""))
    sys.stdout.write(Path(os.environ["FAKE_GATE_REPLY"]).read_text(encoding="utf-8"))
    return int(os.environ["FAKE_GATE_EXIT"])


if __name__ == "__main__":
    sys.exit(main())
