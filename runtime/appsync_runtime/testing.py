"""A fake AppSync for testing code that uses a generated client: pure Python, no Node.

:class:`AppSyncFake` stands in for AppSync below the generated ``Client`` and
``AsyncClient``: it plugs in where a client hands each request to its transport, so
everything above runs for real (auth strategy selection per operation, variable
serialization, retries and their waits, typed errors, result validation). While it
is installed, every client of the process talks to it::

    from appsync_runtime.testing import AppSyncFake, graphql_error

    with AppSyncFake() as fake:
        fake.on(Client.get_note).reply(GetNote(get_note=None))
        fake.on(Client.create_note).reply(graphql_error("taken", error_type="Conflict"))
        run_the_code_under_test()
        fake.assert_called(Client.get_note, variables={"id": "n1"})

With pytest, the ``appsync_fake`` fixture (:mod:`appsync_runtime.pytest_plugin`) gives
an installed fake and checks it when the test ends.

- **Answers** are registered by client method (``fake.on(Client.get_note)``, typed:
  the answer must be that method's result model) or operation name
  (``fake.on("GetNote")``). An answer is a result model instance, a ``data`` dict
  (validated by the result model; a mismatch names the field), a callable of the
  variables as sent, or a :class:`Failure`; several answers are used in order.
  :func:`build` makes a valid result with plain defaults, overriding only the fields
  a test cares about.
- **Failures** as AppSync sends them: :func:`graphql_error` (``errorType``,
  ``errorInfo``, ``path``, partial ``data``), :func:`unauthorized_field`,
  :func:`auth_rejected` (401/403 for each :class:`~appsync_runtime.AuthFailureReason`
  a response can carry), :func:`throttled` (429, ``Retry-After``),
  :func:`server_error` (5xx) and :func:`network_error` (before or after sending).
- **Calls are recorded** (:attr:`AppSyncFake.calls`, one :class:`RecordedCall` per
  attempt): operation, variables as sent, auth mode, headers with every secret
  masked. An unexpected call, a variable the operation does not declare, a missing
  non-null variable or a value of the wrong kind raises :class:`FakeAssertionError`
  in the call and again from :meth:`AppSyncFake.verify`, which also reports
  registered answers no call used.
- **Subscriptions**: ``fake.on(Client.on_note_created)`` returns a
  :class:`SubscriptionFeed` that scripts what the subscription sees once AppSync
  acknowledged it (``on_ready`` runs then): events, a per-subscription error, a
  dropped connection (the client reconnects for real and ``on_gap`` runs), and
  completion. The client's real connection manager runs against an in-memory
  WebSocket peer speaking AppSync's ``graphql-ws``.

The fake is bound to nothing but the process: install one at a time. Importing the
generated client does not import this module (production code pays nothing for it).
"""

# The kit's classes (the fake, its stubs, feeds and sockets) work on each other's
# private state under the fake's one lock; none of it is API.
# pyright: reportPrivateUsage=false
from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import itertools
import json
import sys
import threading
import typing
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from pydantic import BaseModel, ValidationError

from . import _seam
from ._redaction import SECRET_HEADERS
from ._response import HttpResponse
from .errors import (
    AppSyncConfigError,
    AppSyncNetworkError,
    AppSyncTimeoutError,
    AuthFailureReason,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._connection import WebSocket
    from ._flow import Call
    from ._request import HttpRequest

__all__ = [
    "AppSyncFake",
    "Failure",
    "FakeAssertionError",
    "FakeSetupError",
    "RecordedCall",
    "Stub",
    "SubscriptionFeed",
    "auth_rejected",
    "build",
    "graphql_error",
    "network_error",
    "server_error",
    "throttled",
    "unauthorized_field",
]

R = TypeVar("R", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)

Variables = dict[str, Any]
"""The variables of a call, as sent (after serialization: JSON values)."""


class FakeAssertionError(AssertionError):
    """The code under test made a call the fake did not expect, or one AppSync would
    reject (its variables); or :meth:`AppSyncFake.verify` found answers never used."""


class FakeSetupError(AppSyncConfigError):
    """The test set the fake up wrongly: an unknown operation, an answer that does
    not fit the operation's result model, a second fake installed."""


# --------------------------------------------------------------------------- failures


@dataclass(frozen=True)
class Failure:
    """One failure the fake answers with, as AppSync would send it: a response
    (``status``, ``headers``, ``body``) or, with ``network`` set, no response at all
    (:class:`~appsync_runtime.AppSyncNetworkError`; ``sent`` tells whether the
    request had left the machine). Made by the functions below."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    body: bytes = b""
    network: str | None = None
    sent: bool = True
    timeout: bool = False


def _json_body(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _wire_data(data: BaseModel | Mapping[str, Any] | None) -> Any:
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", by_alias=True)
    return None if data is None else dict(data)


def graphql_error(
    message: str,
    *,
    error_type: str | None = None,
    error_info: Mapping[str, Any] | None = None,
    path: Sequence[str | int] | None = None,
    data: BaseModel | Mapping[str, Any] | None = None,
) -> Failure:
    """A 200 response with one GraphQL error (and ``data``, partial or None), as a
    resolver's ``util.error(message, errorType, data, errorInfo)`` produces."""
    entry: dict[str, Any] = {"message": message}
    if path is not None:
        entry["path"] = list(path)
    entry["locations"] = [{"line": 2, "column": 3, "sourceName": None}]
    if error_type is not None:
        entry["errorType"] = error_type
    if error_info is not None:
        entry["errorInfo"] = dict(error_info)
    else:
        entry["errorInfo"] = None
    entry["data"] = None
    return Failure(
        status=200,
        headers={"content-type": "application/json"},
        body=_json_body({"data": _wire_data(data), "errors": [entry]}),
    )


def unauthorized_field(
    path: Sequence[str | int],
    *,
    type_name: str = "Query",
    data: BaseModel | Mapping[str, Any] | None = None,
) -> Failure:
    """A 200 response refusing the field at ``path`` to the caller's auth mode
    (``errorType`` ``Unauthorized``), with ``data`` as given (AppSync sends the
    refused field as null: give it so there)."""
    name = next((part for part in reversed(path) if isinstance(part, str)), "field")
    return graphql_error(
        f"Not Authorized to access {name} on type {type_name}",
        error_type="Unauthorized",
        path=path,
        data=data,
    )


_REJECTIONS: Mapping[AuthFailureReason, tuple[int, str, str]] = {
    AuthFailureReason.UNAUTHORIZED: (
        401,
        "UnauthorizedException",
        "You are not authorized to make this call.",
    ),
    AuthFailureReason.SIGNATURE_MISMATCH: (
        403,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided.",
    ),
    AuthFailureReason.CLOCK_SKEW: (
        403,
        "InvalidSignatureException",
        "Signature expired: 20200101T000000Z is now earlier than 20200101T000500Z.",
    ),
    AuthFailureReason.EXPIRED_CREDENTIALS: (
        403,
        "UnrecognizedClientException",
        "The security token included in the request is expired",
    ),
    AuthFailureReason.ACCESS_DENIED: (
        403,
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/app/test is not authorized to "
        "perform: appsync:GraphQL on resource: arn:aws:appsync:us-east-1:123456789012:apis/x",
    ),
    AuthFailureReason.FORBIDDEN: (403, "ForbiddenException", "Forbidden"),
}


def auth_rejected(reason: AuthFailureReason | str = AuthFailureReason.UNAUTHORIZED) -> Failure:
    """The 401 or 403 AppSync sends for ``reason`` (raised as
    :class:`~appsync_runtime.AppSyncAuthError` with that ``reason``).
    ``no_credentials`` never comes from AppSync: give the client a strategy that
    raises to test it."""
    try:
        status, error_type, message = _REJECTIONS[AuthFailureReason(reason)]
    except (KeyError, ValueError):
        known = ", ".join(reason.value for reason in _REJECTIONS)
        raise FakeSetupError(
            f"auth_rejected: {reason!r} is not a reason AppSync answers with (one of {known})"
        ) from None
    return Failure(
        status=status,
        headers={"content-type": "application/json", "x-amzn-ErrorType": error_type},
        body=_json_body({"errors": [{"errorType": error_type, "message": message}]}),
    )


def throttled(retry_after: float | None = None) -> Failure:
    """429 ``TooManyRequestsException``, with ``Retry-After`` (seconds) when given."""
    headers = {"content-type": "application/json"}
    if retry_after is not None:
        if retry_after < 0:
            raise FakeSetupError("throttled: retry_after must be >= 0 seconds")
        headers["Retry-After"] = f"{retry_after:g}"
    return Failure(
        status=429,
        headers=headers,
        body=_json_body(
            {"errors": [{"errorType": "TooManyRequestsException", "message": "Rate exceeded"}]}
        ),
    )


def server_error(status: int = 500, *, html: bool = False) -> Failure:
    """A 5xx: AppSync's JSON ``InternalFailure``, or with ``html`` the HTML page a load
    balancer in front of it sends."""
    if not 500 <= status <= 599:
        raise FakeSetupError(f"server_error: status must be 5xx, not {status}")
    if html:
        return Failure(
            status=status,
            headers={"content-type": "text/html"},
            body=b"<html><body><h1>" + str(status).encode() + b" Bad Gateway</h1></body></html>",
        )
    return Failure(
        status=status,
        headers={"content-type": "application/json"},
        body=_json_body({"errors": [{"errorType": "InternalFailure", "message": "Internal"}]}),
    )


def network_error(*, sent: bool, timeout: bool = False) -> Failure:
    """No response: the connection failed before the request left (``sent=False``:
    safe to retry anything) or after (``sent=True``: a mutation may have run); with
    ``timeout``, it timed out (:class:`~appsync_runtime.AppSyncTimeoutError`: a connect
    timeout before sending, a read timeout after)."""
    if timeout:
        message = "read timed out" if sent else "connect timed out"
    else:
        message = "connection reset by peer" if sent else "connection refused"
    return Failure(network=f"fake network error: {message}", sent=sent, timeout=timeout)


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class _Operation:
    """What the fake knows of one generated operation."""

    name: str
    kind: str
    variables: tuple[tuple[str, str, bool], ...]
    model: type[BaseModel]
    package: str
    shapes: _Shapes


def _operations_of(package: str) -> Mapping[str, Any] | None:
    try:
        module = importlib.import_module(f"{package}._operations")
    except ImportError:
        return None
    operations: Mapping[str, Any] | None = getattr(module, "OPERATIONS", None)
    return operations


def _shapes_of(package: str) -> _Shapes:
    module = importlib.import_module(f"{package}._operations")
    return _Shapes(getattr(module, "INPUT_TYPES", {}), getattr(module, "ENUM_VALUES", {}))


def _operation(package: str, info: Any) -> _Operation:
    variables: tuple[tuple[str, str, bool], ...] = getattr(info, "variables", None) or ()
    module_name: str = getattr(info, "result_module", "")
    class_name: str = getattr(info, "result_class", "")
    if not module_name or not class_name or any(len(entry) != 3 for entry in variables):
        raise FakeSetupError(
            f"the generated package {package} predates the test kit (no result model in "
            "its _operations.py): generate it again"
        )
    model = getattr(importlib.import_module(f"{package}.{module_name}"), class_name)
    return _Operation(info.name, info.kind, tuple(variables), model, package, _shapes_of(package))


def _package_of(obj: object) -> str | None:
    module: str = getattr(obj, "__module__", "") or ""
    return module.rpartition(".")[0] or None


def _generated_package(cls: type) -> str | None:
    """The generated package a client class (or its nearest generated base, for a
    user's subclass) comes from; None for the runtime's untyped clients."""
    for base in cls.__mro__:
        package = _package_of(base)
        if (
            package is not None
            and not package.startswith("appsync_runtime")
            and _operations_of(package) is not None
        ):
            return package
    return None


def _by_method(method: Callable[..., Any]) -> _Operation:
    function = inspect.unwrap(method)
    name = getattr(function, "__name__", None)
    package = _package_of(function)
    operations = _operations_of(package) if package else None
    if operations is None or name is None:
        raise FakeSetupError(
            f"{method!r} is not a method of a generated client (no OPERATIONS found in its "
            "package); register by operation name instead"
        )
    for info in operations.values():
        if info.method == name:
            return _operation(str(package), info)
    raise FakeSetupError(f"{package} has no operation sent by a method named {name!r}")


def _same_package(registered: _Operation | None, called: _Operation | None) -> bool:
    """Whether answers registered for ``registered`` may serve a call of ``called``
    (two generated packages may both have a ``GetNote``)."""
    return registered is None or called is None or registered.package == called.package


# --------------------------------------------------------------------------- variables


_SCALAR_KINDS: Mapping[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str, int),
    "Int": (int,),
    "Float": (int, float),
    "Boolean": (bool,),
    # AppSync's scalars travel as strings, AWSTimestamp as an integer
    "AWSDate": (str,),
    "AWSTime": (str,),
    "AWSDateTime": (str,),
    "AWSTimestamp": (int,),
    "AWSEmail": (str,),
    "AWSJSON": (str,),
    "AWSURL": (str,),
    "AWSPhone": (str,),
    "AWSIPAddress": (str,),
}


@dataclass(frozen=True)
class _Shapes:
    """The input object types (field name, GraphQL type, has a default) and enums
    (values) of a generated package, from its ``_operations.py``."""

    inputs: Mapping[str, tuple[tuple[str, str, bool], ...]] = field(
        default_factory=dict[str, tuple[tuple[str, str, bool], ...]]
    )
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict[str, tuple[str, ...]])


_NO_SHAPES = _Shapes()
_MAX_PROBLEMS = 5


def _type_problem(
    type_text: str, value: object, where: str, shapes: _Shapes = _NO_SHAPES
) -> str | None:
    """Why ``value`` (a JSON value) cannot be a GraphQL ``type_text``, as GraphQL's
    input coercion would refuse it; None when it can (or when the fake cannot tell:
    a named type ``shapes`` does not describe)."""
    non_null = type_text.endswith("!")
    inner = type_text[:-1] if non_null else type_text
    if value is None:
        return f"{where} is null, but its type {type_text} is non-null" if non_null else None
    if inner.startswith("["):
        item_type = inner[1:-1]
        if not isinstance(value, list):  # a single value is coerced to a list of one
            return _type_problem(item_type, value, where, shapes)
        items: list[object] = typing.cast("list[object]", value)
        for index, item in enumerate(items):
            problem = _type_problem(item_type, item, f"{where}[{index}]", shapes)
            if problem is not None:
                return problem
        return None
    kinds = _SCALAR_KINDS.get(inner)
    if kinds is not None:
        return _scalar_problem(inner, kinds, value, where)
    values = shapes.enums.get(inner)
    if values is not None:
        if not isinstance(value, str) or value not in values:
            return f"{where} is {value!r:.60}, not a value of the enum {inner} {values}"
        return None
    fields = shapes.inputs.get(inner)
    if fields is None:
        return None  # a type the package does not describe
    if not isinstance(value, dict):
        return f"{where} is {type(value).__name__} {value!r:.60}, not an {inner} object"
    given: dict[str, object] = typing.cast("dict[str, object]", value)
    declared = {name for name, _, _ in fields}
    unknown = sorted(set(given) - declared)
    if unknown:
        return f"{where} has no field {unknown[0]!r} ({inner} has {', '.join(sorted(declared))})"
    for name, field_type, has_default in fields:
        if name not in given:
            if field_type.endswith("!") and not has_default:
                return f"{where}.{name} ({field_type}) is missing"
            continue
        problem = _type_problem(field_type, given[name], f"{where}.{name}", shapes)
        if problem is not None:
            return problem
    return None


def _scalar_problem(name: str, kinds: tuple[type, ...], value: object, where: str) -> str | None:
    if isinstance(value, bool) and bool not in kinds:
        return f"{where} is {value!r}, not a {name}"
    if name == "Int" and isinstance(value, float) and value.is_integer():
        value = int(value)  # 3.0 is an Int to GraphQL (and to AppSync)
    if not isinstance(value, kinds):
        return f"{where} is {type(value).__name__} {value!r:.60}, not a {name}"
    if name == "Int" and not -(2**31) <= typing.cast(int, value) < 2**31:
        return f"{where} is {value}, outside GraphQL's 32-bit Int"
    return None


def _variable_problems(operation: _Operation, variables: Mapping[str, Any]) -> list[str]:
    declared = {name for name, _, _ in operation.variables}
    problems = [
        f"${name} is not a variable of {operation.name} (declared: "
        + (", ".join(f"${known}" for known in sorted(declared)) or "none")
        + ")"
        for name in variables
        if name not in declared
    ]
    for name, type_text, has_default in operation.variables:
        if name not in variables:
            if type_text.endswith("!") and not has_default:
                problems.append(f"${name} ({type_text}) is missing")
            continue
        problem = _type_problem(type_text, variables[name], f"${name}", operation.shapes)
        if problem is not None:
            problems.append(problem)
    return problems[:_MAX_PROBLEMS]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordedCall:
    """One attempt the code under test made (a subscription: its start)."""

    operation_name: str | None
    kind: str
    """``query``, ``mutation`` or ``subscription``."""
    variables: Variables
    """The variables as sent (JSON values: the client serialized them)."""
    auth_mode: str
    """The auth mode the client chose for it (``"API_KEY"``, ``"AWS_IAM"``, ...)."""
    headers: Mapping[str, str]
    """The request's headers, every secret value masked as ``***`` (a subscription:
    the client's own headers; its auth goes in the WebSocket frames)."""
    attempt: int = 1
    """1 for a call's first attempt, 2 for its first retry, ..."""
    query: str = field(default="", repr=False)


def _masked(headers: Mapping[str, str], secrets: Sequence[str]) -> dict[str, str]:
    masked: dict[str, str] = {}
    for name, value in headers.items():
        secret = name.lower() in SECRET_HEADERS or any(s and s in value for s in secrets)
        masked[name] = "***" if secret else value
    return masked


def _secret_values(call: Call) -> list[str]:
    try:
        return [value for value in call.strategy.secret_values() if value]
    except Exception:  # a strategy's bug: mask by header name only
        return []


# --------------------------------------------------------------------------- answers


def _validated(model: type[M], data: Mapping[str, Any], what: str) -> M:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = exc.errors(include_url=False, include_input=False)
        first = problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "<root>"
        raise FakeSetupError(
            f"{what} does not fit {model.__name__}: {len(problems)} problem(s), first at "
            f"{where}: {first['msg']}"
        ) from None


class Stub(Generic[R]):
    """The answers for one query or mutation (made by :meth:`AppSyncFake.on`)."""

    def __init__(
        self,
        fake: AppSyncFake,
        name: str,
        operation: _Operation | None,
        variables: Mapping[str, Any] | None,
        required: bool = True,
    ) -> None:
        self._fake = fake
        self.name = name
        self._operation = operation
        self._match = None if variables is None else dict(variables)
        self._required = required
        self._answers: deque[object] = deque()
        self._repeat: object = None
        self.used: int = 0

    def __repr__(self) -> str:
        where = "" if self._match is None else f" where variables include {self._match!r}"
        return f"<answers for {self.name}{where}>"

    def reply(
        self,
        *answers: R
        | Mapping[str, Any]
        | Failure
        | Callable[[Variables], R | Mapping[str, Any] | Failure],
    ) -> Stub[R]:
        """Answer the calls: one answer serves every call; several serve one call each,
        in order (a call after the last is unexpected)."""
        if not answers:
            raise FakeSetupError(f"reply for {self.name}: give at least one answer")
        checked = [self._check(answer) for answer in answers]
        with self._fake._lock:
            if len(checked) == 1 and not self._answers:
                self._repeat = checked[0]
            else:
                if self._repeat is not None:
                    self._answers.append(self._repeat)
                    self._repeat = None
                self._answers.extend(checked)
        return self

    def fail(self, *failures: Failure) -> Stub[R]:
        """Answer with failures (:func:`graphql_error`, :func:`throttled`, ...)."""
        return self.reply(*failures)

    def _check(self, answer: object) -> object:
        operation = self._operation
        if isinstance(answer, Failure) or callable(answer):
            return answer
        if isinstance(answer, BaseModel):
            if operation is not None and not isinstance(answer, operation.model):
                raise FakeSetupError(
                    f"the answer for {self.name} is a {type(answer).__name__}, not its result "
                    f"model {operation.model.__name__}"
                )
            return answer
        if isinstance(answer, Mapping):
            if operation is not None:
                return _validated(
                    operation.model,
                    typing.cast("Mapping[str, Any]", answer),
                    f"the answer for {self.name}",
                )
            return dict(typing.cast("Mapping[str, Any]", answer))
        raise FakeSetupError(
            f"the answer for {self.name} is a {type(answer).__name__}: give a result model, a "
            "data dict, a Failure or a callable of the variables"
        )

    def _matches(self, variables: Mapping[str, Any]) -> bool:
        match = self._match
        return match is None or all(
            key in variables and variables[key] == value for key, value in match.items()
        )

    def _available(self) -> bool:
        return self._repeat is not None or bool(self._answers)

    def _take(self) -> object:
        self.used += 1
        if self._answers:
            return self._answers.popleft()
        return self._repeat

    def _unused(self) -> str | None:
        if not self._required:
            return None
        if self._answers:
            return f"{self!r}: {len(self._answers)} answer(s) never used"
        if self._repeat is not None and self.used == 0:
            return f"{self!r}: never called"
        return None


# --------------------------------------------------------------------------- the fake


class _Transport:
    """The fake's transport for one call: each attempt is answered by the fake."""

    def __init__(self, fake: AppSyncFake, client: object, call: Call) -> None:
        self._fake = fake
        self._client = client
        self._call = call
        self._attempt = 0

    def _send(self, request: HttpRequest) -> HttpResponse:
        self._attempt += 1
        return self._fake._answer(self._client, self._call, request, self._attempt)

    def close(self) -> None:
        """Nothing to close."""

    async def aclose(self) -> None:
        """Nothing to close."""


class _SyncTransport(_Transport):
    def send(self, request: HttpRequest) -> HttpResponse:
        return self._send(request)


class _AsyncTransport(_Transport):
    async def send(self, request: HttpRequest) -> HttpResponse:
        return self._send(request)


class AppSyncFake:
    """A fake AppSync every client of the process talks to while it is installed.

    Use it as a context manager (or :meth:`install`/:meth:`uninstall`); leaving the
    ``with`` block without an exception runs :meth:`verify`. See the module
    docstring for the whole kit.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stubs: list[Stub[Any]] = []
        self._feeds: list[SubscriptionFeed[Any]] = []
        self._calls: list[RecordedCall] = []
        self._problems: list[str] = []
        self._operations: dict[tuple[str, str], _Operation | None] = {}
        self._packages: dict[type, str | None] = {}  # client class: its generated package
        # feeds of announced subscriptions by their start's data text, then by the
        # subscription id the client gave them (a resumed one starts with it again)
        self._pending_subs: dict[str, deque[SubscriptionFeed[Any]]] = {}
        self._started_subs: dict[str, SubscriptionFeed[Any]] = {}
        self._sockets: list[_FakeSocket] = []
        self.connections: int = 0
        """WebSocket connections the clients opened (reconnects included)."""

    def __repr__(self) -> str:
        return f"<AppSyncFake: {len(self._calls)} calls, {len(self._problems)} problems>"

    # ---- installing

    def install(self) -> None:
        """Route every client of the process to this fake."""
        try:
            _seam.install(self)
        except RuntimeError as exc:
            raise FakeSetupError(str(exc)) from None

    def uninstall(self) -> None:
        """Stop routing clients here; subscriptions still open are completed (their
        iterators end)."""
        _seam.uninstall(self)
        with self._lock:
            sockets = list(self._sockets)
        for socket in sockets:
            socket.soon(socket.complete_all)

    def __enter__(self) -> Self:
        self.install()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.uninstall()
        if exc_type is None:
            self.verify()

    # ---- registering

    @overload
    def on(
        self,
        operation: Callable[..., AsyncIterator[R]],
        *,
        variables: Mapping[str, Any] | None = None,
        required: bool = True,
    ) -> SubscriptionFeed[R]: ...
    @overload
    def on(
        self,
        operation: Callable[..., Iterator[R]],
        *,
        variables: Mapping[str, Any] | None = None,
        required: bool = True,
    ) -> SubscriptionFeed[R]: ...
    @overload
    def on(
        self,
        operation: Callable[..., Coroutine[Any, Any, R]],
        *,
        variables: Mapping[str, Any] | None = None,
        required: bool = True,
    ) -> Stub[R]: ...
    @overload
    def on(
        self,
        operation: Callable[..., R],
        *,
        variables: Mapping[str, Any] | None = None,
        required: bool = True,
    ) -> Stub[R]: ...
    @overload
    def on(
        self, operation: str, *, variables: Mapping[str, Any] | None = None, required: bool = True
    ) -> Stub[Any]: ...
    def on(
        self,
        operation: Callable[..., Any] | str,
        *,
        variables: Mapping[str, Any] | None = None,
        required: bool = True,
    ) -> Stub[Any] | SubscriptionFeed[Any]:
        """Register answers for an operation: a generated client method (sync or async;
        the answers are then typed) or an operation name. ``variables``: only calls
        whose variables include these (as sent) are answered here. ``required=False``:
        :meth:`verify` does not report these answers if they go unused. A
        subscription's method gives a :class:`SubscriptionFeed`; by name, use
        :meth:`on_subscription`."""
        if isinstance(operation, str):
            if not operation:
                raise FakeSetupError("on: the operation name is empty")
            stub: Stub[Any] = Stub(self, operation, None, variables, required)
            with self._lock:
                self._stubs.append(stub)
            return stub
        resolved = _by_method(operation)
        with self._lock:
            self._operations[(resolved.package, resolved.name)] = resolved
            if resolved.kind == "subscription":
                feed: SubscriptionFeed[Any] = SubscriptionFeed(
                    self, resolved.name, resolved, variables, required
                )
                self._feeds.append(feed)
                return feed
            stub = Stub(self, resolved.name, resolved, variables, required)
            self._stubs.append(stub)
            return stub

    def on_subscription(
        self, name: str, *, variables: Mapping[str, Any] | None = None, required: bool = True
    ) -> SubscriptionFeed[Any]:
        """The :class:`SubscriptionFeed` for the subscription operation ``name``."""
        if not name:
            raise FakeSetupError("on_subscription: the operation name is empty")
        feed: SubscriptionFeed[Any] = SubscriptionFeed(self, name, None, variables, required)
        with self._lock:
            self._feeds.append(feed)
        return feed

    # ---- what happened

    @property
    def calls(self) -> list[RecordedCall]:
        """Every attempt so far, in order (a copy)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, operation: Callable[..., Any] | str) -> list[RecordedCall]:
        """The attempts of one operation (a client method or an operation name)."""
        name = operation if isinstance(operation, str) else _by_method(operation).name
        return [call for call in self.calls if call.operation_name == name]

    def assert_called(
        self,
        operation: Callable[..., Any] | str,
        *,
        times: int | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> RecordedCall:
        """Fail unless ``operation`` was called (``times`` attempts exactly, when given;
        with ``variables``: an attempt whose variables include these); return the last
        matching attempt."""
        calls = self.calls_to(operation)
        name = operation if isinstance(operation, str) else _by_method(operation).name
        if variables is not None:
            calls = [
                call
                for call in calls
                if all(
                    call.variables.get(key, _MISSING) == value for key, value in variables.items()
                )
            ]
        if not calls or (times is not None and len(calls) != times):
            seen = [call.variables for call in self.calls_to(operation)]
            wanted = "" if times is None else f" {times} time(s)"
            where = "" if variables is None else f" with variables including {dict(variables)!r}"
            raise FakeAssertionError(
                f"expected {name} to be called{wanted}{where}; "
                f"{len(calls)} matching attempt(s); variables seen: {seen!r}"
            )
        return calls[-1]

    def assert_not_called(self, operation: Callable[..., Any] | str) -> None:
        """Fail if ``operation`` was called."""
        calls = self.calls_to(operation)
        if calls:
            raise FakeAssertionError(
                f"expected no call of {calls[0].operation_name}; {len(calls)} attempt(s)"
            )

    def verify(self) -> None:
        """Fail with every problem seen: unexpected calls, calls AppSync would reject,
        registered answers never used, scripted subscription items never played."""
        with self._lock:
            problems = list(self._problems)
            problems += [p for stub in self._stubs if (p := stub._unused()) is not None]
            problems += [p for feed in self._feeds if (p := feed._unused()) is not None]
        if problems:
            raise FakeAssertionError(
                "the AppSync fake saw problems:\n" + "\n".join(f"- {p}" for p in problems)
            )

    # ---- the seam (appsync_runtime._seam.Fake)

    def sync_transport(self, client: object, call: Call) -> _SyncTransport:
        """The transport for one call of ``client``."""
        return _SyncTransport(self, client, call)

    def async_transport(self, client: object, call: Call) -> _AsyncTransport:
        """The async transport for one call of ``client``."""
        return _AsyncTransport(self, client, call)

    def subscribing(self, client: object, call: Call) -> None:
        """Record a subscription and pick its feed (raises when none is registered or
        its variables would be refused)."""
        body = json.loads(call.body)
        name: str | None = call.operation_name
        variables: Variables = body.get("variables") or {}
        operation = self._operation_for(client, name)
        record = RecordedCall(
            name,
            "subscription",
            variables,
            str(call.strategy.mode),
            _masked(call.headers, _secret_values(call)),
            1,
            body.get("query", ""),
        )
        with self._lock:
            self._calls.append(record)
            self._check_variables(operation, name, variables)
            feed = next(
                (
                    feed
                    for feed in self._feeds
                    if feed.name == name
                    and _same_package(feed._operation, operation)
                    and not feed._claimed
                    and feed._matches(variables)
                ),
                None,
            )
            if feed is None:
                self._fail(
                    f"unexpected subscription {name} with variables {variables!r}: register it "
                    "with fake.on(...)"
                )
            feed._claimed = True
            if operation is not None:
                feed._adopt(operation)
            self._pending_subs.setdefault(call.body.decode("utf-8"), deque()).append(feed)

    async def open_websocket(self, url: str, protocols: tuple[str, ...], headers: Any) -> WebSocket:
        """An in-memory WebSocket whose peer is this fake (once uninstalled: one that
        refuses the connection, so a client made during the test never goes out to
        the network when it reconnects later)."""
        socket = _FakeSocket(self, asyncio.get_running_loop(), retired=_seam.active is not self)
        with self._lock:
            self.connections += 1
            self._sockets.append(socket)
        return typing.cast("WebSocket", socket)

    # ---- answering

    def _fail(self, message: str) -> typing.NoReturn:
        with self._lock:
            self._problems.append(message)
        raise FakeAssertionError(message) from None

    def _operation_for(self, client: object, name: str | None) -> _Operation | None:
        cls = type(client)
        if cls not in self._packages:
            self._packages[cls] = _generated_package(cls)
        package = self._packages[cls]
        if package is None or name is None:
            return None
        key = (package, name)
        if key not in self._operations:
            operations = _operations_of(package)
            info = None if operations is None else operations.get(name)
            self._operations[key] = None if info is None else _operation(package, info)
        return self._operations[key]

    def _check_variables(
        self, operation: _Operation | None, name: str | None, variables: Mapping[str, Any]
    ) -> None:
        if operation is None:
            return
        problems = _variable_problems(operation, variables)
        if problems:
            self._fail(f"{name}: AppSync would refuse these variables: " + "; ".join(problems))

    def _answer(
        self, client: object, call: Call, request: HttpRequest, attempt: int
    ) -> HttpResponse:
        try:
            return self._answer_unchecked(client, call, request, attempt)
        except FakeSetupError as exc:  # an answer the test gave does not fit: in the call,
            self._fail(str(exc))  # never an AppSyncError the call flow would retry

    def _answer_unchecked(
        self, client: object, call: Call, request: HttpRequest, attempt: int
    ) -> HttpResponse:
        body = json.loads(request.content)
        name: str | None = body.get("operationName") or call.operation_name
        variables: Variables = body.get("variables") or {}
        operation = self._operation_for(client, name)
        record = RecordedCall(
            name,
            call.operation_type,
            variables,
            str(call.strategy.mode),
            _masked(request.headers, _secret_values(call)),
            attempt,
            body.get("query", ""),
        )
        with self._lock:
            self._calls.append(record)
            self._check_variables(operation, name, variables)
            stub = next(
                (
                    stub
                    for stub in self._stubs
                    if stub.name == name
                    and _same_package(stub._operation, operation)
                    and stub._matches(variables)
                    and stub._available()
                ),
                None,
            )
            if stub is None:
                same = [repr(stub) for stub in self._stubs if stub.name == name]
                self._fail(
                    f"unexpected call: {call.operation_type} {name} with variables "
                    f"{variables!r} (no answer left for it: register one with fake.on(...)"
                    + (f"; registered, used up or not matching: {', '.join(same)}" if same else "")
                    + ")"
                )
            answer = stub._take()
        if callable(answer) and not isinstance(answer, (Failure, BaseModel)):
            answer = answer(dict(variables))
            if callable(answer) and not isinstance(answer, (Failure, BaseModel)):
                raise FakeSetupError(
                    f"the answer for {name} returned a callable: return a result model, a "
                    "data dict or a Failure"
                )
            answer = stub._check(answer)
        if isinstance(answer, Failure):
            if answer.network is not None:
                error = AppSyncTimeoutError if answer.timeout else AppSyncNetworkError
                raise error(answer.network, sent=answer.sent)
            return _response(answer.status, answer.headers, answer.body)
        data = self._data(answer, operation, name)
        return _response(200, {"content-type": "application/json"}, _json_body({"data": data}))

    def _data(self, answer: object, operation: _Operation | None, name: str | None) -> Any:
        if isinstance(answer, BaseModel):
            if operation is not None and not isinstance(answer, operation.model):
                self._fail(
                    f"the answer for {name} is a {type(answer).__name__}, not its result model "
                    f"{operation.model.__name__}"
                )
            return answer.model_dump(mode="json", by_alias=True)
        assert isinstance(answer, Mapping)
        data = typing.cast("Mapping[str, Any]", answer)
        if operation is not None:
            model = _validated(operation.model, data, f"the answer for {name}")
            return model.model_dump(mode="json", by_alias=True)
        return dict(data)


_MISSING = object()
_REQUEST_IDS = itertools.count(1)


def _response(status: int, headers: Mapping[str, str], body: bytes) -> HttpResponse:
    """A response as a transport hands it back (case-insensitive headers)."""
    import httpx

    sent = httpx.Headers(headers)
    sent.setdefault("x-amzn-RequestId", f"fake-{next(_REQUEST_IDS):08d}")
    return HttpResponse(status, sent, body)


# --------------------------------------------------------------------------- subscriptions


@dataclass(frozen=True)
class _Event:
    data: Any


@dataclass(frozen=True)
class _Error:
    message: str
    error_type: str | None


class _Drop:
    """Close the connection (the client reconnects; the subscription resumes)."""


class _Complete:
    """AppSync ends the subscription."""


_DROP = _Drop()
_COMPLETE = _Complete()


class SubscriptionFeed(Generic[R]):
    """What one subscription sees once AppSync acknowledged it: a script of events,
    errors, drops and completion, played in order (made by :meth:`AppSyncFake.on`).

    Items added while the subscription runs are sent at once (from any thread). A
    :meth:`drop` closes the WebSocket: the client reconnects with its own backoff
    (``RealtimeOptions.backoff_initial``), starts the subscription again and runs
    ``on_gap``; the items after the drop are played once it is back.
    """

    def __init__(
        self,
        fake: AppSyncFake,
        name: str,
        operation: _Operation | None,
        variables: Mapping[str, Any] | None,
        required: bool = True,
    ) -> None:
        self._fake = fake
        self.name = name
        self._operation = operation
        self._match = None if variables is None else dict(variables)
        self._required = required
        self._script: deque[object] = deque()
        self._claimed = False
        self._live: tuple[_FakeSocket, str] | None = None
        self.starts: int = 0
        """How many times the subscription was started (1 + its resumptions)."""

    def __repr__(self) -> str:
        return f"<subscription feed for {self.name}>"

    def _matches(self, variables: Mapping[str, Any]) -> bool:
        match = self._match
        return match is None or all(
            key in variables and variables[key] == value for key, value in match.items()
        )

    def _adopt(self, operation: _Operation) -> None:
        if self._operation is None:
            self._operation = operation
            for index, item in enumerate(self._script):
                if isinstance(item, _Event):
                    self._script[index] = _Event(self._wire(item.data))

    def _wire(self, event: object) -> Any:
        operation = self._operation
        if isinstance(event, BaseModel):
            if operation is not None and not isinstance(event, operation.model):
                raise FakeSetupError(
                    f"an event for {self.name} is a {type(event).__name__}, not its result "
                    f"model {operation.model.__name__}"
                )
            return event.model_dump(mode="json", by_alias=True)
        if isinstance(event, Mapping):
            data = typing.cast("Mapping[str, Any]", event)
            if operation is None:
                return dict(data)
            model = _validated(operation.model, data, f"an event for {self.name}")
            return model.model_dump(mode="json", by_alias=True)
        raise FakeSetupError(
            f"an event for {self.name} is a {type(event).__name__}: give a result model or a "
            "data dict"
        )

    def _add(self, item: object) -> SubscriptionFeed[R]:
        with self._fake._lock:
            self._script.append(item)
            live = self._live
        if live is not None:
            live[0].soon(self._pump)
        return self

    def event(self, *events: R | Mapping[str, Any]) -> SubscriptionFeed[R]:
        """Publish events (result models, or ``data`` dicts validated by the model)."""
        for one in events:
            self._add(_Event(self._wire(one)))
        return self

    def error(self, message: str, *, error_type: str | None = None) -> SubscriptionFeed[R]:
        """End the subscription with an ``error`` frame for it alone (the iterator
        raises :class:`~appsync_runtime.AppSyncSubscriptionError`)."""
        return self._add(_Error(message, error_type))

    def drop(self) -> SubscriptionFeed[R]:
        """Close the connection under the subscription: the client reconnects,
        restarts it and reports the gap to ``on_gap``."""
        return self._add(_DROP)

    def complete(self) -> SubscriptionFeed[R]:
        """End the subscription from AppSync's side: the iterator stops."""
        return self._add(_COMPLETE)

    def _unused(self) -> str | None:
        if not self._required:
            return None
        if not self._claimed:
            return f"{self!r}: never subscribed"
        if self._script:
            return f"{self!r}: {len(self._script)} scripted item(s) never played"
        return None

    def _started(self, socket: _FakeSocket, sub_id: str) -> None:
        self.starts += 1
        self._live = (socket, sub_id)
        self._pump()

    def _stopped(self) -> None:
        self._live = None

    def _pump(self) -> None:
        """Play the script while the subscription is live (on the client's loop)."""
        while True:
            with self._fake._lock:
                live = self._live
                if live is None or not self._script:
                    return
                item = self._script.popleft()
            socket, sub_id = live
            if isinstance(item, _Event):
                socket.frame({"type": "data", "id": sub_id, "payload": {"data": item.data}})
            elif isinstance(item, _Error):
                entry: dict[str, Any] = {"message": item.message}
                if item.error_type is not None:
                    entry["errorType"] = item.error_type
                socket.frame({"type": "error", "id": sub_id, "payload": {"errors": [entry]}})
                self._live = None
                socket.forget(sub_id)
            elif item is _COMPLETE:
                socket.frame({"type": "complete", "id": sub_id})
                self._live = None
                socket.forget(sub_id)
            else:
                self._live = None
                socket.server_close(1006)


class _FakeSocket:
    """An in-memory WebSocket (the part of aiohttp's the connection uses) whose peer
    speaks AppSync's ``graphql-ws``."""

    def __init__(
        self, fake: AppSyncFake, loop: asyncio.AbstractEventLoop, *, retired: bool = False
    ) -> None:
        import aiohttp

        self._aiohttp = aiohttp
        self._retired = retired
        self._fake = fake
        self._loop = loop
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._subs: dict[str, SubscriptionFeed[Any]] = {}
        self.closed = False
        self.close_code: int | None = None

    def soon(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on this socket's loop (from any thread)."""
        if not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(callback)

    def frame(self, message: Mapping[str, Any]) -> None:
        """Send ``message`` to the client (on the loop)."""
        if not self.closed:
            msg = self._aiohttp.WSMessage(self._aiohttp.WSMsgType.TEXT, json.dumps(message), None)
            self._inbox.put_nowait(msg)

    def forget(self, sub_id: str) -> None:
        self._subs.pop(sub_id, None)

    def complete_all(self) -> None:
        """End every subscription on this socket from AppSync's side (on the loop)."""
        for sub_id, feed in list(self._subs.items()):
            feed._stopped()
            self.frame({"type": "complete", "id": sub_id})
        self._subs.clear()

    def server_close(self, code: int) -> None:
        """Close from the server's side (on the loop)."""
        if self.closed:
            return
        self._end(code)
        self._inbox.put_nowait(self._aiohttp.WSMessage(self._aiohttp.WSMsgType.CLOSE, code, None))

    def _end(self, code: int) -> None:
        self.closed = True
        self.close_code = code
        for feed in self._subs.values():
            feed._stopped()
        self._subs.clear()
        with self._fake._lock, contextlib.suppress(ValueError):
            self._fake._sockets.remove(self)

    async def receive(self) -> Any:
        return await self._inbox.get()

    async def send_str(self, data: str) -> None:
        if self.closed:
            raise ConnectionResetError("the fake WebSocket is closed")
        message = json.loads(data)
        kind = message.get("type")
        if kind == "connection_init" and self._retired:
            error = {
                "errorType": "FakeUninstalled",
                "message": "the AppSync fake this client was made under is uninstalled",
            }
            self.frame({"type": "connection_error", "payload": {"errors": [error]}})
        elif kind == "connection_init":
            self.frame({"type": "connection_ack", "payload": {"connectionTimeoutMs": 300000}})
        elif kind == "start":
            self._start(message)
        elif kind == "stop":
            sub_id = str(message.get("id"))
            feed = self._subs.pop(sub_id, None)
            if feed is not None:
                feed._stopped()
            self.frame({"type": "complete", "id": sub_id})

    def _start(self, message: Mapping[str, Any]) -> None:
        sub_id = str(message.get("id"))
        data = str(message.get("payload", {}).get("data", ""))
        fake = self._fake
        with fake._lock:
            feed = fake._started_subs.get(sub_id)
            pending = fake._pending_subs.get(data)
            if feed is None and pending:
                feed = fake._started_subs[sub_id] = pending.popleft()
        if feed is None:  # not announced by a client's subscribe: nothing to serve
            error = {"errorType": "UnknownOperationError", "message": "unexpected subscription"}
            self.frame({"type": "error", "id": sub_id, "payload": {"errors": [error]}})
            return
        self._subs[sub_id] = feed
        self.frame({"type": "start_ack", "id": sub_id})
        feed._started(self, sub_id)

    async def close(self) -> bool:
        if not self.closed:
            self._end(1000)
        return True


# --------------------------------------------------------------------------- build


def build(model: type[M], **values: Any) -> M:
    """A valid ``model`` instance: ``values`` (by field name; a nested model's as a
    dict of its own fields, in lists too) over plain defaults: null where the field allows it,
    else empty strings and lists, zero, false, the first enum member, the first
    member of a union, and epoch dates and times::

        build(GetNote, get_note={"id": "n1", "title": "Hello"})
    """
    return model.model_validate(_defaults(model, values))


def _defaults(model: type[BaseModel], values: Mapping[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(model, include_extras=True)
    unknown = set(values) - set(model.model_fields)
    if unknown:
        raise FakeSetupError(
            f"build: {model.__name__} has no field {', '.join(sorted(unknown))} (fields: "
            f"{', '.join(model.model_fields)})"
        )
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        hint = hints.get(name, info.annotation)
        if name in values:
            data[name] = _filled(hint, values[name], model)
        elif not info.is_required():
            continue
        else:
            data[name] = _default_for(hint, f"{model.__name__}.{name}")
    return data


def _filled(hint: Any, given: Any, owner: type[BaseModel]) -> Any:
    """``given`` for a field of ``owner`` of type ``hint``: nested models' dicts (in
    lists too) completed with defaults."""
    target = _model_in(hint, owner)
    if target is not None and isinstance(given, Mapping):
        return _defaults(target, typing.cast("Mapping[str, Any]", given))
    if not isinstance(given, list):
        return given
    entries: list[Any] = given  # pyright: ignore[reportUnknownVariableType]
    item = _list_item(hint)
    return entries if item is None else [_filled(item, entry, owner) for entry in entries]


def _resolved(hint: Any, owner: type[BaseModel]) -> Any:
    """A name left unevaluated in ``hint`` (before Python 3.11, ``get_type_hints``
    leaves ``list["Item"]``'s argument a string) as what it names where ``owner`` or
    a base of it is defined."""
    name = hint.__forward_arg__ if isinstance(hint, typing.ForwardRef) else hint
    if not isinstance(name, str):
        return hint
    for cls in owner.__mro__:
        namespace = vars(sys.modules[cls.__module__]) if cls.__module__ in sys.modules else {}
        if name in namespace:
            return namespace[name]
    return hint


def _list_item(hint: Any) -> Any:
    for member in _members(hint):
        if typing.get_origin(member) is list:
            args = typing.get_args(member)
            return args[0] if args else None
    return None


def _strip(hint: Any) -> Any:
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return hint


def _members(hint: Any) -> tuple[Any, ...]:
    """The members of a union (nested unions flattened, ``Annotated`` stripped)."""
    import types

    hint = _strip(hint)
    if typing.get_origin(hint) is typing.Union or isinstance(hint, types.UnionType):
        return tuple(member for arg in typing.get_args(hint) for member in _members(arg))
    return (hint,)


def _model_in(hint: Any, owner: type[BaseModel]) -> type[BaseModel] | None:
    for member in _members(hint):
        member = _resolved(member, owner)
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _type_name(hint: object) -> str:
    return str(getattr(hint, "__name__", None) or repr(hint))


def _default_for(hint: Any, where: str) -> Any:
    members = _members(hint)
    if type(None) in members:
        return None
    hint = members[0]
    label = _type_name(hint)
    origin = typing.get_origin(hint)
    if origin is Literal:
        return typing.get_args(hint)[0]
    if origin in (list, Sequence) or hint is list:
        return []
    if isinstance(hint, type):
        if issubclass(hint, BaseModel):
            return _defaults(hint, {})
        if issubclass(hint, Enum):
            return next(iter(hint)).value
        if issubclass(hint, bool):
            return False
        if issubclass(hint, int):
            return 0
        if issubclass(hint, float):
            return 0.0
        if issubclass(hint, str):
            return ""
        if issubclass(hint, datetime):
            return "1970-01-01T00:00:00Z"
        if issubclass(hint, date):
            return "1970-01-01"
        if issubclass(hint, time):
            return "00:00:00Z"
    if hint is Any:
        return None
    if "IP" in label or "Address" in label:
        return "127.0.0.1"
    raise FakeSetupError(f"build: no default for {where} ({hint!r}); give it a value")
