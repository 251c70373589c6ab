"""GraphQL documents as generated code sends them: compact, with the same meaning.

:func:`compact_document` keeps every token and drops what only formats: indentation,
line breaks, comments and commas (insignificant in GraphQL). One space separates two
tokens only where they would otherwise run together or read differently. Block
strings become ordinary strings with the same value.
"""

from __future__ import annotations

import functools
import json

from graphql import Source, TokenKind
from graphql.language.lexer import Lexer

__all__ = ["compact_document", "split_text"]

_WORDS = {TokenKind.NAME, TokenKind.INT, TokenKind.FLOAT}


def compact_document(text: str) -> str:
    """``text`` (a valid document) with only the whitespace its tokens need."""
    return _compact(text)


@functools.lru_cache(maxsize=1024)  # each operation is compacted once per client
def _compact(text: str) -> str:
    lexer = Lexer(Source(text))
    parts: list[str] = []
    previous: TokenKind | None = None
    token = lexer.advance()
    while token.kind != TokenKind.EOF:
        kind = token.kind
        if kind in (TokenKind.STRING, TokenKind.BLOCK_STRING):
            piece = json.dumps(token.value, ensure_ascii=False)
        else:
            piece = text[token.start : token.end]
        # two words (names, numbers) need a space between them, and so does a
        # number followed by a dot-led spread ("1 ...F"); two strings too ("" "" is
        # not a block string's opening """)
        if (previous in _WORDS and (kind in _WORDS or kind == TokenKind.SPREAD)) or (
            previous == TokenKind.STRING and kind in (TokenKind.STRING, TokenKind.BLOCK_STRING)
        ):
            parts.append(" ")
        parts.append(piece)
        previous = TokenKind.STRING if kind == TokenKind.BLOCK_STRING else kind
        token = lexer.advance()
    return "".join(parts)


def split_text(text: str, width: int) -> list[str]:
    """``text`` cut into pieces of at most ``width`` characters (the last may be
    shorter), preferring cuts after a space, brace or parenthesis."""
    pieces: list[str] = []
    while len(text) > width:
        cut = max(text.rfind(mark, 0, width) for mark in (" ", "{", "}", "(", ")"))
        cut = width if cut <= 0 else cut + 1
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces
