"""Pure: AWS Health events, the queries that fetch them, and the verdict. Values in, values out;
standard library only (and `health_gate.config` / `health_gate.errors`)."""

__all__: list[str] = []
