"""Pure: the retrier's bookkeeping. What the pipeline says (messages, action attempts), what
the gate blocked, the retry plan, the notices, and the two jobs: register and sweep."""

__all__: list[str] = []
