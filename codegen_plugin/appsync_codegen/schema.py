"""Loading an AppSync schema: the user's files plus the AppSync prelude, in memory.

Every file is parsed on its own so that syntax and validation errors name the file,
line and column they concern (:func:`graphql_diagnostics`). The prelude's
definitions that the schema makes itself are left out, so declaring
``scalar AWSDateTime`` in the schema is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graphql import (
    DefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    ListValueNode,
    Source,
    StringValueNode,
    build_ast_schema,
    parse,
    validate_schema,
)
from graphql.validation.validate import validate_sdl

from .config import CodegenConfig
from .errors import CodegenError, Diagnostic, display_path
from .prelude import defined_names, prelude_document

__all__ = [
    "GRAPHQL_EXTENSIONS",
    "check_schema",
    "graphql_diagnostics",
    "graphql_files",
    "load_schema",
    "parse_files",
    "schema_from_document",
    "string_arguments",
]

GRAPHQL_EXTENSIONS = (".graphql", ".graphqls", ".gql")


def string_arguments(directive: DirectiveNode, argument: str) -> list[str]:
    """The strings a directive's ``argument`` holds: a list of strings, or one string
    (GraphQL's input coercion); anything else holds none."""
    found: list[str] = []
    for node in directive.arguments or ():
        if node.name.value != argument:
            continue
        value = node.value
        items = value.values if isinstance(value, ListValueNode) else (value,)
        found.extend(item.value for item in items if isinstance(item, StringValueNode))
    return found


# Directives of the Amplify GraphQL transformer: they live in an Amplify project's
# source schema, which Amplify compiles into the schema AppSync runs.
_AMPLIFY_DIRECTIVES = frozenset(
    {
        *("model", "auth", "hasMany", "hasOne", "belongsTo", "manyToMany", "index"),
        *("primaryKey", "searchable", "function", "http", "predictions", "default"),
        *("key", "connection", "versioned", "mapsTo", "refersTo", "sql", "generation"),
        *("conversation", "validate"),
    }
)
_AMPLIFY_HINT = (
    " This looks like an Amplify source schema: generate from the compiled schema "
    "AppSync runs (amplify/backend/api/<api>/build/schema.graphql after "
    "`amplify api gql-compile`, or `appsync-codegen fetch-schema`)."
)


def graphql_files(path: Path) -> list[Path]:
    """``path`` itself, or the GraphQL files under the directory ``path`` in a stable order."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.suffix in GRAPHQL_EXTENSIONS and p.is_file()]
        return sorted(found, key=lambda p: p.relative_to(path).as_posix())
    return [path]


def parse_files(files: Iterable[Path]) -> DocumentNode:
    """One document holding the definitions of every file; syntax errors are collected.

    Each definition keeps its own source, so later errors still name the right file.
    """
    definitions: list[DefinitionNode] = []
    problems: list[Diagnostic] = []
    for file in files:
        source = Source(file.read_text(encoding="utf-8"), display_path(file))
        try:
            document = parse(source)
        except GraphQLSyntaxError as exc:
            problems.extend(graphql_diagnostics([exc], file))
            continue
        definitions.extend(document.definitions)
    if problems:
        raise CodegenError(problems)
    return DocumentNode(definitions=tuple(definitions))


def load_schema(config: CodegenConfig, files: list[Path]) -> GraphQLSchema:
    """The schema in ``files`` with the AppSync prelude added where it is missing."""
    return schema_from_document(config, files, parse_files(files))


def schema_from_document(
    config: CodegenConfig, files: list[Path], user: DocumentNode
) -> GraphQLSchema:
    """:func:`load_schema` of ``files`` already parsed into ``user`` (:func:`parse_files`)."""
    prelude = prelude_document(skip=defined_names(user))
    document = DocumentNode(definitions=prelude.definitions + user.definitions)
    errors = validate_sdl(document)
    if errors:
        diagnostics = graphql_diagnostics(errors, config.path)
        raise CodegenError(_with_amplify_hint(diagnostics))
    try:
        return build_ast_schema(document, assume_valid_sdl=True)
    except (TypeError, GraphQLError) as exc:  # pragma: no cover - validate_sdl catches these
        raise CodegenError.at(files[0] if files else config.path, str(exc)) from None


def _with_amplify_hint(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Say once, on the first of them, that unknown Amplify directives mean the
    schema is Amplify's source rather than what AppSync runs."""
    for index, diagnostic in enumerate(diagnostics):
        message = diagnostic.message
        if message.startswith("Unknown directive '@") and (
            message.split("'@", 1)[1].split("'", 1)[0] in _AMPLIFY_DIRECTIVES
        ):
            hinted = Diagnostic(
                diagnostic.file, diagnostic.line, diagnostic.column, message + _AMPLIFY_HINT
            )
            return [*diagnostics[:index], hinted, *diagnostics[index + 1 :]]
    return diagnostics


def check_schema(schema: GraphQLSchema, fallback: Path) -> None:
    """Raise the schema's validation errors (bad interfaces, unions, ...) as diagnostics."""
    errors = validate_schema(schema)
    if errors:
        raise CodegenError(graphql_diagnostics(errors, fallback))


def graphql_diagnostics(errors: Iterable[GraphQLError], fallback: Path | str) -> list[Diagnostic]:
    """One diagnostic per error, at the error's first located node (else ``fallback``)."""
    diagnostics: list[Diagnostic] = []
    for error in errors:
        message = error.message
        file, line, column = display_path(fallback), 1, 1
        places: list[tuple[str, int, int]] = []
        for node in error.nodes or ():
            if node.loc is not None:
                location = node.loc.source.get_location(node.loc.start)
                places.append((node.loc.source.name, location.line, location.column))
        located = bool(places)
        if places:
            file, line, column = places[0]
            others = [f"{f}:{ln}:{col}" for f, ln, col in dict.fromkeys(places[1:])]
            if others:
                message += f" (see also {', '.join(others)})"
        if not located and error.source is not None and error.locations:
            file = error.source.name
            line, column = error.locations[0].line, error.locations[0].column
        diagnostics.append(Diagnostic(file, line, column, message))
    return sorted(diagnostics, key=lambda d: (d.file, d.line, d.column, d.message))
