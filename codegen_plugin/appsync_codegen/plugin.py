"""The ariadne-codegen plugin that makes a generated package an AppSync client.

All of its work is done on ariadne-codegen's AST hooks; see :class:`AppSyncPlugin`.
"""

from __future__ import annotations

import ast
import builtins
import copy
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from ariadne_codegen.plugins.base import Plugin
from ariadne_codegen.utils import format_code, needs_explicit_alias
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListTypeNode,
    NameNode,
    Node,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeNode,
    VariableDefinitionNode,
    get_named_type,
    parse,
    print_ast,
)

from ._selections import Selections
from .auth_modes import (
    AuthModesConfig,
    OperationAuth,
    analyse_operation,
    schema_has_directives,
)
from .base_clients import ASYNC_BASE_CLIENT_PATH, SYNC_BASE_CLIENT_PATH
from .config import DEFAULT_LINE_LENGTH
from .docstrings import rewrap_docstrings
from .errors import CodegenError, Diagnostic
from .names import (
    ENUM_RESERVED,
    FIELD_RESERVED,
    argument_reserved,
    assign_names,
    method_reserved,
    python_name,
)
from .operations import leading_comment

__all__ = ["DEFAULT_LINE_LENGTH", "SELF_CHECKED", "AppSyncPlugin"]

SELF_CHECKED = "_checked_by_appsync_codegen"
"""Key of the ``appsync`` settings ``appsync-codegen`` hands the plugin: it checks
the package itself, before writing it (:mod:`appsync_codegen.selfcheck`)."""


RUNTIME_MODEL_MODULE = "appsync_runtime.unset"
"""Where client modules import ``UNSET`` and ``UnsetType`` from: the runtime's
pydantic-free module, so importing a client loads no model machinery (``base_model.py``
still re-exports them, with ``BaseModel``, from ``appsync_runtime.model``)."""
# The runtime's parse functions: ariadne-codegen writes each as a BeforeValidator,
# made a PlainValidator here; those of the plain-string scalars are dropped.
_SCALARS_MODULE = "appsync_runtime.scalars"
_PLAIN_STRING_PARSERS = {"parse_aws_email", "parse_aws_phone", "parse_aws_url"}
_FINAL_PARSERS = {
    "parse_aws_date",
    "parse_aws_time",
    "parse_aws_datetime",
    "parse_aws_timestamp",
    "parse_aws_json",
    "parse_aws_ip_address",
}
# Parsers whose values pydantic cannot dump in JSON mode behind a PlainValidator
# without warnings (it checks its string against the date/time type): JSON dumps of
# these use the runtime's serializer, which writes the exact wire text.
_WIRE_SERIALIZERS = {
    "parse_aws_date": "serialize_aws_date",
    "parse_aws_time": "serialize_aws_time",
    "parse_aws_datetime": "serialize_aws_datetime",
}
# Columns before the query text in a client method: ariadne-codegen indents it by 12.
_QUERY_INDENT = 12
_FORWARD_REFS_PLUGIN = "ariadne_codegen.contrib.client_forward_refs.ClientForwardRefsPlugin"
# ConfigDict keywords of ariadne-codegen's stock base model: the runtime's base
# model sets them already. Anything else was added for a generation option.
_STOCK_MODEL_CONFIG = {
    "populate_by_name",
    "validate_assignment",
    "arbitrary_types_allowed",
    "protected_namespaces",
}
# ariadne-codegen's default base clients, replaced by the runtime's in plain mode.
_DEFAULT_BASE_CLIENTS = {
    "BaseClient": SYNC_BASE_CLIENT_PATH,
    "AsyncBaseClient": ASYNC_BASE_CLIENT_PATH,
}


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
        super().__init__(schema, config_dict)
        section = config_dict.get("tool", {}).get("ariadne-codegen", config_dict)
        plugins = section.get("plugins", [])
        self._forward_refs = bool(section.get("lazy_imports")) or _FORWARD_REFS_PLUGIN in plugins
        appsync = section.get("appsync", {})
        self._line_length = int(appsync.get("line_length") or DEFAULT_LINE_LENGTH)
        self._auth_config = _auth_config(appsync)
        self._async_client = bool(section.get("async_client", True))
        self._queries_path: str | None = section.get("queries_path")
        self._fragments: dict[str, FragmentDefinitionNode] = {}
        self._fragments_given = False
        self._selections = Selections(schema, self._fragments)
        self._selection_types: dict[int, dict[int, GraphQLNamedType]] = {}
        self._result_fields: dict[int, str] = {}
        self._result_keys: dict[int, str] = {}
        self._deprecated_inputs: dict[int, str] = {}
        self._snake_case = bool(section.get("convert_to_snake_case", True))
        self._alias_generator = bool(section.get("use_alias_generator", False))
        self._method_reserved = method_reserved(section)
        self._argument_reserved = argument_reserved()
        self._field_reserved = FIELD_RESERVED | _model_members()
        self._argument_names: dict[int, dict[str, tuple[str, str]]] = {}
        self._methods: dict[str, OperationDefinitionNode] = {}
        self._class_fields: dict[str, dict[str, str]] = {}
        self._enum_members: dict[str, dict[str, str]] = {}

    def add_fragments(self, fragments: Iterable[FragmentDefinitionNode]) -> None:
        """Make fragments known: fields selected through them get docstrings, and
        the auth analysis follows spreads.

        ``appsync-codegen`` calls this; under plain ariadne-codegen the analysis
        reads the fragments from ``queries_path`` itself, and fields selected
        through fragments go without docstrings.
        """
        self._fragments_given = True
        self._fragments.update((fragment.name.value, fragment) for fragment in fragments)

    def operation_auth(self, operation: OperationDefinitionNode) -> OperationAuth | None:
        """The auth analysis of ``operation``; None without the auth-mode options."""
        if self._auth_config is None or not schema_has_directives(self.schema):
            return None
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
        ordered = [d for d in variable_definitions if isinstance(d.type, NonNullTypeNode)] + [
            d for d in variable_definitions if not isinstance(d.type, NonNullTypeNode)
        ]
        graphql_names = [d.variable.name.value for d in ordered]
        assigned = assign_names(
            graphql_names, snake_case=self._snake_case, reserved=self._argument_reserved
        )
        written = arguments.args[1:]
        if len(written) != len(ordered):
            raise CodegenError([_internal(ordered[0] if ordered else None, "arguments")])
        renames: dict[str, tuple[str, str]] = {}
        for arg, graphql_name in zip(written, graphql_names, strict=True):
            renames[graphql_name] = (arg.arg, assigned[graphql_name])
            arg.arg = assigned[graphql_name]
        self._argument_names[id(variable_definitions)] = renames
        return arguments

    # -- client ------------------------------------------------------------------

    def generate_client_import(self, import_: ast.ImportFrom) -> ast.ImportFrom:
        """Import ``UNSET``/``UnsetType`` from the runtime, not through ``base_model``.

        The same objects either way; importing them absolutely keeps ``UnsetType``
        a run-time name when ariadne's forward-reference plugin moves the
        package's own imports under ``TYPE_CHECKING``, which the ``isinstance``
        checks written by :meth:`generate_arguments_dict` need.
        """
        names = {alias.name for alias in import_.names}
        if (
            import_.level == 1
            and import_.module == "base_model"
            and names <= {"UNSET", "UnsetType"}
        ):
            return ast.ImportFrom(module=RUNTIME_MODEL_MODULE, names=import_.names, level=0)
        return import_

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        """Give the client class a docstring."""
        is_async = any(isinstance(node, ast.AsyncFunctionDef) for node in class_def.body) or any(
            isinstance(base, ast.Name) and base.id.startswith("Async") for base in class_def.bases
        )
        if is_async:
            text = (
                "Asyncio AppSync client: one typed method per operation.\n\n"
                "Subscriptions are async iterators of their events."
            )
        else:
            text = (
                "Blocking AppSync client: one typed method per operation.\n\n"
                "Subscriptions are blocking iterators of their events."
            )
        body = [node for node in class_def.body if not isinstance(node, ast.Pass)]
        class_def.body = [_docstring(text), *body]
        return class_def

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        """Validate results through the runtime, pass the auth modes, document the method.

        A subscription on the blocking client arrives as ariadne's async generator
        and leaves as a generator over ``self.subscribe``.
        """
        self._check_method(method_def, operation_definition)
        method_def = _ValidateResultRewriter().visit(method_def)
        if operation_definition.operation == OperationType.SUBSCRIPTION:
            if not self._async_client and isinstance(method_def, ast.AsyncFunctionDef):
                method_def = _blocking_subscription(method_def)
            _close_subscription(method_def)
        else:
            _pass_operation_type(method_def, operation_definition.operation.value)
        auth = self.operation_auth(operation_definition)
        if auth is not None:
            method_def.body.insert(_execute_index(method_def), _auth_modes_default(auth.modes))
        if not _has_docstring(method_def.body):
            is_async = isinstance(method_def, ast.AsyncFunctionDef)
            text = self._method_docstring(operation_definition, auth, is_async)
            method_def.body.insert(0, _docstring(text))
        return method_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        """Import each result model inside the method that validates it.

        With forward references (``lazy_imports``) ariadne-codegen moves the
        result models' imports under ``TYPE_CHECKING``; it re-imports a model in
        the method only where the method calls ``Model.model_validate``, so
        methods calling ``self.validate_result(Model, ...)`` import it here.
        """
        _import_used(module, "collections.abc", ("AsyncGenerator", "Generator", "Iterator"))
        _import_used(module, "contextlib", ("aclosing", "closing"))
        _import_used(module, "typing", ("cast",))
        self._check_module_names(module, None)
        if not self._forward_refs:
            return module
        origins = {
            alias.name: node.module
            for node in module.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
            for alias in node.names
        }
        for class_def in (node for node in module.body if isinstance(node, ast.ClassDef)):
            for method in class_def.body:
                if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                position = 1 if _has_docstring(method.body) else 0
                for name in sorted(_validated_models(method) & origins.keys()):
                    method.body.insert(
                        position,
                        ast.ImportFrom(module=origins[name], names=[ast.alias(name)], level=1),
                    )
        return module

    def generate_arguments_dict(
        self,
        dict_: ast.Dict,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.Dict:
        """Serialize custom scalar arguments value by value, and only real values.

        ariadne-codegen writes ``serialize(argument)``: a list argument reaches a
        serializer made for one value (``[AWSJSON]`` would go out as one JSON
        document instead of one per item), and ``None``/``UNSET`` reach it too.
        """
        renames = self._argument_names.pop(id(variable_definitions), {})
        for key, value in zip(dict_.keys, dict_.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in renames:
                old, new = renames[key.value]
                for node in ast.walk(value):
                    if isinstance(node, ast.Name) and node.id == old:
                        node.id = new
        types = {d.variable.name.value: d.type for d in variable_definitions}
        values: list[ast.expr] = []
        for key, value in zip(dict_.keys, dict_.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value in types
                and isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and len(value.args) == 1
                and isinstance(value.args[0], ast.Name)
                and not value.keywords
            ):
                value = _serialize_expr(value.args[0], types[key.value], value.func, depth=0)
            values.append(value)
        dict_.values = values
        return dict_

    def generate_operation_str(
        self, operation_str: str, operation_definition: ExecutableDefinitionNode
    ) -> str:
        """The query text sent to AppSync, fitting the client module's line length.

        Operation descriptions (they become docstrings) are left out, and a long
        variable list is written one variable per line, which graphql-core's
        printer never does.
        """
        limit = self._line_length - _QUERY_INDENT
        too_long = any(len(line) > limit for line in operation_str.splitlines())
        described = isinstance(operation_definition, OperationDefinitionNode) and bool(
            operation_definition.description
        )
        if not (too_long or described):
            return operation_str
        printed = []
        for definition in parse(operation_str, no_location=True).definitions:
            if isinstance(definition, OperationDefinitionNode):
                definition.description = None
                text = print_ast(definition)
                if len(text.partition("\n")[0]) > limit and definition.variable_definitions:
                    text = _print_with_variables_wrapped(definition)
            else:
                text = print_ast(definition)
            printed.append(text)
        return "\n\n".join(printed)

    # -- models ------------------------------------------------------------------

    def generate_enum(self, class_def: ast.ClassDef, enum_type: GraphQLEnumType) -> ast.ClassDef:
        """Name enum members by :mod:`appsync_codegen.names`; document them from the schema."""
        members = self._enum_names(enum_type)
        for node in class_def.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and node.value.value in members
            ):
                node.targets = [ast.Name(id=members[node.value.value], ctx=ast.Store())]
        body: list[ast.stmt] = []
        if enum_type.description and not _has_docstring(class_def.body):
            body.append(_docstring(enum_type.description))
        values = iter(enum_type.values.values())
        for node in class_def.body:
            body.append(node)
            if isinstance(node, ast.Assign):
                value = next(values, None)
                text = _member_doc(value.description, value.deprecation_reason) if value else ""
                if text:
                    body.append(_docstring(text))
        class_def.body = body
        return class_def

    def generate_input_field(
        self,
        field_implementation: ast.AnnAssign,
        input_field: GraphQLInputField,
        field_name: str,
    ) -> ast.AnnAssign:
        """Remember deprecated input fields (for their docstrings)."""
        if input_field.deprecation_reason:
            self._deprecated_inputs[id(field_implementation)] = input_field.deprecation_reason
        return field_implementation

    def generate_input_class(
        self, class_def: ast.ClassDef, input_type: GraphQLInputObjectType
    ) -> ast.ClassDef:
        """Mark deprecated input fields: ``Field(deprecated=...)`` and a docstring note.

        (ariadne-codegen adds the descriptions.) Type checkers cannot flag a
        deprecated keyword of a model's constructor, so there is no static mark.
        Each field gets a name of its own (:mod:`appsync_codegen.names`), and enum
        defaults name the members as generated.
        """
        nodes = [node for node in class_def.body if isinstance(node, ast.AnnAssign)]
        keys = list(input_type.fields)
        if len(nodes) != len(keys):
            raise CodegenError([_internal(input_type.ast_node, f"input {input_type.name}")])
        self._name_fields(class_def, dict(zip((id(n) for n in nodes), keys, strict=True)))
        self._rename_enum_references(class_def)
        body: list[ast.stmt] = []
        for index, node in enumerate(class_def.body):
            body.append(node)
            if isinstance(node, ast.AnnAssign):
                _split_alias(node)
            reason = self._deprecated_inputs.pop(id(node), None)
            if reason is None:
                continue
            if isinstance(node, ast.AnnAssign):
                _add_field_keyword(node, "deprecated", ast.Constant(reason))
            following = class_def.body[index + 1 : index + 2]
            if _has_docstring(following):
                docstring = following[0]
                assert isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
                text = str(docstring.value.value)
                docstring.value.value = f"{text}\n\nDeprecated: {reason}"
            else:
                body.append(_docstring(f"Deprecated: {reason}"))
        class_def.body = body
        return class_def

    def generate_result_field(
        self,
        field_implementation: ast.AnnAssign,
        operation_definition: ExecutableDefinitionNode,
        field: FieldNode,
    ) -> ast.AnnAssign:
        """Remember which schema field a model attribute holds (for its docstring)."""
        self._result_fields[id(field_implementation)] = field.name.value
        self._result_keys[id(field_implementation)] = (field.alias or field.name).value
        return field_implementation

    def generate_result_class(
        self,
        class_def: ast.ClassDef,
        operation_definition: ExecutableDefinitionNode,
        selection_set: SelectionSetNode,
    ) -> ast.ClassDef:
        """Give each field a name of its own; document the model and its fields."""
        keys: dict[int, str] = {}
        for node in class_def.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                key = self._result_keys.pop(id(node), None)
                keys[id(node)] = key if key is not None else _wire_name(node)
        fragment = (
            operation_definition.name.value
            if isinstance(operation_definition, FragmentDefinitionNode)
            and operation_definition.name.value == class_def.name
            and selection_set is operation_definition.selection_set
            else None
        )
        self._name_fields(class_def, keys, fragment)
        parent = self._selection_types_of(operation_definition).get(id(selection_set))
        body: list[ast.stmt] = []
        if not _has_docstring(class_def.body):
            text = ""
            if selection_set is operation_definition.selection_set and isinstance(
                operation_definition, OperationDefinitionNode
            ):
                name = operation_definition.name.value if operation_definition.name else ""
                text = f"Result of the ``{name}`` {operation_definition.operation.value}."
            elif parent is not None and parent.description:
                text = parent.description
            if text:
                body.append(_docstring(text))
        fields = (
            parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
        )
        for node in class_def.body:
            if isinstance(node, ast.Pass) and body:
                continue
            if isinstance(node, ast.AnnAssign):
                _split_alias(node)
            schema_name = self._result_fields.pop(id(node), None)
            field_def: GraphQLField | None = fields.get(schema_name) if schema_name else None
            text = (
                _member_doc(field_def.description, field_def.deprecation_reason)
                if field_def
                else ""
            )
            if (
                field_def is not None
                and field_def.deprecation_reason
                and isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
            ):
                body.append(_deprecated_result_field(node, field_def.deprecation_reason, text))
                continue
            body.append(node)
            if text:
                body.append(_docstring(text))
        class_def.body = body
        return class_def

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        """Validate AppSync scalars with final validators; import what deprecated
        fields need."""
        _final_scalar_validators(module)
        _import_deprecation_helpers(module)
        self._check_module_names(module, operation_definition)
        return module

    def generate_fragments_module(
        self,
        module: ast.Module,
        fragments_definitions: dict[str, FragmentDefinitionNode] | None = None,
    ) -> ast.Module:
        """Validate AppSync scalars with final validators; import what deprecated
        fields need."""
        _final_scalar_validators(module)
        _import_deprecation_helpers(module)
        self._check_module_names(module, None)
        return module

    def generate_inputs_module(self, module: ast.Module) -> ast.Module:
        """Import what deprecated fields need."""
        _import_deprecation_helpers(module)
        self._check_module_names(module, None)
        return module

    def generate_enums_module(self, module: ast.Module) -> ast.Module:
        """Refuse an enum named like a name the module uses."""
        self._check_module_names(module, None)
        return module

    # -- package files -----------------------------------------------------------

    def copy_code(self, copied_code: str) -> str:
        """Re-export the runtime's model pieces; use the runtime's base clients."""
        header, code = _split_header(copied_code)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            return copied_code
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        if "appsync_runtime" in code:
            return copied_code
        if {"BaseModel", "UnsetType"} <= classes:
            if "Upload" in classes:
                warnings.warn(
                    "multipart_uploads is on: base_model.py keeps its own UNSET, which "
                    "appsync_runtime does not recognise; set multipart_uploads = false",
                    stacklevel=2,
                )
                return copied_code
            return header + _base_model_code(tree)
        for name, path in _DEFAULT_BASE_CLIENTS.items():
            if name in classes and "httpx" in code:
                return header + path.read_text(encoding="utf-8")
        return copied_code

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        """Annotate the lazy ``__init__``'s ``__getattr__`` and ``__dir__``; refuse two
        generated names that would be exported under one name."""
        self._check_exports(module)
        for node in module.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            if node.name == "__getattr__" and node.returns is None:
                for arg in node.args.args:
                    arg.annotation = ast.Name(id="str")
                node.returns = ast.Name(id="object")
            elif node.name == "__dir__" and node.returns is None:
                node.returns = ast.Subscript(
                    value=ast.Name(id="list"), slice=ast.Name(id="str"), ctx=ast.Load()
                )
        return module

    # -- generated code ----------------------------------------------------------

    def generate_client_code(self, generated_code: str) -> str:
        """Wrap docstrings to the line length (see :mod:`appsync_codegen.docstrings`)."""
        return rewrap_docstrings(generated_code, self._line_length)

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
        return rewrap_docstrings(_reexport_noqa_imports(generated_code), self._line_length)

    def generate_files(self, generated_files: list[str]) -> list[str]:
        """Under plain ariadne-codegen, check the package just written (exit 2 if broken)."""
        config = cast("dict[str, Any]", self.config_dict)  # pyright: ignore[reportUnknownMemberType]
        section: dict[str, Any] = config.get("tool", {}).get("ariadne-codegen", config)
        if not section.get("appsync", {}).get(SELF_CHECKED):
            from .selfcheck import check_written_package

            check_written_package(config)
        return generated_files

    # -- helpers -----------------------------------------------------------------

    def _enum_names(self, enum_type: GraphQLEnumType) -> dict[str, str]:
        names = self._enum_members.get(enum_type.name)
        if names is None:
            names = assign_names(enum_type.values, snake_case=False, reserved=ENUM_RESERVED)
            self._enum_members[enum_type.name] = names
        return names

    def _rename_enum_references(self, class_def: ast.ClassDef) -> None:
        """``Status._null`` (ariadne-codegen's spelling of an enum default) as generated."""
        for node in ast.walk(class_def):
            if isinstance(node, ast.Name) and node.id.count(".") == 1:
                type_name, _, member = node.id.partition(".")
                node.id = f"{type_name}.{self._enum_member(type_name, member)}"
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                node.attr = self._enum_member(node.value.id, node.attr)

    def _enum_member(self, type_name: str, written: str) -> str:
        enum_type = self.schema.type_map.get(type_name)
        if not isinstance(enum_type, GraphQLEnumType):
            return written
        names = self._enum_names(enum_type)
        value = next((v for v in names if _escaped(v) == written), None)
        return written if value is None else names[value]

    def _name_fields(
        self, class_def: ast.ClassDef, keys: dict[int, str], fragment: str | None = None
    ) -> None:
        """Rename ``class_def``'s fields so that each wire name has its own attribute,
        consistent with the classes it inherits from; every renamed field carries
        its wire name as its alias. ``fragment``: the class is that fragment's."""
        referenced = _referenced_names(class_def)
        if fragment is not None:
            assigned = self._fragment_fields(fragment)
            if any(name in referenced for name in assigned.values()):
                raise CodegenError([_internal(self._fragments[fragment], f"fragment {fragment}")])
        else:
            inherited: dict[str, str] = {}
            for base in class_def.bases:
                if isinstance(base, ast.Name):
                    inherited.update(self._inherited_fields(base.id))
            assigned = self._resolve_fields(
                keys.values(), inherited, self._field_reserved | referenced
            )
        for field_node in class_def.body:
            if not (
                isinstance(field_node, ast.AnnAssign) and isinstance(field_node.target, ast.Name)
            ):
                continue
            wire = keys.get(id(field_node))
            if wire is None:
                continue
            name = assigned.get(wire)
            if name is None:
                raise CodegenError([_internal(None, f"class {class_def.name}")])
            field_node.target.id = name
            explicit = needs_explicit_alias(name, wire, self._alias_generator)
            _set_alias(field_node, wire if explicit else None)

    def _resolve_fields(
        self, own: Iterable[str], inherited: dict[str, str], reserved: Iterable[str]
    ) -> dict[str, str]:
        """Python names of a model's wire names: inherited ones keep theirs."""
        fixed = dict(inherited)
        new = [key for key in dict.fromkeys(own) if key not in fixed]
        if "__typename" in new:
            new.remove("__typename")
            fixed["__typename"] = "typename__"
        taken = {*reserved, *fixed.values(), *fixed, "typename__"}
        assigned = assign_names(
            new, snake_case=self._snake_case, reserved=taken, apart_from_wire_names=True
        )
        return {**fixed, **assigned}

    def _inherited_fields(self, class_name: str) -> dict[str, str]:
        if class_name in self._known_fragments():
            return self._fragment_fields(class_name)
        return {}

    def _fragment_fields(self, name: str) -> dict[str, str]:
        """The Python names of a fragment's model fields (also those it inherits),
        known before the fragments module is written: models that spread the
        fragment inherit them."""
        cached = self._class_fields.get(name)
        if cached is not None:
            return cached
        definition = self._known_fragments()[name]
        own: list[str] = []
        inherited: dict[str, str] = {}
        pending = list(definition.selection_set.selections)
        while pending:
            selection = pending.pop(0)
            if isinstance(selection, FieldNode):
                own.append((selection.alias or selection.name).value)
            elif isinstance(selection, FragmentSpreadNode):
                inherited.update(self._inherited_fields(selection.name.value))
            elif isinstance(selection, InlineFragmentNode):
                pending.extend(selection.selection_set.selections)
        result = self._resolve_fields(own, inherited, self._field_reserved)
        self._class_fields[name] = result
        return result

    def _check_method(
        self, method_def: ast.FunctionDef | ast.AsyncFunctionDef, operation: OperationDefinitionNode
    ) -> None:
        """Refuse a method that two operations would share, or an argument that the
        method's own code would overwrite or read as something else."""
        seen = self._methods.get(method_def.name)
        if seen is not None and seen.name and operation.name and seen.name != operation.name:
            raise CodegenError(
                [
                    _located(
                        operation.name,
                        f"{operation.operation.value} {operation.name.value} and "
                        f"{seen.name.value} would both generate the method "
                        f"{method_def.name}: rename one of them",
                    )
                ]
            )
        self._methods[method_def.name] = operation
        parameters = {arg.arg for arg in (*method_def.args.args[1:], *method_def.args.kwonlyargs)}
        clashes = parameters & _names_used_besides_arguments(method_def)
        if not clashes:
            return
        variables = {
            python_name(d.variable.name.value, snake_case=self._snake_case): d
            for d in operation.variable_definitions
        }
        problems = [
            _located(
                variables[name].variable if name in variables else operation,
                f"argument {name} of {method_def.name} is a name the generated method "
                "uses itself: rename the variable",
            )
            for name in sorted(clashes)
        ]
        raise CodegenError(problems)

    def _check_module_names(
        self, module: ast.Module, operation: ExecutableDefinitionNode | None
    ) -> None:
        """Refuse a generated class named like a name its module imports or a builtin
        it uses (an input ``Field``, an enum ``str``, an operation ``Optional``): the
        class would silently replace it for the code below it."""
        imported: set[str] = set()
        sources: dict[str, set[tuple[int, str | None]]] = {}
        for node in ast.walk(module):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                source = (getattr(node, "level", 0) or 0, getattr(node, "module", None))
                for alias in node.names:
                    bound = (alias.asname or alias.name).split(".")[0]
                    imported.add(bound)
                    sources.setdefault(bound, set()).add(source)
        classes = [node for node in module.body if isinstance(node, ast.ClassDef)]
        used = {
            node.id
            for node in ast.walk(module)
            if isinstance(node, ast.Name) and hasattr(builtins, node.id)
        }
        own = {c.name for c in classes}
        clashes = sorted(
            name for name in own if (name in used and hasattr(builtins, name)) or name in imported
        ) + sorted(name for name, where in sources.items() if len(where) > 1 and name not in own)
        if not clashes:
            return
        problems: list[Diagnostic] = []
        for name in clashes:
            schema_type = self.schema.type_map.get(name)
            method = self._methods.get(python_name(name, reserved=self._method_reserved))
            where: Node | None = (
                operation.name
                if operation is not None and operation.name is not None
                else getattr(schema_type, "ast_node", None)
                or (method.name if method is not None else None)
            )
            problems.append(
                _located(
                    where,
                    f"the generated class {name} would replace the name {name} that its "
                    "module uses: rename the "
                    + ("type" if schema_type is not None and operation is None else "operation"),
                )
            )
        raise CodegenError(problems)

    def _check_exports(self, module: ast.Module) -> None:
        sources: dict[str, set[str]] = {}
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                for alias in node.names:
                    sources.setdefault(alias.asname or alias.name, set()).add(node.module)
        clashes = {name: mods for name, mods in sources.items() if len(mods) > 1}
        if not clashes:
            return
        problems: list[Diagnostic] = []
        for name, modules in sorted(clashes.items()):
            where = sorted(modules)
            culprit = next(
                (self._methods[m] for m in where if m in self._methods),
                None,
            )
            schema_type = self.schema.type_map.get(name)
            located: Node | None = (
                culprit.name if culprit is not None else getattr(schema_type, "ast_node", None)
            )
            problems.append(
                _located(
                    located,
                    f"the package would export two names {name} (from "
                    f"{' and '.join(m + '.py' for m in where)}): rename the "
                    + ("operation" if culprit is not None else "type"),
                )
            )
        raise CodegenError(problems)

    def _method_docstring(
        self, operation: OperationDefinitionNode, auth: OperationAuth | None, is_async: bool
    ) -> str:
        kind = operation.operation.value
        name = operation.name.value if operation.name else ""
        root = self.schema.get_root_type(operation.operation)
        fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        lines: list[str] = []
        described = bool(operation.description)
        if operation.description:
            lines.append(operation.description.value.strip())
        for field in fields:
            definition = root.fields.get(field.name.value) if root else None
            if definition is None:
                continue
            if not operation.description and definition.description:
                described = True
                text = definition.description.strip()
                lines.append(text if len(fields) == 1 else f"``{field.name.value}``: {text}")
            if definition.deprecation_reason:
                lines.append(
                    f"``{field.name.value}`` is deprecated: {definition.deprecation_reason}"
                )
        comment = "" if described else leading_comment(operation)
        if comment:  # the comment above the operation, when nothing else describes it
            lines.insert(0, comment)
        if operation.operation != OperationType.SUBSCRIPTION:
            sends = (
                f"Sends the ``{name}`` {kind}; other keyword arguments (``auth``, "
                "``headers``, ``timeout``) go to ``execute``."
            )
        elif is_async:
            sends = (
                f"Subscribes with the ``{name}`` subscription and yields each event; "
                "other keyword arguments (``auth``, ``on_ready``, ``on_gap``) go to "
                "``execute_ws``."
            )
        else:
            sends = (
                f"Subscribes with the ``{name}`` subscription and yields each event, "
                "blocking between events; other keyword arguments (``auth``, ``on_ready``, "
                "``on_gap``) go to ``subscribe``."
            )
        parts = [*lines, sends]
        if auth is not None:
            parts.append(auth_summary(auth))
        return "\n\n".join(parts)

    def _known_fragments(self) -> dict[str, FragmentDefinitionNode]:
        """The fragments operations may spread.

        ``appsync-codegen`` hands them over (:meth:`add_fragments`); under plain
        ariadne-codegen they are read from ``queries_path`` on first need.
        """
        if not self._fragments_given and self._queries_path:
            self._fragments_given = True
            self._fragments.update(_read_fragments(Path(self._queries_path)))
        return self._fragments

    def _selection_types_of(
        self, definition: ExecutableDefinitionNode
    ) -> dict[int, GraphQLNamedType]:
        """The type each selection set in ``definition`` selects from, by node id."""
        key = id(definition)
        if key not in self._selection_types:
            found: dict[int, GraphQLNamedType] = {}
            root: GraphQLNamedType | None
            if isinstance(definition, OperationDefinitionNode):
                root = self.schema.get_root_type(definition.operation)
            elif isinstance(definition, FragmentDefinitionNode):
                root = self.schema.get_type(definition.type_condition.name.value)
            else:  # pragma: no cover - no other executable definitions exist
                root = None
            if root is not None:
                self._walk(definition.selection_set, root, found)
            self._selection_types[key] = found
        return self._selection_types[key]

    def _walk(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        found: dict[int, GraphQLNamedType],
    ) -> None:
        if id(selection_set) in found:
            return
        found[id(selection_set)] = parent

        def enter(
            inner: SelectionSetNode, _: str | None, condition: GraphQLNamedType | None
        ) -> bool:
            if condition is None or id(inner) in found:
                return False
            found[id(inner)] = condition
            return True

        for reached in self._selections.fields(selection_set, parent=parent, enter=enter):
            node, written_on = reached.node, reached.parent
            if node.selection_set is None or not isinstance(
                written_on, (GraphQLObjectType, GraphQLInterfaceType)
            ):
                continue
            field_def = written_on.fields.get(node.name.value)
            if field_def is not None:
                self._walk(node.selection_set, get_named_type(field_def.type), found)


def _model_members() -> frozenset[str]:
    """Public attributes of the generated models' base class."""
    from appsync_runtime import BaseModel as RuntimeModel

    members = {*dir(RuntimeModel), *dir(type(RuntimeModel))}
    return frozenset(name for name in members if not name.startswith("_"))


def _input_field_name(field: GraphQLInputField) -> str | None:
    node = field.ast_node
    return node.name.value if node is not None else None


def _escaped(graphql_name: str) -> str:
    """ariadne-codegen's spelling of an enum member in a default value."""
    import keyword

    return graphql_name + "_" if keyword.iskeyword(graphql_name) else graphql_name


def _wire_name(node: ast.AnnAssign) -> str:
    """The alias a field was generated with, else its attribute name."""
    call = node.value
    if isinstance(call, ast.Call):
        for keyword in call.keywords:
            if keyword.arg in {"alias", "validation_alias"} and isinstance(
                keyword.value, ast.Constant
            ):
                return str(keyword.value.value)
    assert isinstance(node.target, ast.Name)
    return node.target.id


def _set_alias(node: ast.AnnAssign, alias: str | None) -> None:
    """Make ``node``'s ``Field(alias=...)`` say ``alias`` (None: no alias)."""
    call = node.value
    if isinstance(call, ast.Call) and ast.unparse(call.func) == "Field":
        kept = [
            k
            for k in call.keywords
            if k.arg not in {"alias", "validation_alias", "serialization_alias"}
        ]
        if alias is not None:
            kept.insert(0, ast.keyword(arg="alias", value=ast.Constant(alias)))
        call.keywords = kept
        if not kept and not call.args:
            node.value = None
        elif not call.args and [k.arg for k in kept] == ["default"]:
            node.value = kept[0].value
        return
    if alias is not None:
        _add_field_keyword(node, "alias", ast.Constant(alias))


def _referenced_names(class_def: ast.ClassDef) -> set[str]:
    """Names a class body reads: a field of that name would shadow them."""
    names: set[str] = set()
    for statement in class_def.body:
        parts: list[ast.expr] = []
        if isinstance(statement, ast.AnnAssign):
            parts = [statement.annotation] + ([statement.value] if statement.value else [])
        elif isinstance(statement, ast.Assign):
            parts = [statement.value]
        for part in parts:
            for node in ast.walk(part):
                if isinstance(node, ast.Name):
                    names.add(node.id)
                elif (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value.isidentifier()
                    and part is getattr(statement, "annotation", None)
                ):
                    names.add(node.value)
    return names


def _names_used_besides_arguments(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names a generated method binds, or reads outside its ``variables`` dict."""
    names: set[str] = set()
    for statement in method.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == "variables"
        ):
            names.add("variables")
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    for default in (*method.args.defaults, *method.args.kw_defaults):
        if default is not None:
            names.update(n.id for n in ast.walk(default) if isinstance(n, ast.Name))
    return names


def _located(node: Node | NameNode | None, message: str) -> Diagnostic:
    loc = getattr(node, "loc", None)
    if loc is None or loc.source is None:
        return Diagnostic("<schema>", 1, 1, message)
    where = loc.source.get_location(loc.start)
    return Diagnostic(loc.source.name, where.line, where.column, message)


def _internal(node: Node | None, what: str) -> Diagnostic:
    return _located(
        node,
        f"appsync-codegen cannot match ariadne-codegen's output for {what}: "
        "please report this with the schema",
    )


def auth_summary(auth: OperationAuth) -> str:
    """The docstring paragraph naming an operation's auth modes and Cognito groups."""
    if not auth.modes:
        return (
            "Auth modes: none of the API's modes can read everything this operation "
            "selects, so calling it raises ``AppSyncConfigError`` (unless ``auth_modes=`` "
            "says otherwise)."
        )
    text = "Auth modes: " + ", ".join(f"``{mode}``" for mode in auth.modes) + "."
    for groups in auth.cognito_groups:
        names = ", ".join(f"``{group}``" for group in groups)
        which = "the group" if len(groups) == 1 else "one of the groups"
        text += f" Cognito callers must belong to {which} {names}."
    return text


def _auth_config(appsync: dict[str, Any]) -> AuthModesConfig | None:
    default = appsync.get("default_auth_mode")
    additional = appsync.get("additional_auth_modes")
    if not isinstance(default, str) or not isinstance(additional, (list, tuple)):
        return None
    return AuthModesConfig(default, tuple(str(mode) for mode in additional))


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


class _BlockingSubscription(ast.NodeTransformer):
    """``async for data in self.execute_ws(...)`` becomes ``for data in self.subscribe(...)``."""

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.AST:
        self.generic_visit(node)
        loop = ast.For(target=node.target, iter=node.iter, body=node.body, orelse=node.orelse)
        return ast.copy_location(loop, node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if (
            isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr == "execute_ws"
        ):
            node.attr = "subscribe"
        return node


def _blocking_subscription(method: ast.AsyncFunctionDef) -> ast.FunctionDef:
    """An async generator method over ``execute_ws`` as a generator over ``subscribe``."""
    body = [_BlockingSubscription().visit(statement) for statement in method.body]
    returns = method.returns
    if (
        isinstance(returns, ast.Subscript)
        and isinstance(returns.value, ast.Name)
        and returns.value.id == "AsyncIterator"
    ):
        returns = ast.Subscript(value=ast.Name(id="Iterator"), slice=returns.slice, ctx=ast.Load())
    blocking = ast.FunctionDef(
        name=method.name,
        args=method.args,
        body=body,
        decorator_list=method.decorator_list,
        returns=returns,
    )
    return ast.copy_location(blocking, method)


def _import_used(module: ast.Module, source: str, candidates: tuple[str, ...]) -> None:
    """Add ``from source import name`` for each candidate the module uses but lacks."""
    used = {node.id for node in ast.walk(module) if isinstance(node, ast.Name)}
    wanted = [name for name in candidates if name in used]
    if wanted:
        _add_import(module, source, wanted)


def _close_subscription(method: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    """Close the runtime's iterator as soon as the method's own generator ends.

    ``for data in self.subscribe(...)`` (or ``async for ... self.execute_ws(...)``)
    becomes ``events = self.subscribe(...)`` and a loop over ``events`` inside
    ``with closing(...)`` (``async with aclosing(...)``): closing the method's
    generator closes the runtime's in the same step, which sends AppSync's
    ``stop``, instead of leaving it to the interpreter to finalize the inner
    iterator some time later (at once on CPython only, and then as a task of its
    own on an event loop). The method is annotated as returning a
    ``Generator`` (``AsyncGenerator``), so typed code can call ``close()``
    (``aclose()``) on it too. The runtime annotates its iterators as ariadne-codegen's
    contract does (``Iterator``/``AsyncIterator``); they are generators, hence the
    ``cast``.
    """
    is_async = isinstance(method, ast.AsyncFunctionDef)
    for index, statement in enumerate(method.body):
        if not (
            isinstance(statement, (ast.For, ast.AsyncFor))
            and isinstance(statement.iter, ast.Call)
            and ast.unparse(statement.iter.func) in _SENDING_CALLS
        ):
            continue
        data_type = ast.parse("dict[str, Any]", mode="eval").body
        generator_type = ast.Subscript(
            value=ast.Name(id="AsyncGenerator" if is_async else "Generator"),
            slice=ast.Tuple(
                elts=[data_type, ast.Constant(None)]
                if is_async
                else [data_type, ast.Constant(None), ast.Constant(None)],
                ctx=ast.Load(),
            ),
            ctx=ast.Load(),
        )
        closer = ast.Call(
            func=ast.Name(id="aclosing" if is_async else "closing"),
            args=[
                ast.Call(
                    func=ast.Name(id="cast"),
                    args=[generator_type, ast.Name(id="events")],
                    keywords=[],
                )
            ],
            keywords=[],
        )
        loop_type = ast.AsyncFor if is_async else ast.For
        loop = loop_type(
            target=statement.target,
            iter=ast.Name(id="events"),
            body=statement.body,
            orelse=statement.orelse,
        )
        with_type = ast.AsyncWith if is_async else ast.With
        method.body[index : index + 1] = [
            ast.Assign(targets=[ast.Name(id="events", ctx=ast.Store())], value=statement.iter),
            with_type(items=[ast.withitem(context_expr=closer)], body=[loop]),
        ]
        break
    returns = method.returns
    if (
        isinstance(returns, ast.Subscript)
        and isinstance(returns.value, ast.Name)
        and returns.value.id in ("AsyncIterator", "Iterator")
    ):
        item = returns.slice
        returns.value = ast.Name(id="AsyncGenerator" if is_async else "Generator")
        returns.slice = ast.Tuple(
            elts=[item, ast.Constant(None)]
            if is_async
            else [item, ast.Constant(None), ast.Constant(None)],
            ctx=ast.Load(),
        )
    ast.fix_missing_locations(method)


def _pass_operation_type(method: ast.FunctionDef | ast.AsyncFunctionDef, kind: str) -> None:
    """``self.execute(..., operation_type="query")``: the runtime need not look for it
    in the document on every call."""
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) == "self.execute"
            and not any(keyword.arg == "operation_type" for keyword in node.keywords)
        ):
            position = next(
                (i for i, keyword in enumerate(node.keywords) if keyword.arg is None),
                len(node.keywords),
            )
            node.keywords.insert(
                position, ast.keyword(arg="operation_type", value=ast.Constant(kind))
            )


def _final_scalar_validators(module: ast.Module) -> None:
    """The runtime's scalar parsers as ``PlainValidator`` s, the plain strings bare.

    ariadne-codegen annotates a scalar with ``parse`` as ``Annotated[T,
    BeforeValidator(parse)]``: pydantic then validates the parsed value as ``T`` once
    more, in JSON mode through a union that rejects the already-parsed value for
    ``AWSIPAddress``. The runtime's parsers accept values of ``T`` already and refuse
    the rest, so their result can be final: ``PlainValidator``. ``AWSEmail``,
    ``AWSPhone`` and ``AWSURL`` are ``str`` (if a configuration still maps their
    parsers, pydantic's own check replaces the call). Other parsers (a user's own
    scalars) keep their ``BeforeValidator``.
    """
    runtime = {
        alias.asname or alias.name: alias.name
        for node in module.body
        if isinstance(node, ast.ImportFrom) and node.module == _SCALARS_MODULE
        for alias in node.names
    }
    rewriter = _ScalarValidatorRewriter(runtime)
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            rewriter.visit(node)
    used = {node.id for node in ast.walk(module) if isinstance(node, ast.Name)}
    if rewriter.serializers:
        _add_import(module, _SCALARS_MODULE, sorted(rewriter.serializers))
    pydantic = [name for name in ("PlainSerializer", "PlainValidator") if name in used]
    if pydantic:
        _add_import(module, "pydantic", pydantic)
    if "BeforeValidator" not in used:
        for node in module.body:
            if isinstance(node, ast.ImportFrom) and node.module == "pydantic":
                node.names = [alias for alias in node.names if alias.name != "BeforeValidator"]
        module.body = [
            node
            for node in module.body
            if not (isinstance(node, ast.ImportFrom) and not node.names)
        ]


def _add_import(module: ast.Module, source: str, names: Sequence[str]) -> None:
    """``from source import names`` in ``module``, into its import of ``source`` if any."""
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == source and node.level == 0:
            present = {alias.name for alias in node.names}
            node.names.extend(ast.alias(name) for name in names if name not in present)
            return
    module.body.insert(
        0, ast.ImportFrom(module=source, names=[ast.alias(name) for name in names], level=0)
    )


class _ScalarValidatorRewriter(ast.NodeTransformer):
    """``Annotated[T, BeforeValidator(parse_aws_...)]`` as described in
    :func:`_final_scalar_validators`."""

    def __init__(self, runtime_names: dict[str, str]) -> None:
        self.runtime_names = runtime_names
        self.serializers: set[str] = set()

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not (
            isinstance(node.value, ast.Name)
            and node.value.id == "Annotated"
            and isinstance(node.slice, ast.Tuple)
            and len(node.slice.elts) == 2
        ):
            return node
        annotated, validator = node.slice.elts
        if not (
            isinstance(validator, ast.Call)
            and isinstance(validator.func, ast.Name)
            and validator.func.id == "BeforeValidator"
            and len(validator.args) == 1
            and not validator.keywords
            and isinstance(validator.args[0], ast.Name)
        ):
            return node
        parser = self.runtime_names.get(validator.args[0].id)
        if parser in _PLAIN_STRING_PARSERS:
            return annotated
        if parser in _FINAL_PARSERS:
            validator.func = ast.Name(id="PlainValidator")
            serializer = _WIRE_SERIALIZERS.get(parser)
            if serializer is not None:
                self.serializers.add(serializer)
                node.slice.elts.append(
                    ast.Call(
                        func=ast.Name(id="PlainSerializer"),
                        args=[ast.Name(id=serializer)],
                        keywords=[ast.keyword(arg="when_used", value=ast.Constant("json"))],
                    )
                )
        return node


def _reexport_noqa_imports(code: str) -> str:
    """``from m import A, B  # noqa: F401`` as ``from m import A as A, B as B``."""
    if "# noqa: F401" not in code:
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", node.value))
    lines = code.splitlines(keepends=True)
    for node in sorted(tree.body, key=lambda n: n.lineno, reverse=True):
        if not isinstance(node, ast.ImportFrom) or node.end_lineno is None:
            continue
        first, last = node.lineno - 1, node.end_lineno - 1
        if "# noqa: F401" not in "".join(lines[first : last + 1]):
            continue
        for alias in node.names:
            if alias.name not in used:
                alias.asname = alias.asname or alias.name
        lines[first : last + 1] = [ast.unparse(node) + "\n"]
    return "".join(lines)


def _deprecated_result_field(node: ast.AnnAssign, reason: str, doc: str) -> ast.If:
    """A deprecated result field: a ``@deprecated`` property for type checkers (editors
    strike its uses through), a pydantic field with ``deprecated=`` at run time."""
    assert isinstance(node.target, ast.Name)
    getter = ast.FunctionDef(
        name=node.target.id,
        args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg="self")], kwonlyargs=[], kw_defaults=[], defaults=[]
        ),
        body=[_docstring(doc), ast.Expr(value=ast.Constant(value=Ellipsis))],
        decorator_list=[
            ast.Name(id="property"),
            ast.Call(func=ast.Name(id="deprecated"), args=[ast.Constant(reason)], keywords=[]),
        ],
        returns=copy.deepcopy(node.annotation),
    )
    _add_field_keyword(node, "deprecated", ast.Constant(reason))
    block = ast.If(test=ast.Name(id="TYPE_CHECKING"), body=[getter], orelse=[node])
    ast.copy_location(getter, node)
    return ast.copy_location(block, node)


def _split_alias(node: ast.AnnAssign) -> None:
    """``Field(alias="from")`` as ``Field(validation_alias="from", serialization_alias="from")``.

    Same wire names; but type checkers build a model's ``__init__`` from ``alias=``
    (``dataclass_transform``), which would ask for ``from=`` where Python allows
    only ``from_=``. Without ``alias=`` they use the attribute name, as pydantic
    does too (``populate_by_name``).
    """
    call = node.value
    if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "Field"):
        return
    keywords: list[ast.keyword] = []
    for keyword in call.keywords:
        if keyword.arg == "alias":
            keywords.append(ast.keyword(arg="validation_alias", value=keyword.value))
            keywords.append(
                ast.keyword(arg="serialization_alias", value=copy.deepcopy(keyword.value))
            )
        else:
            keywords.append(keyword)
    call.keywords = keywords


def _add_field_keyword(node: ast.AnnAssign, name: str, value: ast.expr) -> None:
    """Give a model field ``Field(..., name=value)``, keeping its alias or default."""
    keyword = ast.keyword(arg=name, value=value)
    current = node.value
    if isinstance(current, ast.Call) and ast.unparse(current.func) == "Field":
        current.keywords.append(keyword)
    elif current is None:
        node.value = ast.Call(func=ast.Name(id="Field"), args=[], keywords=[keyword])
    else:
        default = ast.keyword(arg="default", value=current)
        node.value = ast.Call(func=ast.Name(id="Field"), args=[], keywords=[default, keyword])
    node.simple = 1


def _import_deprecation_helpers(module: ast.Module) -> None:
    """Add the imports deprecated fields use (``Field``, ``TYPE_CHECKING``, ``deprecated``)."""
    names = {node.id for node in ast.walk(module) if isinstance(node, ast.Name)}
    if "deprecated" not in names:
        return
    imports = [node for node in module.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    position = module.body.index(imports[-1]) + 1 if imports else 0
    wanted = [("typing", "TYPE_CHECKING"), ("pydantic", "Field")]
    added: list[ast.stmt] = []
    for source, name in wanted:
        present = any(
            isinstance(node, ast.ImportFrom)
            and node.module == source
            and any(alias.name == name for alias in node.names)
            for node in imports
        )
        if not present:
            added.append(ast.ImportFrom(module=source, names=[ast.alias(name=name)], level=0))
    type_checking = ast.If(
        test=ast.Name(id="TYPE_CHECKING"),
        body=[
            ast.ImportFrom(
                module="typing_extensions", names=[ast.alias(name="deprecated")], level=0
            )
        ],
        orelse=[],
    )
    module.body[position:position] = [*added, type_checking]


def _print_with_variables_wrapped(operation: OperationDefinitionNode) -> str:
    """``operation`` printed with one variable definition per line."""
    name = operation.name.value if operation.name else ""
    variables = "".join(f"  {print_ast(v)}\n" for v in operation.variable_definitions)
    directives = "".join(f" {print_ast(d)}" for d in operation.directives)
    selection = print_ast(operation.selection_set)
    return f"{operation.operation.value} {name}(\n{variables}){directives} {selection}"


_SENDING_CALLS = {"self.execute", "self.execute_ws", "self.subscribe"}


def _execute_index(method: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Index of the statement that sends the operation (or the end of the body)."""
    for index, statement in enumerate(method.body):
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in _SENDING_CALLS:
                return index
    return len(method.body)


def _auth_modes_default(modes: tuple[str, ...]) -> ast.stmt:
    """``kwargs.setdefault("auth_modes", (...))``: the caller's ``auth_modes=`` wins."""
    call = ast.Call(
        func=ast.Attribute(value=ast.Name(id="kwargs"), attr="setdefault"),
        args=[
            ast.Constant("auth_modes"),
            ast.Tuple(elts=[ast.Constant(mode) for mode in modes], ctx=ast.Load()),
        ],
        keywords=[],
    )
    return ast.Expr(value=call)


class _ValidateResultRewriter(ast.NodeTransformer):
    """``Model.model_validate(data)`` becomes ``self.validate_result(Model, data)``."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "model_validate"
            and isinstance(func.value, ast.Name)
            and len(node.args) == 1
            and not node.keywords
        ):
            return ast.Call(
                func=ast.Attribute(value=ast.Name(id="self"), attr="validate_result"),
                args=[ast.Name(id=func.value.id), node.args[0]],
                keywords=[],
            )
        return node


def _validated_models(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names of the models a method passes to ``self.validate_result``."""
    names = set()
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "validate_result"
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            names.add(node.args[0].id)
    return names


def _serialize_expr(
    value: ast.expr, type_node: TypeNode, serializer: ast.expr, depth: int
) -> ast.expr:
    """``serializer`` applied to ``value`` of GraphQL type ``type_node``, null-safe.

    At the top (``depth == 0``) an optional argument may also be ``UNSET``, which
    passes through for the runtime to drop; list items are serialized one by one.
    """
    nullable = not isinstance(type_node, NonNullTypeNode)
    inner = type_node.type if isinstance(type_node, NonNullTypeNode) else type_node
    core: ast.expr
    if isinstance(inner, ListTypeNode):
        item = "item" if depth == 0 else f"item_{depth}"
        core = ast.ListComp(
            elt=_serialize_expr(ast.Name(id=item), inner.type, serializer, depth + 1),
            generators=[
                ast.comprehension(
                    target=ast.Name(id=item, ctx=ast.Store()), iter=value, ifs=[], is_async=0
                )
            ],
        )
    else:
        core = ast.Call(func=serializer, args=[value], keywords=[])
    if not nullable:
        return core
    test: ast.expr = ast.Compare(left=value, ops=[ast.Is()], comparators=[ast.Constant(None)])
    if depth == 0:
        unset = ast.Call(
            func=ast.Name(id="isinstance"), args=[value, ast.Name(id="UnsetType")], keywords=[]
        )
        test = ast.BoolOp(op=ast.Or(), values=[test, unset])
    return ast.IfExp(test=test, body=value, orelse=core)


def _base_model_code(tree: ast.Module) -> str:
    """``base_model.py`` re-exporting the runtime's pieces, plus this package's options.

    ``tree`` is ariadne-codegen's base model after it applied the generation
    options (``defer_build``, ``alias_generator``, ``extra``) to its ``ConfigDict``:
    those options, and the imports they need, move onto a subclass of the
    runtime's ``BaseModel``. Without options the runtime's class is re-exported.
    """
    options: list[ast.keyword] = []
    option_imports: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "pydantic.alias_generators":
            option_imports.append(node)
        if isinstance(node, ast.ClassDef) and node.name == "BaseModel":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                    options.extend(
                        keyword
                        for keyword in statement.value.keywords
                        if keyword.arg not in _STOCK_MODEL_CONFIG
                    )
    if not options:
        return _BASE_MODEL_REEXPORT
    module = ast.parse(_BASE_MODEL_WITH_OPTIONS)
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                    statement.value.keywords = options
    first_import = next(i for i, node in enumerate(module.body) if isinstance(node, ast.ImportFrom))
    module.body[first_import:first_import] = option_imports
    # Formatted here too: plain ariadne-codegen writes copied files as they are.
    return format_code(ast.unparse(ast.fix_missing_locations(module)), remove_unused_imports=False)


_BASE_MODEL_REEXPORT = '''\
"""The appsync_runtime's model base, ``UNSET`` and ``UnsetType``."""

from appsync_runtime.model import UNSET, BaseModel, UnsetType

__all__ = ["UNSET", "BaseModel", "UnsetType"]
'''

# Filled in by `_base_model_code`: the `ConfigDict` receives the package's options.
_BASE_MODEL_WITH_OPTIONS = '''\
"""The appsync_runtime's model base with this package's options, ``UNSET`` and ``UnsetType``."""

from pydantic import ConfigDict

from appsync_runtime.model import UNSET, UnsetType
from appsync_runtime.model import BaseModel as RuntimeBaseModel

__all__ = ["UNSET", "BaseModel", "UnsetType"]


class BaseModel(RuntimeBaseModel):
    """Base of this package's models: the runtime's, with the generation options."""

    model_config = ConfigDict()
'''


def _split_header(code: str) -> tuple[str, str]:
    """The leading comment block of ``code`` (with its blank lines) and the rest."""
    lines = code.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return "".join(lines[:index]), "".join(lines[index:])
    return code, ""


def _member_doc(description: str | None, deprecation_reason: str | None) -> str:
    parts = [description.strip()] if description else []
    if deprecation_reason:
        parts.append(f"Deprecated: {deprecation_reason}")
    return "\n\n".join(parts)


def _docstring(text: str) -> ast.Expr:
    return ast.Expr(value=ast.Constant(value=text))


def _has_docstring(body: list[ast.stmt]) -> bool:
    first = body[0] if body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
