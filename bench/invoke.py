"""Run the real gate handler once in a fresh interpreter, as in a cold Lambda container.

Parent side: `invoke(handler, event, env)` starts `python -m bench.invoke` with the AWS
endpoints pointed at local fakes. Child side: imports the handler, invokes it once, and
writes timings and its peak RSS as JSON.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakes.lambda_context import FakeLambdaContext

from bench.environment import ROOT, child_env

__all__ = ["GATE_HANDLER", "invoke", "invoke_gate", "job_event"]

GATE_HANDLER = "health_gate.handlers.gate:handler"
JOB_SAMPLE = ROOT / "events" / "codepipeline" / "job-json-params.json"


def job_event(job_id: str, user_parameters: dict[str, Any]) -> dict[str, Any]:
    """The sample job event from events/, with its own job ID and UserParameters."""
    event: dict[str, Any] = json.loads(JOB_SAMPLE.read_text(encoding="utf-8"))
    job = event["CodePipeline.job"]
    job["id"] = job_id
    job["data"]["actionConfiguration"]["configuration"]["UserParameters"] = json.dumps(
        user_parameters
    )
    return event


def _peak_rss_mb() -> float:
    """This process image's peak RSS.

    On Linux `ru_maxrss` keeps the high-water mark of the process that spawned this one across
    exec (the bench parent, with its fake and its own peak), so the kernel's per-image counter
    VmHWM is read where /proc exists; `ru_maxrss` elsewhere (macOS reports bytes).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def invoke(
    handler: str, event: dict[str, Any], env: dict[str, str], timeout: float = 120
) -> dict[str, Any]:
    """Invoke `handler` ("module:function") once in a child interpreter with `env` added."""
    with tempfile.TemporaryDirectory(prefix="health-gate-bench-") as tmp:
        event_file, out = Path(tmp) / "event.json", Path(tmp) / "result.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        child = subprocess.run(
            [sys.executable, "-m", "bench.invoke", handler, str(event_file), str(out)],
            env=child_env(**env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,  # the handler's JSON logs and EMF metrics
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        if child.returncode != 0:
            raise RuntimeError(f"{handler} failed: {child.stderr.strip()[-2000:]}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def invoke_gate(
    fake_url: str, job_id: str, user_parameters: dict[str, Any], timeout: float = 120
) -> dict[str, Any]:
    """One gate invocation on a CodePipeline job, with Health and CodePipeline at the fake."""
    endpoints = {"AWS_ENDPOINT_URL_HEALTH": fake_url, "AWS_ENDPOINT_URL_CODEPIPELINE": fake_url}
    return invoke(GATE_HANDLER, job_event(job_id, user_parameters), endpoints, timeout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="invoke a handler once (bench child)")
    parser.add_argument("handler", help='"module:function"')
    parser.add_argument("event", type=Path, help="the event, a JSON file")
    parser.add_argument("out", type=Path, help="where to write the measurements")
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text(encoding="utf-8"))
    module, _, function = args.handler.partition(":")
    rss_start = _peak_rss_mb()
    started = time.perf_counter()
    handler = getattr(importlib.import_module(module), function)
    imported = time.perf_counter()
    rss_imported = _peak_rss_mb()
    cpu = time.process_time()
    handler(event, FakeLambdaContext())  # 300 s, 128 MB: as in template.yaml
    result = {
        "import_ms": round((imported - started) * 1000, 1),
        "invoke_ms": round((time.perf_counter() - imported) * 1000, 1),
        "invoke_cpu_ms": round((time.process_time() - cpu) * 1000, 1),
        "rss_start_mb": round(rss_start, 1),
        "rss_after_import_mb": round(rss_imported, 1),
        "rss_peak_mb": round(_peak_rss_mb(), 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
