"""The pure decision core: values in, values out. Imports nothing beyond the standard library."""

__all__: list[str] = []
