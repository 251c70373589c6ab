"""The user agent the clients send: ``appsync-typed/<version> python/<x.y>``.

It goes out as both ``User-Agent`` and ``x-amz-user-agent`` (the header AWS's own
clients use, so AppSync-side metrics can attribute traffic) on every HTTP request
and on the WebSocket upgrade. SigV4 never signs ``User-Agent`` (proxies and HTTP
libraries rewrite it), so a rewritten one cannot break a signature.
``x-amz-user-agent`` is signed with the other request headers, as AWS Amplify's
clients do (AppSync accepts it so; proxies leave ``x-amz-*`` headers alone).

Users append their own product token with ``user_agent_extra=`` on a client. The
version is read from the installed distribution's metadata once, on first use, so
importing the runtime costs nothing for it.
"""

from __future__ import annotations

import functools
import sys

from .errors import AppSyncConfigError

__all__ = ["USER_AGENT_HEADERS", "library_version", "user_agent", "with_user_agent"]

DISTRIBUTION = "appsync-typed"
USER_AGENT_HEADERS = ("user-agent", "x-amz-user-agent")
"""The header names the user agent is sent as (lower case)."""


@functools.cache
def library_version() -> str:
    """The installed ``appsync-typed`` version (``"0+unknown"`` when no metadata is
    installed, as in a source tree copied without ``pip install``).

    A wheel installs ``appsync_typed-<version>.dist-info`` beside the package: its
    name is read first (one directory listing); only when that is not there (an
    editable install) does :mod:`importlib.metadata`, which costs some 10 ms to
    import, answer."""
    found = _version_beside_package()
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def _version_beside_package() -> str | None:
    """The version in the one ``appsync_typed-*.dist-info`` directory next to this
    package, or None (none, or several: then the metadata machinery decides)."""
    import os

    prefix = DISTRIBUTION.replace("-", "_") + "-"
    try:
        names = os.listdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    except OSError:
        return None
    found = [
        name[len(prefix) : -len(".dist-info")]
        for name in names
        if name.startswith(prefix) and name.endswith(".dist-info")
    ]
    return found[0] if len(found) == 1 and found[0] else None


def _check_extra(extra: object) -> str:
    if not isinstance(extra, str):
        raise AppSyncConfigError("user_agent_extra must be a string")
    extra = extra.strip()
    if not extra.isascii() or not extra.isprintable():
        raise AppSyncConfigError(
            "user_agent_extra must be printable ASCII (HTTP header values cannot carry "
            "line breaks, control characters or non-ASCII text)"
        )
    if len(extra) > 256:
        raise AppSyncConfigError("user_agent_extra must be at most 256 characters")
    return extra


@functools.cache
def _base() -> str:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{DISTRIBUTION}/{library_version()} python/{python}"


def user_agent(extra: str | None = None) -> str:
    """The user agent, with the user's ``extra`` product tokens appended."""
    if extra is None:
        return _base()
    extra = _check_extra(extra)
    return f"{_base()} {extra}" if extra else _base()


def with_user_agent(headers: dict[str, str], agent: str) -> dict[str, str]:
    """``headers`` with the user agent headers added, except where ``headers`` already
    name one of them (in any case): the user's own value wins."""
    given = {name.lower() for name in headers}
    added = {name: agent for name in USER_AGENT_HEADERS if name not in given}
    return {**added, **headers} if added else headers
