"""Typed views of parsed TOML and JSON values (tables, arrays) for the checks that read them.

``isinstance(value, dict)`` on an ``object`` says nothing about keys and values; these
helpers name what a parsed document holds (string keys, values still to be checked) so
each caller checks the values it reads instead of trusting them.
"""

from __future__ import annotations

from typing import cast

__all__ = ["as_list", "as_str_list", "as_table"]


def as_table(value: object) -> dict[str, object] | None:
    """``value`` when it is a parsed TOML/JSON table (keys are strings there), else ``None``."""
    if isinstance(value, dict):
        return cast("dict[str, object]", value)
    return None


def as_list(value: object) -> list[object] | None:
    """``value`` when it is a parsed TOML/JSON array, else ``None``."""
    if isinstance(value, list):
        return cast("list[object]", value)
    return None


def as_str_list(value: object) -> list[str] | None:
    """``value`` when it is a parsed TOML/JSON array of strings only, else ``None``."""
    items = as_list(value)
    if items is None:
        return None
    strings = [item for item in items if isinstance(item, str)]
    return strings if len(strings) == len(items) else None
