"""Pure: the CodePipeline job protocol. The job event, the one report per invocation, the wait
token and wait rules, and the blocked message format the retrier reads back."""

__all__: list[str] = []
