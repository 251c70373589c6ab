"""The ariadne-codegen plugin that makes a generated package an AppSync client.

All of its work is done on ariadne-codegen's AST hooks; :class:`AppSyncPlugin`
dispatches them: model rewrites to :mod:`appsync_codegen._models`, client-method
rewrites to :mod:`appsync_codegen._methods`, copied package files to
:mod:`appsync_codegen._package_files`, and the checks that generated names do not
clash to :mod:`appsync_codegen._module_checks`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

from ariadne_codegen.plugins.base import Plugin
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    parse,
)

from ._methods import (
    MethodRewriter,
    deprecated_variables,
    document_client_class,
    has_deprecated_arguments,
    runtime_unset_import,
)
from ._models import (
    ModelRewriter,
    final_scalar_validators,
    import_deprecation_helpers,
    model_members,
    reexport_noqa_imports,
)
from ._module_checks import ModuleChecks
from ._package_files import annotate_lazy_init, package_file
from ._paginated import PageTypes, page_types
from .auth_modes import (
    AuthModesConfig,
    OperationAuth,
    analyse_operation,
    schema_has_directives,
)
from .compact import split_text
from .config import DEFAULT_LINE_LENGTH
from .docstrings import remember_wrapped, rewrap_docstrings, rewrap_parsed
from .names import (
    FIELD_RESERVED,
    argument_reserved,
    client_members,
    method_reserved,
    python_name,
)
from .pagination import (
    DEFAULT_CONVENTIONS,
    Convention,
    PagePath,
    Unpaginated,
    analyse_pagination,
    read_conventions,
)

__all__ = ["DEFAULT_LINE_LENGTH", "SELF_CHECKED", "AppSyncPlugin"]

SELF_CHECKED = "_checked_by_appsync_codegen"
"""Key of the ``appsync`` settings ``appsync-codegen`` hands the plugin: it checks
the package itself, before writing it (:mod:`appsync_codegen.selfcheck`)."""
_FORWARD_REFS_PLUGIN = "ariadne_codegen.contrib.client_forward_refs.ClientForwardRefsPlugin"


class AppSyncPlugin(Plugin):
    """Turns ariadne-codegen's output into a typed client of the appsync_runtime.

    What it changes, each on ariadne-codegen's AST hooks:

    * ``base_model.py`` re-exports ``UNSET``, ``UnsetType`` and ``BaseModel`` from
      ``appsync_runtime.model`` (``BaseModel`` is subclassed only to carry the
      generation options, e.g. ``defer_build``), so the runtime recognises
      omitted arguments; client modules import ``UNSET`` from the pydantic-free
      ``appsync_runtime.unset``. ariadne's default base clients are replaced by
      subclasses of ``appsync_runtime.AppSyncClient`` / ``AsyncAppSyncClient``.
    * Result models validate AppSync scalars with the runtime's parsers as final
      ``PlainValidator`` s (ariadne writes ``BeforeValidator`` s, after which
      pydantic validates the parsed value again); dates, times and datetimes dump
      their exact wire text in JSON mode. ``AWSEmail``, ``AWSPhone`` and ``AWSURL``
      are plain ``str``.
    * Client methods return ``self.validate_result(Model, data)``, which wraps a
      pydantic ``ValidationError`` in the runtime's ``AppSyncResponseError``.
      Queries and mutations pass ``operation_type=`` so the runtime need not
      find it in the document on each call.
    * Custom scalar arguments are serialized only when present: ``None`` and
      ``UNSET`` pass through, lists are serialized item by item.
    * Every method (queries, mutations and subscriptions) passes the auth modes
      that can read everything its operation selects (read from the ``@aws_*``
      directives, :mod:`appsync_codegen.auth_modes`) as the default
      ``auth_modes``, so a multi-auth client picks a fitting strategy; the modes
      and any Cognito groups needed are in the method's docstring. Needs
      ``default_auth_mode`` and ``additional_auth_modes``.
    * Subscriptions of a blocking client are blocking iterators over the
      runtime's ``subscribe`` (ariadne-codegen has subscriptions on async
      clients only; ``appsync-codegen`` asks for them on both). Every
      subscription method is a generator (``AsyncGenerator``/``Generator``) that
      closes the runtime's iterator when it is closed itself (``aclose()``/
      ``close()``, ``contextlib.aclosing``, or the interpreter finalizing it after
      a ``break``): AppSync's ``stop`` goes out in that same step.
    * Deprecated result fields become, for type checkers, ``@deprecated``
      read-only properties (editors strike their uses through; mypy and pyright
      report them), and at run time pydantic fields with ``deprecated=`` (reading
      one warns). Deprecated input fields get ``Field(deprecated=...)`` and a
      docstring note.
    * Methods, clients, result models and their fields, and enums get docstrings
      from the operations and the schema, wrapped to the line length; operation
      descriptions are kept out of the query text sent to AppSync, and long
      variable lists are written one per line.
    * The lazy package ``__init__`` is annotated, so the package passes
      ``mypy --strict``.

    ``appsync-codegen`` applies this plugin itself. With plain ``ariadne-codegen``,
    configure it like so::

        [tool.ariadne-codegen]
        schema_paths = ["appsync_codegen.prelude.PRELUDE_PATH", "schema.graphql"]
        queries_path = "operations"
        plugins = ["appsync_codegen.AppSyncPlugin"]
        multipart_uploads = false
        lazy_imports = true
        defer_model_build = true
        use_alias_generator = true

        [tool.ariadne-codegen.appsync]   # optional
        default_auth_mode = "API_KEY"
        additional_auth_modes = ["AWS_IAM"]
        line_length = 88

        # followed by the scalar mappings `appsync-codegen scalars` prints:
        [tool.ariadne-codegen.scalars.AWSDateTime]
        type = "appsync_runtime.scalars.AWSDateTime"
        parse = "appsync_runtime.scalars.parse_aws_datetime"
        serialize = "appsync_runtime.scalars.serialize_aws_datetime"
        # ... and the other eight

    Plain ariadne-codegen writes one client (async unless ``async_client = false``)
    and adds the whole prelude, so there the schema must not declare the AWS
    scalars or directives itself; it also keeps its own ``exceptions.py``, unused.
    Once it has written the package, the plugin checks that the package imports
    and works (:mod:`appsync_codegen.selfcheck`): if not, the command fails with
    status 2 and the problems, though the files are written by then.
    """

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)  # pyright: ignore[reportUnknownMemberType]
        section = config_dict.get("tool", {}).get("ariadne-codegen", config_dict)
        plugins = section.get("plugins", [])
        self._forward_refs = bool(section.get("lazy_imports")) or _FORWARD_REFS_PLUGIN in plugins
        appsync = section.get("appsync", {})
        self._line_length = int(appsync.get("line_length") or DEFAULT_LINE_LENGTH)
        self._auth_config = _auth_config(appsync)
        self._queries_path: str | None = section.get("queries_path")
        self._fragments: dict[str, FragmentDefinitionNode] = {}
        self._fragments_given = False
        self._auth_given: dict[str, OperationAuth | None] = {}
        self._snake_case = bool(section.get("convert_to_snake_case", True))
        self._method_reserved = method_reserved(section)
        self._argument_reserved = argument_reserved()
        self._field_reserved = FIELD_RESERVED | model_members()
        self._models = ModelRewriter(
            schema,
            self._fragments,
            self._known_fragments,
            snake_case=self._snake_case,
            alias_generator=bool(section.get("use_alias_generator", False)),
            field_reserved=self._field_reserved,
        )
        self._methods = MethodRewriter(
            schema,
            snake_case=self._snake_case,
            async_client=bool(section.get("async_client", True)),
            line_length=self._line_length,
        )
        self._checks = ModuleChecks(
            schema, snake_case=self._snake_case, method_reserved=self._method_reserved
        )
        conventions = (
            read_conventions(appsync["pagination"])
            if "pagination" in appsync
            else DEFAULT_CONVENTIONS
        )
        if isinstance(conventions, str):
            raise ValueError(f"[tool.ariadne-codegen.appsync]: {conventions}")
        self._conventions: tuple[Convention, ...] = conventions
        self._fragments_module = str(section.get("fragments_module_name", "fragments"))
        self._deprecated_arguments: bool | None = None
        """Whether the schema deprecates any argument (found on first need)."""
        self.pagination_notes: dict[str, str] = {}
        """Per operation name: why a paginated-looking operation has no iterator."""

    def share_models(self, primary: AppSyncPlugin) -> None:
        """Read result models from ``primary``'s records: with two clients, only the
        first client's plugin sees the result models written."""
        self._models.result_classes = primary._models.result_classes

    def add_fragments(self, fragments: Iterable[FragmentDefinitionNode]) -> None:
        """Make fragments known: fields selected through them get docstrings, and
        the auth analysis follows spreads.

        ``appsync-codegen`` calls this; under plain ariadne-codegen the analysis
        reads the fragments from ``queries_path`` itself, and fields selected
        through fragments go without docstrings.
        """
        self._fragments_given = True
        self._fragments.update((fragment.name.value, fragment) for fragment in fragments)

    def add_auth(self, analyses: Mapping[str, OperationAuth | None]) -> None:
        """Take the auth analyses ``appsync-codegen`` made of the operations (by name,
        with the same schema, fragments and modes): :meth:`operation_auth` reuses them."""
        self._auth_given.update(analyses)

    def operation_auth(self, operation: OperationDefinitionNode) -> OperationAuth | None:
        """The auth analysis of ``operation``; None without the auth-mode options."""
        if self._auth_config is None or not schema_has_directives(self.schema):
            return None
        name = operation.name.value if operation.name else ""
        if name in self._auth_given:
            return self._auth_given[name]
        return analyse_operation(self.schema, operation, self._known_fragments(), self._auth_config)

    # -- names (see appsync_codegen.names) ----------------------------------------

    def process_name(self, name: str, node: Node | None = None) -> str:
        """The Python name of a result field, input field, argument or method.

        Computed from the GraphQL name itself (ariadne-codegen hands over a name
        already stripped of leading underscores); collisions within a class or a
        method are settled by the class and argument hooks.
        """
        if isinstance(node, FieldNode):
            key = (node.alias or node.name).value
            return python_name(key, snake_case=self._snake_case, reserved=self._field_reserved)
        if isinstance(node, GraphQLInputField):
            graphql_name = _input_field_name(node)
            if graphql_name is None:
                return name
            return python_name(
                graphql_name, snake_case=self._snake_case, reserved=self._field_reserved
            )
        if isinstance(node, VariableDefinitionNode):
            return python_name(
                node.variable.name.value,
                snake_case=self._snake_case,
                reserved=self._argument_reserved,
            )
        if isinstance(node, OperationDefinitionNode) and node.name is not None:
            return python_name(node.name.value, snake_case=True, reserved=self._method_reserved)
        return name

    def generate_arguments(
        self,
        arguments: ast.arguments,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.arguments:
        """Give each variable an argument of its own (``createdAt`` next to ``created_at``)."""
        return self._methods.arguments(arguments, variable_definitions)

    # -- client (appsync_codegen._methods) ---------------------------------------

    def generate_client_import(self, import_: ast.ImportFrom) -> ast.ImportFrom:
        """Import ``UNSET``/``UnsetType`` from the runtime, not through ``base_model``."""
        return runtime_unset_import(import_)

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        """Give the client class a docstring."""
        return document_client_class(class_def)

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """Validate results through the runtime, pass the auth modes, document the method.

        A subscription on the blocking client arrives as ariadne's async generator
        and leaves as a generator over ``self.subscribe``.
        """
        self._checks.method(method_def, operation_definition)
        auth = self.operation_auth(operation_definition)
        if self._deprecated_arguments is None:
            self._deprecated_arguments = has_deprecated_arguments(self.schema)
        deprecated = (
            deprecated_variables(self.schema, operation_definition, self._known_fragments())
            if self._deprecated_arguments
            else {}
        )
        return self._methods.method(method_def, operation_definition, auth, deprecated)

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        """Add each operation's ``Operation`` constant, the ``iter_*`` methods of
        paginated queries, and the imports they use."""
        names = self._methods.finish_module(
            module, self._pages(module), fragments_module=self._fragments_module
        )
        self._checks.module_names(module, None, names)
        return module

    def _pages(self, module: ast.Module) -> dict[str, tuple[str, PagePath, PageTypes]]:
        """The client's paginated methods: method name to iterator name, path, types."""
        class_def = next((node for node in module.body if isinstance(node, ast.ClassDef)), None)
        if class_def is None:
            return {}
        taken = {
            node.name
            for node in class_def.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        } | client_members()
        pages: dict[str, tuple[str, PagePath, PageTypes]] = {}
        for method, (operation, model, _) in self._methods.method_operations.items():
            if operation.operation != OperationType.QUERY or operation.name is None:
                continue
            name = operation.name.value
            found = analyse_pagination(
                self.schema, operation, self._known_fragments(), self._conventions
            )
            if found is None:
                continue
            if isinstance(found, Unpaginated):
                self.pagination_notes[name] = found.reason
                continue
            iter_name = f"iter_{method}"
            if iter_name in taken:
                self.pagination_notes[name] = (
                    f"no iterator: {iter_name} is the name of another method"
                )
                continue
            types = page_types(self._models.result_classes, name, model, found)
            if isinstance(types, str):
                self.pagination_notes[name] = f"no iterator: {types}"
                continue
            pages[method] = (iter_name, found, types)
        return pages

    def generate_arguments_dict(
        self,
        dict_: ast.Dict,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.Dict:
        """Serialize custom scalar arguments value by value, and only real values."""
        return self._methods.arguments_dict(dict_, variable_definitions)

    def generate_operation_str(
        self, operation_str: str, operation_definition: ExecutableDefinitionNode
    ) -> str:
        """The query text sent to AppSync, fitting the client module's line length."""
        return self._methods.operation_str(operation_str, operation_definition)

    # -- models (appsync_codegen._models) ----------------------------------------

    def generate_enum(self, class_def: ast.ClassDef, enum_type: GraphQLEnumType) -> ast.ClassDef:
        """Name enum members by :mod:`appsync_codegen.names`; document them from the schema."""
        return self._models.enum(class_def, enum_type)

    def generate_input_field(
        self,
        field_implementation: ast.AnnAssign,
        input_field: GraphQLInputField,
        field_name: str,
    ) -> ast.AnnAssign:
        """Remember deprecated input fields (for their docstrings)."""
        return self._models.input_field(field_implementation, input_field)

    def generate_input_class(
        self, class_def: ast.ClassDef, input_type: GraphQLInputObjectType
    ) -> ast.ClassDef:
        """Name the fields; mark deprecated ones (``Field(deprecated=...)``, a docstring note)."""
        return self._models.input_class(class_def, input_type)

    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        """Remember which schema field a model attribute holds (for its docstring)."""
        return self._models.result_field(field_implementation, field)

    def generate_result_class(
        self,
        class_def: ast.ClassDef,
        operation_definition: ExecutableDefinitionNode,
        selection_set: SelectionSetNode,
    ) -> ast.ClassDef:
        """Give each field a name of its own; document the model and its fields."""
        return self._models.result_class(class_def, operation_definition, selection_set)

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        """Validate AppSync scalars with final validators; import what deprecated
        fields need."""
        names = final_scalar_validators(module)
        import_deprecation_helpers(module, names)
        self._checks.module_names(module, operation_definition, names | {"TYPE_CHECKING"})
        return module

    def generate_fragments_module(
        self,
        module: ast.Module,
        fragments_definitions: dict[str, FragmentDefinitionNode] | None = None,
    ) -> ast.Module:
        """Validate AppSync scalars with final validators; import what deprecated
        fields need."""
        names = final_scalar_validators(module)
        import_deprecation_helpers(module, names)
        self._checks.module_names(module, None, names | {"TYPE_CHECKING"})
        return module

    def generate_inputs_module(self, module: ast.Module) -> ast.Module:
        """Import what deprecated fields need."""
        import_deprecation_helpers(module)
        self._checks.module_names(module, None)
        return module

    def generate_enums_module(self, module: ast.Module) -> ast.Module:
        """Refuse an enum named like a name the module uses."""
        self._checks.module_names(module, None)
        return module

    # -- package files (appsync_codegen._package_files) --------------------------

    def copy_code(self, copied_code: str) -> str:
        """Re-export the runtime's model pieces; use the runtime's base clients."""
        return package_file(copied_code)

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        """Annotate the lazy ``__init__``'s ``__getattr__`` and ``__dir__``; refuse two
        generated names that would be exported under one name."""
        self._checks.exports(module)
        return annotate_lazy_init(module)

    # -- generated code ----------------------------------------------------------

    def generate_client_code(self, generated_code: str) -> str:
        """Wrap docstrings to the line length (see :mod:`appsync_codegen.docstrings`);
        write long operation texts as implicitly joined pieces that fit it."""
        code = _wrap_and_merge(generated_code, self._line_length)
        documents = {spec.document for spec in self._methods.operations.values()}
        split = _split_documents(code, documents, self._line_length)
        # Neither step above touches a docstring: the final pass need not parse it again.
        return remember_wrapped(split, self._line_length)

    def generate_enums_code(self, generated_code: str) -> str:
        """Wrap docstrings to the line length."""
        return rewrap_docstrings(generated_code, self._line_length)

    def generate_inputs_code(self, generated_code: str) -> str:
        """Wrap docstrings to the line length."""
        return rewrap_docstrings(generated_code, self._line_length)

    def generate_result_types_code(self, generated_code: str) -> str:
        """Wrap docstrings to the line length; keep mixin imports as explicit re-exports.

        ariadne-codegen imports the fragment classes a mixin's inherited annotations
        name with ``# noqa: F401``; written ``from .fragments import X as X``
        instead, pyright's strict mode accepts them too.
        """
        return rewrap_docstrings(reexport_noqa_imports(generated_code), self._line_length)

    def generate_files(self, generated_files: list[str]) -> list[str]:
        """Under plain ariadne-codegen, check the package just written (exit 2 if broken)."""
        config = cast("dict[str, Any]", self.config_dict)  # pyright: ignore[reportUnknownMemberType]
        section: dict[str, Any] = config.get("tool", {}).get("ariadne-codegen", config)
        if not section.get("appsync", {}).get(SELF_CHECKED):
            from .selfcheck import check_written_package

            check_written_package(config)
        return generated_files

    # -- helpers -----------------------------------------------------------------

    def _known_fragments(self) -> dict[str, FragmentDefinitionNode]:
        """The fragments operations may spread.

        ``appsync-codegen`` hands them over (:meth:`add_fragments`); under plain
        ariadne-codegen they are read from ``queries_path`` on first need.
        """
        if not self._fragments_given and self._queries_path:
            self._fragments_given = True
            self._fragments.update(_read_fragments(Path(self._queries_path)))
        return self._fragments


def _wrap_and_merge(code: str, line_length: int) -> str:
    """``_merge_type_checking_blocks(rewrap_docstrings(code, line_length))``, parsing
    ``code`` once: the blocks are found in the tree the wrapping parsed, their lines
    moved by what the rewritten docstrings above them gained or lost."""
    wrapped, tree, shifts = rewrap_parsed(code, line_length)
    if tree is None or _OTHER_BREAKS.search(code) or _OTHER_BREAKS.search(wrapped):
        # Nothing parsed; characters that ``str.splitlines`` or the parser (but not
        # ``split("\n")``) count as line breaks, so the tree's line numbers may not
        # index the lines below; or a null byte or a lone surrogate (written out of a
        # docstring), which the second parse refuses.
        return _merge_type_checking_blocks(wrapped)

    def moved(line: int) -> int:
        return line + sum(gained for end, gained in shifts if end <= line)

    blocks = _type_checking_blocks(tree)
    if len(blocks) < 2:
        return wrapped
    return _merge_blocks(wrapped, [(moved(first), moved(last)) for first, last in blocks])


_OTHER_BREAKS = re.compile("[\x00\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\ud800-\udfff]")


def _merge_type_checking_blocks(code: str) -> str:
    """One ``if TYPE_CHECKING:`` block: the forward-reference plugin adds its own
    after the plugin added one for the names the iterators and options need."""
    if code.count("if TYPE_CHECKING:") < 2:  # one block at most: nothing to merge
        return code
    try:
        module = ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: a null byte, before Python 3.11
        return code
    blocks = _type_checking_blocks(module)
    if len(blocks) < 2:
        return code
    return _merge_blocks(code, blocks)


def _type_checking_blocks(module: ast.Module) -> list[tuple[int, int]]:
    """First and last lines (1-based) of each top-level ``if TYPE_CHECKING:`` block."""
    return [
        (node.lineno, node.end_lineno)
        for node in module.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
        and not node.orelse
        and node.end_lineno is not None
    ]


def _merge_blocks(code: str, blocks: list[tuple[int, int]]) -> str:
    """``code`` with the bodies of ``blocks`` after the first moved into the first."""
    lines = code.split("\n")
    moved: list[str] = []
    for first, last in blocks[1:]:
        moved += lines[first:last]
    for first, last in reversed(blocks[1:]):
        del lines[first - 1 : last]
    first_end = blocks[0][1]
    lines[first_end:first_end] = moved
    return "\n".join(lines)


def _split_documents(code: str, documents: set[str], line_length: int) -> str:
    """Each line that is only a too-long operation text (an ``Operation`` argument)
    becomes lines of implicitly joined pieces of it."""
    lines: list[str] = []
    for line in code.split("\n"):
        stripped = line.strip()
        if len(line) <= line_length or not stripped.startswith('"'):
            lines.append(line)
            continue
        try:
            value = ast.literal_eval(stripped.removesuffix(","))
        except (SyntaxError, ValueError):
            value = None
        if not isinstance(value, str) or value not in documents:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        pieces = split_text(value, max(20, line_length - len(indent) - 3))
        for index, piece in enumerate(pieces):
            literal = '"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"'
            comma = "," if index == len(pieces) - 1 and stripped.endswith(",") else ""
            lines.append(f"{indent}{literal}{comma}")
    return "\n".join(lines)


def _input_field_name(field: GraphQLInputField) -> str | None:
    node = field.ast_node
    return node.name.value if node is not None else None


def _auth_config(appsync: dict[str, Any]) -> AuthModesConfig | None:
    default = appsync.get("default_auth_mode")
    additional = appsync.get("additional_auth_modes")
    if not isinstance(default, str) or not isinstance(additional, (list, tuple)):
        return None
    modes = cast("list[object] | tuple[object, ...]", additional)
    return AuthModesConfig(default, tuple(str(mode) for mode in modes))


def _read_fragments(queries_path: Path) -> dict[str, FragmentDefinitionNode]:
    """Fragment definitions in the ``.graphql`` files under ``queries_path``."""
    from .schema import graphql_files

    found: dict[str, FragmentDefinitionNode] = {}
    if not queries_path.exists():
        return found
    for file in graphql_files(queries_path):
        try:
            document = parse(file.read_text(encoding="utf-8"))
        except GraphQLError:
            continue  # ariadne-codegen reports it
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                found[definition.name.value] = definition
    return found
