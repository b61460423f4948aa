"""Benchmarks of health-gate (issue 5): run `make bench`, or `python bench/run.py --quick`."""

__all__: list[str] = []
