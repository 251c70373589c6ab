"""MkDocs hook: the API reference lists what ``appsync_runtime`` exports.

``appsync_runtime`` imports its names on first use (``__all__`` is built from
``_EXPORTS``), which a static reader cannot follow; a line ``<!-- exports -->`` in a
page becomes one mkdocstrings entry per exported name, grouped by the module it comes
from, so the reference never drifts from the package.
"""

from __future__ import annotations

from typing import Any

import appsync_runtime

_PLACEHOLDER = "<!-- exports -->"
_SECTIONS = {
    "_client": "Clients",
    "_options": "Per-call options",
    "_operation": "Operations",
    "_pages": "Pagination",
    "_auth": "Auth strategies",
    "_iam": "IAM",
    "_sigv4": "IAM",
    "_credentials": "Credentials",
    "_request": "Retries and timeouts",
    "_retry": "Retries and timeouts",
    "_observe": "Observing calls",
    "_response": "Responses",
    "_realtime_types": "Real-time",
    "_events": "Event APIs",
    "_events_client": "Event APIs",
    "errors": "Errors",
    "model": "Models",
    "unset": "Models",
}


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Expand the placeholder into the exported names, section by section."""
    if _PLACEHOLDER not in markdown:
        return markdown
    sections: dict[str, list[str]] = {}
    for name, module in appsync_runtime._EXPORTS.items():  # pyright: ignore[reportPrivateUsage]
        sections.setdefault(_SECTIONS.get(module, module), []).append(name)
    parts: list[str] = []
    for title, names in sections.items():
        parts.append(f"## {title}\n")
        parts.extend(
            f"::: appsync_runtime.{name}\n    options:\n      heading_level: 3\n" for name in names
        )
    return markdown.replace(_PLACEHOLDER, "\n".join(parts))
