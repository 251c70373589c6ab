"""The ``appsync-codegen`` command.

::

    appsync-codegen [generate] [--config FILE] [--output DIR] [--check]
    appsync-codegen prelude [--path]
    appsync-codegen scalars

``generate`` (the default) writes the client package a ``pyproject.toml``
describes (see :mod:`appsync_codegen.config`); ``--check`` only reports whether
the package on disk is up to date (exit status 1 when not). ``prelude`` prints
the AppSync prelude (or its path) and ``scalars`` the scalar mappings, for a
plain ``ariadne-codegen`` configuration.

Mistakes in the schema, the operations or the configuration are printed as
``file:line:col: message`` lines on stderr, with exit status 2. ariadne-codegen is
imported only when needed, so a missing ``codegen`` extra is one line too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

__all__ = ["main"]

EXIT_OK = 0
EXIT_OUT_OF_DATE = 1
EXIT_ERROR = 2
INSTALL_HINT = 'appsync-codegen needs the codegen extra: pip install "appsync-typed[codegen]"'
# Modules that the `codegen` extra brings; any of them missing means the extra is.
_CODEGEN_MODULES = {"ariadne_codegen", "graphql", "ruff", "toml", "click"}
_COMMANDS = ("generate", "prelude", "scalars")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0] not in _COMMANDS and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "generate")
    options = _parser().parse_args(arguments)
    command: str = options.command
    if command == "prelude":
        return _prelude(options.path, sys.stdout)
    if command == "scalars":
        return _scalars(sys.stdout)
    return _generate(options.config, options.output, options.check)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appsync-codegen",
        description="Generate a typed AWS AppSync client package with ariadne-codegen.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    generate = commands.add_parser(
        "generate", help="write the client package (the default command)"
    )
    generate.add_argument(
        "--config",
        metavar="FILE",
        help="pyproject.toml to read (default: the nearest one from here up)",
    )
    generate.add_argument(
        "--output",
        metavar="DIR",
        help="write the package into DIR instead of target_package_path",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the package on disk is not up to date",
    )
    prelude = commands.add_parser("prelude", help="print the AppSync prelude (GraphQL)")
    prelude.add_argument("--path", action="store_true", help="print its file path instead")
    commands.add_parser(
        "scalars", help="print the scalar mappings for a plain ariadne-codegen config"
    )
    return parser


def _generate(config: str | None, output: str | None, check_only: bool) -> int:
    try:
        from .errors import CodegenError, display_path
        from .generate import check, generate
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] in _CODEGEN_MODULES:
            print(INSTALL_HINT, file=sys.stderr)
            return EXIT_ERROR
        raise
    try:
        if check_only:
            outcome = check(config)
            if outcome.up_to_date:
                print(f"{display_path(outcome.package_path)} is up to date")
                return EXIT_OK
            for label, names in (
                ("changed", outcome.changed),
                ("missing", outcome.missing),
                ("stale", outcome.stale),
            ):
                for name in names:
                    print(f"{display_path(outcome.package_path / name)}: {label}", file=sys.stderr)
            return EXIT_OUT_OF_DATE
        result = generate(config, target_package_path=output)
    except CodegenError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        return EXIT_ERROR
    for warning in result.warnings:
        print(
            f"{warning.file}:{warning.line}:{warning.column}: warning: {warning.message}",
            file=sys.stderr,
        )
    for name in result.removed:
        print(f"removed {display_path(result.package_path / name)} (no longer generated)")
    print(f"wrote {display_path(result.package_path)}: {len(result.files)} files")
    return EXIT_OK


def _prelude(path_only: bool, out: TextIO) -> int:
    from .prelude import PRELUDE_PATH, prelude_text

    out.write(f"{PRELUDE_PATH}\n" if path_only else prelude_text())
    return EXIT_OK


def _scalars(out: TextIO) -> int:
    from appsync_runtime.scalars import SCALAR_TYPES

    for name, hooks in SCALAR_TYPES.items():
        out.write(f"[tool.ariadne-codegen.scalars.{name}]\n")
        for key, value in hooks.items():
            out.write(f'{key} = "{value}"\n')
        out.write("\n")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
