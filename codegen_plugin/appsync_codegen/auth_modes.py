"""Which AppSync authorization modes can run an operation, read from the schema.

The rules, AppSync's own (the AWS AppSync simulator enforces them the same way):

1. **Every selected field counts**, at every depth, through fragment spreads and
   inline fragments: a field the caller may not read comes back ``null`` with an
   ``Unauthorized`` error, so an operation "runs" with a mode only if that mode may
   read everything it selects.
2. **A field's own directives replace its type's.** The modes of ``T.f`` are those
   of the ``@aws_*`` directives on ``f``; if it has none, those on the object type
   ``T`` (``extend type T @aws_iam`` counts); if neither has any, only the API's
   default mode. ``@aws_auth`` means ``AMAZON_COGNITO_USER_POOLS``.
3. **Fields are authorized where they are resolved: on object types.** A field
   selected on an interface or a union is checked on every object type that can be
   returned there (the possible types, narrowed by the type conditions around it),
   and the operation needs a mode that all of them allow. Directives written on
   interface fields are never read: AppSync resolves, and authorizes, the
   implementing object's field.
4. **Auth directives on an interface or a union** (AppSync accepts them there;
   what they do is undocumented) are read conservatively, so the analysis never
   claims a mode AppSync might refuse: wherever an operation reaches such an
   abstract type (a field returning it, or an inline fragment or fragment spread
   on it), the modes its directives allow are required too, in addition to the
   rules above for every field read below. (The object types and fields read
   keep their own rules: an object type reached directly, not through the
   abstract type, is not affected.) Generation warns at each such directive.
5. ``__typename`` and the introspection fields need no mode.
6. The operation's modes: those every field allows, kept to the API's configured
   modes (``default_auth_mode`` plus ``additional_auth_modes``), in
   :data:`AUTH_MODES` order. Empty means no configured mode can run it.
7. **Cognito groups.** Where a field's deciding directives (its own, else its
   type's; or an abstract type's, rule 4) list ``cognito_groups`` on
   ``@aws_cognito_user_pools`` or ``@aws_auth``,
   a Cognito caller must belong to one of those groups (the lists of all such
   directives are joined, as the simulator does). The operation's requirement is
   one tuple of groups per distinct restriction: the caller needs one group of
   each tuple. Reported only when Cognito can run the operation at all.

``@skip``/``@include`` are ignored (the field may be selected), so the answer is
never more permissive than AppSync.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    SelectionSetNode,
)

from ._selections import Selections, field_type
from .config import AUTH_MODES
from .schema import string_arguments

__all__ = [
    "AUTH_MODES",
    "COGNITO",
    "DIRECTIVE_MODES",
    "AuthModesConfig",
    "FieldRule",
    "OperationAuth",
    "abstract_auth_directives",
    "analyse_operation",
    "schema_has_directives",
]


COGNITO = "AMAZON_COGNITO_USER_POOLS"

DIRECTIVE_MODES = {
    "aws_api_key": "API_KEY",
    "aws_iam": "AWS_IAM",
    "aws_cognito_user_pools": COGNITO,
    "aws_auth": COGNITO,
    "aws_oidc": "OPENID_CONNECT",
    "aws_lambda": "AWS_LAMBDA",
}
"""The mode each auth directive allows."""

_COGNITO_DIRECTIVES = ("aws_cognito_user_pools", "aws_auth")


@dataclass(frozen=True)
class AuthModesConfig:
    """The API's authorization setup: its default mode and its additional ones."""

    default_mode: str
    additional_modes: tuple[str, ...] = ()

    @property
    def modes(self) -> frozenset[str]:
        """Every mode the API accepts."""
        return frozenset((self.default_mode, *self.additional_modes))


@dataclass(frozen=True)
class FieldRule:
    """What reading one field of one object type takes."""

    coordinate: str
    """``Type.field``, the schema coordinate."""
    path: str
    """Where the operation first selects it (response keys joined by dots)."""
    modes: frozenset[str]
    cognito_groups: tuple[str, ...]
    """Cognito callers must belong to one of these (empty: any Cognito caller)."""
    source: str
    """Where the modes come from: ``"field"``, ``"type"`` or ``"default"``; for the
    rule of an abstract type reached (module rule 4), ``"interface"`` or ``"union"``,
    and ``coordinate`` is the type's name."""

    def describe(self) -> str:
        """``path (Type.field) allows A, B``, for messages."""
        modes = ", ".join(mode for mode in AUTH_MODES if mode in self.modes)
        suffix = " (the default mode)" if self.source == "default" else ""
        if self.source in ("interface", "union"):
            where = self.path or "the operation"
            return f"{where} (through {self.source} {self.coordinate}) allows {modes}"
        return f"{self.path} ({self.coordinate}) allows {modes}{suffix}"


@dataclass(frozen=True)
class OperationAuth:
    """The result of :func:`analyse_operation`."""

    modes: tuple[str, ...]
    """Configured modes that can read everything the operation selects."""
    cognito_groups: tuple[tuple[str, ...], ...]
    """With Cognito: the caller needs one group of each tuple (empty: no groups)."""
    rules: tuple[FieldRule, ...] = field(default=(), repr=False)
    """One rule per distinct field read, in selection order."""

    def blocking_rules(self, configured: Iterable[str]) -> list[FieldRule]:
        """The rules that leave out some configured mode (why ``modes`` is small)."""
        wanted = frozenset(configured)
        return [rule for rule in self.rules if not wanted <= rule.modes]


def schema_has_directives(schema: GraphQLSchema) -> bool:
    """Whether the schema was built from SDL (an introspected one carries no directives)."""
    query = schema.query_type
    return query is not None and query.ast_node is not None


def abstract_auth_directives(
    named: object,
) -> list[DirectiveNode]:
    """The auth directives on an interface or union type (and its extensions)."""
    if not isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        return []
    found: list[DirectiveNode] = []
    for node in (named.ast_node, *named.extension_ast_nodes):
        if node is not None:
            found.extend(_auth_directives(node.directives or ()))
    return found


def analyse_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    config: AuthModesConfig,
) -> OperationAuth:
    """The modes (and Cognito groups) that can run ``operation``; see the module rules."""
    walker = _Walker(schema, fragments, config)
    root = schema.get_root_type(operation.operation)
    if root is not None:
        walker.walk(operation.selection_set, (root,), "", frozenset())
    allowed = set(config.modes)
    for rule in walker.rules.values():
        allowed &= rule.modes
    modes = tuple(mode for mode in AUTH_MODES if mode in allowed)
    groups: list[tuple[str, ...]] = []
    if COGNITO in allowed:
        for rule in walker.rules.values():
            if rule.cognito_groups and rule.cognito_groups not in groups:
                groups.append(rule.cognito_groups)
    return OperationAuth(modes, _minimal(groups), tuple(walker.rules.values()))


def _minimal(requirements: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """Drop each requirement implied by a stricter one (a subset of its groups)."""
    kept = [
        groups
        for groups in requirements
        if not any(set(other) < set(groups) for other in requirements if other != groups)
    ]
    return tuple(sorted(kept))


class _Walker:
    """Collects a :class:`FieldRule` for every (object type, field) an operation reads."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        config: AuthModesConfig,
    ) -> None:
        self.schema = schema
        self.selections = Selections(schema, fragments)
        self.config = config
        self.rules: dict[str, FieldRule] = {}

    def walk(
        self,
        selection_set: SelectionSetNode,
        possible: Sequence[GraphQLObjectType],
        path: str,
        spreads: frozenset[str],
    ) -> None:
        def enter(_: SelectionSetNode, condition: str | None, inner: object) -> bool:
            if condition is not None:
                self._abstract(inner, path)
            return True

        for reached in self.selections.fields(
            selection_set, possible=possible, spreads=spreads, enter=enter
        ):
            self._field(reached.node, reached.possible or (), path, reached.spreads)

    def _field(
        self,
        node: FieldNode,
        possible: Sequence[GraphQLObjectType],
        path: str,
        spreads: frozenset[str],
    ) -> None:
        name = node.name.value
        if name.startswith("__"):
            return
        key = node.alias.value if node.alias else name
        here = f"{path}.{key}" if path else key
        returned: list[GraphQLObjectType] = []
        for object_type in possible:
            definition = object_type.fields.get(name)
            if definition is None:
                continue
            coordinate = f"{object_type.name}.{name}"
            if coordinate not in self.rules:
                self.rules[coordinate] = self._rule(object_type, definition, coordinate, here)
            named = field_type(definition)
            self._abstract(named, here)
            if node.selection_set is not None:
                for candidate in self.selections.possible(named):
                    if candidate not in returned:
                        returned.append(candidate)
        if node.selection_set is not None and returned:
            self.walk(node.selection_set, returned, here, spreads)

    def _rule(
        self, object_type: GraphQLObjectType, definition: GraphQLField, coordinate: str, path: str
    ) -> FieldRule:
        own = _auth_directives(definition.ast_node.directives if definition.ast_node else ())
        if own:
            return FieldRule(coordinate, path, _modes(own), _groups(own), "field")
        type_directives: list[DirectiveNode] = []
        for node in (object_type.ast_node, *object_type.extension_ast_nodes):
            if node is not None:
                type_directives.extend(node.directives or ())
        inherited = _auth_directives(type_directives)
        if inherited:
            return FieldRule(coordinate, path, _modes(inherited), _groups(inherited), "type")
        return FieldRule(coordinate, path, frozenset({self.config.default_mode}), (), "default")

    def _abstract(self, named: object, path: str) -> None:
        """Rule 4: reaching an interface or union with auth directives requires them."""
        directives = abstract_auth_directives(named)
        if not directives:
            return
        assert isinstance(named, (GraphQLInterfaceType, GraphQLUnionType))
        if named.name not in self.rules:
            kind = "interface" if isinstance(named, GraphQLInterfaceType) else "union"
            self.rules[named.name] = FieldRule(
                named.name, path, _modes(directives), _groups(directives), kind
            )


def _auth_directives(directives: Iterable[DirectiveNode]) -> list[DirectiveNode]:
    return [directive for directive in directives if directive.name.value in DIRECTIVE_MODES]


def _modes(directives: Iterable[DirectiveNode]) -> frozenset[str]:
    return frozenset(DIRECTIVE_MODES[directive.name.value] for directive in directives)


def _groups(directives: Iterable[DirectiveNode]) -> tuple[str, ...]:
    groups: set[str] = set()
    for directive in directives:
        if directive.name.value in _COGNITO_DIRECTIVES:
            groups.update(string_arguments(directive, "cognito_groups"))
    return tuple(sorted(groups))
