"""AppSync Events, pure parts: channels, the bodies that are sent (and signed), and
publish results. No I/O; the clients (:mod:`._events_client`) and the WebSocket
protocol (:mod:`._events_ws`) build on these.

Channels (``/namespace/a/b``): 1 to 5 segments of 1 to 50 characters from
``[A-Za-z0-9-]``, each starting and ending with a letter or digit; a subscription may
end in ``/*`` (every channel below). They are checked before anything is sent and
written in one form: a leading ``/``, no trailing one.

A publish carries at most :data:`MAX_EVENTS_PER_PUBLISH` events, each the JSON text
of one value; its answer lists ``successful`` and ``failed`` entries by index, which
:func:`publish_result` turns into a :class:`PublishResult` (indexes counted in the
caller's own list of events, across batches).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast
from urllib.parse import urlsplit, urlunsplit

from ._endpoints import Endpoint, parse_endpoint, region_from_host
from ._redaction import MAX_BODY, MAX_MESSAGE, NO_SECRETS, Scrubber
from ._request import encode_value
from ._response import HttpResponse, loads, parse_response
from .errors import AppSyncConfigError, AppSyncHTTPError, AppSyncResponseError

__all__ = [
    "MAX_EVENTS_PER_PUBLISH",
    "FailedEvent",
    "PublishResult",
    "PublishedEvent",
    "channel_path",
    "encode_events",
    "events_endpoint",
    "parse_publish_response",
    "publish_body",
    "publish_result",
    "subscribe_body",
]

MAX_EVENTS_PER_PUBLISH: Final = 5
"""Events in one publish request or message (AppSync refuses more)."""
MAX_SEGMENTS: Final = 5
MAX_SEGMENT_LENGTH: Final = 50

_PLAIN_ID = re.compile(r"[0-9A-Fa-f-]{1,64}")  # a UUID: nothing in it to scrub
_SEGMENT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?")
_ALLOWED = re.compile(r"[A-Za-z0-9-]*")


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:60]!r}... ({len(text)} characters)"


def channel_path(channel: object, *, subscribe: bool = False) -> str:
    """``channel`` checked against AppSync's channel rules and written as
    ``/a/b/c`` (a leading ``/`` added, one trailing ``/`` dropped). With
    ``subscribe``, a last segment ``*`` (every channel below) is allowed.

    A bad channel raises :class:`AppSyncConfigError` naming the rule it breaks."""
    if not isinstance(channel, str):
        raise AppSyncConfigError(
            f"channel must be a string, not {type(channel).__name__} (rule: a channel is text)"
        )
    path = channel[1:] if channel.startswith("/") else channel
    if path.endswith("/"):
        path = path[:-1]
    if not path:
        raise AppSyncConfigError(
            f"channel {_shown(channel)} is empty (rule: a namespace and up to 4 more "
            "segments, e.g. '/default/chat')"
        )
    segments = path.split("/")
    wildcard = segments[-1] == "*"
    if wildcard:
        if not subscribe:
            raise AppSyncConfigError(
                f"channel {_shown(channel)}: the wildcard '*' is only for subscribing "
                "(rule: publish to one concrete channel)"
            )
        segments = segments[:-1]
        if not segments:
            raise AppSyncConfigError(
                f"channel {_shown(channel)}: a wildcard needs a namespace before it "
                "(rule: '/namespace/*')"
            )
    if len(segments) > MAX_SEGMENTS:
        raise AppSyncConfigError(
            f"channel {_shown(channel)} has {len(segments)} segments "
            f"(rule: 1 to {MAX_SEGMENTS} segments"
            + (", plus a final '*'" if subscribe else "")
            + ")"
        )
    for number, segment in enumerate(segments, 1):
        if _SEGMENT.fullmatch(segment):
            continue
        where = f"channel {_shown(channel)}, segment {number}"
        if not segment:
            raise AppSyncConfigError(f"{where} is empty (rule: no '//' in a channel)")
        if "*" in segment:
            raise AppSyncConfigError(
                f"{where} holds '*' (rule: the wildcard is a whole last segment, '/ns/*')"
            )
        if len(segment) > MAX_SEGMENT_LENGTH:
            raise AppSyncConfigError(
                f"{where} is {len(segment)} characters long "
                f"(rule: 1 to {MAX_SEGMENT_LENGTH} characters per segment)"
            )
        if not _ALLOWED.fullmatch(segment):
            raise AppSyncConfigError(
                f"{where} holds a character other than letters, digits and '-' "
                "(rule: segments use [A-Za-z0-9-] only)"
            )
        raise AppSyncConfigError(
            f"{where} starts or ends with '-' (rule: a segment starts and ends with a "
            "letter or digit)"
        )
    return "/" + "/".join(segments) + ("/*" if wildcard else "")


def events_endpoint(
    url: str, *, region: str | None = None, realtime_url: str | None = None
) -> Endpoint:
    """An Event API's endpoints from its HTTP URL (``https://<host>/event``; a URL
    with no path gets ``/event``, one ending in ``/event/`` loses the last slash).
    The real-time URL, unless given: the same path plus ``/realtime`` over ``wss``,
    on the ``appsync-realtime-api`` host for a standard AppSync host and on the same
    host for a custom domain. Standard hosts carry the region; a custom domain needs
    ``region=`` for IAM."""
    if not isinstance(url, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise AppSyncConfigError(f"url must be a string, not {type(url).__name__}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise AppSyncConfigError(f"url is not a valid URL: {exc}") from None
    path = parts.path
    if path in ("", "/") or path.endswith("/event/"):
        path = path[:-1] if path.endswith("/event/") else "/event"
        url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
    elif not path.endswith("/event"):
        raise AppSyncConfigError(
            f"url path {path!r} is not an Event API's: it ends with /event "
            "(https://<id>.appsync-api.<region>.amazonaws.com/event); a GraphQL "
            "endpoint (/graphql) needs AppSyncClient"
        )
    if realtime_url is None and parts.hostname:
        host = parts.netloc.lower()
        if region_from_host(host) is not None:
            host = host.replace(".appsync-api.", ".appsync-realtime-api.", 1)
        scheme = "ws" if parts.scheme.lower() == "http" else "wss"
        realtime_url = urlunsplit((scheme, host, path + "/realtime", "", ""))
    return parse_endpoint(url, region=region, realtime_url=realtime_url)


def encode_events(values: Sequence[object], offset: int = 0) -> tuple[str, ...]:
    """Each value as the JSON text one event carries (pydantic models dumped by alias;
    dates and the like as their JSON form). A value with no JSON form (NaN, a set, a
    cycle) raises :class:`AppSyncConfigError` located at ``events[i]``."""
    return tuple(
        encode_value(value, f"events[{index}]") for index, value in enumerate(values, offset)
    )


def _dumps(value: object) -> str:
    # JavaScript's JSON.stringify: compact, '/' unescaped, non-ASCII raw. AppSync
    # rebuilds what an IAM signature covers from the message fields this way.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def subscribe_body(channel: str) -> bytes:
    """``{"channel":...}``: what an IAM signature of a ``subscribe`` covers."""
    return _dumps({"channel": channel}).encode("utf-8")


def publish_body(channel: str, events: Sequence[str]) -> bytes:
    """``{"channel":...,"events":[...]}``: an HTTP publish body, and what an IAM
    signature of a WebSocket ``publish`` covers. ``events`` are JSON texts."""
    return _dumps({"channel": channel, "events": list(events)}).encode("utf-8")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PublishedEvent:
    """An event AppSync accepted: ``index`` in the events given to ``publish``;
    ``identifier`` is AppSync's id for it (for logs; subscribers never see it)."""

    index: int
    identifier: str | None = None


@dataclass(frozen=True)
class FailedEvent:
    """An event AppSync refused (typically an ``onPublish`` handler marked it with an
    error): ``index`` in the events given to ``publish``, and what AppSync said, each
    field None when not sent (AWS's own clients disagree on the names: ``code`` or
    ``errorCode``, ``message`` or ``errorMessage``; both are read)."""

    index: int
    code: int | str | None = None
    message: str | None = None
    error_type: str | None = None


@dataclass(frozen=True)
class PublishResult:
    """What became of each event of one ``publish`` call (every batch of it).

    ``successful`` and ``failed`` list the events AppSync reported, by index in the
    events given; ``unacknowledged`` the indexes it reported in neither list (an
    ``onPublish`` handler may drop events without an error: they were not broadcast,
    or AppSync did not say). ``ok`` is True only when every event is in
    ``successful``."""

    successful: tuple[PublishedEvent, ...] = ()
    failed: tuple[FailedEvent, ...] = ()
    unacknowledged: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether AppSync accepted every event."""
        return not self.failed and not self.unacknowledged

    @staticmethod
    def merge(results: Iterable[PublishResult]) -> PublishResult:
        """The results of several batches as one (in index order)."""
        successful: list[PublishedEvent] = []
        failed: list[FailedEvent] = []
        unacknowledged: list[int] = []
        for result in results:
            successful.extend(result.successful)
            failed.extend(result.failed)
            unacknowledged.extend(result.unacknowledged)
        return PublishResult(tuple(successful), tuple(failed), tuple(unacknowledged))


def _list(value: object) -> list[Any] | None:
    if value is None:
        return []
    items: list[Any] | None = value if isinstance(value, list) else None  # pyright: ignore[reportUnknownVariableType]
    return items


def _optional_text(fields: Mapping[str, Any], keys: tuple[str, ...], scrubber: Scrubber) -> Any:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str):
            return scrubber.text(value, MAX_MESSAGE)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


class _Malformed(Exception):
    pass


def _index(entry: object, count: int) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(entry, Mapping):
        raise _Malformed("an entry is not an object")
    fields = cast("Mapping[str, Any]", entry)
    index = fields.get("index")
    if isinstance(index, bool) or not isinstance(index, int):
        raise _Malformed("an entry has no integer index")
    if not 0 <= index < count:
        raise _Malformed(f"an entry's index {index} is outside the {count} events sent")
    return index, fields


def publish_result(
    payload: object, count: int, offset: int = 0, scrubber: Scrubber = NO_SECRETS
) -> PublishResult:
    """A publish answer's ``successful`` and ``failed`` lists (``payload``, decoded
    JSON, for ``count`` events) as a :class:`PublishResult` whose indexes start at
    ``offset``. Raises ``ValueError`` when the answer does not fit: not an object,
    lists that are not lists, indexes out of range or reported twice."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"a publish answer must be a JSON object, not {type(payload).__name__}")
    fields = cast("Mapping[str, Any]", payload)
    good, bad = _list(fields.get("successful")), _list(fields.get("failed"))
    if good is None or bad is None:
        raise ValueError("'successful' and 'failed' must be lists")
    seen: set[int] = set()
    successful: list[PublishedEvent] = []
    failed: list[FailedEvent] = []
    try:
        for entry in good:
            index, entry_fields = _index(entry, count)
            if index in seen:
                raise _Malformed(f"event {index} is reported twice")
            seen.add(index)
            identifier = entry_fields.get("identifier")
            if isinstance(identifier, str):
                if not _PLAIN_ID.fullmatch(identifier):  # server text: may echo a secret
                    identifier = scrubber.text(identifier, 200)
            else:
                identifier = None
            successful.append(PublishedEvent(offset + index, identifier))
        for entry in bad:
            index, entry_fields = _index(entry, count)
            if index in seen:
                raise _Malformed(f"event {index} is reported twice")
            seen.add(index)
            error_type = entry_fields.get("errorType")
            failed.append(
                FailedEvent(
                    offset + index,
                    code=_optional_text(entry_fields, ("code", "errorCode"), scrubber),
                    message=_optional_text(entry_fields, ("message", "errorMessage"), scrubber),
                    error_type=scrubber.text(error_type, 200)
                    if isinstance(error_type, str)
                    else None,
                )
            )
    except _Malformed as exc:
        raise ValueError(str(exc)) from None
    successful.sort(key=lambda event: event.index)
    failed.sort(key=lambda event: event.index)
    missing = tuple(offset + index for index in range(count) if index not in seen)
    return PublishResult(tuple(successful), tuple(failed), missing)


def _first_error(payload: object, scrubber: Scrubber) -> tuple[str | None, str | None] | None:
    """(errorType, message) of an ``errors`` body with no publish lists, else None."""
    if not isinstance(payload, Mapping):
        return None
    fields = cast("Mapping[str, Any]", payload)
    errors: object = fields.get("errors")
    if not errors or "successful" in fields or "failed" in fields:
        return None
    first: object = errors
    if isinstance(errors, list):
        first = cast("list[object]", errors)[0]
    if not isinstance(first, Mapping):
        return None, None
    entry = cast("Mapping[str, Any]", first)
    error_type = _optional_text(entry, ("errorType",), scrubber)
    message = _optional_text(entry, ("message",), scrubber)
    return (
        error_type if isinstance(error_type, str) else None,
        message if isinstance(message, str) else None,
    )


def parse_publish_response(
    response: HttpResponse,
    count: int,
    offset: int = 0,
    operation_name: str | None = None,
    scrubber: Scrubber = NO_SECRETS,
) -> PublishResult:
    """An HTTP publish response as a :class:`PublishResult` for ``count`` events, or
    the one typed error it stands for: a non-2xx as any AppSync call's
    (:class:`~appsync_runtime.errors.AppSyncAuthError` for 401/403, ...), an
    ``errors`` body on a 2xx as :class:`~appsync_runtime.errors.AppSyncHTTPError`,
    anything unreadable as :class:`~appsync_runtime.errors.AppSyncResponseError`."""
    if not 200 <= response.status < 300:
        parse_response(response, operation_name, scrubber)  # raises the typed error
        raise AppSyncHTTPError(  # pragma: no cover - parse_response raised above
            f"HTTP {response.status}", status=response.status
        )
    request_id = response.headers.get("x-amzn-RequestId") or response.headers.get(
        "x-amzn-requestid"
    )
    clean_id = scrubber.text(request_id, 200) if request_id is not None else None

    def unusable(reason: str) -> AppSyncResponseError:
        return AppSyncResponseError(
            f"the publish response is not usable: {reason}",
            status=response.status,
            body=scrubber.data(response.content, MAX_BODY),
            request_id=clean_id,
            operation_name=operation_name,
        )

    try:
        payload = loads(response.content)
    except (ValueError, RecursionError):
        raise unusable(f"not JSON ({len(response.content)} bytes)") from None
    decoded: object = payload
    refused = _first_error(decoded, scrubber)
    if refused is not None:
        error_type, message = refused
        label = f"HTTP {response.status}" + (f" {error_type}" if error_type else "")
        raise AppSyncHTTPError(
            f"{label}: {message or 'the publish was refused'}",
            status=response.status,
            error_type=error_type,
            body=scrubber.data(response.content, MAX_BODY),
            request_id=clean_id,
            operation_name=operation_name,
        )
    try:
        return publish_result(decoded, count, offset, scrubber)
    except ValueError as exc:
        raise unusable(str(exc)) from None
