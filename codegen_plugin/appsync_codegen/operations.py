"""Loading the operations a client is generated from, checked against the schema.

Beyond GraphQL validation (unknown fields, undefined variables, ...), an operation
needs a name, which becomes the method, the result class and the module it lives
in; names that would overwrite another generated module are refused too.

:func:`leading_comment` reads the ``#`` comment block written directly above an
operation (graphql-core keeps comments out of the AST, but in its token list).
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    ASTValidationRule,
    ExecutableDefinitionNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    NoDeprecatedCustomRule,
    OperationDefinitionNode,
    TokenKind,
    ValidationRule,
    specified_rules,
    validate,
)

from .errors import CodegenError, Diagnostic
from .schema import graphql_diagnostics, graphql_files, parse_files

__all__ = ["Operations", "leading_comment", "load_operations"]


@dataclass(frozen=True)
class Operations:
    """The named operations and the fragments they use."""

    operations: list[OperationDefinitionNode]
    fragments: list[FragmentDefinitionNode]
    deprecations: list[Diagnostic] = field(default_factory=list[Diagnostic])
    """Uses of deprecated schema elements (warnings), found by the validation pass."""

    @property
    def fragment_map(self) -> dict[str, FragmentDefinitionNode]:
        """The fragments by name."""
        return {fragment.name.value: fragment for fragment in self.fragments}


def load_operations(
    queries_path: Path,
    schema: GraphQLSchema,
    *,
    skip_rules: Sequence[Any],
    taken_modules: Collection[str],
) -> Operations:
    """Parse and validate every operation file under ``queries_path``.

    ``taken_modules`` names the modules the package holds besides one per
    operation; an operation named like one of them, or like a client member, gets a
    trailing underscore (:mod:`appsync_codegen.names`). Two operations whose
    methods would meet (``GetNote`` and ``getNote``) are an error.
    """
    from .names import client_members, python_name

    files = graphql_files(queries_path)
    if not files:
        raise CodegenError.at(queries_path, "no .graphql files with operations here")
    document = parse_files(files)
    rules: list[type[ASTValidationRule]] = [
        rule for rule in specified_rules if rule not in skip_rules
    ]
    # Deprecated uses are warnings: collected apart, in the same pass over the document.
    deprecated: list[GraphQLError] = []
    rules.append(_collected(NoDeprecatedCustomRule, deprecated))
    problems = graphql_diagnostics(validate(schema, document, rules), queries_path)

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    modules: dict[str, str] = {}
    reserved = client_members() | frozenset(taken_modules)
    for operation in operations:
        kind = operation.operation.value
        if operation.name is None:
            problems.append(
                _at(
                    operation,
                    f"anonymous {kind}: give it a name (`{kind} GetNote {{ ... }}`); "
                    "the name becomes the client method",
                )
            )
            continue
        name = operation.name.value
        module = python_name(name, snake_case=True, reserved=reserved)
        if module in modules and modules[module] != name:
            problems.append(
                _at(
                    operation.name,
                    f"{kind} {name} and {modules[module]} would both generate {module}.py: "
                    "rename one of them",
                )
            )
        modules.setdefault(module, name)
    if problems:
        raise CodegenError(sorted(set(problems), key=lambda d: (d.file, d.line, d.column)))
    return Operations(
        operations=operations,
        fragments=fragments,
        deprecations=graphql_diagnostics(deprecated, ""),
    )


def _collected(rule: type[ValidationRule], errors: list[GraphQLError]) -> type[ValidationRule]:
    """``rule``, its findings put in ``errors`` instead of the validation's result."""

    class Collected(rule):  # type: ignore[valid-type,misc]
        def report_error(self, error: GraphQLError) -> None:
            errors.append(error)

    return Collected


def leading_comment(definition: ExecutableDefinitionNode) -> str:
    """The ``#`` comment block directly above ``definition`` in its file, as text.

    The block is the run of whole-line comments ending on the line just above the
    definition's first line (a blank line ends it, so a file header separated by
    one is not taken; nor is a comment trailing code). One space after ``#`` and
    the indentation common to the lines are removed. Empty without such a block,
    or when the definition was parsed without locations.
    """
    loc = definition.loc
    if loc is None:
        return ""
    lines: list[str] = []
    below = loc.start_token
    token = below.prev
    while (
        token is not None
        and token.kind == TokenKind.COMMENT
        and token.line == below.line - 1
        and (token.prev is None or token.prev.line < token.line)
    ):
        lines.append(token.value or "")
        below, token = token, token.prev
    lines.reverse()
    text = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    return inspect.cleandoc(text) if text.strip() else ""


def _at(node: Any, message: str) -> Diagnostic:
    loc = node.loc
    location = loc.source.get_location(loc.start)
    return Diagnostic(loc.source.name, location.line, location.column, message)
