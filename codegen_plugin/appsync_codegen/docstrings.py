"""Docstrings in generated code, written as triple-quoted blocks within the line length.

``ast.unparse`` writes a docstring that is not the first statement of its body
(the attribute docstrings below model fields) as one ``'...\\n...'`` literal, and
never wraps long lines. :func:`rewrap_docstrings` rewrites every docstring of a
module (module, class, function and attribute docstrings) as a PEP 257 block
wrapped to the line length, so the code passes line-length checks whatever the
schema's descriptions hold.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

from ._rewrite import statements

__all__ = ["remember_wrapped", "rewrap_docstrings", "rewrap_parsed"]

_QUOTES = '"""'


_DONE: dict[tuple[str, int], None] = {}
"""Texts this function returned lately (with their line length): given one back, it
has nothing to do (it is idempotent), so it skips parsing it again. Generation
rewraps each module as ariadne-codegen produces it and then each file it wrote."""
_DONE_LIMIT = 4096


def rewrap_docstrings(code: str, line_length: int) -> str:
    """``code`` with each docstring rendered within ``line_length`` columns.

    Idempotent; code that does not parse is returned unchanged.
    """
    return rewrap_parsed(code, line_length)[0]


def rewrap_parsed(
    code: str, line_length: int
) -> tuple[str, ast.Module | None, list[tuple[int, int]]]:
    """:func:`rewrap_docstrings`' result, the tree it parsed ``code`` into (``None``
    when it parsed nothing: a text it had already wrapped, or a syntax error) and,
    for each docstring it rewrote, its last line in ``code`` (1-based) and the lines
    it gained there (negative: lost).

    With these a caller can find ``code``'s statements in the result without
    parsing it again.
    """
    if (code, line_length) in _DONE:
        return code, None, []
    shifts: list[tuple[int, int]] = []
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a null byte, before Python 3.11
        result, parsed = code, None
    else:
        result, parsed = _rewrap(code, tree, line_length, shifts), tree
    if len(_DONE) >= _DONE_LIMIT:
        _DONE.clear()
    _DONE[result, line_length] = None
    return result, parsed, shifts


def remember_wrapped(code: str, line_length: int) -> str:
    """Note ``code`` as having nothing left to wrap, and return it.

    For a text made from :func:`rewrap_docstrings`' result by edits that touch no
    docstring (moved imports, split string arguments): wrapping it again would
    only parse it to change nothing.
    """
    if len(_DONE) >= _DONE_LIMIT:
        _DONE.clear()
    _DONE[code, line_length] = None
    return code


def _rewrap(code: str, tree: ast.Module, line_length: int, shifts: list[tuple[int, int]]) -> str:
    found = sorted(_docstring_nodes(tree), key=lambda node: node.lineno, reverse=True)
    if not found:
        return code
    lines = code.splitlines(keepends=True)
    for node in found:
        assert node.end_lineno is not None
        first, last = node.lineno - 1, node.end_lineno - 1
        head = lines[first][: node.col_offset]
        tail = lines[last][node.end_col_offset or 0 :]
        if head.strip() or tail.strip():  # shares its line with other code: leave it
            continue
        value = node.value
        assert isinstance(value, ast.Constant) and isinstance(value.value, str)
        rendered = _render(value.value, node.col_offset, line_length)
        lines[first : last + 1] = [rendered]
        shifts.append((last + 1, rendered.count("\n") - (last + 1 - first)))
    return "".join(lines)


def _docstring_nodes(tree: ast.Module) -> list[ast.Expr]:
    """Docstrings of the module, classes and functions, and attribute docstrings."""
    found: list[ast.Expr] = []
    bodies: list[list[ast.stmt]] = [tree.body]
    for node in statements(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            bodies.append(node.body)
    for body in bodies:
        for index, statement in enumerate(body):
            if not _is_string_statement(statement):
                continue
            previous = body[index - 1] if index else None
            if index == 0 or isinstance(previous, (ast.AnnAssign, ast.Assign)):
                assert isinstance(statement, ast.Expr)
                found.append(statement)
    return found


def _is_string_statement(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _render(text: str, column: int, line_length: int) -> str:
    indent = " " * column
    width = max(line_length - column - len(_QUOTES), 20)
    text = inspect.cleandoc(text)
    body = _wrap(text, width)
    if len(body) == 1:
        if column + len(body[0]) + 2 * len(_QUOTES) <= line_length:
            return f"{indent}{_QUOTES}{_escape(body[0], last=True, first=True)}{_QUOTES}\n"
        # Too long with its closing quotes: break it, or formatters join it back.
        body = _wrap(text, width - len(_QUOTES))
        if len(body) == 1:  # one unbreakable word: nothing fits
            return f"{indent}{_QUOTES}{_escape(body[0], last=True, first=True)}{_QUOTES}\n"
    rendered = [f"{indent}{_QUOTES}{_escape(body[0], last=False, first=True)}\n"]
    rendered += [f"{indent}{_escape(line, last=False)}\n" if line else "\n" for line in body[1:]]
    rendered.append(f"{indent}{_QUOTES}\n")
    return "".join(rendered)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` line by line, long lines wrapped at word boundaries."""
    wrapped: list[str] = []
    for line in text.splitlines() or [""]:
        stripped = line.lstrip()
        if len(line) <= width or not stripped:
            wrapped.append(line.rstrip())
            continue
        lead = line[: len(line) - len(stripped)]
        hanging = lead + ("  " if stripped[:2] in ("- ", "* ") else "")
        wrapped += textwrap.wrap(
            stripped,
            width,
            initial_indent=lead,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return wrapped


_UNWRITABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
"""Characters a source file cannot hold as they are (a null byte; a lone surrogate,
which UTF-8 cannot encode) or that would hide in it (other control characters):
written as escapes, so the docstring's value is still the description's text."""


def _escape_unwritable(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(line: str, *, last: bool, first: bool = False) -> str:
    """A line safe inside a triple-quoted literal (``first``/``last``: next to the quotes)."""
    escaped = line.replace("\\", "\\\\").replace(_QUOTES, '\\"\\"\\"')
    escaped = _UNWRITABLE.sub(_escape_unwritable, escaped)
    if first and escaped.startswith('"'):
        escaped = "\\" + escaped
    if last and escaped.endswith('"'):
        body = escaped[:-1]
        if (len(body) - len(body.rstrip("\\"))) % 2 == 0:  # the quote is not escaped
            escaped = body + '\\"'
    return escaped
