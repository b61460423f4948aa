"""Test doubles: the local HTTP fake of the AWS Health and CodePipeline JSON APIs."""

__all__: list[str] = []
