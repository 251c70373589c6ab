"""Does every mutation that triggers a subscription select what the subscription reads?

AppSync sends a subscriber only the fields the triggering mutation selected: the
others arrive ``null``, and a non-null one the mutation left out makes the event
fail. :func:`check_subscription_selections` compares, for each subscription
operation of the project, its selection with that of every project operation
calling one of the mutations its field's ``@aws_subscribe(mutations: [...])``
names, and warns where the mutation selects less.

The comparison is structural: fragment spreads and inline fragments are expanded,
and fields are compared per object type that can be returned (so a field selected
on an interface covers it on every implementation). Where the subscription's
field returns an interface or a union, only the object types the mutation can
return count: a mutation returning one member of a union is not asked for the
fields the subscription selects on the other members. A field missing on every
possible type is named once. The subscription's fields count by field name, the
mutation's by response key: an aliased mutation field is delivered under its
alias, where the subscription does not look. ``__typename`` is always available
and never compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_non_null_type,
)

from ._selections import Selections, field_type
from .errors import Diagnostic, source_location
from .schema import string_arguments

__all__ = ["check_subscription_selections", "subscribed_mutations"]

_SHOWN = 6  # missing fields named in one warning before "and N more"

Path = tuple[str, ...]
_OPERATIONS = ("<operations>", 1, 1)  # where a node without a location is shown


@dataclass(frozen=True)
class _Selected:
    """One field reached by a selection: how to show it and whether it is non-null."""

    label: str
    non_null: bool
    shared: str = ""
    """The label without the object type, when the field's parent could be several
    object types (``(on Post) title`` has ``title``); empty otherwise."""
    variants: int = 1
    """How many object types the parent could be."""


def subscribed_mutations(schema: GraphQLSchema, field_name: str) -> list[str]:
    """The mutations ``@aws_subscribe`` names on the subscription field ``field_name``."""
    subscription = schema.subscription_type
    definition = subscription.fields.get(field_name) if subscription else None
    if definition is None or definition.ast_node is None:
        return []
    names: list[str] = []
    for directive in definition.ast_node.directives or ():
        if directive.name.value == "aws_subscribe":
            names.extend(string_arguments(directive, "mutations"))
    return names


def check_subscription_selections(
    schema: GraphQLSchema,
    operations: Sequence[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> list[Diagnostic]:
    """One warning per (subscription, mutation operation) pair where the mutation
    selects less than the subscription; located at the mutation's field."""
    subscription_type, mutation_type = schema.subscription_type, schema.mutation_type
    if subscription_type is None or mutation_type is None:
        return []
    walker = _Walker(schema, fragments)
    callers: dict[str, list[tuple[OperationDefinitionNode, FieldNode]]] = {}
    for operation in operations:
        if operation.operation == OperationType.MUTATION:
            for node in walker.root_fields(operation.selection_set):
                callers.setdefault(node.name.value, []).append((operation, node))

    warnings: list[Diagnostic] = []
    for subscription in operations:
        if subscription.operation != OperationType.SUBSCRIPTION:
            continue
        for node in walker.root_fields(subscription.selection_set):
            definition = subscription_type.fields.get(node.name.value)
            if definition is None or node.selection_set is None:
                continue
            subscribed = walker.possible(field_type(definition))
            for mutation_name in subscribed_mutations(schema, node.name.value):
                mutation_field = mutation_type.fields.get(mutation_name)
                if mutation_field is None:
                    continue
                returned = walker.possible(field_type(mutation_field))
                # What the subscription reads on the object types this mutation returns.
                roots = [object_type for object_type in subscribed if object_type in returned]
                if not roots:
                    continue
                wanted = walker.paths([node.selection_set], roots, False)
                for operation, mutation_node in callers.get(mutation_name, []):
                    sets = [mutation_node.selection_set] if mutation_node.selection_set else []
                    given = walker.paths(sets, roots, True)
                    missing = _missing(wanted, given)
                    if missing:
                        warnings.append(
                            _warning(subscription, node, operation, mutation_node, missing)
                        )
    return sorted(warnings, key=lambda d: (d.file, d.line, d.column, d.message))


def _missing(wanted: Mapping[Path, _Selected], given: Mapping[Path, _Selected]) -> list[_Selected]:
    """Wanted paths the mutation lacks, leaving out those under a lacking parent.

    A field lacking on every object type its parent can be is named once, without
    the type; each field is named once.
    """
    absent = [path for path in wanted if path not in given]
    absent_set = set(absent)
    lacking = [
        wanted[path]
        for path in absent
        if not any(path[:cut] in absent_set for cut in range(2, len(path), 2))
    ]
    per_shared: dict[str, list[_Selected]] = {}
    for item in lacking:
        if item.shared:
            per_shared.setdefault(item.shared, []).append(item)
    shown: dict[str, _Selected] = {}
    for item in lacking:
        group = per_shared.get(item.shared, []) if item.shared else []
        if group and len({entry.label for entry in group}) >= item.variants:
            merged = _Selected(item.shared, any(entry.non_null for entry in group))
            shown.setdefault(merged.label, merged)
        else:
            shown.setdefault(item.label, item)
    return list(shown.values())


def _warning(
    subscription: OperationDefinitionNode,
    field: FieldNode,
    mutation: OperationDefinitionNode,
    mutation_field: FieldNode,
    missing: list[_Selected],
) -> Diagnostic:
    file, line, column = source_location(mutation_field) or _OPERATIONS
    sub_file, sub_line, _ = source_location(subscription.name or subscription) or _OPERATIONS
    shown = ", ".join(item.label for item in missing[:_SHOWN])
    if len(missing) > _SHOWN:
        shown += f" and {len(missing) - _SHOWN} more"
    non_null = [item.label for item in missing if item.non_null]
    effect = "they arrive null in its events"
    if non_null:
        effect += f", and events fail on the non-null {', '.join(non_null[:_SHOWN])}"
    message = (
        f"mutation {_name(mutation)} triggers subscription {_name(subscription)} "
        f"({field.name.value}, {sub_file}:{sub_line}) but does not select {shown}: "
        f"AppSync sends subscribers only the fields the mutation selected, so {effect}"
    )
    return Diagnostic(file, line, column, message)


class _Walker:
    """Expands selections into the field paths they read, per possible object type."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.selections = Selections(schema, fragments)

    def root_fields(self, selection_set: SelectionSetNode) -> list[FieldNode]:
        """The root fields of an operation, through fragments on the root type."""
        return self._fields(selection_set, None)

    def paths(
        self,
        selection_sets: Sequence[SelectionSetNode],
        possible: Sequence[GraphQLObjectType],
        by_key: bool,
    ) -> dict[Path, _Selected]:
        """Every field path the selection sets read below a field returning one of
        the object types ``possible``.

        A path alternates object type names and field names (or response keys
        when ``by_key``): ``("Note", "author", "Author", "email")``.
        """
        found: dict[Path, _Selected] = {}
        self._paths(selection_sets, possible, by_key, (), "", found)
        return found

    def possible(self, named: object) -> list[GraphQLObjectType]:
        """The object types a value of the named type ``named`` can be."""
        return self.selections.possible(named)

    def _paths(
        self,
        selection_sets: Sequence[SelectionSetNode],
        possible: Sequence[GraphQLObjectType],
        by_key: bool,
        prefix: Path,
        label: str,
        found: dict[Path, _Selected],
    ) -> None:
        for object_type in possible:
            grouped: dict[str, list[FieldNode]] = {}
            for selection_set in selection_sets:
                for node in self._fields(selection_set, object_type):
                    if node.name.value.startswith("__"):
                        continue
                    key = node.alias.value if by_key and node.alias else node.name.value
                    grouped.setdefault(key, []).append(node)
            for key, nodes in grouped.items():
                definition = object_type.fields.get(nodes[0].name.value)
                if definition is None:
                    continue
                path = (*prefix, object_type.name, key)
                plain = f"{label}.{key}" if label else key
                if len(possible) == 1:
                    here = plain
                    found[path] = _Selected(here, is_non_null_type(definition.type))
                else:
                    shown = f"(on {object_type.name}) {key}"
                    here = f"{label}.{shown}" if label else shown
                    found[path] = _Selected(
                        here, is_non_null_type(definition.type), plain, len(possible)
                    )
                children = [node.selection_set for node in nodes if node.selection_set]
                if children:
                    inner = self.possible(field_type(definition))
                    self._paths(children, inner, by_key, path, here, found)

    def _fields(
        self, selection_set: SelectionSetNode, object_type: GraphQLObjectType | None
    ) -> list[FieldNode]:
        """The field nodes of ``selection_set`` that apply to ``object_type`` (None: all)."""
        possible = None if object_type is None else (object_type,)
        return [
            reached.node
            for reached in self.selections.fields(selection_set, possible=possible)
            if reached.possible is None or reached.possible
        ]


def _name(operation: OperationDefinitionNode) -> str:
    return operation.name.value if operation.name else "<anonymous>"
