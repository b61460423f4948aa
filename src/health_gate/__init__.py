"""health-gate: block CodePipeline deployments while AWS Health reports an incident."""

__all__ = ["__version__"]

__version__ = "0.2.0"
