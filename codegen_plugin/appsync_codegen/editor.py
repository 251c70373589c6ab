"""Editor support for writing operations: a graphql-config file and the AppSync prelude.

Editors' GraphQL extensions (the VS Code GraphQL extension, JetBrains' GraphQL plugin)
complete and validate ``.graphql`` operations against the schema a graphql-config file
names. An AppSync schema alone fails there: it uses the AWS scalars and ``aws_*``
directives without declaring them. ``appsync-codegen generate`` therefore writes,
beside the configuration file (``pyproject.toml``):

- :data:`GRAPHQL_CONFIG_NAME` (``.graphqlrc.yml``): the schema files, the prelude
  copy, and a glob of the operations;
- :data:`PRELUDE_COPY_NAME` (``appsync-prelude.graphql``): the prelude's definitions
  the schema does not make itself (as code generation adds them), so no name is
  declared twice.

The prelude is copied into the project rather than named by its path in the installed
package: that path lies inside a virtual environment, differs per machine and per
Python version, and editors often run outside that environment. Both files are
rewritten by every ``generate`` and compared by ``check``; commit them with the
generated package. A graphql-config file of the user's own (any of the names
graphql-config looks for, without our first line) is left alone, with a warning.
Set ``graphql_config = false`` in ``[tool.ariadne-codegen.appsync]`` to write neither.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Sequence
from pathlib import Path

from .config import CodegenConfig
from .errors import Diagnostic
from .schema import GRAPHQL_EXTENSIONS, graphql_files

__all__ = [
    "GRAPHQL_CONFIG_NAME",
    "PRELUDE_COPY_NAME",
    "EditorFiles",
    "editor_files",
    "local_schema_files",
    "skipped_because",
    "stale_editor_files",
    "write_editor_files",
]

GRAPHQL_CONFIG_NAME = ".graphqlrc.yml"
"""The graphql-config file ``generate`` writes beside the configuration file."""
PRELUDE_COPY_NAME = "appsync-prelude.graphql"
"""The copy of the AppSync prelude the graphql-config file names."""
_MARK = "# Written by appsync-codegen"
"""First line of both files: how ours are told from a user's own."""
_OTHER_CONFIG_NAMES = (
    ".graphqlrc",
    ".graphqlrc.json",
    ".graphqlrc.yaml",
    ".graphqlrc.toml",
    ".graphqlrc.js",
    ".graphqlrc.ts",
    "graphql.config.json",
    "graphql.config.yml",
    "graphql.config.yaml",
    "graphql.config.toml",
    "graphql.config.js",
    "graphql.config.ts",
)

EditorFiles = dict[Path, str]
"""File path to the text it should hold."""


def editor_files(
    config: CodegenConfig, parsed: tuple[Sequence[Path], Collection[str]] | None = None
) -> EditorFiles:
    """The two files for ``config`` and their text; none when ``graphql_config`` is off
    or the schema is not local files (``remote_schema_url``, an import path).

    ``parsed``: schema files the caller has parsed already and the names of the
    types and directives they define (:func:`~appsync_codegen.prelude.defined_names`);
    used when they are the files read here, else the files are parsed again.
    """
    schema_files = local_schema_files(config)
    if not config.options.graphql_config or not schema_files or skipped_because(config):
        return {}
    from graphql import print_ast

    from .prelude import defined_names, prelude_document
    from .schema import parse_files

    root = config.root
    if parsed is not None and list(parsed[0]) == schema_files:
        defined = set(parsed[1])
    else:
        defined = defined_names(parse_files(schema_files))
    prelude = prelude_document(skip=defined)
    prelude_text = (
        f"{_MARK} generate: the AppSync scalars and directives\n"
        "# the schema uses without declaring them, for editors' GraphQL extensions.\n"
        "# Not part of the schema AppSync serves; regenerated with the client.\n\n"
        f"{print_ast(prelude)}\n"
    )
    schema = [PRELUDE_COPY_NAME, *(_relative(file, root) for file in schema_files)]
    lines = [
        f"{_MARK} generate from {config.path.name}: editors' GraphQL",
        "# extensions read it to complete and validate operations against the AppSync",
        "# schema. generate rewrites it; edit the codegen configuration instead.",
        "schema:",
        *(f"  - {json.dumps(entry)}" for entry in schema),
        f"documents: {json.dumps(_documents(config))}",
    ]

    return {
        root / GRAPHQL_CONFIG_NAME: "\n".join(lines) + "\n",
        root / PRELUDE_COPY_NAME: prelude_text,
    }


def skipped_because(config: CodegenConfig) -> str | None:
    """Why no editor files can be written for ``config`` although it asks for them."""
    queries = Path(config.section["queries_path"]).resolve()
    if queries.is_dir() and config.root.resolve().is_relative_to(queries):
        return (
            f"queries_path includes {config.path.name}'s folder, where {PRELUDE_COPY_NAME} "
            f"would be read as operations: {GRAPHQL_CONFIG_NAME} not written (keep the "
            "operations in a folder of their own, or set graphql_config = false)"
        )
    return None


def local_schema_files(config: CodegenConfig) -> list[Path]:
    """The schema's files as generation reads them; empty unless every entry of
    ``schema_path``/``schema_paths`` is a local file or directory."""
    section = config.section
    if section.get("remote_schema_url"):
        return []
    single = section.get("schema_path")
    entries = [single] if single else list(section.get("schema_paths") or [])
    files: list[Path] = []
    for entry in entries:
        path = Path(str(entry))
        if not path.exists():
            return []
        files.extend(graphql_files(path))
    return files


def write_editor_files(files: EditorFiles) -> list[Diagnostic]:
    """Write ``files`` unless a graphql-config of the user's own is there: a warning then."""
    blocked = _user_config(next(iter(files)).parent) if files else None
    if blocked is not None:
        return [
            Diagnostic(
                str(blocked),
                1,
                1,
                f"{blocked.name} is not appsync-codegen's: left as it is, so editors may not "
                f"know the AppSync scalars and directives (name {PRELUDE_COPY_NAME} in it, "
                "or delete it to have generate write one)",
            )
        ]
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return []


def stale_editor_files(files: EditorFiles) -> list[Path]:
    """Which of ``files`` are missing or differ on disk (a user's own config: none)."""
    if files and _user_config(next(iter(files)).parent) is not None:
        return []
    return [
        path
        for path, text in files.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def _user_config(directory: Path) -> Path | None:
    """A graphql-config file in ``directory`` that appsync-codegen did not write."""
    for name in (GRAPHQL_CONFIG_NAME, *_OTHER_CONFIG_NAMES):
        path = directory / name
        if path.is_file():
            with path.open(encoding="utf-8", errors="replace") as handle:
                if not handle.readline().startswith(_MARK):
                    return path
    return None


def _documents(config: CodegenConfig) -> str:
    """The operations as a graphql-config glob (a single file as itself)."""
    queries = Path(config.section["queries_path"])
    if queries.is_file():
        return _relative(queries, config.root)
    suffixes = sorted(
        {p.suffix[1:] for p in queries.rglob("*") if p.suffix in GRAPHQL_EXTENSIONS}
    ) or ["graphql"]
    pattern = suffixes[0] if len(suffixes) == 1 else "{" + ",".join(suffixes) + "}"
    return f"{_relative(queries, config.root)}/**/*.{pattern}"


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (with ``..`` where needed), posix style."""
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
