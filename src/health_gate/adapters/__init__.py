"""Thin adapters between the core's ports and AWS (boto3), Slack and the public Health feed."""

__all__: list[str] = []
