"""The ``appsync-codegen`` command.

::

    appsync-codegen [generate] [--config FILE] [--output DIR] [--check]
    appsync-codegen check [--config FILE] [--full | --fast]
    appsync-codegen fetch-schema --api-id ID --region R [--profile P] [--endpoint-url URL]
                                 [--format sdl|json] [-o FILE] [--auth-config [--config FILE]]
    appsync-codegen fetch-schema --url URL [--api-key-env VAR | --api-key KEY | --iam
                                 | --jwt-env VAR | --lambda-token-env VAR] [-o FILE] ...
    appsync-codegen diff OLD NEW [--config FILE] [--format text|json|github] [--strict]
    appsync-codegen prelude [--path]
    appsync-codegen scalars

``generate`` (the default) writes the client package a ``pyproject.toml``
describes (see :mod:`appsync_codegen.config`). ``check`` (also ``generate
--check``) writes nothing and says whether that package is up to date, and if not
which files are changed, missing or extra, and why (:mod:`appsync_codegen.check`).
``fetch-schema`` downloads a deployed schema, normalized
(:mod:`appsync_codegen.schema_source`); ``diff`` tells what a schema change does to
the project's operations and auth modes (:mod:`appsync_codegen.drift`).
``prelude`` prints the AppSync prelude (or its path) and ``scalars`` the scalar
mappings, for a plain ``ariadne-codegen`` configuration.

Exit statuses: 0 success (up to date, nothing breaking); 1 ``check``: stale,
``diff``: the change breaks the project, ``fetch-schema --auth-config --config``:
the config's modes differ from the API's; 2 bad input (arguments, configuration,
schema or operation files, credentials) or a generated package that fails its check
(:mod:`appsync_codegen.selfcheck`; nothing is written then). ``fetch-schema`` adds 3 unreachable,
4 HTTP 401, 5 HTTP 403, 6 HTTP 404, 7 malformed schema, 8 other HTTP failures.
Every problem is one line on stderr (``file:line:col: message`` where it has a
place), never a traceback; secrets are never printed. ariadne-codegen is imported
only when needed, so a missing ``codegen`` extra is one line too.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .errors import CodegenError

__all__ = ["main"]

EXIT_OK = 0
EXIT_OUT_OF_DATE = 1
EXIT_BREAKING = 1
EXIT_ERROR = 2
INSTALL_HINT = 'appsync-codegen needs the codegen extra: pip install "appsync-typed[codegen]"'
# Modules that the `codegen` extra brings; any of them missing means the extra is.
_CODEGEN_MODULES = {"ariadne_codegen", "graphql", "ruff", "toml", "click"}
_COMMANDS = ("generate", "check", "fetch-schema", "diff", "prelude", "scalars")
_TOKEN_OPTIONS = {
    "api_key_env": "API_KEY",
    "jwt_env": "AMAZON_COGNITO_USER_POOLS",
    "oidc_env": "OPENID_CONNECT",
    "lambda_token_env": "AWS_LAMBDA",
}


class _ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2), no usage dump on stderr."""

    def error(self, message: str) -> Any:  # argparse's signature returns NoReturn
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Without ``argv`` (the ``appsync-codegen`` command, or ``python -m
    appsync_codegen``: the process ends next), Python's cyclic garbage collector
    stays off for the command, and what is left in memory is handed to
    :func:`gc.freeze` before returning, so that the interpreter's exit does not walk
    it either: for a 300-type schema its passes cost about 0.3 s of CPU during the
    run and 0.5 s at exit, for about 10 MB more memory.
    """
    if argv is not None:
        return _main(list(argv))
    gc.disable()
    status = _main(sys.argv[1:])
    gc.freeze()
    return status


def _main(arguments: list[str]) -> int:
    if not arguments or (arguments[0] not in _COMMANDS and arguments[0] not in ("-h", "--help")):
        arguments.insert(0, "generate")
    try:
        options = _parser().parse_args(arguments)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    command: str = options.command
    try:
        if command == "prelude":
            return _prelude(options.path, sys.stdout)
        if command == "scalars":
            return _scalars(sys.stdout)
        if command == "fetch-schema":
            return _fetch_schema(options)
        if command == "diff":
            return _diff(options)
        if command == "check" or options.check:
            full = getattr(options, "full", False)
            return _check(options.config, full=full, fast=getattr(options, "fast", False))
        return _generate(options.config, options.output)
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] in _CODEGEN_MODULES:
            print(INSTALL_HINT, file=sys.stderr)
            return EXIT_ERROR
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="appsync-codegen",
        description="Generate a typed AWS AppSync client package with ariadne-codegen.",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    generate = commands.add_parser(
        "generate", help="write the client package (the default command)"
    )
    _config_option(generate)
    generate.add_argument(
        "--output",
        metavar="DIR",
        help="write the package into DIR instead of target_package_path",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="same as the check command: write nothing; exit 1 if the package is stale",
    )

    check = commands.add_parser(
        "check",
        help="exit 1 if the generated package is not up to date (writes nothing)",
        description="Compare the generated package with what generate would write now. "
        "Exit 0 up to date, 1 stale (files listed, with the reason), 2 error.",
    )
    _config_option(check)
    mode = check.add_mutually_exclusive_group()
    mode.add_argument(
        "--full", action="store_true", help="always regenerate (in a temporary directory)"
    )
    mode.add_argument(
        "--fast",
        action="store_true",
        help="trust matching manifest hashes even for an editable install of appsync-typed",
    )

    _fetch_parser(commands)

    diff = commands.add_parser(
        "diff",
        help="what changing the schema from OLD to NEW breaks in the project",
        description="Breaking and dangerous schema changes, the project's operations that "
        "NEW breaks, and auth-mode drift. Exit 0 nothing affects the project, "
        "1 something does, 2 error.",
    )
    diff.add_argument("old", metavar="OLD", help="the old schema: SDL file or folder, or JSON")
    diff.add_argument("new", metavar="NEW", help="the new schema: SDL file or folder, or JSON")
    _config_option(diff, extra=" (without one found: schema changes only)")
    diff.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output: text (default), json, or github (Actions annotations)",
    )
    diff.add_argument(
        "--strict",
        action="store_true",
        help="dangerous changes touching an operation (a new enum value it reads, "
        "a new union member) count as breaking",
    )

    prelude = commands.add_parser("prelude", help="print the AppSync prelude (GraphQL)")
    prelude.add_argument("--path", action="store_true", help="print its file path instead")
    commands.add_parser(
        "scalars", help="print the scalar mappings for a plain ariadne-codegen config"
    )
    return parser


def _config_option(parser: argparse.ArgumentParser, extra: str = "") -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"pyproject.toml to read (default: the nearest one from here up){extra}",
    )


def _fetch_parser(commands: Any) -> None:
    fetch = commands.add_parser(
        "fetch-schema",
        help="download a deployed schema, normalized (control plane or endpoint)",
        description="Fetch an AppSync API's schema with GetIntrospectionSchema "
        "(--api-id: SigV4-signed, keeps the @aws_* auth directives) or the "
        "introspection query (--url). Printed in a stable order. Exit 0 ok, 2 bad "
        "input, 3 unreachable, 4 HTTP 401, 5 HTTP 403, 6 HTTP 404, 7 malformed schema, "
        "8 other HTTP failure.",
    )
    source = fetch.add_mutually_exclusive_group(required=True)
    source.add_argument("--api-id", metavar="ID", help="the AppSync API id (control plane)")
    source.add_argument("--url", metavar="URL", help="the API's GraphQL endpoint")
    fetch.add_argument(
        "--region", metavar="R", help="the API's region (with --url: for --iam on custom domains)"
    )
    fetch.add_argument("--profile", metavar="P", help="AWS profile for SigV4 (botocore)")
    fetch.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="control-plane endpoint instead of https://appsync.<region>.amazonaws.com",
    )
    fetch.add_argument(
        "--format", choices=("sdl", "json"), default="sdl", help="sdl (default) or json"
    )
    fetch.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    fetch.add_argument(
        "--auth-config",
        action="store_true",
        help="read the API's auth modes (GetGraphqlApi) and print them as "
        "[tool.ariadne-codegen.appsync] TOML (the schema too only with -o); "
        "with --config, exit 1 if the config's modes differ",
    )
    _config_option(fetch, extra=" (with --auth-config)")
    fetch.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds (default 30)"
    )
    auth = fetch.add_mutually_exclusive_group()
    auth.add_argument("--api-key-env", metavar="VAR", help="API key from environment variable")
    auth.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key (visible to other processes: prefer --api-key-env)",
    )
    auth.add_argument("--iam", action="store_true", help="SigV4 with the AWS credential chain")
    auth.add_argument("--jwt-env", metavar="VAR", help="Cognito user pools JWT from a variable")
    auth.add_argument("--oidc-env", metavar="VAR", help="OpenID Connect JWT from a variable")
    auth.add_argument(
        "--lambda-token-env", metavar="VAR", help="Lambda authorizer token from a variable"
    )


# -- generate and check ---------------------------------------------------------------


def _print_diagnostics(exc: CodegenError) -> int:
    for diagnostic in exc.diagnostics:
        print(diagnostic, file=sys.stderr)
    return EXIT_ERROR


def _generate(config: str | None, output: str | None) -> int:
    from .errors import CodegenError, display_path
    from .generate import generate

    try:
        result = generate(config, target_package_path=output)
    except CodegenError as exc:
        return _print_diagnostics(exc)
    for warning in result.warnings:
        print(
            f"{warning.file}:{warning.line}:{warning.column}: warning: {warning.message}",
            file=sys.stderr,
        )
    for name in result.removed:
        print(f"removed {display_path(result.package_path / name)} (no longer generated)")
    print(f"wrote {display_path(result.package_path)}: {len(result.files)} files")
    if result.editor_files and not any(
        Path(warning.file).parent == next(iter(result.editor_files)).parent
        for warning in result.warnings
    ):
        names = " and ".join(display_path(path) for path in result.editor_files)
        print(f"wrote {names} (for editors' GraphQL extensions)")
    return EXIT_OK


def _load_config(path: str | None) -> Any:
    """:func:`~appsync_codegen.config.load_config`, with a config that is not text located."""
    from .config import load_config
    from .errors import CodegenError

    try:
        return load_config(path)
    except UnicodeDecodeError as exc:
        raise CodegenError.at(path or ".", f"not UTF-8 text ({exc.reason})") from None
    except IsADirectoryError:
        raise CodegenError.at(path or ".", "a directory, not a config file") from None


def _file_problem(exc: OSError | UnicodeDecodeError) -> int:
    """One line for a file that could not be read."""
    from .errors import display_path

    if isinstance(exc, UnicodeDecodeError):
        print(f"a file is not UTF-8 text ({exc.reason})", file=sys.stderr)
    else:
        name = display_path(str(exc.filename)) if exc.filename else "a file"
        print(f"{name}: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_ERROR


def _check(config: str | None, *, full: bool, fast: bool) -> int:
    from .check import check_package
    from .errors import CodegenError, display_path

    try:
        report = check_package(_load_config(config), full=full, fast=fast)
    except CodegenError as exc:
        return _print_diagnostics(exc)
    except (OSError, UnicodeDecodeError) as exc:
        return _file_problem(exc)
    package = display_path(report.package_path)
    if report.up_to_date:
        how = " (verified by hash)" if report.fast else ""
        print(f"{package} is up to date{how}")
        return EXIT_OK
    counts = (
        f"{len(report.changed)} changed, {len(report.missing)} missing, {len(report.extra)} extra"
    )
    if report.editor:
        counts += f", {len(report.editor)} editor files stale"
    print(f"{package} is stale: {counts}; run appsync-codegen generate", file=sys.stderr)
    for reason in report.reasons:
        print(f"  why: {reason}", file=sys.stderr)
    for label, names in (
        ("changed", report.changed),
        ("missing", report.missing),
        ("extra, no longer generated", report.extra),
    ):
        for name in names:
            print(f"{display_path(report.package_path / name)}: {label}", file=sys.stderr)
    for path in report.editor:
        print(f"{display_path(path)}: editor file, missing or stale", file=sys.stderr)
    return EXIT_OUT_OF_DATE


# -- fetch-schema ---------------------------------------------------------------------


def _fetch_schema(options: argparse.Namespace) -> int:
    from .schema_source import SchemaSourceError

    try:
        return _fetch(options)
    except SchemaSourceError as exc:
        print(f"appsync-codegen fetch-schema: {exc.message}", file=sys.stderr)
        return exc.exit_code


def _fetch(options: argparse.Namespace) -> int:
    from .schema_source import (
        EXIT_USAGE,
        SchemaSourceError,
        fetch_api_auth,
        fetch_introspection_schema,
        introspect_endpoint,
        normalize_introspection,
        normalize_sdl,
        sdl_from_introspection,
        write_atomic,
    )

    fmt: str = options.format
    if options.api_id is not None:
        if not options.region:
            raise SchemaSourceError("--api-id needs --region", EXIT_USAGE)
        if _token_option(options) is not None or options.iam:
            raise SchemaSourceError(
                "--api-id requests are always SigV4-signed: the auth options are for --url",
                EXIT_USAGE,
            )
        common: dict[str, Any] = {
            "profile": options.profile,
            "endpoint_url": options.endpoint_url,
            "timeout": options.timeout,
        }
        if options.auth_config:
            auth = fetch_api_auth(options.api_id, options.region, **common)
            status = _report_auth_config(auth, options.config)
            if options.output is None:
                return status
        else:
            status = EXIT_OK
        text = fetch_introspection_schema(
            options.api_id, options.region, format=fmt.upper(), **common
        )
        if fmt == "sdl":
            result = normalize_sdl(text, f"API {options.api_id}")
        else:
            result = normalize_introspection(_json(text))
    else:
        if options.auth_config:
            raise SchemaSourceError("--auth-config needs --api-id", EXIT_USAGE)
        if options.endpoint_url:
            raise SchemaSourceError("--endpoint-url is for --api-id; use --url alone", EXIT_USAGE)
        data = introspect_endpoint(options.url, _strategy(options), timeout=options.timeout)
        if fmt == "sdl":
            result = sdl_from_introspection(data)
            print(
                "note: introspection carries no @aws_* auth directives; "
                "fetch-schema --api-id keeps them",
                file=sys.stderr,
            )
        else:
            result = normalize_introspection(data)
        status = EXIT_OK
    if options.output is None:
        sys.stdout.write(result)
    else:
        write_atomic(options.output, result)
        from .errors import display_path

        print(f"wrote {display_path(Path(options.output).resolve())}", file=sys.stderr)
    return status


def _json(text: str) -> object:
    import json

    from .schema_source import EXIT_MALFORMED, SchemaSourceError

    try:
        return json.loads(text)
    except ValueError:
        raise SchemaSourceError(
            "malformed schema: the answer is not JSON", EXIT_MALFORMED
        ) from None


def _token_option(options: argparse.Namespace) -> tuple[str, str] | None:
    for option, mode in _TOKEN_OPTIONS.items():
        variable = getattr(options, option, None)
        if variable:
            return variable, mode
    return None


def _strategy(options: argparse.Namespace) -> Any:
    """The auth strategy the ``--url`` options ask for (None: send no credentials)."""
    from appsync_runtime import ApiKeyAuth, CognitoUserPoolsAuth, LambdaAuth, OIDCAuth

    from .schema_source import EXIT_USAGE, SchemaSourceError

    if options.api_key is not None:
        return _guarded(lambda: ApiKeyAuth(options.api_key), "--api-key")
    if options.iam:
        from appsync_runtime import IAMAuth

        credentials: Any = None
        if options.profile:
            try:
                import botocore.session  # pyright: ignore[reportMissingTypeStubs]  # botocore ships none
            except ImportError:
                raise SchemaSourceError(
                    '--profile needs botocore: pip install "appsync-typed[boto]"', EXIT_USAGE
                ) from None
            credentials = botocore.session.Session(profile=options.profile)
        return _guarded(lambda: IAMAuth(credentials, region=options.region), "--iam")
    token = _token_option(options)
    if token is None:
        return None
    variable, mode = token
    value = os.environ.get(variable)
    if not value:
        raise SchemaSourceError(f"environment variable {variable} is not set", EXIT_USAGE)
    classes = {
        "API_KEY": ApiKeyAuth,
        "AMAZON_COGNITO_USER_POOLS": CognitoUserPoolsAuth,
        "OPENID_CONNECT": OIDCAuth,
        "AWS_LAMBDA": LambdaAuth,
    }
    return _guarded(lambda: classes[mode](value), f"${variable}")


def _guarded(build: Any, what: str) -> Any:
    """Build a strategy; its (secret-free) configuration errors become usage errors."""
    from .schema_source import EXIT_USAGE, SchemaSourceError

    try:
        return build()
    except Exception as exc:
        raise SchemaSourceError(f"{what}: {exc}", EXIT_USAGE) from None


def _report_auth_config(auth: Any, config_path: str | None) -> int:
    """Print the TOML for the API's modes; compare with ``config_path`` when given."""
    from .config import load_config
    from .errors import CodegenError
    from .schema_source import EXIT_USAGE, SchemaSourceError

    sys.stdout.write(auth.toml())
    if config_path is None:
        return EXIT_OK
    try:
        options = load_config(config_path).options
    except CodegenError as exc:
        raise SchemaSourceError(str(exc.diagnostics[0]), EXIT_USAGE) from None
    configured = (options.default_auth_mode, tuple(options.additional_auth_modes or ()))
    deployed = (auth.default_auth_mode, auth.additional_auth_modes)
    if configured[0] == deployed[0] and set(configured[1]) == set(deployed[1]):
        print(f"{config_path}: auth modes match the API", file=sys.stderr)
        return EXIT_OK
    print(
        f"{config_path}: auth modes differ from the API's: config has default "
        f"{configured[0]} + {list(configured[1])}, the API {deployed[0]} + {list(deployed[1])}",
        file=sys.stderr,
    )
    return EXIT_OUT_OF_DATE


# -- diff -----------------------------------------------------------------------------


def _diff(options: argparse.Namespace) -> int:
    from .errors import CodegenError

    try:
        from .config import CodegenConfig, find_config, load_config

        config: CodegenConfig | None
        if options.config is not None:
            config = _load_config(options.config)
        else:
            config = _optional_config(find_config, load_config)
        from .drift import diff_schemas, format_report

        report = diff_schemas(options.old, options.new, config, strict=options.strict)
    except CodegenError as exc:
        return _print_diagnostics(exc)
    except (OSError, UnicodeDecodeError) as exc:
        return _file_problem(exc)
    sys.stdout.write(format_report(report, options.format))
    return EXIT_BREAKING if report.affects_project else EXIT_OK


def _optional_config(find_config: Any, load_config: Any) -> Any:
    """The nearest configuration with a ``[tool.ariadne-codegen]`` table, else None."""
    from .config import ARIADNE_TABLE, read_toml
    from .errors import CodegenError

    try:
        path = find_config()
    except CodegenError:
        return None
    if ARIADNE_TABLE not in read_toml(path).get("tool", {}):
        return None
    return load_config(path)


# -- prelude and scalars --------------------------------------------------------------


def _prelude(path_only: bool, out: TextIO) -> int:
    from .prelude import PRELUDE_PATH, prelude_text

    out.write(f"{PRELUDE_PATH}\n" if path_only else prelude_text())
    return EXIT_OK


def _scalars(out: TextIO) -> int:
    from .scalars import SCALAR_TYPES

    for name, hooks in SCALAR_TYPES.items():
        out.write(f"[tool.ariadne-codegen.scalars.{name}]\n")
        for key, value in hooks.items():
            out.write(f'{key} = "{value}"\n')
        out.write("\n")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
