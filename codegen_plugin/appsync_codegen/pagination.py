"""Which operations page through results, and how: the ``iter_*`` methods.

An operation pages when one of its fields takes a page token from a variable (the
``argument``, AppSync's ``nextToken`` by default) and the operation selects, inside
that field, the next token (``token``) and the items (``items``)::

    query ListNotes($limit: Int, $nextToken: String) {
      listNotes(limit: $limit, nextToken: $nextToken) { items { id } nextToken }
    }

Other conventions are configured in ``[tool.ariadne-codegen.appsync.pagination]``
(one table, or an array of tables for several)::

    [tool.ariadne-codegen.appsync.pagination]
    argument = "after"
    token = "pageInfo.endCursor"
    items = "edges"

``pagination = false`` turns iterators off. An operation where the token cannot be
followed unambiguously (two paginated fields, a field inside a list or a type
condition, the token or items not selected, the variable used elsewhere too) gets
no iterator, and generation says why in one note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)

from ._untyped import as_list, as_table

__all__ = [
    "DEFAULT_CONVENTIONS",
    "Convention",
    "PagePath",
    "Unpaginated",
    "analyse_pagination",
    "read_conventions",
]


@dataclass(frozen=True)
class Convention:
    """One pagination convention: the argument taking the token, and the paths (field
    names, from the paginated field) to the next token and to the items."""

    argument: str = "nextToken"
    token: tuple[str, ...] = ("nextToken",)
    items: tuple[str, ...] = ("items",)

    def describe(self) -> str:
        return f"{self.argument} / {'.'.join(self.token)} / {'.'.join(self.items)}"


DEFAULT_CONVENTIONS: tuple[Convention, ...] = (Convention(),)
"""AppSync's own: ``field(nextToken: $token) { items nextToken }``."""


@dataclass(frozen=True)
class PagePath:
    """How to follow one operation's pages: the token variable, and the response keys
    (aliases included) from the root to the next token and to the items."""

    variable: str
    token: tuple[str, ...]
    items: tuple[str, ...]
    convention: Convention


@dataclass(frozen=True)
class Unpaginated:
    """Why an operation that looks paginated gets no iterator (a generation note)."""

    reason: str
    node: Node


@dataclass
class _Candidate:
    field: FieldNode
    keys: tuple[str, ...]
    variable: str
    convention: Convention
    field_type: object
    problem: str | None


def read_conventions(value: object) -> tuple[Convention, ...] | str:
    """The conventions a ``pagination`` setting names, or what is wrong with it."""
    if value is False:
        return ()
    tables = as_list(value)
    if tables is None:
        tables = [value]
    conventions: list[Convention] = []
    for entry in tables:
        table = as_table(entry)
        if table is None:
            return "pagination must be false, a table, or an array of tables"
        unknown = sorted(set(table) - {"argument", "token", "items"})
        if unknown:
            listed = ", ".join(map(repr, unknown))
            return f"unknown pagination key(s) {listed} (known: argument, token, items)"
        parts: dict[str, tuple[str, ...]] = {}
        for key, default in (("argument", "nextToken"), ("token", "nextToken"), ("items", "items")):
            written = table.get(key, default)
            if not isinstance(written, str) or not all(
                part.isidentifier() for part in written.split(".")
            ):
                return (
                    f"pagination {key} must be a GraphQL name (dotted for a path), got {written!r}"
                )
            parts[key] = tuple(written.split("."))
        if len(parts["argument"]) != 1:
            return f"pagination argument must be one name, got {'.'.join(parts['argument'])!r}"
        conventions.append(Convention(parts["argument"][0], parts["token"], parts["items"]))
    return tuple(conventions)


def analyse_pagination(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    conventions: Sequence[Convention] = DEFAULT_CONVENTIONS,
) -> PagePath | Unpaginated | None:
    """How ``operation`` pages, why it cannot, or None when nothing in it pages."""
    root = schema.get_root_type(operation.operation)
    if root is None or not conventions:
        return None
    candidates: list[_Candidate] = []
    _walk(root, operation.selection_set, (), False, "", fragments, conventions, candidates, set())
    if not candidates:
        return None
    uses = _variable_uses(operation, fragments)
    usable: list[PagePath] = []
    problems: list[str] = []
    for candidate in candidates:
        problem = candidate.problem
        if problem is None and uses.get(candidate.variable, 0) > 1:
            problem = f"${candidate.variable} is also used elsewhere in the operation"
        path: PagePath | None = None
        if problem is None:
            token = _select(candidate, candidate.convention.token, fragments, scalar=True)
            items = _select(candidate, candidate.convention.items, fragments, scalar=False)
            if isinstance(token, str):
                problem = token
            elif isinstance(items, str):
                problem = items
            else:
                path = PagePath(candidate.variable, token, items, candidate.convention)
        where = ".".join(candidate.keys)
        if path is not None:
            usable.append(path)
        else:
            problems.append(f"{where}: {problem}")
    if len(usable) == 1:
        return usable[0]
    if usable:
        fields = ", ".join(".".join(path.token[:-1]) or "<root>" for path in usable)
        return Unpaginated(
            f"no iterator: more than one field takes a page token ({fields}); "
            "which one to follow is ambiguous",
            operation,
        )
    return Unpaginated("no iterator: " + "; ".join(problems), operation)


def _walk(
    parent: object,
    selection_set: SelectionSetNode,
    keys: tuple[str, ...],
    through_list: bool,
    condition: str,
    fragments: Mapping[str, FragmentDefinitionNode],
    conventions: Sequence[Convention],
    found: list[_Candidate],
    seen: set[str],
) -> None:
    """Collect the fields taking a page token from a variable, with their response path."""
    if not isinstance(parent, GraphQLObjectType):
        # an interface or union: its fields may differ by concrete type
        condition = condition or f"inside the abstract type {getattr(parent, 'name', '?')}"
    fields = getattr(parent, "fields", {})
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            definition = fields.get(selection.name.value)
            if definition is None:
                continue
            key = (selection.alias or selection.name).value
            path = (*keys, key)
            for argument in selection.arguments or ():
                for convention in conventions:
                    if argument.name.value == convention.argument and isinstance(
                        argument.value, VariableNode
                    ):
                        problem = None
                        if through_list:
                            problem = "it is inside a list (one token per item)"
                        elif condition:
                            problem = f"it is {condition}"
                        found.append(
                            _Candidate(
                                selection,
                                path,
                                argument.value.name.value,
                                convention,
                                definition.type,
                                problem,
                            )
                        )
            if selection.selection_set is not None:
                field_type = definition.type
                listed = through_list or _is_list(field_type)
                _walk(
                    _named(field_type),
                    selection.selection_set,
                    path,
                    listed,
                    condition,
                    fragments,
                    conventions,
                    found,
                    seen,
                )
        else:
            inner_condition = condition
            if isinstance(selection, InlineFragmentNode):
                type_condition = selection.type_condition
                inner = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is None or selection.name.value in seen:
                    continue
                seen = {*seen, selection.name.value}
                type_condition = fragment.type_condition
                inner = fragment.selection_set
            else:
                continue
            if _conditional(type_condition, parent):
                inner_condition = (
                    condition or f"under the type condition on {type_condition.name.value}"
                )
            _walk(
                parent,
                inner,
                keys,
                through_list,
                inner_condition,
                fragments,
                conventions,
                found,
                seen,
            )


def _conditional(type_condition: NamedTypeNode | None, parent: object) -> bool:
    return type_condition is not None and type_condition.name.value != getattr(parent, "name", None)


def _is_list(type_: object) -> bool:
    # graphql-core leaves the type a GraphQLList/GraphQLNonNull wraps generic
    if isinstance(type_, GraphQLNonNull):
        type_ = cast(object, type_.of_type)  # pyright: ignore[reportUnknownMemberType]
    return isinstance(type_, GraphQLList)


def _named(type_: object) -> GraphQLNamedType | None:
    """The named type inside ``type_`` (lists and non-null unwrapped)."""
    return cast("GraphQLNamedType | None", get_named_type(cast("Any", type_)))


def _select(
    candidate: _Candidate,
    names: tuple[str, ...],
    fragments: Mapping[str, FragmentDefinitionNode],
    *,
    scalar: bool,
) -> tuple[str, ...] | str:
    """The response keys from the root to ``names`` (schema field names) selected
    inside the candidate field, or what is missing."""
    keys = list(candidate.keys)
    selection_set = candidate.field.selection_set
    parent = _named(candidate.field_type)
    what = ".".join(names)
    for index, name in enumerate(names):
        if selection_set is None or not isinstance(parent, GraphQLObjectType):
            return f"selects no {what}"
        matches = [
            field
            for field in _fields_of(selection_set, parent, fragments)
            if field.name.value == name
        ]
        keys_found = {(field.alias or field.name).value for field in matches}
        if not matches:
            return f"selects no {what}"
        if len(keys_found) > 1:
            return f"selects {what} under several names"
        field = matches[0]
        definition = parent.fields.get(name)
        if definition is None:
            return f"selects no {what}"
        keys.append(next(iter(keys_found)))
        last = index == len(names) - 1
        if not last and _is_list(definition.type):
            return f"{what} is inside a list"
        if last:
            if scalar and (field.selection_set is not None or _is_list(definition.type)):
                return f"{what} is not a single value"
            if not scalar and not _is_list(definition.type):
                return f"{what} is not a list"
        selection_set = field.selection_set
        parent = _named(definition.type)
    return tuple(keys)


def _fields_of(
    selection_set: SelectionSetNode,
    parent: GraphQLObjectType,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> list[FieldNode]:
    """The fields selected on ``parent`` unconditionally (through fragments on it too)."""
    fields: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if not _conditional(selection.type_condition, parent):
                fields += _fields_of(selection.selection_set, parent, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and not _conditional(fragment.type_condition, parent):
                fields += _fields_of(fragment.selection_set, parent, fragments)
    return fields


def _variable_uses(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> dict[str, int]:
    """How many times each variable is used in the operation and the fragments it spreads."""
    counts: dict[str, int] = {}

    class Counter(Visitor):
        def enter_variable(self, node: VariableNode, *_: object) -> None:
            counts[node.name.value] = counts.get(node.name.value, 0) + 1

        def enter_variable_definition(self, *_: object) -> bool:
            return False  # the definition itself is not a use

    visit(operation, Counter())
    spread: set[str] = set()
    pending = [operation.selection_set]
    while pending:
        for node in _spreads(pending.pop()):
            if node not in spread and node in fragments:
                spread.add(node)
                visit(fragments[node], Counter())
                pending.append(fragments[node].selection_set)
    return counts


def _spreads(selection_set: SelectionSetNode) -> list[str]:
    names: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            names.append(selection.name.value)
        elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
            names += _spreads(selection.selection_set)
    return names
