"""Schema drift: what changing the schema from OLD to NEW does to a project.

:func:`diff_schemas` loads both schemas with the AppSync prelude and reports three
things (a :class:`DriftReport`):

1. the breaking and dangerous changes graphql-core finds
   (``find_breaking_changes`` / ``find_dangerous_changes``), located in the schema
   files where possible;
2. the project's operations (``queries_path`` of the configuration) that break
   against NEW: GraphQL validation errors, plus the breaking changes that touch
   what an operation selects, sends or spreads (a field whose type changed, an
   enum value removed from an enum it uses, a required input field added to an
   input it sends, ...), each at a ``file:line:col`` of the operation;
3. auth drift: an operation whose allowed auth modes change (read from the
   ``@aws_*`` directives with :func:`appsync_codegen.auth_modes.analyse_operation`),
   or that none of the configured modes can run any more.

:attr:`DriftReport.affects_project` is the verdict (the command's exit status 1).
Dangerous changes touching an operation (an enum value added to an enum it reads,
a type added to a union it selects) are warnings, or problems with ``strict``.
:func:`format_report` renders a report as text, JSON or GitHub Actions annotations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    Node,
    NonNullTypeNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    TypeNode,
    VariableDefinitionNode,
    Visitor,
    find_breaking_changes,
    find_dangerous_changes,
    get_named_type,
    specified_rules,
    validate,
    visit,
)

from .config import CodegenConfig
from .errors import CodegenError, source_location
from .schema import graphql_files, parse_files
from .schema_source import load_schema_file

__all__ = [
    "AuthDrift",
    "DriftReport",
    "OperationProblem",
    "SchemaChange",
    "diff_schemas",
    "format_report",
]

FORMATS = ("text", "json", "github")
"""Output formats of :func:`format_report`."""

_TYPE = r"(?P<type>\w+)"
_FIELD = r"(?P<type>\w+)\.(?P<field>\w+)"
_DIRECTIVE = r"(?P<directive>\w+)"
# Where each kind of change graphql-core reports names the element it concerns.
_SUBJECTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "TYPE_REMOVED": rf"^(?:Standard scalar )?{_TYPE} was removed",
        "TYPE_CHANGED_KIND": rf"^{_TYPE} changed from",
        "TYPE_REMOVED_FROM_UNION": rf"from union type {_TYPE}\.$",
        "VALUE_REMOVED_FROM_ENUM": rf"from enum type {_TYPE}\.$",
        "REQUIRED_INPUT_FIELD_ADDED": rf"on input type {_TYPE} was added\.$",
        "IMPLEMENTED_INTERFACE_REMOVED": rf"^{_TYPE} no longer implements",
        "FIELD_REMOVED": rf"^{_FIELD} was removed",
        "FIELD_CHANGED_KIND": rf"^{_FIELD} changed type",
        "REQUIRED_ARG_ADDED": rf"^A required arg \w+ on {_FIELD} was added",
        "ARG_REMOVED": rf"^{_FIELD} arg",
        "ARG_CHANGED_KIND": rf"^{_FIELD} arg",
        "DIRECTIVE_REMOVED": rf"^{_DIRECTIVE} was removed",
        "DIRECTIVE_ARG_REMOVED": rf"from {_DIRECTIVE}\.$",
        "REQUIRED_DIRECTIVE_ARG_ADDED": rf"on directive {_DIRECTIVE} was added",
        "DIRECTIVE_REPEATABLE_REMOVED": rf"from {_DIRECTIVE}\.$",
        "DIRECTIVE_LOCATION_REMOVED": rf"from {_DIRECTIVE}\.$",
        "VALUE_ADDED_TO_ENUM": rf"to enum type {_TYPE}\.$",
        "TYPE_ADDED_TO_UNION": rf"to union type {_TYPE}\.$",
        "OPTIONAL_INPUT_FIELD_ADDED": rf"on input type {_TYPE} was added\.$",
        "IMPLEMENTED_INTERFACE_ADDED": rf"implemented by {_TYPE}\.$",
        "ARG_DEFAULT_VALUE_CHANGE": rf"^{_FIELD} arg",
        "OPTIONAL_ARG_ADDED": rf"^An optional arg \w+ on {_FIELD} was added",
    }.items()
}

# Dangerous changes that cannot hurt an operation written before them (nor its
# generated code): they are listed with the schema changes only.
_HARMLESS_TO_OPERATIONS = frozenset({"OPTIONAL_ARG_ADDED", "OPTIONAL_INPUT_FIELD_ADDED"})

# An element of a schema an operation can touch: (type, field) or (type, None),
# directives as ("@name", None).
_Key = tuple[str, str | None]


@dataclass(frozen=True)
class SchemaChange:
    """One change graphql-core found between OLD and NEW."""

    kind: str
    """The ``BreakingChangeType`` or ``DangerousChangeType`` name."""
    description: str
    breaking: bool
    file: str | None = None
    """Where the changed element is defined (in NEW, else in OLD), when known."""
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class OperationProblem:
    """An operation (or a fragment operations spread) that NEW breaks."""

    file: str
    line: int
    column: int
    operations: tuple[str, ...]
    """The operations affected (several when the problem is in a shared fragment)."""
    message: str
    breaking: bool = True
    """False for a warning: a dangerous change touching the operation."""


@dataclass(frozen=True)
class AuthDrift:
    """An operation whose allowed auth modes differ between OLD and NEW."""

    file: str
    line: int
    column: int
    operation: str
    old_modes: tuple[str, ...]
    """The configured modes that could run it against OLD."""
    new_modes: tuple[str, ...]
    message: str
    breaking: bool


@dataclass
class DriftReport:
    """What :func:`diff_schemas` found."""

    old: str
    new: str
    breaking_changes: list[SchemaChange] = field(default_factory=list[SchemaChange])
    dangerous_changes: list[SchemaChange] = field(default_factory=list[SchemaChange])
    operation_problems: list[OperationProblem] = field(default_factory=list[OperationProblem])
    auth_drift: list[AuthDrift] = field(default_factory=list[AuthDrift])
    notes: list[str] = field(default_factory=list[str])
    """Limits of the analysis (no configuration, no directives to read, ...)."""
    operations_checked: int | None = None
    """How many operations were checked; None without a configuration."""
    strict: bool = False

    @property
    def affects_project(self) -> bool:
        """Whether anything breaking touches the project (exit status 1).

        Without a configuration (no operations to check), any breaking change does.
        """
        if self.operations_checked is None:
            return bool(self.breaking_changes)
        problems = any(p.breaking or self.strict for p in self.operation_problems)
        return problems or any(d.breaking for d in self.auth_drift)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (the ``json`` format)."""
        return {
            "old": self.old,
            "new": self.new,
            "affects_project": self.affects_project,
            "operations_checked": self.operations_checked,
            "breaking_changes": [asdict(c) for c in self.breaking_changes],
            "dangerous_changes": [asdict(c) for c in self.dangerous_changes],
            "operation_problems": [asdict(p) for p in self.operation_problems],
            "auth_drift": [asdict(d) for d in self.auth_drift],
            "notes": list(self.notes),
        }


def diff_schemas(
    old: Path | str,
    new: Path | str,
    config: CodegenConfig | None = None,
    *,
    strict: bool = False,
) -> DriftReport:
    """Compare the schemas in ``old`` and ``new`` and what the change does to ``config``'s project.

    ``old`` and ``new`` are SDL files (or folders) or introspection JSON. Without
    ``config`` only the schema changes are reported. ``strict`` counts dangerous
    changes that touch an operation as breaking. Raises
    :class:`~appsync_codegen.errors.CodegenError` on unreadable input.
    """
    old_schema = load_schema_file(old)
    new_schema = load_schema_file(new)
    report = DriftReport(old=str(old), new=str(new), strict=strict)
    breaking = find_breaking_changes(old_schema, new_schema)
    dangerous = find_dangerous_changes(old_schema, new_schema)
    report.breaking_changes = [
        _schema_change(c.type.name, c.description, True, old_schema, new_schema) for c in breaking
    ]
    report.dangerous_changes = [
        _schema_change(c.type.name, c.description, False, old_schema, new_schema) for c in dangerous
    ]
    if config is None:
        report.notes.append("no configuration: operations and auth modes not checked")
        return report

    document = _operations_document(config)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    report.operations_checked = len(operations)
    changes = [(c.type.name, c.description, True) for c in breaking]
    changes += [(c.type.name, c.description, False) for c in dangerous]
    report.operation_problems = _operation_problems(document, old_schema, new_schema, changes)
    report.auth_drift = _auth_drift(document, old_schema, new_schema, config, report.notes)
    return report


# -- section 1: schema changes ----------------------------------------------------------


def _subject(kind: str, description: str) -> _Key | None:
    pattern = _SUBJECTS.get(kind)
    match = pattern.search(description) if pattern else None
    if match is None:
        return None
    groups = match.groupdict()
    if groups.get("directive"):
        return (f"@{groups['directive']}", None)
    return (groups["type"], groups.get("field"))


def _definition_node(schema: GraphQLSchema, key: _Key) -> Node | None:
    name, member = key
    if name.startswith("@"):
        directive = schema.get_directive(name[1:])
        return directive.ast_node if directive else None
    named = schema.get_type(name)
    if named is None:
        return None
    if member is None:
        return getattr(named, "ast_node", None)
    if (
        isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType))
        and member in named.fields
    ):
        node: Node | None = named.fields[member].ast_node
        return node
    return None


def _schema_change(
    kind: str, description: str, breaking: bool, old: GraphQLSchema, new: GraphQLSchema
) -> SchemaChange:
    """The change, located at its element in NEW, else in OLD, else at its type."""
    key = _subject(kind, description)
    if key is not None:
        candidates = [(new, key), (old, key)]
        if key[1] is not None:
            candidates += [(new, (key[0], None)), (old, (key[0], None))]
        for schema, element in candidates:
            located = _location(_definition_node(schema, element))
            if located is not None:
                return SchemaChange(kind, description, breaking, *located)
    return SchemaChange(kind, description, breaking)


def _location(node: Node | None) -> tuple[str, int, int] | None:
    located = source_location(node)
    if located is None or located[0].startswith("appsync_codegen/"):
        return None  # unknown, or the prelude: not the user's file
    return located


# -- section 2: operations --------------------------------------------------------------


def _operations_document(config: CodegenConfig) -> DocumentNode:
    queries = config.section.get("queries_path")
    if not queries:
        raise config.error("queries_path", "queries_path is required")
    path = Path(str(queries))
    if not path.exists():
        written = config.written.get("queries_path", str(path))
        raise config.error("queries_path", f"queries_path: {written!r} does not exist")
    files = graphql_files(path)
    if not files:
        raise CodegenError.at(path, "no .graphql files with operations here")
    return parse_files(files)


def _name(definition: ExecutableDefinitionNode) -> str:
    if isinstance(definition, OperationDefinitionNode):
        return definition.name.value if definition.name else "<anonymous>"
    assert isinstance(definition, FragmentDefinitionNode)
    return f"fragment {definition.name.value}"


def _spreads(definition: ExecutableDefinitionNode) -> set[str]:
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            found.add(node.name.value)

    visit(definition, Spreads())
    return found


def _users(
    operations: Sequence[OperationDefinitionNode], fragments: dict[str, FragmentDefinitionNode]
) -> dict[str, set[str]]:
    """For each fragment, the operations that spread it (directly or through others)."""
    users: dict[str, set[str]] = {name: set() for name in fragments}
    for operation in operations:
        pending = list(_spreads(operation))
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen or name not in fragments:
                continue
            seen.add(name)
            users[name].add(_name(operation))
            pending.extend(_spreads(fragments[name]))
    return users


def _footprint(schema: GraphQLSchema, definition: ExecutableDefinitionNode) -> dict[_Key, Node]:
    """Every schema element ``definition`` selects, sends or relies on, with where it does."""
    type_info = TypeInfo(schema)
    found: dict[_Key, Node] = {}

    def add_output(named: GraphQLNamedType | None, node: Node) -> None:
        if named is None:
            return
        found.setdefault((named.name, None), node)
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            for possible in schema.get_possible_types(named):
                found.setdefault((possible.name, None), node)

    def add_input(named: GraphQLNamedType | None, node: Node, seen: set[str]) -> None:
        if named is None or named.name in seen:
            return
        seen.add(named.name)
        found.setdefault((named.name, None), node)
        if isinstance(named, GraphQLInputObjectType):
            for name, input_field in named.fields.items():
                found.setdefault((named.name, name), node)
                add_input(_named_type(input_field), node, seen)

    class Footprint(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = type_info.get_parent_type()
            definition = type_info.get_field_def()
            if parent is None or definition is None:
                return
            found.setdefault((parent.name, node.name.value), node)
            found.setdefault((parent.name, None), node)
            add_output(_named_type(definition), node)

        def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> None:
            add_output(_current_named_type(type_info), node)

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            add_output(_current_named_type(type_info), node)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            add_output(schema.get_root_type(node.operation), node.name or node)

        def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
            add_input(_named_type_from_ast(schema, node.type), node, set())

        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            argument = type_info.get_argument()
            if argument is not None:
                add_input(_named_type(argument), node, set())

        def enter_directive(self, node: Any, *_: Any) -> None:
            found.setdefault((f"@{node.name.value}", None), node)

    visit(definition, TypeInfoVisitor(type_info, Footprint()))
    return found


# graphql-core annotates the type a GraphQLList/GraphQLNonNull wraps as an open generic
# (GraphQLWrappingType without its parameter), which strict pyright reads as unknown:
# the two helpers below are the only places drift reads such a type.
def _named_type(holder: GraphQLField | GraphQLArgument | GraphQLInputField) -> GraphQLNamedType:
    """The named type of a field, argument or input field (list and non-null removed)."""
    return get_named_type(holder.type)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]


def _current_named_type(type_info: TypeInfo) -> GraphQLNamedType | None:
    """The named type ``type_info`` is at (list and non-null removed), if known."""
    return get_named_type(type_info.get_type())  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]


def _named_type_from_ast(schema: GraphQLSchema, node: TypeNode) -> GraphQLNamedType | None:
    """The schema's named type a variable's type (``[ID!]!``, ...) names, if any."""
    while isinstance(node, (ListTypeNode, NonNullTypeNode)):
        node = node.type
    return schema.get_type(node.name.value) if isinstance(node, NamedTypeNode) else None


def _containing(definitions: Iterable[ExecutableDefinitionNode], node: Node) -> Any:
    loc = node.loc
    if loc is None:
        return None
    for definition in definitions:
        dloc = definition.loc
        if dloc is not None and dloc.source is loc.source and dloc.start <= loc.start < dloc.end:
            return definition
    return None


def _operation_problems(
    document: DocumentNode,
    old: GraphQLSchema,
    new: GraphQLSchema,
    changes: Sequence[tuple[str, str, bool]],
) -> list[OperationProblem]:
    definitions = [d for d in document.definitions if isinstance(d, ExecutableDefinitionNode)]
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    users = _users(operations, fragments)

    def affected(definition: Any) -> tuple[str, ...]:
        if isinstance(definition, FragmentDefinitionNode):
            return tuple(sorted(users.get(definition.name.value, ())))
        return (_name(definition),) if definition is not None else ()

    # Problems by location, so a validation error and the schema change behind it
    # become one line.
    found: dict[tuple[str, int, int], OperationProblem] = {}
    for error in validate(new, document, specified_rules):
        for node in error.nodes or ():
            located = _location(node)
            if located is None:
                continue
            owner = _containing(definitions, node)
            found.setdefault(
                located, OperationProblem(*located, affected(owner), error.message, True)
            )
            break
    hits: dict[tuple[str, int, int, str], OperationProblem] = {}
    for definition in definitions:
        footprint = _footprint(old, definition)
        for kind, description, breaking in changes:
            if kind in _HARMLESS_TO_OPERATIONS:
                continue
            key = _subject(kind, description)
            located = _location(footprint[key]) if key in footprint else None
            if located is None:
                continue
            invalid = found.get(located)
            if invalid is not None and breaking:
                # The validation error at this spot is this change's doing: say so.
                if description not in invalid.message:
                    found[located] = OperationProblem(
                        *located, invalid.operations, f"{invalid.message} ({description})"
                    )
                continue
            hits.setdefault(
                (*located, description),
                OperationProblem(*located, affected(definition), description, breaking),
            )
    problems = [*found.values(), *hits.values()]
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, not p.breaking))


# -- section 3: auth modes --------------------------------------------------------------


def _auth_drift(
    document: DocumentNode,
    old: GraphQLSchema,
    new: GraphQLSchema,
    config: CodegenConfig,
    notes: list[str],
) -> list[AuthDrift]:
    from .auth_modes import AuthModesConfig, analyse_operation, schema_has_directives

    options = config.options
    if options.default_auth_mode is None or options.additional_auth_modes is None:
        notes.append(
            "auth modes not compared: set default_auth_mode and additional_auth_modes "
            "in [tool.ariadne-codegen.appsync]"
        )
        return []
    for label, schema in (("OLD", old), ("NEW", new)):
        if not schema_has_directives(schema):
            notes.append(
                f"auth modes not compared: {label} has no auth directives (an introspection "
                "result?); fetch it with fetch-schema --api-id, which keeps them"
            )
            return []
    modes = AuthModesConfig(options.default_auth_mode, tuple(options.additional_auth_modes))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    drift: list[AuthDrift] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        if new.get_root_type(operation.operation) is None:
            continue  # reported with the operation's validation errors
        before = analyse_operation(old, operation, fragments, modes)
        after = analyse_operation(new, operation, fragments, modes)
        if before.modes == after.modes and before.cognito_groups == after.cognito_groups:
            continue
        name = _name(operation)
        located = _location(operation.name or operation) or ("<operations>", 1, 1)
        details: list[str] = []
        breaking = False
        dropped = [mode for mode in before.modes if mode not in after.modes]
        added = [mode for mode in after.modes if mode not in before.modes]
        if not after.modes and before.modes:
            details.append("no configured mode can run it any more")
            breaking = True
        if dropped:
            details.append(f"callers using {', '.join(dropped)} will be refused")
            breaking = True
            blocking = [
                rule for rule in after.rules if any(mode not in rule.modes for mode in dropped)
            ]
            if blocking:
                details.append(f"because {blocking[0].describe()}")
        if added:
            details.append(f"now also {', '.join(added)}")
        if before.cognito_groups != after.cognito_groups and "AMAZON_COGNITO_USER_POOLS" in (
            after.modes
        ):
            required = _groups_text(after.cognito_groups)
            details.append(f"Cognito callers now need {required}")
            if any(groups not in before.cognito_groups for groups in after.cognito_groups):
                breaking = True
        message = (
            f"{name}: allowed auth modes {_modes_text(before.modes)} -> "
            f"{_modes_text(after.modes)}" + (": " + "; ".join(details) if details else "")
        )
        drift.append(AuthDrift(*located, name, before.modes, after.modes, message, breaking))
    return drift


def _modes_text(modes: Sequence[str]) -> str:
    return "[" + ", ".join(modes) + "]"


def _groups_text(groups: Sequence[Sequence[str]]) -> str:
    if not groups:
        return "no group"
    return " and ".join("a group of [" + ", ".join(each) + "]" for each in groups)


# -- output -----------------------------------------------------------------------------


def format_report(report: DriftReport, format: str = "text") -> str:
    """``report`` as ``text``, ``json`` or ``github`` (Actions workflow commands)."""
    if format == "json":
        return json.dumps(report.to_dict(), indent=2) + "\n"
    if format == "github":
        return _github(report)
    if format != "text":
        raise ValueError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    return _text(report)


def _where(file: str | None, line: int, column: int) -> str:
    return f"{file}:{line}:{column}: " if file else ""


def _text(report: DriftReport) -> str:
    lines = [
        f"Schema changes {report.old} -> {report.new}: "
        f"{len(report.breaking_changes)} breaking, {len(report.dangerous_changes)} dangerous"
    ]
    for change in report.breaking_changes:
        lines.append(
            f"  {_where(change.file, change.line, change.column)}breaking: {change.description}"
        )
    for change in report.dangerous_changes:
        lines.append(
            f"  {_where(change.file, change.line, change.column)}dangerous: {change.description}"
        )
    if report.operations_checked is not None:
        problems = report.operation_problems
        broken = [p for p in problems if p.breaking or report.strict]
        names = {name for p in broken for name in p.operations}
        lines.append(
            f"Operations broken by NEW: {len(names)} of {report.operations_checked} "
            f"({len(broken)} problem{'s' if len(broken) != 1 else ''}"
            + _warnings_text(len(problems) - len(broken))
            + ")"
        )
        for problem in problems:
            label = "error" if problem.breaking or report.strict else "warning"
            who = ", ".join(problem.operations) or "(unused fragment)"
            lines.append(
                f"  {_where(problem.file, problem.line, problem.column)}{label}: "
                f"{who}: {problem.message}"
            )
        lines.append(f"Auth drift: {len(report.auth_drift)}")
        for drift in report.auth_drift:
            label = "error" if drift.breaking else "note"
            lines.append(
                f"  {_where(drift.file, drift.line, drift.column)}{label}: {drift.message}"
            )
    for note in report.notes:
        lines.append(f"Note: {note}")
    lines.append(_verdict(report))
    return "\n".join(lines) + "\n"


def _warnings_text(count: int) -> str:
    if not count:
        return ""
    return f", {count} warning{'s' if count > 1 else ''}"


def _verdict(report: DriftReport) -> str:
    if report.affects_project:
        if report.operations_checked is None:
            return "Result: NEW has breaking changes"
        return "Result: NEW breaks the project"
    return "Result: nothing in NEW breaks the project"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(level: str, message: str, file: str | None, line: int, column: int) -> str:
    properties = ["title=appsync-codegen diff"]
    if file:
        properties = [f"file={file}", f"line={line}", f"col={column}", *properties]
    joined = ",".join(
        f"{key}={_escape_property(value)}"
        for key, value in (item.split("=", 1) for item in properties)
    )
    return f"::{level} {joined}::{_escape_data(message)}"


def _github(report: DriftReport) -> str:
    lines: list[str] = []
    for change in report.breaking_changes:
        level = "error" if report.operations_checked is None else "warning"
        lines.append(
            _annotation(
                level, f"breaking: {change.description}", change.file, change.line, change.column
            )
        )
    for change in report.dangerous_changes:
        lines.append(
            _annotation(
                "notice",
                f"dangerous: {change.description}",
                change.file,
                change.line,
                change.column,
            )
        )
    for problem in report.operation_problems:
        level = "error" if problem.breaking or report.strict else "warning"
        who = ", ".join(problem.operations) or "(unused fragment)"
        lines.append(
            _annotation(
                level, f"{who}: {problem.message}", problem.file, problem.line, problem.column
            )
        )
    for drift in report.auth_drift:
        level = "error" if drift.breaking else "notice"
        lines.append(_annotation(level, drift.message, drift.file, drift.line, drift.column))
    for note in report.notes:
        lines.append(f"::notice title=appsync-codegen diff::{_escape_data(note)}")
    lines.append(_verdict(report))
    return "\n".join(lines) + "\n"
