"""Generating a client package: ariadne-codegen's own pieces, driven in-process.

:func:`generate` does what ``ariadne-codegen client`` does, with AppSync's needs
added where ariadne-codegen leaves a gap:

1. read the configuration (:mod:`appsync_codegen.config`), add the runtime's
   scalar mappings (the user's own win) and the :class:`~appsync_codegen.AppSyncPlugin`;
2. load the schema with the AppSync prelude in memory and the operations, so
   every mistake is reported as ``file:line:col: message``;
3. work out each operation's auth modes (:mod:`appsync_codegen.auth_modes`):
   an operation no configured mode can run is an error (or, with
   ``unrunnable_operations = "warn"``, a warning); check that the mutations
   triggering each subscription select what it reads
   (:mod:`appsync_codegen.subscriptions`, warnings only);
4. run ariadne-codegen's package generator once, with a second client module
   (:class:`AppSyncPackageGenerator`): the async client and the sync client share
   one set of models (subscriptions on both), the package ``__init__`` exports
   both, and ``_operations.py`` holds each operation's metadata (``OPERATIONS``);
   all of it in a scratch directory;
5. bring the package to the configured line length and to Python 3.10 syntax
   with ruff (ariadne-codegen formats at 88 columns with ``Optional[...]``);
6. prove the package works (:mod:`appsync_codegen.selfcheck`): it imports in a
   fresh interpreter, its models build, and no operation's method replaces a
   member of the client it extends; a failure is reported at the GraphQL
   element that produced the broken code, and nothing is written;
7. write ``_manifest.json`` (:mod:`appsync_codegen.manifest`), move the files
   into the target package (each replaced atomically, unchanged ones left
   alone) and remove generated modules that no operation produces any more.

Unknown keys in ``[tool.ariadne-codegen]`` are refused first
(:func:`~appsync_codegen.config.check_ariadne_keys`).

The result is deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import ast
import filecmp
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ariadne_codegen.client_generators.arguments import ArgumentsGenerator
from ariadne_codegen.client_generators.client import ClientGenerator
from ariadne_codegen.client_generators.constants import (
    BASE_MODEL_FILE_PATH,
    BASE_MODEL_IMPORT,
    BASE_MODEL_NO_UPLOAD_FILE_PATH,
    MIXIN_NAME,
    UNSET_IMPORT,
    UPLOAD_IMPORT,
)
from ariadne_codegen.client_generators.enums import EnumsGenerator
from ariadne_codegen.client_generators.fragments import FragmentsGenerator
from ariadne_codegen.client_generators.init_file import InitFileGenerator
from ariadne_codegen.client_generators.input_types import InputTypesGenerator
from ariadne_codegen.client_generators.package import PackageGenerator, get_package_generator
from ariadne_codegen.client_generators.result_types import ResultTypesGenerator
from ariadne_codegen.codegen import generate_import_from
from ariadne_codegen.config import (
    # ariadne-codegen annotates config_dict as a bare dict (key and value types unknown)
    get_client_settings,  # pyright: ignore[reportUnknownVariableType]
)
from ariadne_codegen.exceptions import CodeGenException, ParsingError
from ariadne_codegen.plugins.explorer import get_plugins_types
from ariadne_codegen.plugins.manager import PluginManager
from ariadne_codegen.schema import (
    add_mixin_directive_to_schema,
    # config_dict again a bare dict (the parsed pyproject.toml, a dict[str, Any])
    get_graphql_schema,  # pyright: ignore[reportUnknownVariableType]
)
from ariadne_codegen.settings import ClientSettings, get_validation_rule
from ariadne_codegen.utils import format_multiline_strings, process_name, str_to_pascal_case
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    print_ast,
)

from ._untyped import as_list, as_table
from .auth_modes import (
    AUTH_MODES,
    DIRECTIVE_MODES,
    AuthModesConfig,
    OperationAuth,
    abstract_auth_directives,
    analyse_operation,
    schema_has_directives,
)
from .base_clients import (
    ASYNC_BASE_CLIENT_NAME,
    ASYNC_BASE_CLIENT_PATH,
    SYNC_BASE_CLIENT_NAME,
    SYNC_BASE_CLIENT_PATH,
)
from .config import (
    APPSYNC_TABLE,
    ARIADNE_TABLE,
    CodegenConfig,
    check_ariadne_keys,
    load_config,
    ruff_config_for,
    ruff_line_length,
)
from .docstrings import rewrap_docstrings
from .editor import editor_files, skipped_because, write_editor_files
from .errors import CodegenError, Diagnostic, display_path
from .manifest import MANIFEST_NAME, build_manifest, generated_extras
from .names import package_modules
from .operations import Operations, load_operations
from .plugin import SELF_CHECKED, AppSyncPlugin
from .prelude import defined_names
from .scalars import SCALAR_TYPES
from .schema import (
    GRAPHQL_EXTENSIONS,
    check_schema,
    graphql_files,
    parse_files,
    schema_from_document,
)
from .selfcheck import ClientClass, OriginRecorder, Origins, Probe, syntax_problems
from .subscriptions import check_subscription_selections

__all__ = [
    "PLUGIN",
    "AppSyncPackageGenerator",
    "GenerationResult",
    "generate",
]

PLUGIN = "appsync_codegen.AppSyncPlugin"
"""How ariadne-codegen's ``plugins`` setting names :class:`AppSyncPlugin`."""
OPERATIONS_MODULE = "_operations"
"""Module of the generated package holding ``OPERATIONS`` (per-operation metadata)."""


@dataclass(frozen=True)
class GenerationResult:
    """What :func:`generate` wrote."""

    package_path: Path
    files: list[str]
    """Names of the files written, sorted."""
    removed: list[str] = field(default_factory=list[str])
    """Generated modules of an earlier run that no longer belong to the package."""
    warnings: list[Diagnostic] = field(default_factory=list[Diagnostic])
    """Notices and warnings: auth modes not analysed, operations no configured mode
    can run (with ``unrunnable_operations = "warn"``), mutations selecting less than
    the subscriptions they trigger, uses of deprecated schema elements."""
    editor_files: dict[Path, str] = field(default_factory=dict[Path, str])
    """The graphql-config file and prelude copy for editors, and their text
    (:mod:`appsync_codegen.editor`); written unless ``generate(editor=False)``."""


@dataclass(frozen=True)
class _ClientKind:
    """One of the two clients: its class, module and base class."""

    is_async: bool
    name: str
    module: str
    base_name: str
    base_path: Path

    @property
    def base_module(self) -> str:
        return self.base_path.stem


@dataclass
class _ExtraClient:
    kind: _ClientKind
    generator: ClientGenerator


@dataclass(frozen=True)
class OperationInfo:
    """What ``_operations.py`` records about one operation."""

    name: str
    kind: str
    method: str
    auth: OperationAuth | None
    source: str
    variables: tuple[tuple[str, str, bool], ...] = ()
    result_module: str = ""
    result_class: str = ""


class _ResultTypes(ResultTypesGenerator):
    """ariadne-codegen's result-model generator, printing an operation or fragment
    that carries no ``@mixin`` directive as it is.

    ariadne-codegen prints each (and each fragment it spreads) from a deep copy with
    ``@mixin`` directives removed: about 0.3 s for 300 operations, which rarely
    hold any. The directive's name appears in the text of a node that uses it; a
    node whose text does not hold it prints the same from the original.
    """

    def _get_node_without_mixin_directive(self, node: Node) -> Node:
        loc = node.loc
        if loc is not None and MIXIN_NAME not in loc.source.body[loc.start : loc.end]:
            return node
        copied: Node = super()._get_node_without_mixin_directive(node)
        return copied


class AppSyncPackageGenerator(PackageGenerator):
    """ariadne-codegen's package generator, writing a second client beside its own.

    ariadne-codegen builds one client per package; the second client gets its own
    ``ClientGenerator`` (built by ariadne-codegen from that client's settings) and
    is fed the same operations, result models and fragments. Subscriptions reach
    every client as ariadne's async generators; the plugin turns those of the
    blocking client into generators over ``subscribe``. ``_operations.py`` gets an
    :class:`OperationInfo` per operation.
    """

    _primary_async: bool
    _extra_clients: list[_ExtraClient]
    operation_auth: dict[str, OperationAuth | None]
    """Auth analysis by operation name (set by the caller before adding operations)."""
    operation_sources: dict[str, str]
    """Where each operation is defined, ``file:line`` relative to the config."""
    _operation_info: list[OperationInfo]

    @classmethod
    def adopt(cls, generator: PackageGenerator, *, primary_async: bool) -> AppSyncPackageGenerator:
        """Take over a generator made by ``get_package_generator``, with all its settings."""
        adopted: AppSyncPackageGenerator = cls.__new__(cls)
        adopted.__dict__.update(vars(generator))
        adopted._primary_async = primary_async
        adopted._extra_clients = []
        adopted.operation_auth = {}
        adopted.operation_sources = {}
        adopted._operation_info = []
        return adopted

    def _queue_module(self, path: Path, module: ast.Module, *args: Any, **kwargs: Any) -> None:
        """Queue a module as ariadne-codegen does, turning only the operation texts
        (``gql('...\\n' '...\\n')``) into triple-quoted strings.

        ariadne-codegen's own pass runs a backtracking pattern over every line of a
        client module: on the long lines of an operation with many variables it
        takes seconds to minutes. The same conversion, on the ``gql(`` lines only,
        gives the same text.
        """
        multiline = bool(kwargs.pop("multiline_strings", False))
        super()._queue_module(path, module, *args, **kwargs)
        if multiline:
            pending = self._pending_files[-1]
            pending.code = _multiline_operation_texts(pending.code)

    def _add_operation(self, definition: OperationDefinitionNode) -> tuple[str, str, str, str]:
        """ariadne-codegen's step for one operation (its result models, the names of
        its method, model and module, its text), with :class:`_ResultTypes` making
        the models and text."""
        if definition.name is None:
            raise ParsingError("Query without name.")
        method_name: str = process_name(
            definition.name.value,
            convert_to_snake_case=True,
            plugin_manager=self.plugin_manager,
            node=definition,
        )
        result_types = _ResultTypes(
            schema=self.schema,
            operation_definition=definition,
            enums_module_name=self.enums_module_name,
            fragments_module_name=self.fragments_module_name,
            fragments_definitions=self.fragments_definitions,
            base_model_import=self.base_model_import,
            convert_to_snake_case=self.convert_to_snake_case,
            custom_scalars=self.custom_scalars,
            plugin_manager=self.plugin_manager,
            default_optional_fields_to_none=self.default_optional_fields_to_none,
            include_typename=self.include_typename,
            defer_model_build=self.defer_model_build,
            use_alias_generator=self.use_alias_generator,
        )
        self._unpacked_fragments |= result_types.get_unpacked_fragments()
        self._used_enums.extend(result_types.get_used_enums())
        self._result_types_files[f"{method_name}.py"] = result_types.generate()
        operation_str: str = result_types.get_operation_as_str()
        self.init_generator.add_import(result_types.get_generated_public_names(), method_name, 1)
        return_type: str = str_to_pascal_case(definition.name.value)
        return method_name, return_type, method_name, operation_str

    def add_client(self, kind: _ClientKind, generator: ClientGenerator) -> None:
        """Write ``generator``'s client too, as ``kind.module``."""
        self._extra_clients.append(_ExtraClient(kind, generator))

    def add_operation(self, definition: OperationDefinitionNode) -> None:
        method_name, return_type, module_name, operation_str = self._add_operation(definition)
        clients = [(self.client_generator, self._primary_async)] + [
            (extra.generator, extra.kind.is_async) for extra in self._extra_clients
        ]
        is_subscription = definition.operation == OperationType.SUBSCRIPTION
        for client_generator, is_async in clients:
            client_generator.add_method(
                definition=definition,
                name=method_name,
                return_type=return_type,
                return_type_module=module_name,
                operation_str=operation_str,
                async_=is_async or is_subscription,
            )
        name = definition.name.value if definition.name else ""
        self._operation_info.append(
            OperationInfo(
                name=name,
                kind=definition.operation.value,
                method=method_name,
                auth=self.operation_auth.get(name),
                source=self.operation_sources.get(name, ""),
                variables=tuple(
                    (
                        variable.variable.name.value,
                        print_ast(variable.type),
                        variable.default_value is not None,
                    )
                    for variable in definition.variable_definitions or ()
                ),
                result_module=module_name,
                result_class=return_type,
            )
        )

    def _generate_client(self) -> None:
        super()._generate_client()  # type: ignore[no-untyped-call]
        for extra in self._extra_clients:
            self._queue_module(
                self.package_path / f"{extra.kind.module}.py",
                extra.generator.generate(),
                multiline_strings=True,
                comment_source=self.queries_source,
                plugin_hook="generate_client_code",
            )
            self._used_enums.extend(extra.generator.arguments_generator.get_used_enums())
            self.init_generator.add_import(
                names=[extra.kind.name], from_=extra.kind.module, level=1
            )
        if self._operation_info:
            self._queue_module(
                self.package_path / f"{OPERATIONS_MODULE}.py",
                _operations_module(self._operation_info, self.schema),
                comment_source=self.queries_source,
                plugin_hook="generate_client_code",
            )
            self.init_generator.add_import(
                names=["OPERATIONS", "OperationInfo"], from_=OPERATIONS_MODULE, level=1
            )

    def _copy_files(self) -> None:
        super()._copy_files()  # type: ignore[no-untyped-call]
        for extra in self._extra_clients:
            self.init_generator.add_import(
                names=[extra.kind.base_name], from_=extra.kind.base_module, level=1
            )

    def _get_files_to_copy(self) -> dict[Path, str]:
        files: dict[Path, str] = super()._get_files_to_copy()
        for extra in self._extra_clients:
            files[extra.kind.base_path] = f"{extra.kind.base_module}.py"
        return files

    def _get_used_inputs(self) -> list[str]:
        used: list[str] = list(super()._get_used_inputs())
        for extra in self._extra_clients:
            used.extend(extra.generator.arguments_generator.get_used_inputs())
        return list(dict.fromkeys(used))

    def _get_generated_file_names(self) -> list[str]:
        names: list[str] = list(super()._get_generated_file_names())
        for extra in self._extra_clients:
            names += [f"{extra.kind.module}.py", f"{extra.kind.base_module}.py"]
        return [*names, f"{OPERATIONS_MODULE}.py"]


def generate(
    config: CodegenConfig | Path | str | None = None,
    *,
    target_package_path: Path | str | None = None,
    editor: bool = True,
) -> GenerationResult:
    """Generate the client package ``config`` describes.

    ``config`` is a loaded configuration or the path of a ``pyproject.toml``
    (default: the nearest one from the working directory up).
    ``target_package_path`` overrides the directory the package is written into.
    ``editor=False`` leaves the editor files (``.graphqlrc.yml`` and the prelude copy
    beside the configuration) unwritten; the result still holds their text.
    Raises :class:`~appsync_codegen.errors.CodegenError` on the user's mistakes.
    """
    loaded = config if isinstance(config, CodegenConfig) else load_config(config)
    if target_package_path is not None:
        if not Path(target_package_path).is_dir():
            raise CodegenError.at(target_package_path, "output directory does not exist")
        section = dict(loaded.section)
        section["target_package_path"] = Path(target_package_path).resolve().as_posix()
        loaded = replace(loaded, section=section)
    result = _Run(loaded).generate()
    files = result.editor_files
    notices = write_editor_files(files) if editor else []
    skipped = loaded.options.graphql_config and skipped_because(loaded)
    if skipped:
        notices.append(Diagnostic(str(loaded.path), 1, 1, skipped))
    return replace(result, warnings=[*result.warnings, *notices])


class _Run:
    """One generation: the steps of :func:`generate` sharing their inputs."""

    def __init__(self, config: CodegenConfig) -> None:
        self.config = config
        self.options = config.options
        self.kinds = [
            self._kind(name) for name in ("async", "sync") if name in self.options.clients
        ]
        self.section = dict(config.section)
        self.section["scalars"] = self._scalars()
        plugins = [p for p in self.section.get("plugins", []) if p != PLUGIN]
        self.section["plugins"] = [PLUGIN, *plugins]
        self.ruff_config = ruff_config_for(config.root)
        self.line_length = self.options.line_length or ruff_line_length(self.ruff_config)
        additional = self.options.additional_auth_modes
        self.section["appsync"] = {
            "line_length": self.line_length,
            "default_auth_mode": self.options.default_auth_mode,
            "additional_auth_modes": None if additional is None else list(additional),
            "pagination": [
                {
                    "argument": convention.argument,
                    "token": ".".join(convention.token),
                    "items": ".".join(convention.items),
                }
                for convention in self.options.pagination
            ]
            or False,
            SELF_CHECKED: True,  # the plugin leaves the check to `generate`
        }
        self.origins = Origins()
        self.parsed_schema: tuple[list[Path], set[str]] | None = None
        """The local schema files read and the names they define themselves."""

    def generate(self) -> GenerationResult:
        notices = self._check_keys()
        self._check_paths()
        target = Path(self.section["target_package_path"])
        # The check's fresh interpreter starts now: it loads pydantic and the runtime
        # while the package is made.
        with (
            _collector_paused(),
            tempfile.TemporaryDirectory(prefix="appsync-codegen-") as scratch,
            Probe() as probe,
        ):
            # Written and checked there; moved into place only once sound.
            self.section["target_package_path"] = Path(scratch).resolve().as_posix()
            try:
                return self._generate(target, notices, probe)
            finally:
                self.section["target_package_path"] = target.as_posix()

    def _generate(self, target: Path, notices: list[Diagnostic], probe: Probe) -> GenerationResult:
        primary, *others = self.kinds
        settings = self._settings(primary)
        final = target / settings.target_package_name
        with _quiet_deprecations():
            schema = self._schema(settings, self._config_dict(primary))
            plugin_manager = self._plugin_manager(schema, settings, primary)
            schema = plugin_manager.process_schema(add_mixin_directive_to_schema(schema))
            check_schema(schema, self.config.path)
            operations = self._operations(settings, schema)
            probe.share(len(operations.operations))  # about one module each
            auth, auth_notices = self._analyse_auth(schema, operations)
            notices += auth_notices
            notices += check_subscription_selections(
                schema, operations.operations, operations.fragment_map
            )
            _give_fragments(plugin_manager, operations, auth)
            package: AppSyncPackageGenerator | None = None
            try:
                package = AppSyncPackageGenerator.adopt(
                    _client_package(schema, operations, settings, plugin_manager),
                    primary_async=primary.is_async,
                )
                for kind in others:
                    # A manager of its own: plugins keep per-client state.
                    manager = self._plugin_manager(schema, settings, kind)
                    _give_fragments(manager, operations, auth)
                    _share_models(plugin_manager, manager)
                    other = _client_generator(schema, self._settings(kind), manager)
                    package.add_client(kind, other)
                package.schema_source = self._written_source("schema_path", "schema_paths")
                package.queries_source = self._written_source("queries_path")
                package.operation_auth = auth
                package.operation_sources = {
                    op.name.value: self._source(op) for op in operations.operations if op.name
                }
                for operation in operations.operations:
                    package.add_operation(operation)
                files: list[str] = package.generate()
            except CodeGenException as exc:
                raise CodegenError.at(self.config.path, str(exc)) from None
            except RuntimeError as exc:  # ruff refused the code: it does not parse
                pending = getattr(package, "_pending_files", [])
                modules = [(item.path.name, item.code) for item in pending]
                raise self._broken(modules, final, exc) from None
        package_path = Path(package.package_path)
        try:
            _format(package_path, files, self.line_length, self.ruff_config)
        except RuntimeError as exc:
            modules = [
                (name, (package_path / name).read_text(encoding="utf-8"))
                for name in files
                if name.endswith(".py")
            ]
            raise self._broken(modules, final, exc) from None
        clients = [ClientClass(kind.module, kind.name) for kind in self.kinds]
        probe.start(package_path, clients)
        # While the package is checked: what does not change it.
        files = [name for name in files if name != MANIFEST_NAME]
        manifest = build_manifest(
            self.config, files={name: (package_path / name).read_bytes() for name in files}
        )
        warnings = notices + _pagination_notes(plugin_manager, operations) + operations.deprecations
        editor = editor_files(self.config, self.parsed_schema)
        problems = probe.result(self.origins, shown_dir=final)
        if problems:
            raise CodegenError(problems)
        (package_path / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        files = sorted([*files, MANIFEST_NAME])
        removed = _install(package_path, final, files)
        return GenerationResult(final, files, removed, warnings, editor)

    def _broken(
        self, modules: list[tuple[str, str]], final: Path, exc: RuntimeError
    ) -> CodegenError:
        """Generated modules that do not parse, located; else the formatter's failure."""
        problems = syntax_problems(modules, self.origins, final, "nothing was written")
        if problems:
            return CodegenError(problems)
        detail = (str(exc).strip().splitlines() or ["no detail"])[-1]
        return CodegenError.at(
            self.config.path, f"formatting the generated code failed: {detail}; nothing was written"
        )

    def _check_keys(self) -> list[Diagnostic]:
        """Unknown ``[tool.ariadne-codegen]`` keys: errors, or notices for the plugins."""
        notices: list[Diagnostic] = []
        for key in check_ariadne_keys(self.config, PLUGIN):
            line, column = self.config.position(key)
            notices.append(
                Diagnostic(
                    display_path(self.config.path),
                    line,
                    column,
                    f"{key!r} is not an ariadne-codegen setting: left for the configured plugins",
                )
            )
        return notices

    # -- analysis ----------------------------------------------------------------

    def _analyse_auth(
        self, schema: GraphQLSchema, operations: Operations
    ) -> tuple[dict[str, OperationAuth | None], list[Diagnostic]]:
        """Each operation's auth analysis, and the notices it gives.

        Raises the operations no configured mode can run, unless
        ``unrunnable_operations = "warn"`` makes them warnings.
        """
        options = self.options
        table = f"{ARIADNE_TABLE}.{APPSYNC_TABLE}"
        results: dict[str, OperationAuth | None] = {}
        if options.default_auth_mode is None or options.additional_auth_modes is None:
            line, column = self.config.position("default_auth_mode", table)
            notice = (
                "auth modes not analysed: set default_auth_mode and additional_auth_modes in "
                f"[tool.{table}] (generated methods name no auth modes)"
            )
            return results, [Diagnostic(display_path(self.config.path), line, column, notice)]
        if not schema_has_directives(schema):
            line, column = self.config.position("default_auth_mode", table)
            notice = (
                "auth modes not analysed: the schema carries no directives (it came from "
                "introspection); use the SDL with directives"
            )
            return results, [Diagnostic(display_path(self.config.path), line, column, notice)]
        config = AuthModesConfig(options.default_auth_mode, options.additional_auth_modes)
        problems: list[Diagnostic] = []
        for operation in operations.operations:
            name = operation.name.value if operation.name else ""
            result = analyse_operation(schema, operation, operations.fragment_map, config)
            results[name] = result
            if not result.modes:
                problems.append(_unrunnable(operation, result, config))
        if problems and options.unrunnable_operations == "error":
            raise CodegenError(problems)
        reached = [result for result in results.values() if result is not None]
        return results, problems + _abstract_auth_notices(schema, reached, config)

    def _config_dict(self, kind: _ClientKind) -> dict[str, Any]:
        """The configuration a plugin of ``kind``'s client sees."""
        section = {**self.section, "async_client": kind.is_async}
        return {"tool": {ARIADNE_TABLE: section}}

    def _source(self, operation: OperationDefinitionNode) -> str:
        """``file:line`` of an operation, the file relative to the config's directory."""
        node = operation.name or operation
        loc = node.loc
        if loc is None:
            return ""
        path = Path(loc.source.name).resolve()
        try:
            shown = path.relative_to(self.config.root).as_posix()
        except ValueError:
            shown = path.name
        return f"{shown}:{loc.source.get_location(loc.start).line}"

    # -- inputs ------------------------------------------------------------------

    def _kind(self, name: str) -> _ClientKind:
        if name == "async":
            return _ClientKind(
                True,
                self.options.async_client_name,
                self.options.async_client_module,
                ASYNC_BASE_CLIENT_NAME,
                ASYNC_BASE_CLIENT_PATH,
            )
        return _ClientKind(
            False,
            self.options.client_name,
            self.options.client_module,
            SYNC_BASE_CLIENT_NAME,
            SYNC_BASE_CLIENT_PATH,
        )

    def _scalars(self) -> dict[str, Any]:
        user = as_table(self.section.get("scalars", {}))
        if user is None:
            raise self.config.error("scalars", "scalars must be a table of tables")
        merged: dict[str, Any] = {name: dict(hooks) for name, hooks in SCALAR_TYPES.items()}
        merged.update(user)
        return merged

    def _check_paths(self) -> None:
        section = self.section
        written = self.config.written
        for key in ("schema_path", "queries_path"):
            if key in section and not Path(section[key]).exists():
                raise self.config.error(key, f"{key}: {written[key]!r} does not exist")
        for entry, original in zip(
            section.get("schema_paths", []), written.get("schema_paths", []), strict=False
        ):
            looks_like_path = "/" in entry or Path(entry).suffix in GRAPHQL_EXTENSIONS
            if looks_like_path and not Path(entry).exists():
                raise self.config.error(
                    "schema_paths", f"schema_paths: {original!r} does not exist"
                )
        target = Path(section["target_package_path"])
        if not target.is_dir():
            written_target = written.get("target_package_path", str(target))
            raise self.config.error(
                "target_package_path",
                f"target_package_path: {written_target!r} is not a directory",
            )
        if not section.get("queries_path"):
            raise self.config.error("queries_path", "queries_path is required")

    def _settings(self, kind: _ClientKind) -> ClientSettings:
        section = dict(self.section)
        section["plugins"] = list(section["plugins"])  # ariadne appends to it
        section.update(
            client_name=kind.name,
            client_file_name=kind.module,
            async_client=kind.is_async,
            base_client_name=kind.base_name,
            base_client_file_path=kind.base_path.as_posix(),
            base_client_module_name=kind.base_module,
        )
        try:
            settings: ClientSettings = get_client_settings({"tool": {"ariadne-codegen": section}})
        except CodeGenException as exc:
            raise CodegenError.at(self.config.path, str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise CodegenError.at(self.config.path, f"invalid configuration: {exc}") from None
        return settings

    def _schema(self, settings: ClientSettings, config_dict: dict[str, Any]) -> GraphQLSchema:
        if settings.remote_schema_url:
            try:
                schema: GraphQLSchema = get_graphql_schema(settings, config_dict)
            except CodeGenException as exc:
                raise self.config.error("remote_schema_url", str(exc)) from None
            return schema
        paths = [settings.schema_path] if settings.schema_path else settings.schema_paths
        files: list[Path] = []
        for entry in paths:
            path = Path(entry)
            if path.exists():
                files.extend(graphql_files(path))
            else:  # a dotted import path, resolved the way ariadne-codegen does
                from ariadne_codegen.schema import resolve_schema_paths

                try:
                    files.extend(resolve_schema_paths([entry]))
                except CodeGenException as exc:
                    raise self.config.error("schema_paths", str(exc)) from None
        if not files:
            raise self.config.error("schema_path", "no .graphql schema files found")
        user = parse_files(files)
        self.parsed_schema = (files, defined_names(user))
        return schema_from_document(self.config, files, user)

    def _plugin_manager(
        self, schema: GraphQLSchema, settings: ClientSettings, kind: _ClientKind
    ) -> PluginManager:
        try:
            types = get_plugins_types(settings.plugins)
        except (CodeGenException, ImportError) as exc:
            raise self.config.error("plugins", f"cannot load a plugin: {exc}") from None
        manager = PluginManager(
            schema=schema,
            config_dict=self._config_dict(kind),
            plugins_types=[*types, OriginRecorder],  # last: it sees the final names
        )
        for plugin in manager.plugins:
            if isinstance(plugin, OriginRecorder):
                plugin.origins = self.origins
        return manager

    def _operations(self, settings: ClientSettings, schema: GraphQLSchema) -> Operations:
        try:
            skip = [get_validation_rule(rule) for rule in settings.skip_validation_rules]
        except ValueError as exc:
            raise self.config.error("skip_validation_rules", str(exc)) from None
        taken = package_modules(self.section)
        return load_operations(
            Path(settings.queries_path), schema, skip_rules=skip, taken_modules=taken
        )

    def _written_source(self, *keys: str) -> str:
        """A source as the config spells it, for the ``# Source:`` line of each file."""
        for key in keys:
            value = self.config.written.get(key)
            if isinstance(value, str) and value:
                return Path(value).as_posix()
            values = as_list(value)
            if values is not None:
                return ", ".join(str(v) for v in values)
        return str(self.config.written.get("remote_schema_url", ""))


def _multiline_operation_texts(code: str) -> str:
    """ariadne-codegen's ``format_multiline_strings``, applied to ``gql(`` lines only."""
    lines = code.split("\n")
    for index, line in enumerate(lines):
        if "= gql(" in line:
            lines[index] = format_multiline_strings(line)
    return "\n".join(lines)


def _give_fragments(
    manager: PluginManager,
    operations: Operations,
    auth: Mapping[str, OperationAuth | None],
) -> None:
    """Hand the plugin the fragments and the operations' auth analyses."""
    for plugin in manager.plugins:
        if isinstance(plugin, AppSyncPlugin):
            plugin.add_fragments(operations.fragments)
            plugin.add_auth(auth)


def _share_models(primary: PluginManager, other: PluginManager) -> None:
    """Let ``other``'s plugin read the result models ``primary``'s plugin saw written."""
    first = next((p for p in primary.plugins if isinstance(p, AppSyncPlugin)), None)
    if first is not None:
        for plugin in other.plugins:
            if isinstance(plugin, AppSyncPlugin):
                plugin.share_models(first)


def _pagination_notes(manager: PluginManager, operations: Operations) -> list[Diagnostic]:
    """One note per query that looks paginated but gets no ``iter_*`` method."""
    reasons: dict[str, str] = {}
    for plugin in manager.plugins:
        if isinstance(plugin, AppSyncPlugin):
            reasons.update(plugin.pagination_notes)
    notes: list[Diagnostic] = []
    for operation in operations.operations:
        name = operation.name.value if operation.name else ""
        if name not in reasons:
            continue
        message = f"query {name}: {reasons[name]}"
        loc = (operation.name or operation).loc
        if loc is None:  # pragma: no cover - parsed operations carry locations
            notes.append(Diagnostic("<operations>", 1, 1, message))
            continue
        where = loc.source.get_location(loc.start)
        notes.append(Diagnostic(loc.source.name, where.line, where.column, message))
    return notes


def _abstract_auth_notices(
    schema: GraphQLSchema, results: Sequence[OperationAuth], config: AuthModesConfig
) -> list[Diagnostic]:
    """One warning per interface or union whose auth directives an operation reaches.

    AppSync takes auth directives there but does not document their effect; the
    analysis reads them conservatively (:mod:`appsync_codegen.auth_modes`, rule 4).
    """
    names = dict.fromkeys(
        rule.coordinate
        for result in results
        for rule in result.rules
        if rule.source in ("interface", "union")
    )
    notices: list[Diagnostic] = []
    for name in names:
        named = schema.get_type(name)
        directives = abstract_auth_directives(named)
        loc = directives[0].loc if directives else None
        if loc is None:  # pragma: no cover - SDL directives carry locations
            continue
        kind = "interface" if isinstance(named, GraphQLInterfaceType) else "union"
        used = ", ".join(dict.fromkeys(f"@{directive.name.value}" for directive in directives))
        modes = sorted({DIRECTIVE_MODES[directive.name.value] for directive in directives})
        allowed = ", ".join(mode for mode in AUTH_MODES if mode in modes and mode in config.modes)
        where = loc.source.get_location(loc.start)
        notices.append(
            Diagnostic(
                loc.source.name,
                where.line,
                where.column,
                f"{used} on {kind} {name}: AppSync does not document what auth directives "
                f"on {'an' if kind == 'interface' else 'a'} {kind} do, so the auth-mode "
                "analysis requires them wherever an "
                f"operation reaches {name} ({allowed or 'none of the configured modes'}), "
                "on top of the fields' own rules: methods may list fewer modes than AppSync "
                "allows, never more",
            )
        )
    return notices


def _unrunnable(
    operation: OperationDefinitionNode, result: OperationAuth, config: AuthModesConfig
) -> Diagnostic:
    """An operation no configured mode can run, with the fields that decide it."""
    kind = operation.operation.value
    name = operation.name.value if operation.name else "<anonymous>"
    configured = [mode for mode in AUTH_MODES if mode in config.modes]
    blocking = result.blocking_rules(configured)
    reasons = "; ".join(rule.describe() for rule in blocking[:4])
    if len(blocking) > 4:
        reasons += f"; and {len(blocking) - 4} more"
    message = (
        f"{kind} {name}: no configured auth mode ({', '.join(configured)}) can read "
        f"everything it selects: {reasons}"
    )
    loc = (operation.name or operation).loc
    if loc is None:  # pragma: no cover - parsed operations carry locations
        return Diagnostic("<operations>", 1, 1, message)
    where = loc.source.get_location(loc.start)
    return Diagnostic(loc.source.name, where.line, where.column, message)


def _input_shapes(
    infos: Sequence[OperationInfo], schema: GraphQLSchema
) -> tuple[dict[str, list[tuple[str, str, bool]]], dict[str, list[str]]]:
    """The input object types (their fields: name, type, has a default) and enums
    (their values) the operations' variables can hold, found from the schema."""
    inputs: dict[str, list[tuple[str, str, bool]]] = {}
    enums: dict[str, list[str]] = {}
    pending = [type_text for info in infos for _, type_text, _ in info.variables]
    while pending:
        name = pending.pop().replace("[", "").replace("]", "").replace("!", "")
        if name in inputs or name in enums:
            continue
        named = schema.get_type(name)
        if isinstance(named, GraphQLEnumType):
            enums[name] = list(named.values)
        elif isinstance(named, GraphQLInputObjectType):
            fields = [
                (field_name, str(field.type), field.default_value is not Undefined)
                for field_name, field in named.fields.items()
            ]
            inputs[name] = fields
            pending.extend(type_text for _, type_text, _ in fields)
    return inputs, enums


def _shapes_table(name: str, annotation: str, table: Mapping[str, Sequence[Any]]) -> ast.stmt:
    literal = repr({key: tuple(table[key]) for key in sorted(table)})
    value = ast.parse(literal, mode="eval").body
    return ast.AnnAssign(
        target=ast.Name(id=name),
        annotation=ast.parse(annotation, mode="eval").body,
        value=value,
        simple=1,
    )


def _operations_module(infos: Sequence[OperationInfo], schema: GraphQLSchema) -> ast.Module:
    """``_operations.py``: the ``OperationInfo`` class, ``OPERATIONS`` and the shapes
    of the input types and enums the variables hold."""
    module = ast.parse(_OPERATIONS_PRELUDE)
    entries: list[tuple[str, ast.expr]] = []
    for info in sorted(infos, key=lambda item: item.name):
        auth = info.auth
        modes: ast.expr = ast.Constant(None) if auth is None else _tuple_of(auth.modes)
        groups = (
            _tuple_of(())
            if auth is None
            else ast.Tuple(elts=[_tuple_of(item) for item in auth.cognito_groups], ctx=ast.Load())
        )
        call = ast.Call(
            func=ast.Name(id="OperationInfo"),
            args=[],
            keywords=[
                ast.keyword(arg="name", value=ast.Constant(info.name)),
                ast.keyword(arg="kind", value=ast.Constant(info.kind)),
                ast.keyword(arg="method", value=ast.Constant(info.method)),
                ast.keyword(arg="auth_modes", value=modes),
                ast.keyword(arg="cognito_groups", value=groups),
                ast.keyword(arg="source", value=ast.Constant(info.source)),
                ast.keyword(
                    arg="variables",
                    value=ast.parse(repr(info.variables), mode="eval").body,
                ),
                ast.keyword(arg="result_module", value=ast.Constant(info.result_module)),
                ast.keyword(arg="result_class", value=ast.Constant(info.result_class)),
            ],
        )
        entries.append((info.name, call))
    value = ast.Dict(
        keys=[ast.Constant(name) for name, _ in entries], values=[v for _, v in entries]
    )
    module.body.append(
        ast.AnnAssign(
            target=ast.Name(id="OPERATIONS"),
            annotation=ast.Subscript(
                value=ast.Name(id="Final"),
                slice=ast.Subscript(
                    value=ast.Name(id="Mapping"),
                    slice=ast.Tuple(elts=[ast.Name(id="str"), ast.Name(id="OperationInfo")]),
                ),
            ),
            value=value,
            simple=1,
        )
    )
    module.body.append(ast.Expr(ast.Constant("Every operation of this package, by name.")))
    inputs, enums = _input_shapes(infos, schema)
    module.body.append(
        _shapes_table(
            "INPUT_TYPES", "Final[Mapping[str, tuple[tuple[str, str, bool], ...]]]", inputs
        )
    )
    module.body.append(
        ast.Expr(
            ast.Constant(
                "The input object types variables can hold: each field's name, GraphQL "
                "type, and whether it has a default."
            )
        )
    )
    module.body.append(_shapes_table("ENUM_VALUES", "Final[Mapping[str, tuple[str, ...]]]", enums))
    module.body.append(ast.Expr(ast.Constant("The enums variables can hold: their values.")))
    return ast.fix_missing_locations(module)


def _tuple_of(items: Sequence[str]) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(item) for item in items], ctx=ast.Load())


# The fixed part of `_operations.py`; `_operations_module` adds `OPERATIONS`.
_OPERATIONS_PRELUDE = '''
"""What each operation of this package is and needs, read from the schema at generation.

``auth_modes`` are the API's modes that can read everything the operation selects
(None: not analysed, the configuration names no auth modes); the client methods
pass them as ``auth_modes``. With ``AMAZON_COGNITO_USER_POOLS`` the caller must
also belong to one group of each ``cognito_groups`` tuple.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["ENUM_VALUES", "INPUT_TYPES", "OPERATIONS", "OperationInfo"]


@dataclass(frozen=True)
class OperationInfo:
    """One operation: its kind, client method, auth modes and Cognito groups."""

    name: str
    """The operation's name in the ``.graphql`` file."""
    kind: str
    """``query``, ``mutation`` or ``subscription``."""
    method: str
    """The client method sending it."""
    auth_modes: tuple[str, ...] | None
    """Modes that can run it (empty: none can); None when not analysed."""
    cognito_groups: tuple[tuple[str, ...], ...]
    """With Cognito, the caller needs one group of each tuple."""
    source: str
    """Where the operation is defined, ``file:line`` relative to the config."""
    variables: tuple[tuple[str, str, bool], ...]
    """Each declared variable: its name, GraphQL type as written (``"ID!"``), and
    whether it has a default."""
    result_module: str
    """The module of this package holding the result model."""
    result_class: str
    """The result model's class name in ``result_module``."""
'''


def _client_package(
    schema: GraphQLSchema,
    operations: Operations,
    settings: ClientSettings,
    plugin_manager: PluginManager,
) -> PackageGenerator:
    """ariadne-codegen's package generator for a client's settings, without its
    custom-operation generators.

    ``get_package_generator`` also builds ariadne's custom-operation classes for
    every schema type (about 0.4 s for 300 types) whether or not
    ``enable_custom_operations`` asks for them; ``appsync-codegen`` refuses that
    setting (:mod:`appsync_codegen.config`), so they are never written. The other
    pieces are made here as ariadne-codegen makes them, in its order (their plugin
    hooks run in the same sequence).
    """
    if settings.enable_custom_operations:  # refused by the configuration; kept exact
        generator = get_package_generator(schema, operations.fragments, settings, plugin_manager)
        assert isinstance(generator, PackageGenerator)  # client settings give a client package
        return generator
    uploads = settings.multipart_uploads
    fragments = {fragment.name.value: fragment for fragment in operations.fragments}
    init_generator = InitFileGenerator(
        plugin_manager=plugin_manager, lazy_imports=settings.lazy_imports
    )
    enums_generator = EnumsGenerator(schema=schema, plugin_manager=plugin_manager)
    input_types_generator = InputTypesGenerator(
        schema=schema,
        enums_module=settings.enums_module_name,
        base_model_import=BASE_MODEL_IMPORT,
        upload_import=UPLOAD_IMPORT if uploads else None,
        convert_to_snake_case=settings.convert_to_snake_case,
        custom_scalars=settings.scalars,
        plugin_manager=plugin_manager,
        defer_model_build=settings.defer_model_build,
        use_alias_generator=settings.use_alias_generator,
    )
    fragments_generator = FragmentsGenerator(
        schema=schema,
        fragments_definitions=fragments,
        enums_module_name=settings.enums_module_name,
        base_model_import=BASE_MODEL_IMPORT,
        convert_to_snake_case=settings.convert_to_snake_case,
        custom_scalars=settings.scalars,
        plugin_manager=plugin_manager,
        default_optional_fields_to_none=settings.default_optional_fields_to_none,
        include_typename=settings.include_typename,
        defer_model_build=settings.defer_model_build,
        use_alias_generator=settings.use_alias_generator,
    )
    base_model = BASE_MODEL_FILE_PATH if uploads else BASE_MODEL_NO_UPLOAD_FILE_PATH
    return PackageGenerator(
        package_name=settings.target_package_name,
        target_path=settings.target_package_path,
        schema=schema,
        init_generator=init_generator,
        client_generator=_client_generator(schema, settings, plugin_manager),
        enums_generator=enums_generator,
        input_types_generator=input_types_generator,
        fragments_generator=fragments_generator,
        fragments_definitions=fragments,
        client_name=settings.client_name,
        async_client=settings.async_client,
        base_client_name=settings.base_client_name,
        base_client_file_path=settings.base_client_file_path,
        client_file_name=settings.client_file_name,
        enums_module_name=settings.enums_module_name,
        input_types_module_name=settings.input_types_module_name,
        fragments_module_name=settings.fragments_module_name,
        comments_strategy=settings.include_comments,
        queries_source=settings.queries_path,
        schema_source=settings.schema_source,
        convert_to_snake_case=settings.convert_to_snake_case,
        include_all_inputs=settings.include_all_inputs,
        include_all_enums=settings.include_all_enums,
        base_client_module_name=settings.base_client_module_name,
        base_model_file_path=base_model.as_posix(),
        base_model_import=BASE_MODEL_IMPORT,
        unset_import=UNSET_IMPORT,
        multipart_uploads=uploads,
        files_to_include=settings.files_to_include,
        custom_scalars=settings.scalars,
        plugin_manager=plugin_manager,
        enable_custom_operations=False,
        default_optional_fields_to_none=settings.default_optional_fields_to_none,
        include_typename=settings.include_typename,
        ignore_extra_fields=settings.ignore_extra_fields,
        defer_model_build=settings.defer_model_build,
        use_alias_generator=settings.use_alias_generator,
    )


def _client_generator(
    schema: GraphQLSchema, settings: ClientSettings, plugin_manager: PluginManager
) -> ClientGenerator:
    """The client generator ariadne-codegen's package generator would hold for
    ``settings``, made alone: a second client needs no models, enums or inputs of
    its own (making the whole package generator also builds ariadne's custom-operation
    classes for every schema type, about as long as the rest of it for a large schema).
    """
    return ClientGenerator(
        base_client_import=generate_import_from(
            names=[settings.base_client_name],
            from_=settings.base_client_module_name or Path(settings.base_client_file_path).stem,
            level=1,
        ),
        arguments_generator=ArgumentsGenerator(
            schema=schema,
            convert_to_snake_case=settings.convert_to_snake_case,
            custom_scalars=settings.scalars,
            plugin_manager=plugin_manager,
        ),
        name=settings.client_name,
        base_client=settings.base_client_name,
        enums_module_name=settings.enums_module_name,
        input_types_module_name=settings.input_types_module_name,
        unset_import=UNSET_IMPORT,
        upload_import=UPLOAD_IMPORT if settings.multipart_uploads else None,
        custom_scalars=settings.scalars,
        plugin_manager=plugin_manager,
    )


@contextmanager
def _collector_paused() -> Generator[None, None, None]:
    """Python's cyclic garbage collector paused for one generation, then restored.

    Generation builds a large, long-lived heap (the schema, the operations, every
    module's syntax tree), and each of the collector's full passes walks all of it:
    on a 300-type schema they took about a quarter of the generating process's CPU
    (0.8-1.3 s), for 9 MB more memory at the peak without them. Reference counting
    still frees everything else at once.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _quiet_deprecations() -> Generator[None, None, None]:
    """Silence ariadne-codegen's unlocated deprecation warnings (we report located ones)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _install(source: Path, target: Path, files: Sequence[str]) -> list[str]:
    """Move the checked package from ``source`` into ``target``; return the modules removed.

    Each file is written beside its destination and renamed over it (atomic per
    file); files whose content is unchanged are left untouched. Modules of an
    earlier generation that this one no longer writes are removed, other files
    kept.
    """
    target.mkdir(exist_ok=True)
    for name in files:
        destination = target / name
        if destination.is_file() and filecmp.cmp(source / name, destination, shallow=False):
            continue
        temporary = target / f".{name}.appsync-codegen.tmp"
        shutil.copyfile(source / name, temporary)
        os.replace(temporary, destination)
    removed = generated_extras(target, files)
    for name in removed:
        (target / name).unlink()
    return removed


def _ruff() -> list[str]:
    """How to run ruff, which ariadne-codegen depends on."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return [find_ruff_bin()]
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        return [found] if found else [sys.executable, "-m", "ruff"]


def _format(
    package_path: Path, files: Sequence[str], line_length: int, ruff_config: Path | None
) -> None:
    """Docstrings wrapped, modern syntax (``X | None``), sorted imports, formatted.

    ruff runs with the configuration governing the codegen config (so imports are
    classified and code laid out as the project's own lint expects), or in
    isolation when there is none: the output depends on the inputs only, not on
    where the package is written.
    """
    paths = [package_path / name for name in sorted(files) if name.endswith(".py")]
    for path in paths:
        code = path.read_text(encoding="utf-8")
        rewrapped = rewrap_docstrings(code, line_length)
        if rewrapped != code:
            path.write_text(rewrapped, encoding="utf-8")
    if not paths:
        return
    settings = ["--config", str(ruff_config)] if ruff_config else ["--isolated"]
    settings += [
        "--no-cache",
        "--quiet",
        "--line-length",
        str(line_length),
        "--config",
        "format.skip-magic-trailing-comma = true",
        "--config",
        "lint.isort.split-on-trailing-comma = false",
    ]
    if ruff_config is None:
        settings += ["--target-version", "py310"]
    steps = [["check", "--fix", "--select", "F401,I,UP,RUF022", *settings], ["format", *settings]]
    for step in steps:
        completed = subprocess.run(
            [*_ruff(), *step, *map(str, paths)],
            capture_output=True,
            text=True,
            check=False,
            cwd=package_path,
        )
        failed = completed.returncode != 0 and not (
            step[0] == "check" and completed.returncode == 1
        )
        if failed:
            raise RuntimeError(f"ruff {step[0]} failed: {completed.stderr.strip()}")
