"""AppSync endpoint URLs: validation, the region in standard hosts, real-time URLs.

A standard endpoint is ``https://<api id>.appsync-api.<region>.amazonaws.com/graphql``;
its region is read from the host and its real-time endpoint swaps ``appsync-api`` for
``appsync-realtime-api``. Anything else is a custom domain: the region must be given
for IAM, and real-time lives at ``wss://<domain>/graphql/realtime``. Behind a proxy
neither rule holds, so an explicit real-time URL always wins.
"""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .errors import AppSyncConfigError

__all__ = [
    "Endpoint",
    "foreign_realtime_host",
    "is_loopback_host",
    "parse_endpoint",
    "region_from_host",
    "url_without_query",
]

_STANDARD_HOST = re.compile(
    r"^(?P<api_id>[a-z0-9]+)\.appsync-api\.(?P<region>[a-z]{2}(?:-[a-z0-9]+)+-\d+)"
    r"\.amazonaws\.com(?:\.cn)?$"
)
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f]")


def url_without_query(url: str) -> str:
    """``url`` without its query and fragment: what may be shown of a URL (a signed
    real-time URL carries credentials in its query)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def region_from_host(host: str) -> str | None:
    """The region of a standard AppSync host, or None for a custom domain."""
    match = _STANDARD_HOST.match(host.lower().split(":", 1)[0])
    return match.group("region") if match else None


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and what they say about the API.

    ``host`` is the ``Host`` header sent and signed: the URL's own host, or the API's
    host when a private API is reached through a VPC endpoint.
    """

    url: str
    host: str
    region: str | None
    realtime_url: str
    is_standard: bool


def _check_url(url: str, what: str) -> tuple[str, str, str, str]:
    if not isinstance(url, str) or not url:
        raise AppSyncConfigError(f"{what} must be a non-empty string")
    if _FORBIDDEN_CHARS.search(url):
        raise AppSyncConfigError(f"{what} must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AppSyncConfigError(f"{what} is not a valid URL: {exc}") from None
    if parts.username is not None or parts.password is not None:
        raise AppSyncConfigError(f"{what} must not carry credentials")
    if not parts.hostname:
        raise AppSyncConfigError(f"{what} has no host: {url!r}")
    if parts.fragment:
        raise AppSyncConfigError(f"{what} must not have a #fragment")
    del port  # parsed above only to reject a malformed one
    return parts.scheme.lower(), parts.netloc, parts.hostname, parts.path


def parse_endpoint(
    url: str,
    *,
    host: str | None = None,
    region: str | None = None,
    realtime_url: str | None = None,
) -> Endpoint:
    """Validate an AppSync GraphQL URL and derive what the client needs from it.

    ``https`` is required, except for loopback hosts (local simulators and fakes).
    ``host`` sets the ``Host`` header for private APIs reached through a VPC endpoint.
    """
    scheme, netloc, hostname, path = _check_url(url, "url")
    if scheme == "http":
        if not is_loopback_host(hostname):
            raise AppSyncConfigError(
                "url must use https (plain http is allowed only for localhost): "
                f"{scheme}://{netloc}{path}"
            )
    elif scheme != "https":
        raise AppSyncConfigError(f"url must use https, not {scheme!r}")
    if host is not None:
        if not host or _FORBIDDEN_CHARS.search(host) or "/" in host:
            raise AppSyncConfigError("host must be a bare host name such as <id>.appsync-api...")
        api_host = host.lower()
    else:
        api_host = netloc.lower()
    derived_region = region_from_host(api_host)
    if region is not None and not re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)+-\d+", region):
        raise AppSyncConfigError(f"region {region!r} is not an AWS region name like us-east-1")
    if realtime_url is None:
        if derived_region is not None:
            rt_host = api_host.replace(".appsync-api.", ".appsync-realtime-api.", 1)
            realtime_url = urlunsplit(("wss", rt_host, path or "/graphql", "", ""))
        else:
            rt_scheme = "ws" if scheme == "http" else "wss"
            realtime_url = urlunsplit((rt_scheme, netloc, "/graphql/realtime", "", ""))
    else:
        rt_scheme, _, rt_hostname, _ = _check_url(realtime_url, "realtime_url")
        if rt_scheme == "ws":
            if not is_loopback_host(rt_hostname):
                raise AppSyncConfigError("realtime_url must use wss (ws only for localhost)")
        elif rt_scheme != "wss":
            raise AppSyncConfigError(f"realtime_url must use wss, not {rt_scheme!r}")
    return Endpoint(
        url=url,
        host=api_host,
        region=region or derived_region,
        realtime_url=realtime_url,
        is_standard=derived_region is not None,
    )


def _realtime_sibling(hostname: str) -> str:
    return hostname.replace(".appsync-api.", ".appsync-realtime-api.", 1)


def foreign_realtime_host(endpoint: Endpoint) -> str | None:
    """The real-time URL's host name when it is none of the API's own, else None.

    The API's own hosts are those requests already go to or name: the URL's host,
    the ``host`` given for a private API, and each one's ``appsync-realtime-api``
    sibling (ports are not compared). Credentials sent anywhere else are worth a
    warning: a proxy the user runs, or a mistake.
    """
    realtime = (urlsplit(endpoint.realtime_url).hostname or "").lower()
    own = {
        (urlsplit(endpoint.url).hostname or "").lower(),
        (urlsplit("//" + endpoint.host).hostname or "").lower(),
    }
    own |= {_realtime_sibling(name) for name in own}
    return None if realtime in own else realtime
