"""Values for the corpus tests: GraphQL variables and responses built from a schema.

For a document and its schema, :func:`response_for` builds a response a server could
send (every selected field present, every list one element long, each abstract type
resolved to one of its possible types), and :func:`variable_value` a value for a
variable: a Python value to pass to a generated method and the JSON the runtime must
send for it. Leaves get distinct values (``Int`` and ``AWSTimestamp`` count up, strings
name their response key), so two response keys read into one attribute cannot go
unnoticed: one of the two values would be missing after a round trip.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from ipaddress import ip_address
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    type_from_ast,
)

from appsync_runtime.scalars import (
    serialize_aws_date,
    serialize_aws_datetime,
    serialize_aws_ip_address,
    serialize_aws_json,
    serialize_aws_time,
)

INPUT_DEPTH = 3
"""How deep input objects nest (filters refer to themselves through and/or/not)."""


@dataclass
class Counter:
    """Distinct numbers for the leaves of one built value."""

    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(3))

    def next(self) -> int:
        return next(self.numbers)


@dataclass(frozen=True)
class Built:
    """One value three ways: what a caller passes, what goes on the wire, and what
    a result model dumps (``model_dump(mode="json", by_alias=True)``) after reading
    the wire form."""

    python: Any
    wire: Any
    dumped: Any


def scalar_value(name: str, key: str, counter: Counter) -> Built:
    """A value of the scalar ``name`` for the response key or field ``key``."""
    n = counter.next()
    if name in ("ID", "String", "AWSEmail", "AWSPhone", "AWSURL"):
        text = {
            "AWSEmail": f"{key.lower()}{n}@example.com",
            "AWSPhone": f"+1206555{n:04d}",
            "AWSURL": f"https://example.com/{key}/{n}",
        }.get(name, f"{key}-{n}")
        return Built(text, text, text)
    if name in ("Int", "AWSTimestamp"):
        return Built(n, n, n)
    if name == "Float":
        return Built(n + 0.5, n + 0.5, n + 0.5)
    if name == "Boolean":
        return Built(n % 2 == 0, n % 2 == 0, n % 2 == 0)
    if name == "AWSDate":
        day = date(2024, 2, 1 + n % 28)
        return Built(day, serialize_aws_date(day), serialize_aws_date(day))
    if name == "AWSTime":
        moment = time(n % 24, n % 60, 15, tzinfo=timezone.utc)
        return Built(moment, serialize_aws_time(moment), serialize_aws_time(moment))
    if name == "AWSDateTime":
        stamp = datetime(2024, 2, 29, n % 24, n % 60, 30, 250000, tzinfo=timezone.utc)
        return Built(stamp, serialize_aws_datetime(stamp), serialize_aws_datetime(stamp))
    if name == "AWSJSON":
        document = {"key": key, "n": n, "list": [n, None, True]}
        return Built(document, serialize_aws_json(document), document)
    if name == "AWSIPAddress":
        address = ip_address(f"192.0.2.{n % 250 + 1}")
        return Built(address, serialize_aws_ip_address(address), str(address))
    raise AssertionError(f"no test value for scalar {name}")


def enum_value(enum: GraphQLEnumType, counter: Counter) -> Built:
    """One of the enum's values, going round all of them as the counter moves."""
    values = list(enum.values)
    chosen = values[counter.next() % len(values)]
    return Built(chosen, chosen, chosen)


def variable_value(
    schema: GraphQLSchema, type_: GraphQLInputType, key: str, counter: Counter, depth: int = 0
) -> Built:
    """A value of an input type (nullable parts filled too, down to INPUT_DEPTH).

    Input objects come as dicts keyed by GraphQL names on all three sides: the
    caller turns the Python side into the generated model (``model_validate``).
    """
    if isinstance(type_, GraphQLNonNull):
        return variable_value(schema, type_.of_type, key, counter, depth)
    if isinstance(type_, GraphQLList):
        item = variable_value(schema, type_.of_type, key, counter, depth)
        return Built([item.python], [item.wire], [item.dumped])
    if isinstance(type_, GraphQLScalarType):
        return scalar_value(type_.name, key, counter)
    if isinstance(type_, GraphQLEnumType):
        return enum_value(type_, counter)
    assert isinstance(type_, GraphQLInputObjectType), type_
    python: dict[str, Any] = {}
    wire: dict[str, Any] = {}
    for name, field_ in type_.fields.items():
        if _refers_to_input_object(field_.type) and depth >= INPUT_DEPTH:
            if isinstance(field_.type, GraphQLNonNull):
                raise AssertionError(f"{type_.name}.{name}: a required input cycle")
            continue
        built = variable_value(schema, field_.type, name, counter, depth + 1)
        python[name] = built.python
        wire[name] = built.wire
    return Built(python, wire, wire)


def _refers_to_input_object(type_: GraphQLInputType) -> bool:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return isinstance(type_, GraphQLInputObjectType)


def _named(type_: GraphQLOutputType) -> GraphQLNamedType:
    return get_named_type(type_)


class ResponseBuilder:
    """Builds the ``data`` of a response to one operation of a document."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.counter = Counter()

    def operation(self, operation: OperationDefinitionNode) -> Built:
        root = self.schema.get_root_type(operation.operation)
        assert root is not None
        return self.selection(root, operation.selection_set)

    def _applies(self, condition: str | None, concrete: GraphQLObjectType) -> bool:
        if condition is None or condition == concrete.name:
            return True
        named = self.schema.get_type(condition)
        return isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)) and (
            self.schema.is_sub_type(named, concrete)
        )

    def _fields(
        self, concrete: GraphQLObjectType, selection_set: SelectionSetNode
    ) -> Iterator[FieldNode]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if self._applies(condition.name.value if condition else None, concrete):
                    yield from self._fields(concrete, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                if self._applies(fragment.type_condition.name.value, concrete):
                    yield from self._fields(concrete, fragment.selection_set)

    def _concrete(
        self, abstract: GraphQLInterfaceType | GraphQLUnionType, selection_set: SelectionSetNode
    ) -> GraphQLObjectType:
        """The possible type named first by a type condition, else the first one."""
        possible = self.schema.get_possible_types(abstract)
        wanted: list[str] = []

        def walk(node: SelectionSetNode) -> None:
            for selection in node.selections:
                if isinstance(selection, InlineFragmentNode):
                    if selection.type_condition is not None:
                        wanted.append(selection.type_condition.name.value)
                    walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    wanted.append(fragment.type_condition.name.value)
                    walk(fragment.selection_set)

        walk(selection_set)
        for name in wanted:
            for candidate in possible:
                if candidate.name == name:
                    return candidate
        return possible[0]

    def selection(self, type_: GraphQLNamedType, selection_set: SelectionSetNode) -> Built:
        if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType)):
            concrete = self._concrete(type_, selection_set)
        else:
            assert isinstance(type_, GraphQLObjectType), type_
            concrete = type_
        grouped: dict[str, list[FieldNode]] = {}
        for node in self._fields(concrete, selection_set):
            grouped.setdefault(node.alias.value if node.alias else node.name.value, []).append(node)
        wire: dict[str, Any] = {}
        dumped: dict[str, Any] = {}
        for key, nodes in grouped.items():
            if nodes[0].name.value == "__typename":
                wire[key] = dumped[key] = concrete.name
                continue
            merged = nodes[0]
            if nodes[0].selection_set is not None:
                selections = [
                    s for n in nodes if n.selection_set for s in n.selection_set.selections
                ]
                merged = FieldNode(
                    name=nodes[0].name,
                    alias=nodes[0].alias,
                    selection_set=SelectionSetNode(selections=tuple(selections)),
                )
            built = self.value(concrete.fields[merged.name.value].type, key, merged)
            wire[key] = built.wire
            dumped[key] = built.dumped
        return Built(wire, wire, dumped)

    def value(self, type_: GraphQLOutputType, key: str, node: FieldNode) -> Built:
        if isinstance(type_, GraphQLNonNull):
            return self.value(type_.of_type, key, node)
        if isinstance(type_, GraphQLList):
            item = self.value(type_.of_type, key, node)
            return Built([item.wire], [item.wire], [item.dumped])
        named = _named(type_)
        if isinstance(named, GraphQLScalarType):
            return scalar_value(named.name, key, self.counter)
        if isinstance(named, GraphQLEnumType):
            return enum_value(named, self.counter)
        assert node.selection_set is not None, key
        return self.selection(named, node.selection_set)


def variables_for(
    schema: GraphQLSchema, operation: OperationDefinitionNode, counter: Counter
) -> dict[str, Built]:
    """A value for each variable of ``operation``, by variable name."""
    values: dict[str, Built] = {}
    for definition in operation.variable_definitions:
        type_ = type_from_ast(schema, definition.type)
        assert type_ is not None
        name = definition.variable.name.value
        values[name] = variable_value(schema, type_, name, counter)  # type: ignore[arg-type]
    return values


def json_equal(left: Any, right: Any) -> bool:
    """Equal as JSON documents (dict order ignored)."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)
