"""Walking an operation's selections, the one way every analysis of the package does.

:class:`Selections` expands one selection set into the fields it selects, through
fragment spreads and inline fragments, tracking both the type each field is
written on and the object types it can be read on (an interface or a union stands
for its possible types, narrowed by every type condition on the way). The auth-mode
analysis (:mod:`appsync_codegen.auth_modes`), the subscription check
(:mod:`appsync_codegen.subscriptions`) and the plugin's docstrings
(:mod:`appsync_codegen.plugin`) recurse into nested fields themselves, each with
what it needs from the level above.

Unknown fragments and spreads of a fragment already being expanded are skipped:
GraphQL validation reports both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)

__all__ = ["EnterFragment", "Reached", "Selections", "field_type"]

EnterFragment = Callable[[SelectionSetNode, "str | None", "GraphQLNamedType | None"], bool]
"""Called before a fragment's selections are expanded, with its selection set, its
type condition's name (None: an inline fragment without one) and the type selected
from inside it; the fragment is expanded only if it returns True."""


def field_type(definition: GraphQLField) -> GraphQLNamedType:
    """The named type a field returns (its list and non-null wrappers removed)."""
    # graphql-core leaves the wrapped type of GraphQLList/GraphQLNonNull generic.
    return get_named_type(definition.type)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]


class Reached(NamedTuple):
    """One field a selection set selects."""

    node: FieldNode
    parent: GraphQLNamedType | None
    """The type the field is written on: the innermost type condition around it, else
    the type the walk started from (None where unknown)."""
    possible: tuple[GraphQLObjectType, ...] | None
    """The object types the field is read on (None: the walk did not narrow)."""
    spreads: frozenset[str]
    """The fragments spread on the way to the field."""


class Selections:
    """Expands selection sets of operations on ``schema`` using ``fragments``."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> None:
        self.schema = schema
        self.fragments = fragments

    def possible(self, named: object) -> list[GraphQLObjectType]:
        """The object types a value of the named type ``named`` can be."""
        if isinstance(named, GraphQLObjectType):
            return [named]
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            return list(self.schema.get_possible_types(named))
        return []

    def narrow(
        self, possible: Sequence[GraphQLObjectType] | None, condition: str | None
    ) -> tuple[GraphQLObjectType, ...] | None:
        """``possible`` kept to the object types the type condition ``condition`` allows."""
        if possible is None:
            return None
        if condition is None:
            return tuple(possible)
        allowed = self.possible(self.schema.get_type(condition))
        return tuple(object_type for object_type in possible if object_type in allowed)

    def fields(
        self,
        selection_set: SelectionSetNode,
        *,
        parent: GraphQLNamedType | None = None,
        possible: Sequence[GraphQLObjectType] | None = None,
        spreads: frozenset[str] = frozenset(),
        enter: EnterFragment | None = None,
    ) -> Iterator[Reached]:
        """The fields ``selection_set`` selects, in order, through its fragments.

        ``parent`` is the type it selects from; ``possible`` the object types it is
        read on (None: not narrowed), which each type condition narrows (a fragment
        that applies to none of them is still expanded, its fields reached on none).
        """
        narrowed = None if possible is None else tuple(possible)
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield Reached(selection, parent, narrowed, spreads)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                name = condition.name.value if condition else None
                inner_set, inner_spreads = selection.selection_set, spreads
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None or selection.name.value in spreads:
                    continue  # unknown or cyclic: GraphQL validation reports both
                name = fragment.type_condition.name.value
                inner_set = fragment.selection_set
                inner_spreads = spreads | {selection.name.value}
            else:  # pragma: no cover - no other selections exist
                continue
            inner_parent = self.schema.get_type(name) if name is not None else parent
            if enter is not None and not enter(inner_set, name, inner_parent):
                continue
            yield from self.fields(
                inner_set,
                parent=inner_parent,
                possible=self.narrow(narrowed, name),
                spreads=inner_spreads,
                enter=enter,
            )
