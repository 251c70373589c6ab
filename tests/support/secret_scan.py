"""Finding secrets in text, in every form a hostile server might echo them, written
independently of the runtime's scrubber (no code shared with
``appsync_runtime._redaction``).

A secret counts as found when any 12 characters in a row of one of its forms appear
in a text, or in the text with its percent-escapes (``unquote``, ``unquote_plus``) or
JSON escapes undone (and both). The forms: the value raw and stripped, its base64 and
base64url encodings at each of the three byte alignments (what the value looks like
inside any base64-encoded framing), ``quote``/``quote_plus`` and JSON-escaped
(``\\/`` too). A secret shorter than 12 characters counts when it appears whole.

:func:`echoes` gives the encodings a hostile server uses to quote a secret back.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, unquote, unquote_plus

WINDOW = 12

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\\/\"bfnrt])")
_SIMPLE = {"\\": "\\", "/": "/", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _b64_interior(value: str, shift: int, alphabet: str) -> str:
    raw = value.encode()
    padded = b"\x01" * shift + raw
    encoded = (
        base64.urlsafe_b64encode(padded) if alphabet == "url" else base64.b64encode(padded)
    ).decode()
    # the groups holding a framing byte, or ending past the value, are not the value's own
    first = 4 if shift else 0
    whole_groups = (shift + len(raw)) // 3
    return encoded[first : whole_groups * 4]


def forms(secret: str) -> dict[str, str]:
    """Each form of ``secret`` by name (raw, b64-1, b64url-2, quote, json, ...)."""
    out = {"raw": secret, "stripped": secret.strip()}
    for value in {secret, secret.strip()}:
        for shift in range(3):
            out[f"b64-{shift}"] = _b64_interior(value, shift, "std")
            out[f"b64url-{shift}"] = _b64_interior(value, shift, "url")
        out["quote"] = quote(value, safe="")
        out["quote_plus"] = quote_plus(value, safe="")
        out["json"] = json.dumps(value)[1:-1]
        out["json_slash"] = json.dumps(value)[1:-1].replace("/", "\\/")
    return out


def _json_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return chr(int(match.group(1), 16))
        return _SIMPLE[match.group(2)]

    return _JSON_ESCAPE.sub(one, text)


def views(text: str) -> list[str]:
    """``text`` and its decoded readings."""
    seen = [text]
    for decode in (unquote, unquote_plus, _json_unescape):
        for base in list(seen):
            try:
                decoded = decode(base)
            except (ValueError, UnicodeError):
                continue
            if decoded not in seen:
                seen.append(decoded)
    return seen


@dataclass(frozen=True)
class Leak:
    """One secret found: which one, in which form, and where."""

    secret: str
    form: str
    context: str

    def __str__(self) -> str:
        return f"{self.secret[:6]}... as {self.form}: ...{self.context}..."


class SecretScan:
    """Looks for every form of the given secrets in text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s.strip()) >= 8})
        self._windows: dict[str, tuple[str, str]] = {}
        self._whole: list[tuple[str, str, str]] = []
        for secret in self.secrets:
            for name, form in forms(secret).items():
                if len(form) < WINDOW:
                    if len(form) >= 8:
                        self._whole.append((form, secret, name))
                    continue
                for at in range(len(form) - WINDOW + 1):
                    self._windows.setdefault(form[at : at + WINDOW], (secret, name))

    def find(self, texts: Iterable[str]) -> list[Leak]:
        """Every leak in ``texts`` (each leak once per secret and form)."""
        leaks: dict[tuple[str, str], Leak] = {}
        windows = self._windows
        for text in dict.fromkeys(texts):  # each distinct text once
            for view in views(text):
                for at in range(len(view) - WINDOW + 1):
                    hit = windows.get(view[at : at + WINDOW])
                    if hit is not None and hit not in leaks:
                        context = view[max(0, at - 20) : at + WINDOW + 20]
                        leaks[hit] = Leak(hit[0], hit[1], context)
                for form, secret, name in self._whole:
                    at = view.find(form)
                    if at >= 0 and (secret, name) not in leaks:
                        leaks[(secret, name)] = Leak(secret, name, view[max(0, at - 20) : at + 40])
        return list(leaks.values())


def echoes(secret: str) -> dict[str, str]:
    """How a hostile server quotes ``secret`` back: raw, a partial slice, inside
    base64/base64url framings, URL-encoded, JSON-escaped, fully escaped, and doubly
    encoded."""
    value = secret.strip()
    framing = json.dumps({"header": {"authorization": value}}).encode()
    middle = value[len(value) // 3 : len(value) // 3 + max(WINDOW, len(value) // 3)]
    return {
        "raw": secret,
        "partial": middle,
        "b64": base64.b64encode(framing).decode(),
        "b64url": base64.urlsafe_b64encode(b"x" + framing).decode().rstrip("="),
        "quote": quote(value, safe=""),
        "quote_plus": quote_plus("a " + value, safe=""),
        "json": json.dumps(value).replace("/", "\\/"),
        "json_u": "".join(f"\\u{ord(ch):04x}" for ch in value),
        "pct_all": "".join(f"%{byte:02X}" for byte in value.encode()),
        "quote_b64": quote(base64.b64encode(b"{" + value.encode()).decode(), safe=""),
    }
