"""CodePipeline's limits on what a job worker reports (PutJob*Result), and the one way to cut
text to them."""

from __future__ import annotations

__all__ = ["MAX_FAILURE_MESSAGE", "MAX_SUMMARY", "clip"]

MAX_SUMMARY = 2048  # PutJobSuccessResult executionDetails.summary
MAX_FAILURE_MESSAGE = 5000  # PutJobFailureResult failureDetails.message


def clip(text: str, limit: int) -> str:
    """Cut to the API's limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
