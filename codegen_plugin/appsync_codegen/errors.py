"""User-facing problems found while generating, each tied to a place in a file.

A :class:`Diagnostic` prints as ``file:line:col: message``, the form editors and CI
logs turn into links. :class:`CodegenError` carries one or more of them; the command
prints them and exits with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CodegenError", "Diagnostic", "display_path"]


def display_path(path: Path | str) -> str:
    """``path`` relative to the working directory when that is shorter, in posix form."""
    text = str(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return Path(text).as_posix()
    chosen = relative if len(relative) <= len(text) else text
    return Path(chosen).as_posix()


def source_location(node: object) -> tuple[str, int, int] | None:
    """Where a GraphQL AST node stands: its source's name, line and column (None: unknown)."""
    loc = getattr(node, "loc", None)
    source = getattr(loc, "source", None)
    if loc is None or source is None:
        return None
    where = source.get_location(loc.start)
    return source.name, where.line, where.column


@dataclass(frozen=True)
class Diagnostic:
    """One problem at ``file:line:col`` (line and column count from 1)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CodegenError(Exception):
    """Generation stopped on problems in the user's schema, operations or config."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(diagnostic) for diagnostic in diagnostics))

    @classmethod
    def at(cls, file: Path | str, message: str, line: int = 1, column: int = 1) -> CodegenError:
        """One problem in ``file``."""
        return cls([Diagnostic(display_path(file), line, column, message)])
