"""Where a schema comes from: a file, AppSync's control plane, or a GraphQL endpoint.

Three sources, one normalized result:

* :func:`load_schema_file`: an SDL file (or a folder of them) with the AppSync
  prelude, or an introspection result in JSON; what ``appsync-codegen diff`` reads.
* :func:`fetch_introspection_schema`: AppSync's ``GetIntrospectionSchema``
  (``GET /v1/apis/<apiId>/schema?format=SDL&includeDirectives=true``), signed with
  the runtime's :class:`~appsync_runtime.SigV4Signer` and credential chain. It
  works even where introspection is disabled on the API, and keeps the ``@aws_*``
  auth directives. :func:`fetch_api_auth` reads the API's auth modes
  (``GetGraphqlApi``).
* :func:`introspect_endpoint`: the standard introspection query sent to the
  GraphQL endpoint with any auth strategy; introspection carries no directives.

:func:`normalize_sdl` prints a schema in a stable order (definitions, fields,
arguments, enum values and directive usages sorted by name) from its AST, so the
auth directives survive (graphql-core's ``print_schema`` drops directive usages);
AppSync's built-ins (AWS scalars, ``aws_*`` and standard directive definitions) are
left out, as in a schema written by hand. :func:`write_atomic` replaces a file in
one step.

Failures are :class:`SchemaSourceError`, each with its own exit status
(:data:`EXIT_UNREACHABLE` ...) and a one-line message that never holds a secret.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlsplit

from ._untyped import as_list, as_table
from .errors import CodegenError, display_path

if TYPE_CHECKING:
    import httpx
    from graphql import DocumentNode, GraphQLSchema, IntrospectionQuery

    from appsync_runtime import AuthStrategy, CredentialSource

__all__ = [
    "EXIT_FORBIDDEN",
    "EXIT_HTTP_ERROR",
    "EXIT_MALFORMED",
    "EXIT_NOT_FOUND",
    "EXIT_UNAUTHORIZED",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "ApiAuthConfig",
    "SchemaSourceError",
    "build_appsync_schema",
    "control_plane_url",
    "fetch_api_auth",
    "fetch_introspection_schema",
    "introspect_endpoint",
    "load_schema_file",
    "normalize_introspection",
    "normalize_sdl",
    "sdl_from_introspection",
    "write_atomic",
]

EXIT_USAGE = 2
"""Bad input on our side: arguments, credentials that cannot be loaded, an unwritable file."""
EXIT_UNREACHABLE = 3
"""The endpoint could not be reached (DNS, refused connection, TLS, timeout)."""
EXIT_UNAUTHORIZED = 4
"""HTTP 401: missing or invalid credentials, API key or token."""
EXIT_FORBIDDEN = 5
"""HTTP 403: signature rejected or not allowed by IAM policy."""
EXIT_NOT_FOUND = 6
"""HTTP 404: no such API (wrong id or region)."""
EXIT_MALFORMED = 7
"""The answer is not a usable schema (or AppSync reported the schema as invalid)."""
EXIT_HTTP_ERROR = 8
"""Any other failure status: throttling (429), server faults (5xx), ..."""

DEFAULT_TIMEOUT = 30.0
_STANDARD_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_STANDARD_DIRECTIVES = frozenset({"skip", "include", "deprecated", "specifiedBy", "oneOf"})
_JSON_SUFFIXES = (".json",)


class SchemaSourceError(Exception):
    """A schema could not be had; ``exit_code`` says why (see the ``EXIT_*`` constants)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class ApiAuthConfig:
    """An AppSync API's authorization modes, as ``GetGraphqlApi`` reports them."""

    default_auth_mode: str
    additional_auth_modes: tuple[str, ...]

    def toml(self) -> str:
        """The ``[tool.ariadne-codegen.appsync]`` lines for these modes."""
        additional = ", ".join(f'"{mode}"' for mode in self.additional_auth_modes)
        return (
            "[tool.ariadne-codegen.appsync]\n"
            f'default_auth_mode = "{self.default_auth_mode}"\n'
            f"additional_auth_modes = [{additional}]\n"
        )


# -- loading files --------------------------------------------------------------------


def load_schema_file(path: Path | str) -> GraphQLSchema:
    """The schema in ``path``: SDL (a file or a folder of them) or introspection JSON.

    SDL is completed with the AppSync prelude, as generation does; an introspection
    result (``{"__schema": ...}`` or ``{"data": {"__schema": ...}}``) gives a schema
    without directives. Problems are :class:`~appsync_codegen.errors.CodegenError`.
    """
    from .schema import graphql_files, parse_files

    source = Path(path)
    if not source.exists():
        raise CodegenError.at(source, "schema file not found")
    if source.is_file() and source.suffix in _JSON_SUFFIXES:
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CodegenError.at(source, f"invalid JSON: {exc}") from None
        try:
            return _client_schema(data)
        except SchemaSourceError as exc:
            raise CodegenError.at(source, exc.message) from None
    files = graphql_files(source) if source.is_dir() else [source]
    if not files:
        raise CodegenError.at(source, "no .graphql schema files here")
    try:
        document = parse_files(files)
    except UnicodeDecodeError as exc:
        raise CodegenError.at(source, f"not a text file: {exc.reason}") from None
    return build_appsync_schema(document, source)


def build_appsync_schema(document: DocumentNode, fallback: Path | str) -> GraphQLSchema:
    """Build ``document`` with the AppSync prelude, checked; errors are diagnostics.

    Redefinitions of GraphQL's own scalars and directives (which exported schemas
    sometimes carry) are dropped first.
    """
    from graphql import (
        DirectiveDefinitionNode,
        DocumentNode,
        GraphQLError,
        ScalarTypeDefinitionNode,
        build_ast_schema,
        validate_schema,
    )
    from graphql.validation.validate import validate_sdl

    from .prelude import defined_names, prelude_document
    from .schema import graphql_diagnostics

    kept = tuple(
        definition
        for definition in document.definitions
        if not (
            isinstance(definition, DirectiveDefinitionNode)
            and definition.name.value in _STANDARD_DIRECTIVES
        )
        and not (
            isinstance(definition, ScalarTypeDefinitionNode)
            and definition.name.value in _STANDARD_SCALARS
        )
    )
    user = DocumentNode(definitions=kept)
    prelude = prelude_document(skip=defined_names(user))
    full = DocumentNode(definitions=prelude.definitions + user.definitions)
    errors = validate_sdl(full)
    if errors:
        raise CodegenError(graphql_diagnostics(errors, fallback))
    try:
        schema = build_ast_schema(full, assume_valid_sdl=True)
    except (TypeError, GraphQLError) as exc:  # pragma: no cover - validate_sdl catches these
        raise CodegenError.at(fallback, str(exc)) from None
    problems = validate_schema(schema)
    if problems:
        raise CodegenError(graphql_diagnostics(problems, fallback))
    return schema


def _client_schema(data: object) -> GraphQLSchema:
    """A schema from an introspection result; :class:`SchemaSourceError` when it is none."""
    from graphql import GraphQLError, build_client_schema, validate_schema

    table = as_table(data)
    inner = as_table(table.get("data")) if table is not None else None
    if inner is not None:
        table = inner
    if table is None or as_table(table.get("__schema")) is None:
        raise SchemaSourceError("not an introspection result (no __schema)", EXIT_MALFORMED)
    try:
        # the shape below __schema is build_client_schema's to check (it raises)
        schema = build_client_schema(cast("IntrospectionQuery", table))
    except (TypeError, ValueError, KeyError, GraphQLError) as exc:
        raise SchemaSourceError(f"invalid introspection result: {exc}", EXIT_MALFORMED) from None
    problems = validate_schema(schema)
    if problems:
        raise SchemaSourceError(f"invalid schema: {problems[0].message}", EXIT_MALFORMED)
    return schema


# -- normalizing ----------------------------------------------------------------------


def normalize_sdl(text: str, source_name: str = "schema") -> str:
    """``text`` printed in a stable order, directive usages kept, AppSync built-ins left out.

    The result must build with the AppSync prelude; a syntax error or an invalid
    schema is a :class:`SchemaSourceError` with :data:`EXIT_MALFORMED`.
    """
    from graphql import GraphQLSyntaxError, Source, parse, print_ast

    try:
        document = parse(Source(text, source_name))
    except GraphQLSyntaxError as exc:
        raise SchemaSourceError(
            f"malformed schema: {_one_line(exc.message)} (line {_line(exc)})", EXIT_MALFORMED
        ) from None
    normalized = _sorted_document(document)
    try:
        build_appsync_schema(normalized, source_name)
    except CodegenError as exc:
        first = exc.diagnostics[0]
        raise SchemaSourceError(f"malformed schema: {first.message}", EXIT_MALFORMED) from None
    return print_ast(normalized).rstrip("\n") + "\n"


def sdl_from_introspection(data: object) -> str:
    """Normalized SDL of an introspection result (no directive usages: introspection has none)."""
    from graphql import print_schema

    return normalize_sdl(print_schema(_client_schema(data)), "introspection")


def normalize_introspection(data: object) -> str:
    """An introspection result as stable JSON: sorted types, fields and values, indented."""
    from graphql import introspection_from_schema, lexicographic_sort_schema

    schema = lexicographic_sort_schema(_client_schema(data))
    result = introspection_from_schema(schema)
    return json.dumps(result, indent=2, sort_keys=True) + "\n"


def _by_name(nodes: Sequence[Any] | None) -> tuple[Any, ...]:
    return tuple(sorted(nodes or (), key=lambda node: node.name.value))


def _sorted_node(node: Any) -> Any:
    """A copy of a definition with its members, arguments and directives sorted."""
    from graphql import (
        EnumTypeDefinitionNode,
        EnumTypeExtensionNode,
        FieldDefinitionNode,
        InputObjectTypeDefinitionNode,
        InputObjectTypeExtensionNode,
        InputValueDefinitionNode,
        InterfaceTypeDefinitionNode,
        InterfaceTypeExtensionNode,
        ObjectTypeDefinitionNode,
        ObjectTypeExtensionNode,
        UnionTypeDefinitionNode,
        UnionTypeExtensionNode,
    )

    changes: dict[str, Any] = {"loc": None}
    if getattr(node, "directives", None):
        changes["directives"] = _by_name(node.directives)
    if isinstance(node, (FieldDefinitionNode,)) and node.arguments:
        changes["arguments"] = tuple(_sorted_node(arg) for arg in _by_name(node.arguments))
    if isinstance(
        node,
        (
            ObjectTypeDefinitionNode,
            ObjectTypeExtensionNode,
            InterfaceTypeDefinitionNode,
            InterfaceTypeExtensionNode,
        ),
    ):
        changes["interfaces"] = _by_name(node.interfaces)
        changes["fields"] = tuple(_sorted_node(field) for field in _by_name(node.fields))
    elif isinstance(node, (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)):
        changes["fields"] = tuple(_sorted_node(field) for field in _by_name(node.fields))
    elif isinstance(node, (EnumTypeDefinitionNode, EnumTypeExtensionNode)):
        changes["values"] = tuple(_sorted_node(value) for value in _by_name(node.values))
    elif isinstance(node, (UnionTypeDefinitionNode, UnionTypeExtensionNode)):
        changes["types"] = _by_name(node.types)
    elif isinstance(node, InputValueDefinitionNode):
        pass
    copy = node.__copy__()
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


def _sorted_document(document: DocumentNode) -> DocumentNode:
    """Schema definition first, then directive definitions, then types, each by name.

    A type's extensions follow it. AppSync's built-ins are dropped.
    """
    from graphql import (
        DirectiveDefinitionNode,
        DocumentNode,
        ScalarTypeDefinitionNode,
        SchemaDefinitionNode,
        SchemaExtensionNode,
        TypeDefinitionNode,
        TypeExtensionNode,
    )

    from .prelude import AWS_DIRECTIVES, AWS_SCALARS

    schema_nodes: list[Any] = []
    directives: list[Any] = []
    types: list[tuple[str, int, Any]] = []
    for index, definition in enumerate(document.definitions):
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            schema_nodes.append(definition)
        elif isinstance(definition, DirectiveDefinitionNode):
            name = definition.name.value
            if name not in AWS_DIRECTIVES and name not in _STANDARD_DIRECTIVES:
                directives.append(definition)
        elif isinstance(definition, ScalarTypeDefinitionNode) and (
            definition.name.value in AWS_SCALARS or definition.name.value in _STANDARD_SCALARS
        ):
            continue
        elif isinstance(definition, (TypeDefinitionNode, TypeExtensionNode)):
            extension = isinstance(definition, TypeExtensionNode)
            types.append((definition.name.value, index if extension else -1, definition))
        else:  # executable definitions have no place in a schema
            raise SchemaSourceError(
                f"malformed schema: unexpected {definition.kind.replace('_', ' ')}",
                EXIT_MALFORMED,
            )
    ordered = [
        *schema_nodes,
        *_by_name(directives),
        *(node for _, _, node in sorted(types, key=lambda item: (item[0], item[1]))),
    ]
    return DocumentNode(definitions=tuple(_sorted_node(node) for node in ordered))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _line(exc: Any) -> int:
    locations = getattr(exc, "locations", None)
    return locations[0].line if locations else 1


# -- the control plane ----------------------------------------------------------------


def control_plane_url(region: str) -> str:
    """AppSync's control-plane endpoint in ``region`` (``.amazonaws.com.cn`` in China)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://appsync.{region}.{suffix}"


def _provider(credentials: CredentialSource, profile: str | None) -> Any:
    from appsync_runtime import BotocoreProvider, resolve_provider

    if profile is None:
        return resolve_provider(credentials)
    try:
        import botocore.session  # pyright: ignore[reportMissingTypeStubs]  # botocore ships none
    except ImportError:
        raise SchemaSourceError(
            '--profile needs botocore: pip install "appsync-typed[boto]"', EXIT_USAGE
        ) from None
    return BotocoreProvider(botocore.session.Session(profile=profile))


def _load_credentials(provider: Any) -> Any:
    from appsync_runtime import RefreshingCredentials

    try:
        return RefreshingCredentials(provider).get()
    except Exception as exc:  # botocore's own errors (ProfileNotFound, SSO, ...) included
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        text = _one_line(str(cause)) or type(cause).__name__
        raise SchemaSourceError(f"could not load AWS credentials: {text}", EXIT_USAGE) from None


def _control_plane_get(
    path: str,
    query: str,
    *,
    region: str,
    credentials: CredentialSource,
    profile: str | None,
    endpoint_url: str | None,
    timeout: float,
    transport: httpx.BaseTransport | None,
) -> httpx.Response:

    from appsync_runtime import SigV4Signer

    try:
        signer = SigV4Signer(region, "appsync")
    except Exception as exc:
        raise SchemaSourceError(str(exc), EXIT_USAGE) from None
    base = (endpoint_url or control_plane_url(region)).rstrip("/")
    url = f"{base}{path}" + (f"?{query}" if query else "")
    if urlsplit(url).scheme not in ("http", "https"):
        raise SchemaSourceError(f"--endpoint-url must be an http(s) URL: {base}", EXIT_USAGE)
    creds = _load_credentials(_provider(credentials, profile))
    headers = {"accept": "application/json"}
    headers.update(signer.sign("GET", url, headers, b"", creds))
    return _send(
        lambda client: client.get(url, headers=headers), timeout=timeout, transport=transport
    )


def _send(
    call: Callable[[httpx.Client], httpx.Response],
    *,
    timeout: float,
    transport: httpx.BaseTransport | None,
) -> httpx.Response:
    import httpx

    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = call(client)
    except httpx.TimeoutException:
        raise SchemaSourceError("the API did not answer in time", EXIT_UNREACHABLE) from None
    except httpx.InvalidURL as exc:
        raise SchemaSourceError(f"invalid URL: {exc}", EXIT_USAGE) from None
    except httpx.HTTPError as exc:
        text = _one_line(str(exc)) or type(exc).__name__
        raise SchemaSourceError(f"cannot reach the API: {text}", EXIT_UNREACHABLE) from None
    return response


def _error_type(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("x-amzn-errortype")
    if value:
        return value.split(":", 1)[0]
    try:
        body = response.json()
    except ValueError:
        return None
    table = as_table(body)
    if table is not None:
        for key in ("__type", "errorType", "code"):
            found = table.get(key)
            if isinstance(found, str):
                return found.rsplit("#", 1)[-1]
        first_error = _first_error(table)
        if first_error is not None:
            first = first_error.get("errorType")
            return str(first) if first else None
    return None


def _first_error(body: Mapping[str, object]) -> dict[str, object] | None:
    """The first entry of a JSON answer's ``errors`` list, when it is an object."""
    errors = as_list(body.get("errors"))
    return as_table(errors[0]) if errors else None


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    table = as_table(body)
    if table is not None:
        for key in ("message", "Message"):
            message = table.get(key)
            if isinstance(message, str):
                return _one_line(message)[:300]
        first_error = _first_error(table)
        if first_error is not None:
            return _one_line(str(first_error.get("message", "")))[:300]
    return ""


def _raise_for_status(response: httpx.Response, what: str) -> None:
    """A failure status as :class:`SchemaSourceError` with its own exit status."""
    status = response.status_code
    if status < 400:
        return
    error_type = _error_type(response)
    message = _error_message(response)
    detail = ": ".join(part for part in (error_type, message) if part)
    suffix = f" ({detail})" if detail else ""
    request_id = response.headers.get("x-amzn-requestid")
    if request_id:
        suffix += f" [request id {request_id}]"
    if status == 401:
        raise SchemaSourceError(f"{what}: 401 not authorized{suffix}", EXIT_UNAUTHORIZED)
    if status == 403:
        raise SchemaSourceError(f"{what}: 403 forbidden{suffix}", EXIT_FORBIDDEN)
    if status == 404:
        raise SchemaSourceError(f"{what}: 404 not found{suffix}", EXIT_NOT_FOUND)
    if status == 400 and error_type == "GraphQLSchemaException":
        raise SchemaSourceError(f"{what}: the API's schema is invalid{suffix}", EXIT_MALFORMED)
    raise SchemaSourceError(f"{what}: HTTP {status}{suffix}", EXIT_HTTP_ERROR)


def fetch_introspection_schema(
    api_id: str,
    region: str,
    *,
    format: str = "SDL",
    credentials: CredentialSource = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """The deployed schema of API ``api_id`` as AppSync returns it (``SDL`` or ``JSON``).

    Signed with SigV4 (service ``appsync``) using ``credentials`` (anything
    :func:`~appsync_runtime.resolve_provider` takes; default: the
    environment, then botocore's chain) or the named botocore ``profile``.
    ``endpoint_url`` replaces ``https://appsync.<region>.amazonaws.com``.
    """
    fmt = format.upper()
    if fmt not in ("SDL", "JSON"):
        raise SchemaSourceError(f"format must be SDL or JSON, got {format!r}", EXIT_USAGE)
    path = f"/v1/apis/{quote(api_id, safe='')}/schema"
    response = _control_plane_get(
        path,
        f"format={fmt}&includeDirectives=true",
        region=region,
        credentials=credentials,
        profile=profile,
        endpoint_url=endpoint_url,
        timeout=timeout,
        transport=transport,
    )
    _raise_for_status(response, f"GetIntrospectionSchema {api_id}")
    try:
        return response.content.decode("utf-8")
    except UnicodeDecodeError:
        raise SchemaSourceError(
            "malformed schema: the answer is not UTF-8", EXIT_MALFORMED
        ) from None


def fetch_api_auth(
    api_id: str,
    region: str,
    *,
    credentials: CredentialSource = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> ApiAuthConfig:
    """The API's default and additional auth modes (``GetGraphqlApi``)."""
    response = _control_plane_get(
        f"/v1/apis/{quote(api_id, safe='')}",
        "",
        region=region,
        credentials=credentials,
        profile=profile,
        endpoint_url=endpoint_url,
        timeout=timeout,
        transport=transport,
    )
    _raise_for_status(response, f"GetGraphqlApi {api_id}")
    try:
        answer = as_table(response.json())
    except ValueError:
        answer = None
    api = as_table(answer.get("graphqlApi")) if answer is not None else None
    if api is None or "authenticationType" not in api:
        raise _unexpected_api_answer()
    providers = as_list(api.get("additionalAuthenticationProviders") or [])
    if providers is None:
        raise _unexpected_api_answer()
    additional: list[str] = []
    for item in providers:
        mode = as_table(item)
        if mode is None or "authenticationType" not in mode:
            raise _unexpected_api_answer()
        additional.append(str(mode["authenticationType"]))
    default = str(api["authenticationType"])
    return ApiAuthConfig(default, tuple(dict.fromkeys(additional)))


def _unexpected_api_answer() -> SchemaSourceError:
    return SchemaSourceError(
        "GetGraphqlApi: unexpected answer (no graphqlApi.authenticationType)", EXIT_HTTP_ERROR
    )


# -- a GraphQL endpoint ---------------------------------------------------------------


def introspect_endpoint(
    url: str,
    auth: AuthStrategy | None,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Run the introspection query against ``url``; return the ``data`` of the answer.

    ``auth`` is any of the runtime's strategies; its headers are added to the one
    request sent.
    """
    from graphql import get_introspection_query

    from appsync_runtime import AuthRequest

    if urlsplit(url).scheme not in ("http", "https"):
        raise SchemaSourceError(f"--url must be an http(s) URL: {url}", EXIT_USAGE)
    body = json.dumps(
        {"query": get_introspection_query(descriptions=True), "operationName": "IntrospectionQuery"}
    ).encode("utf-8")
    request_headers = {
        "content-type": "application/json; charset=UTF-8",
        "accept": "application/json",
        **(headers or {}),
    }

    def call(client: httpx.Client) -> httpx.Response:
        request = client.build_request("POST", url, content=body, headers=request_headers)
        if auth is not None:  # one attempt: a rejection is reported, not retried
            request.headers.update(auth.auth_headers(AuthRequest.from_httpx(request)))
        return client.send(request)

    try:
        response = _send(call, timeout=timeout, transport=transport)
    except SchemaSourceError:
        raise
    except Exception as exc:  # a strategy that cannot sign (no region, no credentials)
        text = _one_line(str(exc)) or type(exc).__name__
        raise SchemaSourceError(f"cannot authorize the request: {text}", EXIT_USAGE) from None
    _raise_for_status(response, "introspection query")
    try:
        answer = response.json()
    except ValueError:
        raise SchemaSourceError(
            "malformed answer: the endpoint did not return JSON", EXIT_MALFORMED
        ) from None
    table = as_table(answer)
    data = as_table(table.get("data")) if table is not None else None
    if data is None or as_table(data.get("__schema")) is None:
        first_error = _first_error(table) if table is not None else None
        first = ""
        if first_error is not None:
            first = f": {_one_line(str(first_error.get('message', '')))[:300]}"
        raise SchemaSourceError(f"the endpoint returned no schema{first}", EXIT_MALFORMED)
    return data


# -- writing --------------------------------------------------------------------------


def write_atomic(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Readers see the old file or the new one, never a half-written one.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SchemaSourceError(f"{display_path(folder)}: no such directory", EXIT_USAGE)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SchemaSourceError(
            f"cannot write {display_path(target)}: {exc.strerror}", EXIT_USAGE
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise SchemaSourceError(
            f"cannot write {display_path(target)}: {exc.strerror}", EXIT_USAGE
        ) from None
