"""appsync-codegen's configuration: ariadne-codegen's own table plus an ``appsync`` one.

A ``pyproject.toml`` (found like ariadne-codegen finds it: the nearest one from the
working directory up, or the file given with ``--config``) holds the ordinary
``[tool.ariadne-codegen]`` table and, optionally, appsync-codegen's options::

    [tool.ariadne-codegen]
    schema_path = "schema.graphql"        # paths are relative to this file
    queries_path = "operations"
    target_package_name = "notes_client"

    [tool.ariadne-codegen.appsync]
    client_name = "Client"                # the sync client (module client.py)
    async_client_name = "AsyncClient"     # the async client (module async_client.py)
    clients = ["sync", "async"]           # which clients to generate
    default_auth_mode = "API_KEY"         # the API's default authorization mode
    additional_auth_modes = ["AWS_IAM"]   # the API's other modes (default: none)
    unrunnable_operations = "error"       # or "warn": an operation no mode can run
    line_length = 100                     # default: the ruff configuration's, else 88
    graphql_config = true                 # write .graphqlrc.yml for editors (editor.py)

    [tool.ariadne-codegen.appsync.pagination]   # default: AppSync's nextToken/items
    argument = "nextToken"                # the argument taking a page token
    token = "nextToken"                   # the next token, in that field's result
    items = "items"                       # the page's items, in that field's result

With ``default_auth_mode`` (``additional_auth_modes`` defaults to none), each
operation's auth modes are worked out from the schema's ``@aws_*`` directives
(:mod:`appsync_codegen.auth_modes`) and passed by its method; without it there is
no analysis and generation says so in one warning line; ``additional_auth_modes``
without ``default_auth_mode`` is an error.

Every key of both tables must be known: a key ariadne-codegen does not know (a
typo such as ``target_pakage_name``, which ariadne-codegen itself would silently
ignore) is a located error with the closest known key
(:func:`check_ariadne_keys`; the known keys are read from the installed
ariadne-codegen's settings classes). With plugins of your own configured, a key
unlike any known one is left for them (a warning), and tables are theirs.

appsync-codegen decides what the two clients need (base classes, the client
names, multipart uploads off) and turns on ariadne's fast-import options
(``lazy_imports``, ``defer_model_build``, ``use_alias_generator``) unless the table
sets them. Keys it decides itself are refused with a pointer to the option to use.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._untyped import as_list, as_str_list, as_table
from .errors import CodegenError
from .pagination import DEFAULT_CONVENTIONS, Convention, read_conventions

__all__ = [
    "APPSYNC_TABLE",
    "AUTH_MODES",
    "CONFIG_FILE_NAME",
    "AppSyncOptions",
    "CodegenConfig",
    "ariadne_known_keys",
    "check_ariadne_keys",
    "effective_section",
    "find_config",
    "load_config",
    "read_toml",
    "ruff_config_for",
    "ruff_line_length",
]

CONFIG_FILE_NAME = "pyproject.toml"
DEFAULT_LINE_LENGTH = 88
"""Line length of generated code (ariadne-codegen's) without configuration."""
ARIADNE_TABLE = "ariadne-codegen"
APPSYNC_TABLE = "appsync"

# ariadne-codegen keys whose value appsync-codegen chooses, and what to use instead.
_OWNED_KEYS = {
    "client_name": "set client_name in [tool.ariadne-codegen.appsync]",
    "client_file_name": "set client_module in [tool.ariadne-codegen.appsync]",
    "async_client": "set clients = [...] in [tool.ariadne-codegen.appsync]",
    "base_client_name": "the clients extend the appsync_runtime clients",
    "base_client_file_path": "the clients extend the appsync_runtime clients",
    "base_client_module_name": "the clients extend the appsync_runtime clients",
    "opentelemetry_client": "the clients extend the appsync_runtime clients",
}
# Defaults appsync-codegen applies where the table is silent.
_DEFAULTS: dict[str, Any] = {
    "multipart_uploads": False,
    "lazy_imports": True,
    "defer_model_build": True,
    "use_alias_generator": True,
    "include_comments": "stable",
}
# Keys holding a path, resolved against the config file's directory.
_PATH_KEYS = ("schema_path", "queries_path", "target_package_path")
_PATH_LIST_KEYS = ("schema_paths", "files_to_include")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLIENT_KINDS = ("sync", "async")
AUTH_MODES = (
    "API_KEY",
    "AWS_IAM",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "AWS_LAMBDA",
)
"""AppSync's authorization modes, in the order generated code lists them."""


@dataclass(frozen=True)
class AppSyncOptions:
    """The ``[tool.ariadne-codegen.appsync]`` table."""

    client_name: str = "Client"
    """Class name of the synchronous client."""
    async_client_name: str = "AsyncClient"
    """Class name of the asynchronous client."""
    client_module: str = "client"
    """Module (file name without ``.py``) of the synchronous client."""
    async_client_module: str = "async_client"
    """Module of the asynchronous client."""
    clients: tuple[str, ...] = _CLIENT_KINDS
    """Which clients to generate: ``"sync"``, ``"async"`` or both."""
    default_auth_mode: str | None = None
    """The API's default authorization mode (``API_KEY``, ``AWS_IAM``, ...): what a
    field without auth directives allows."""
    additional_auth_modes: tuple[str, ...] | None = None
    """The API's additional authorization modes (unset with ``default_auth_mode``
    set: none). With ``default_auth_mode`` unset, methods name no modes."""
    unrunnable_operations: str = "error"
    """An operation that no configured mode can run: ``"error"`` stops generation,
    ``"warn"`` reports it and generates a method that fails before sending."""
    line_length: int | None = None
    """Line length of the generated code; default: that of the ruff configuration
    governing the config file's directory, else 88."""
    graphql_config: bool = True
    """Whether ``generate`` writes ``.graphqlrc.yml`` and the prelude copy beside the
    configuration file, for editors (:mod:`appsync_codegen.editor`)."""
    pagination: tuple[Convention, ...] = DEFAULT_CONVENTIONS
    """How paginated queries pass their page token (``iter_*`` methods): a table, an
    array of tables (``argument``, ``token``, ``items``), or false for none
    (:mod:`appsync_codegen.pagination`)."""

    @property
    def auth_analysis(self) -> bool:
        """Whether the auth modes are configured, so operations are analysed."""
        return self.default_auth_mode is not None and self.additional_auth_modes is not None


@dataclass(frozen=True)
class CodegenConfig:
    """A loaded configuration: ariadne's table, ready to hand over, and our options."""

    path: Path
    """The configuration file."""
    text: str
    """Its text, to point at a key when reporting a problem."""
    section: dict[str, Any]
    """``[tool.ariadne-codegen]`` with defaults applied and paths made absolute."""
    written: dict[str, Any]
    """``[tool.ariadne-codegen]`` as written (paths as the user spelled them)."""
    options: AppSyncOptions

    @property
    def root(self) -> Path:
        """The directory relative paths in the file are resolved against."""
        return self.path.parent

    def position(self, key: str, table: str = ARIADNE_TABLE) -> tuple[int, int]:
        """Line and column of ``key`` in ``[tool.<table>]`` (1, 1 when not found)."""
        return key_position(self.text, f"tool.{table}", key)

    def error(self, key: str, message: str, table: str = ARIADNE_TABLE) -> CodegenError:
        """A problem with the value of ``key``, located in the file."""
        line, column = self.position(key, table)
        return CodegenError.at(self.path, message, line, column)

    def config_dict(self) -> dict[str, Any]:
        """The whole configuration in the shape ariadne-codegen reads."""
        return {"tool": {ARIADNE_TABLE: self.section}}


def find_config(start: Path | None = None) -> Path:
    """The nearest ``pyproject.toml`` from ``start`` (default: the working directory) up."""
    directory = (start or Path.cwd()).resolve()
    for candidate in (directory, *directory.parents):
        path = candidate / CONFIG_FILE_NAME
        if path.is_file():
            return path
    raise CodegenError.at(
        directory, f"no {CONFIG_FILE_NAME} here or in any parent directory (use --config FILE)"
    )


def load_config(path: Path | str | None = None) -> CodegenConfig:
    """Read, check and complete the configuration in ``path`` (default: found upward)."""
    config_path = Path(path).resolve() if path is not None else find_config()
    if not config_path.is_file():
        raise CodegenError.at(config_path, "config file not found")
    text = config_path.read_text(encoding="utf-8")
    document = _parse_toml(config_path, text)
    tool = as_table(document.get("tool"))
    written = as_table(tool.get(ARIADNE_TABLE)) if tool is not None else None
    if written is None:
        raise CodegenError.at(config_path, f"no [tool.{ARIADNE_TABLE}] table in this file")

    config = CodegenConfig(
        path=config_path, text=text, section={}, written=written, options=AppSyncOptions()
    )
    options = _read_options(config, written.get(APPSYNC_TABLE, {}))
    section = _complete_section(config, written)
    return CodegenConfig(
        path=config_path, text=text, section=section, written=written, options=options
    )


def key_position(text: str, table: str, key: str) -> tuple[int, int]:
    """Where ``key = ...`` sits inside ``[table]`` of a TOML text (1, 1 when absent).

    A plain line scan: good enough to point at a key, and it needs no parser that
    keeps positions. A key written as a table of its own (``[table.key]`` or
    ``[table.key.sub]``) is found at that header. Falls back to the table header,
    then to the top of the file.
    """
    current = ""
    header_line = 0
    subtable_line = 0
    key_pattern = re.compile(rf"\s*(\"?){re.escape(key)}\1\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.split("#", 1)[0].strip().strip("[]").strip().replace('"', "")
            current = ".".join(part.strip() for part in current.split("."))
            if current == table:
                header_line = number
            elif not subtable_line and (
                current == f"{table}.{key}" or current.startswith(f"{table}.{key}.")
            ):
                subtable_line = number
            continue
        if current == table and key_pattern.match(line):
            return number, len(line) - len(line.lstrip()) + 1
    if subtable_line:
        return subtable_line, 1
    return (header_line, 1) if header_line else (1, 1)


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML document in ``path``; a syntax error is a :class:`CodegenError`."""
    return _parse_toml(path, path.read_text(encoding="utf-8"))


def ruff_config_for(start: Path) -> Path | None:
    """The ruff configuration governing ``start``, found the way ruff finds it."""
    for directory in (start, *start.parents):
        for name in (".ruff.toml", "ruff.toml"):
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "ruff" in read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def ruff_line_length(config: Path | None) -> int:
    """The ``line-length`` of a ruff configuration file (default 88)."""
    if config is None:
        return DEFAULT_LINE_LENGTH
    document = read_toml(config)
    table = (
        document.get("tool", {}).get("ruff", {}) if config.name == "pyproject.toml" else document
    )
    value = table.get("line-length", DEFAULT_LINE_LENGTH)
    return value if isinstance(value, int) else DEFAULT_LINE_LENGTH


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    # Python 3.10: tomli, the backport of tomllib (the `toml` package ariadne-codegen
    # uses there reads TOML 0.5 only, and fails on arrays mixing strings and tables
    # such as PEP 735's `{include-group = ...}`)
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise CodegenError.at(path, f"invalid TOML: {message}", line, column) from None


def _toml_error_position(message: str) -> tuple[int, int]:
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def _read_options(config: CodegenConfig, value: object) -> AppSyncOptions:
    table = as_table(value)
    if table is None:
        raise config.error(APPSYNC_TABLE, f"[tool.{ARIADNE_TABLE}.{APPSYNC_TABLE}] must be a table")
    known = AppSyncOptions.__dataclass_fields__
    for key in table:
        if key not in known:
            expected = ", ".join(sorted(known))
            raise config.error(
                key,
                f"unknown option {key!r}{_did_you_mean(str(key), known)} (known: {expected})",
                f"{ARIADNE_TABLE}.appsync",
            )

    def identifier(key: str) -> str:
        value = table.get(key, getattr(AppSyncOptions, key))
        if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
            raise config.error(
                key, f"{key} must be a Python identifier, got {value!r}", f"{ARIADNE_TABLE}.appsync"
            )
        return value

    written_clients = table.get("clients", list(_CLIENT_KINDS))
    clients = as_list(written_clients)
    if clients is None or not clients or any(kind not in _CLIENT_KINDS for kind in clients):
        raise config.error(
            "clients",
            f'clients must be a non-empty list of "sync" and "async", got {written_clients!r}',
            f"{ARIADNE_TABLE}.appsync",
        )
    line_length = table.get("line_length")
    if line_length is not None and (
        isinstance(line_length, bool) or not isinstance(line_length, int) or line_length < 40
    ):
        raise config.error(
            "line_length",
            f"line_length must be an integer of at least 40, got {line_length!r}",
            f"{ARIADNE_TABLE}.appsync",
        )
    default_auth_mode = table.get("default_auth_mode")
    if default_auth_mode is not None and default_auth_mode not in AUTH_MODES:
        raise config.error(
            "default_auth_mode",
            f"default_auth_mode must be one of {', '.join(AUTH_MODES)}, got {default_auth_mode!r}",
            f"{ARIADNE_TABLE}.appsync",
        )
    written_additional = table.get("additional_auth_modes")
    additional: list[str] | None = None
    if written_additional is not None:
        modes = as_list(written_additional)
        additional = [mode for mode in modes or () if isinstance(mode, str) and mode in AUTH_MODES]
        if modes is None or len(additional) != len(modes):
            raise config.error(
                "additional_auth_modes",
                f"additional_auth_modes must be a list of {', '.join(AUTH_MODES)}, "
                f"got {written_additional!r}",
                f"{ARIADNE_TABLE}.appsync",
            )
    if default_auth_mode is None and additional is not None:
        raise config.error(
            "additional_auth_modes",
            "additional_auth_modes needs default_auth_mode too (the mode a field "
            "without auth directives allows)",
            f"{ARIADNE_TABLE}.appsync",
        )
    if default_auth_mode is not None and additional is None:
        additional = []  # an API with a single mode
    unrunnable = table.get("unrunnable_operations", "error")
    if unrunnable not in ("error", "warn"):
        raise config.error(
            "unrunnable_operations",
            f'unrunnable_operations must be "error" or "warn", got {unrunnable!r}',
            f"{ARIADNE_TABLE}.appsync",
        )
    graphql_config = table.get("graphql_config", True)
    if not isinstance(graphql_config, bool):
        raise config.error(
            "graphql_config",
            f"graphql_config must be true or false, got {graphql_config!r}",
            f"{ARIADNE_TABLE}.appsync",
        )
    pagination = (
        read_conventions(table["pagination"]) if "pagination" in table else DEFAULT_CONVENTIONS
    )
    if isinstance(pagination, str):
        raise config.error("pagination", pagination, f"{ARIADNE_TABLE}.appsync")
    options = AppSyncOptions(
        pagination=pagination,
        client_name=identifier("client_name"),
        async_client_name=identifier("async_client_name"),
        client_module=identifier("client_module"),
        async_client_module=identifier("async_client_module"),
        clients=tuple(kind for kind in _CLIENT_KINDS if kind in clients),
        default_auth_mode=default_auth_mode,
        additional_auth_modes=(None if additional is None else tuple(dict.fromkeys(additional))),
        unrunnable_operations=unrunnable,
        line_length=line_length,
        graphql_config=graphql_config,
    )
    if len(options.clients) == 2:
        if options.client_name == options.async_client_name:
            raise config.error(
                "async_client_name",
                "client_name and async_client_name must differ",
                f"{ARIADNE_TABLE}.appsync",
            )
        if options.client_module == options.async_client_module:
            raise config.error(
                "async_client_module",
                "client_module and async_client_module must differ",
                f"{ARIADNE_TABLE}.appsync",
            )
    return options


def ariadne_known_keys() -> frozenset[str]:
    """The keys the installed ariadne-codegen reads from ``[tool.ariadne-codegen]``.

    Read from its settings classes (the fields of the client, models-only and
    schema settings), plus our ``appsync`` table. Imports ariadne-codegen.
    """
    from dataclasses import fields

    from ariadne_codegen import settings

    known = {APPSYNC_TABLE, "plugins", "scalars"}
    for name in ("ClientSettings", "ModelsOnlySettings", "GraphQLSchemaSettings"):
        cls = getattr(settings, name, None)
        if cls is not None:
            known.update(field.name for field in fields(cls))
    return frozenset(known)


def check_ariadne_keys(config: CodegenConfig, plugin: str) -> list[str]:
    """Refuse keys of ``[tool.ariadne-codegen]`` that ariadne-codegen does not know.

    ariadne-codegen ignores them, so a typo (``target_pakage_name``) would quietly
    write the package elsewhere. Raises a located :class:`CodegenError` naming the
    closest known key. When the table configures plugins besides ``plugin`` (ours),
    tables are theirs, and keys unlike any known key may be: those keys are
    returned (for a warning) instead.
    """
    known = ariadne_known_keys()
    plugins = as_list(config.written.get("plugins", []))
    others = plugins is not None and any(item != plugin for item in plugins)
    left: list[str] = []
    for raw, value in config.written.items():
        key = str(raw)
        if key in known:
            continue
        hint = _did_you_mean(key, known)
        if others and isinstance(value, dict):
            continue  # a plugin's own table, as ariadne-codegen's contrib plugins use
        if others and not hint:
            left.append(key)
            continue
        from importlib.metadata import version

        what = "table" if isinstance(value, dict) else "option"
        message = (
            f"unknown {what} {key!r} in [tool.{ARIADNE_TABLE}] (ariadne-codegen "
            f"{version('ariadne-codegen')} has no such setting and would ignore it){hint}"
        )
        raise config.error(key, message)
    return left


def _did_you_mean(key: str, known: Mapping[str, object] | frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def effective_section(written: Mapping[str, Any]) -> dict[str, Any]:
    """``[tool.ariadne-codegen]`` as written (paths as spelled), with our defaults applied."""
    section = {key: value for key, value in written.items() if key != APPSYNC_TABLE}
    for key, value in _DEFAULTS.items():
        section.setdefault(key, value)
    return section


def _complete_section(config: CodegenConfig, written: Mapping[str, Any]) -> dict[str, Any]:
    section = {key: value for key, value in written.items() if key != APPSYNC_TABLE}
    for key, advice in _OWNED_KEYS.items():
        if key in section:
            raise config.error(key, f"{key} is chosen by appsync-codegen: {advice}")
    if section.get("multipart_uploads"):
        raise config.error(
            "multipart_uploads", "AppSync has no multipart uploads: remove multipart_uploads"
        )
    if section.get("enable_custom_operations"):
        raise config.error(
            "enable_custom_operations",
            "appsync-codegen does not support enable_custom_operations: write operations "
            "in queries_path",
        )
    comments = section.get("include_comments")
    if comments is True or comments == "timestamp":
        raise config.error(
            "include_comments",
            'include_comments = "timestamp" makes every run differ: use "stable" or "none"',
        )
    for key, value in _DEFAULTS.items():
        section.setdefault(key, value)
    if "plugins" in section and as_str_list(section["plugins"]) is None:
        raise config.error("plugins", "plugins must be a list of strings")

    for key in _PATH_KEYS:
        if key in section:
            if not isinstance(section[key], str):
                raise config.error(key, f"{key} must be a string")
            section[key] = _resolve(config.root, section[key])
    section.setdefault("target_package_path", config.root.as_posix())
    for key in _PATH_LIST_KEYS:
        if key in section:
            entries = as_str_list(section[key])
            if entries is None:
                raise config.error(key, f"{key} must be a list of strings")
            section[key] = [_resolve_if_exists(config.root, entry) for entry in entries]
    return section


def _resolve(root: Path, value: str) -> str:
    return (root / value).as_posix() if value else value


def _resolve_if_exists(root: Path, value: str) -> str:
    """A path relative to ``root`` when it names a file there; else kept as written.

    ariadne-codegen also accepts dotted import paths in ``schema_paths`` (such as
    ``appsync_codegen.prelude.PRELUDE_PATH``); those must reach it unchanged.
    """
    candidate = root / value
    return candidate.as_posix() if candidate.exists() else value
