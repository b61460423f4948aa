"""The machinery both entry points share: settings from the environment, boto3 clients built
lazily once per container, the health sources, the clock, deadlines and the wait loop.

The Lambda handlers and the CLI build everything through here; nothing here does I/O at import.
"""

__all__ = ["reset"]


def reset() -> None:
    """Forget every cached client, DNS answer and service, as a new container would (tests)."""
    from health_gate.runtime import clients, regions, retry_services, settings, sources

    for module in (clients, sources, retry_services, settings, regions):
        module.reset()
