"""``appsync-codegen fetch-schema``: moto's control plane, a stub for failures, the simulator."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from appsync_codegen.schema_source import (
    EXIT_FORBIDDEN,
    EXIT_HTTP_ERROR,
    EXIT_MALFORMED,
    EXIT_NOT_FOUND,
    EXIT_UNAUTHORIZED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    load_schema_file,
)
from tests.support.ports import free_port
from tests.support.simulator_launcher import AppSyncSimulator

from .conftest import FAKE_ENV, REGION, MotoServer, run

SECRET = FAKE_ENV["AWS_SECRET_ACCESS_KEY"]


def fetch_args(server_url: str, api_id: str, *extra: str) -> list[str]:
    return [
        "fetch-schema",
        "--api-id",
        api_id,
        "--region",
        REGION,
        "--endpoint-url",
        server_url,
        *extra,
    ]


# -- moto ---------------------------------------------------------------------------------


def test_sdl_is_fetched_normalized_and_loadable(
    moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(fetch_args(moto.url, moto.api_id), capsys)
    assert outcome.code == 0, outcome.err
    sdl = outcome.out
    # Types sorted by name, fields too; AppSync's built-ins left out.
    assert sdl.index("type Mutation") < sdl.index("type Note") < sdl.index("type Query")
    note = sdl[sdl.index("type Note") :]
    assert note.index("createdAt") < note.index("id:") < note.index("status") < note.index("title")
    assert "scalar AWSDateTime" not in sdl
    assert "directive @aws_iam" not in sdl
    # Stable: fetching again gives the same bytes; it loads with the AppSync prelude.
    assert run(fetch_args(moto.url, moto.api_id), capsys).out == sdl
    target = tmp_path / "schema.graphql"
    written = run(fetch_args(moto.url, moto.api_id, "-o", str(target)), capsys)
    assert written.code == 0, written.err
    assert written.out == ""
    assert target.read_text(encoding="utf-8") == sdl
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]  # no temp file left
    schema = load_schema_file(target)
    assert set(schema.query_type.fields) == {"getNote", "listNotes"}  # type: ignore[union-attr]


def test_json_format(moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "schema.json"
    outcome = run(fetch_args(moto.url, moto.api_id, "--format", "json", "-o", str(target)), capsys)
    assert outcome.code == 0, outcome.err
    data = json.loads(target.read_text(encoding="utf-8"))
    names = [t["name"] for t in data["__schema"]["types"]]
    assert names == sorted(names)
    assert "Note" in names
    schema = load_schema_file(target)  # introspection JSON loads too
    assert "title" in schema.get_type("Note").fields  # type: ignore[union-attr]


def test_unknown_api_is_404(moto: MotoServer, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run(fetch_args(moto.url, "no-such-api"), capsys)
    assert outcome.code == EXIT_NOT_FOUND
    assert outcome.out == ""
    assert len(outcome.err.strip().splitlines()) == 1
    assert "404" in outcome.err and "NotFoundException" in outcome.err


def test_auth_config_is_printed_as_toml(
    moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(fetch_args(moto.url, moto.api_id, "--auth-config"), capsys)
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        "[tool.ariadne-codegen.appsync]\n"
        'default_auth_mode = "API_KEY"\n'
        'additional_auth_modes = ["AWS_IAM"]\n'
    )


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        ('default_auth_mode = "API_KEY"\nadditional_auth_modes = ["AWS_IAM"]\n', 0),
        ('default_auth_mode = "API_KEY"\nadditional_auth_modes = []\n', 1),
    ],
)
def test_auth_config_is_compared_with_the_config(
    moto: MotoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    modes: str,
    expected: int,
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "schema.graphql"\n'
        'queries_path = "operations"\n'
        f"[tool.ariadne-codegen.appsync]\n{modes}",
        encoding="utf-8",
    )
    outcome = run(
        fetch_args(moto.url, moto.api_id, "--auth-config", "--config", str(config)), capsys
    )
    assert outcome.code == expected, outcome.err
    assert ("differ" in outcome.err) == bool(expected)


def test_auth_config_and_schema_file_together(
    moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.graphql"
    outcome = run(fetch_args(moto.url, moto.api_id, "--auth-config", "-o", str(target)), capsys)
    assert outcome.code == 0, outcome.err
    assert outcome.out.startswith("[tool.ariadne-codegen.appsync]")
    assert "type Query" in target.read_text(encoding="utf-8")


def test_missing_profile_is_a_usage_error(
    moto: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(fetch_args(moto.url, moto.api_id, "--profile", "no-such-profile"), capsys)
    assert outcome.code == EXIT_USAGE
    assert "no-such-profile" in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1


def test_missing_credentials_is_a_usage_error(
    moto: MotoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    outcome = run(fetch_args(moto.url, moto.api_id), capsys)
    assert outcome.code == EXIT_USAGE
    assert "credentials" in outcome.err


def test_console_script_end_to_end(moto: MotoServer, tmp_path: Path) -> None:
    """The installed command, in a subprocess: exit codes and one-line errors."""
    import subprocess
    import sys

    env = {**os.environ, **FAKE_ENV}
    command = [sys.executable, "-m", "appsync_codegen"]
    ok = subprocess.run(
        [*command, *fetch_args(moto.url, moto.api_id)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "type Query" in ok.stdout
    missing = subprocess.run(
        [*command, *fetch_args(moto.url, "nope")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert missing.returncode == EXIT_NOT_FOUND
    assert missing.stderr.count("\n") == 1
    assert SECRET not in ok.stdout + ok.stderr + missing.stderr


# -- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_id", "code", "words"),
    [
        ("unauthorized", EXIT_UNAUTHORIZED, "401"),
        ("forbidden", EXIT_FORBIDDEN, "403"),
        ("badschema", EXIT_MALFORMED, "GraphQLSchemaException"),
        ("garbage", EXIT_MALFORMED, "malformed schema"),
        ("throttled", EXIT_HTTP_ERROR, "429"),
        ("fault", EXIT_HTTP_ERROR, "500"),
        ("unknown", EXIT_NOT_FOUND, "404"),
    ],
)
def test_failures_have_their_own_exit_code(
    stub: str, capsys: pytest.CaptureFixture[str], api_id: str, code: int, words: str
) -> None:
    outcome = run(fetch_args(stub, api_id), capsys)
    assert outcome.code == code, outcome.err
    assert words in outcome.err
    assert outcome.out == ""
    assert len(outcome.err.strip().splitlines()) == 1
    assert SECRET not in outcome.err


def test_unreachable_api(capsys: pytest.CaptureFixture[str]) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    outcome = run(fetch_args(closed, "any"), capsys)
    assert outcome.code == EXIT_UNREACHABLE
    assert "cannot reach" in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1


def test_output_into_a_missing_folder(
    moto: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(
        fetch_args(moto.url, moto.api_id, "-o", str(tmp_path / "no" / "s.graphql")), capsys
    )
    assert outcome.code == EXIT_USAGE
    assert "no such directory" in outcome.err


@pytest.mark.parametrize(
    "args",
    [
        ["fetch-schema"],
        ["fetch-schema", "--api-id", "x"],
        ["fetch-schema", "--api-id", "x", "--url", "http://127.0.0.1:1/graphql"],
        ["fetch-schema", "--url", "http://127.0.0.1:1/graphql", "--auth-config"],
        ["fetch-schema", "--api-id", "x", "--region", REGION, "--api-key-env", "K"],
        ["fetch-schema", "--url", "ftp://127.0.0.1/graphql"],
    ],
)
def test_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run(args, capsys)
    assert outcome.code == EXIT_USAGE
    assert outcome.err.strip()


# -- the simulator: --url -----------------------------------------------------------------


@pytest.mark.simulator
def test_url_with_api_key_from_the_environment(
    simulator: AppSyncSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFT_API_KEY", simulator.api_key)
    outcome = run(
        ["fetch-schema", "--url", simulator.url, "--api-key-env", "DRIFT_API_KEY"], capsys
    )
    assert outcome.code == 0, outcome.err
    assert "type Note implements Node" in outcome.out
    assert "getNote(id: ID!): Note" in outcome.out
    assert "no @aws_* auth directives" in outcome.err
    assert simulator.api_key not in outcome.out + outcome.err


@pytest.mark.simulator
def test_url_json_with_a_cognito_token(
    simulator: AppSyncSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    token = simulator.cognito_token()
    monkeypatch.setenv("DRIFT_JWT", token)
    target = tmp_path / "schema.json"
    outcome = run(
        [
            "fetch-schema",
            "--url",
            simulator.url,
            "--jwt-env",
            "DRIFT_JWT",
            "--format",
            "json",
            "-o",
            str(target),
        ],
        capsys,
    )
    assert outcome.code == 0, outcome.err
    assert "Note" in {t["name"] for t in json.loads(target.read_text())["__schema"]["types"]}
    assert token not in outcome.out + outcome.err


@pytest.mark.simulator
def test_url_with_iam(simulator: AppSyncSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run(["fetch-schema", "--url", simulator.url, "--iam", "--region", REGION], capsys)
    assert outcome.code == 0, outcome.err
    assert "type Query" in outcome.out
    assert SECRET not in outcome.out + outcome.err


@pytest.mark.simulator
def test_url_iam_without_region_on_a_custom_host(
    simulator: AppSyncSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run(["fetch-schema", "--url", simulator.url, "--iam"], capsys)
    assert outcome.code == EXIT_USAGE
    assert "region" in outcome.err


@pytest.mark.simulator
def test_url_with_a_wrong_api_key_is_401(
    simulator: AppSyncSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DRIFT_API_KEY", "da2-wrongkeywrongkeywrongkey0")
    outcome = run(
        ["fetch-schema", "--url", simulator.url, "--api-key-env", "DRIFT_API_KEY"], capsys
    )
    assert outcome.code == EXIT_UNAUTHORIZED, outcome.err
    assert "da2-wrongkey" not in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1


def test_url_with_an_unset_variable(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = run(
        ["fetch-schema", "--url", "http://127.0.0.1:1/graphql", "--api-key-env", "DRIFT_UNSET_VAR"],
        capsys,
    )
    assert outcome.code == EXIT_USAGE
    assert "DRIFT_UNSET_VAR" in outcome.err
