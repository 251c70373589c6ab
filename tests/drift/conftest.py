"""Fixtures for the drift tests: moto's AppSync control plane, a stub server.

``moto`` starts ``moto_server`` bound to 127.0.0.1 on a free port once per session
and stops it by PID; tests using it are skipped, with the reason, when moto's server
is not installed. ``stub`` is an in-process HTTP server answering the control-plane
paths with the failures moto cannot produce (401, 403, a malformed schema, ...).
``simulator``, the example API in the AWS AppSync simulator, is the session-wide
fixture of ``tests/support/fixtures.py``. Every test here runs with fake AWS
credentials in the environment and no AWS configuration files.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.ports import free_port

REGION = "us-east-1"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLEDRIFTTEST",
    "AWS_SECRET_ACCESS_KEY": "drift-test-secret-never-printed",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# moto's built-in AppSync definitions lack AWSDate and @aws_lambda: this schema avoids them.
MOTO_SCHEMA = """\
type Query @aws_api_key @aws_iam {
  getNote(id: ID!): Note
  listNotes(status: Status): [Note!]!
}

type Mutation @aws_api_key {
  createNote(title: String!): Note
}

type Note @aws_api_key @aws_iam {
  id: ID!
  title: String!
  status: Status!
  createdAt: AWSDateTime
}

enum Status {
  OPEN
  DONE
}
"""


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, no profile, no configuration files, no instance metadata."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@dataclass
class MotoServer:
    """A running ``moto_server`` and the API created in it."""

    url: str
    pid: int
    api_id: str

    def client(self) -> Any:
        """A boto3 AppSync client talking to this server."""
        import boto3

        return boto3.client(
            "appsync",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id=FAKE_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_ENV["AWS_SECRET_ACCESS_KEY"],
        )


def _moto_command(port: int) -> list[str] | None:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return None
    script = Path(sys.executable).parent / "moto_server"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return [*base, "-H", "127.0.0.1", "-p", str(port)]


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answers: up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start in time")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's server on 127.0.0.1 with one API (``MOTO_SCHEMA``, API_KEY + AWS_IAM)."""
    port = free_port()
    command = _moto_command(port)
    if command is None:
        pytest.skip("moto[server] is not installed (pip install 'moto[server]')")
    try:
        import boto3  # noqa: F401
        import flask  # noqa: F401  (moto's server mode)
    except ImportError as exc:
        pytest.skip(f"moto's server mode needs {exc.name}")
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    env = {**os.environ, **FAKE_ENV}
    with log.open("wb") as output:
        proc = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc)
        server = MotoServer(url=url, pid=proc.pid, api_id="")
        client = server.client()
        api = client.create_graphql_api(
            name="drift-test",
            authenticationType="API_KEY",
            additionalAuthenticationProviders=[{"authenticationType": "AWS_IAM"}],
        )["graphqlApi"]
        client.start_schema_creation(apiId=api["apiId"], definition=MOTO_SCHEMA.encode())
        status = client.get_schema_creation_status(apiId=api["apiId"])["status"]
        assert status == "SUCCESS", status
        server.api_id = api["apiId"]
        yield server
    finally:
        _stop(proc)


# -- a stub control plane for the failures moto does not produce --------------------------

STUB_ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "unauthorized": (
        401,
        {"x-amzn-ErrorType": "UnauthorizedException"},
        b'{"message": "You are not authorized to make this call."}',
    ),
    "forbidden": (
        403,
        {"x-amzn-ErrorType": "InvalidSignatureException"},
        b'{"message": "The request signature we calculated does not match the signature"}',
    ),
    "badschema": (
        400,
        {"x-amzn-ErrorType": "GraphQLSchemaException"},
        b'{"message": "Schema is not valid."}',
    ),
    "garbage": (200, {}, b"type Query {\n  broken(: String\n}\n"),
    "throttled": (429, {"x-amzn-ErrorType": "LimitExceededException"}, b"<html>slow down</html>"),
    "fault": (500, {}, b"<html>oops</html>"),
}


class _StubHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        api_id = parts[2] if len(parts) >= 3 else ""
        status, headers, body = STUB_ROUTES.get(api_id, (404, {}, b'{"message": "nope"}'))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="session")
def stub() -> Iterator[str]:
    """A stub control plane on 127.0.0.1: API ids name the failure (see ``STUB_ROUTES``)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- running the command ------------------------------------------------------------------


@dataclass
class Outcome:
    """What one in-process run of ``appsync-codegen`` did."""

    code: int
    out: str
    err: str


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> Outcome:
    """``appsync-codegen ARGS`` in this process (stdout and stderr captured)."""
    from appsync_codegen.cli import main

    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Outcome(code, captured.out, captured.err)


def copy_tree(source: Path, target: Path) -> Path:
    """A copy of ``source`` at ``target`` (returned)."""
    shutil.copytree(source, target)
    return target


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` with its mtime and content: to prove nothing was written."""
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def json_output(outcome: Outcome) -> Any:
    """The command's stdout parsed as JSON."""
    return json.loads(outcome.out)


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    """Run the block with ``path`` as the working directory."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
