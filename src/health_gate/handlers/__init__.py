"""Thin Lambda entry points and their wiring."""

__all__: list[str] = []
