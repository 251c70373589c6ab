"""How the plugin rewrites the models ariadne-codegen writes.

Result, input and enum classes get a Python name of their own for every field and
member (:mod:`appsync_codegen.names`), aliases type checkers read correctly,
docstrings from the schema, and deprecations; result modules validate AppSync
scalars with the runtime's parsers as final validators
(:mod:`appsync_codegen.scalars`).
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass

from ariadne_codegen.utils import needs_explicit_alias
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from ._rewrite import add_import, docstring, has_docstring, internal, member_doc, walk
from ._selections import Selections, field_type
from .errors import CodegenError
from .names import ENUM_RESERVED, assign_names
from .scalars import FINAL_PARSERS, PLAIN_STRING_PARSERS, RUNTIME_SCALARS_MODULE, WIRE_SERIALIZERS

__all__ = [
    "ModelRewriter",
    "ResultClass",
    "final_scalar_validators",
    "import_deprecation_helpers",
    "model_members",
    "reexport_noqa_imports",
]


@dataclass(frozen=True)
class ResultClass:
    """A generated result class: its base classes and, per wire name, its field's
    Python name and annotation."""

    bases: tuple[str, ...]
    fields: dict[str, tuple[str, ast.expr]]
    fragment: bool


class ModelRewriter:
    """Rewrites the result, input and enum models ariadne-codegen writes: names of
    fields and members, aliases, docstrings and deprecations.

    What each rewrite does is listed on :class:`~appsync_codegen.plugin.AppSyncPlugin`.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        known_fragments: Callable[[], dict[str, FragmentDefinitionNode]],
        *,
        snake_case: bool,
        alias_generator: bool,
        field_reserved: frozenset[str],
    ) -> None:
        self.schema = schema
        self._fragments = fragments
        self._known_fragments = known_fragments
        self._selections = Selections(schema, fragments)
        self._snake_case = snake_case
        self._alias_generator = alias_generator
        self._field_reserved = field_reserved
        self._selection_types: dict[int, dict[int, GraphQLNamedType]] = {}
        self._result_fields: dict[int, str] = {}
        self._result_keys: dict[int, str] = {}
        self.result_classes: dict[str, dict[str, ResultClass]] = {}
        """Each operation's and fragment's result classes by name, as finally named
        (the pagination iterators read their fields)."""
        self._deprecated_inputs: dict[int, str] = {}
        self._class_fields: dict[str, dict[str, str]] = {}
        self._enum_members: dict[str, dict[str, str]] = {}

    def enum(self, class_def: ast.ClassDef, enum_type: GraphQLEnumType) -> ast.ClassDef:
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
        if enum_type.description and not has_docstring(class_def.body):
            body.append(docstring(enum_type.description))
        values = iter(enum_type.values.values())
        for node in class_def.body:
            body.append(node)
            if isinstance(node, ast.Assign):
                value = next(values, None)
                text = member_doc(value.description, value.deprecation_reason) if value else ""
                if text:
                    body.append(docstring(text))
        class_def.body = body
        return class_def

    def input_field(
        self, field_implementation: ast.AnnAssign, input_field: GraphQLInputField
    ) -> ast.AnnAssign:
        """Remember deprecated input fields (for their docstrings)."""
        if input_field.deprecation_reason:
            self._deprecated_inputs[id(field_implementation)] = input_field.deprecation_reason
        return field_implementation

    def input_class(
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
            raise CodegenError([internal(input_type.ast_node, f"input {input_type.name}")])
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
            if has_docstring(following):
                existing = following[0]
                assert isinstance(existing, ast.Expr) and isinstance(existing.value, ast.Constant)
                text = str(existing.value.value)
                existing.value.value = f"{text}\n\nDeprecated: {reason}"
            else:
                body.append(docstring(f"Deprecated: {reason}"))
        class_def.body = body
        return class_def

    def result_field(self, field_implementation: ast.AnnAssign, field: FieldNode) -> ast.AnnAssign:
        """Remember which schema field a model attribute holds (for its docstring)."""
        self._result_fields[id(field_implementation)] = field.name.value
        self._result_keys[id(field_implementation)] = (field.alias or field.name).value
        return field_implementation

    def result_class(
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
        definition_name = operation_definition.name.value if operation_definition.name else ""
        self.result_classes.setdefault(definition_name, {})[class_def.name] = ResultClass(
            bases=tuple(base.id for base in class_def.bases if isinstance(base, ast.Name)),
            fields={
                keys[id(node)]: (node.target.id, node.annotation)
                for node in class_def.body
                if isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and id(node) in keys
            },
            fragment=isinstance(operation_definition, FragmentDefinitionNode),
        )
        parent = self._selection_types_of(operation_definition).get(id(selection_set))
        body: list[ast.stmt] = []
        if not has_docstring(class_def.body):
            text = ""
            if selection_set is operation_definition.selection_set and isinstance(
                operation_definition, OperationDefinitionNode
            ):
                name = operation_definition.name.value if operation_definition.name else ""
                text = f"Result of the ``{name}`` {operation_definition.operation.value}."
            elif parent is not None and parent.description:
                text = parent.description
            if text:
                body.append(docstring(text))
        fields: dict[str, GraphQLField] = (
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
                member_doc(field_def.description, field_def.deprecation_reason) if field_def else ""
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
                body.append(docstring(text))
        class_def.body = body
        return class_def

    def _enum_names(self, enum_type: GraphQLEnumType) -> dict[str, str]:
        names = self._enum_members.get(enum_type.name)
        if names is None:
            names = assign_names(enum_type.values, snake_case=False, reserved=ENUM_RESERVED)
            self._enum_members[enum_type.name] = names
        return names

    def _rename_enum_references(self, class_def: ast.ClassDef) -> None:
        """``Status._null`` (ariadne-codegen's spelling of an enum default) as generated."""
        for node in walk(class_def):
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
                raise CodegenError([internal(self._fragments[fragment], f"fragment {fragment}")])
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
                raise CodegenError([internal(None, f"class {class_def.name}")])
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
                self._walk(node.selection_set, field_type(field_def), found)


def model_members() -> frozenset[str]:
    """Public attributes of the generated models' base class."""
    from appsync_runtime import BaseModel as RuntimeModel

    members = {*dir(RuntimeModel), *dir(type(RuntimeModel))}
    return frozenset(name for name in members if not name.startswith("_"))


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
            for node in walk(part):
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


def final_scalar_validators(module: ast.Module) -> set[str]:
    """The runtime's scalar parsers as ``PlainValidator`` s, the plain strings bare.

    ariadne-codegen annotates a scalar with ``parse`` as ``Annotated[T,
    BeforeValidator(parse)]``: pydantic then validates the parsed value as ``T`` once
    more, in JSON mode through a union that rejects the already-parsed value for
    ``AWSIPAddress``. The runtime's parsers accept values of ``T`` already and refuse
    the rest, so their result can be final: ``PlainValidator``. ``AWSEmail``,
    ``AWSPhone`` and ``AWSURL`` are ``str`` (if a configuration still maps their
    parsers, pydantic's own check replaces the call). Other parsers (a user's own
    scalars) keep their ``BeforeValidator``. Returns the names the module reads
    (``ast.Name`` ids; the imports changed here hold none).
    """
    runtime = {
        alias.asname or alias.name: alias.name
        for node in module.body
        if isinstance(node, ast.ImportFrom) and node.module == RUNTIME_SCALARS_MODULE
        for alias in node.names
    }
    rewriter = _ScalarValidatorRewriter(runtime)
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            rewriter.visit(node)
    used = {node.id for node in walk(module) if isinstance(node, ast.Name)}
    if rewriter.serializers:
        add_import(module, RUNTIME_SCALARS_MODULE, sorted(rewriter.serializers))
    pydantic = [name for name in ("PlainSerializer", "PlainValidator") if name in used]
    if pydantic:
        add_import(module, "pydantic", pydantic)
    if "BeforeValidator" not in used:
        for node in module.body:
            if isinstance(node, ast.ImportFrom) and node.module == "pydantic":
                node.names = [alias for alias in node.names if alias.name != "BeforeValidator"]
        module.body = [
            node
            for node in module.body
            if not (isinstance(node, ast.ImportFrom) and not node.names)
        ]
    return used


class _ScalarValidatorRewriter(ast.NodeTransformer):
    """``Annotated[T, BeforeValidator(parse_aws_...)]`` as described in
    :func:`final_scalar_validators`."""

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
        if parser in PLAIN_STRING_PARSERS:
            return annotated
        if parser in FINAL_PARSERS:
            validator.func = ast.Name(id="PlainValidator")
            serializer = WIRE_SERIALIZERS.get(parser)
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


def reexport_noqa_imports(code: str) -> str:
    """``from m import A, B  # noqa: F401`` as ``from m import A as A, B as B``."""
    if "# noqa: F401" not in code:
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    used: set[str] = set()
    for node in walk(tree):
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
        body=[docstring(doc), ast.Expr(value=ast.Constant(value=Ellipsis))],
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


def import_deprecation_helpers(module: ast.Module, names: Set[str] | None = None) -> None:
    """Add the imports deprecated fields use (``Field``, ``TYPE_CHECKING``, ``deprecated``).

    ``names``: the names the module reads, if known already (else found by a walk).
    """
    if names is None:
        names = {node.id for node in walk(module) if isinstance(node, ast.Name)}
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
