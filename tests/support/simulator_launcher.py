"""Run a local AWS AppSync for the project's own tests, and mint the JWTs it accepts.

This launcher lives with the project's tests, not in the runtime package: it drives
the Node.js Amplify simulator in ``simulator/`` of a source checkout, which a wheel
does not carry. Users test their code with :mod:`appsync_runtime.testing` (pure
Python) instead.

:class:`AppSyncSimulator` starts the AWS Amplify AppSync simulator (Node.js) as a
subprocess bound to 127.0.0.1 on a free port and stops it by PID::

    with AppSyncSimulator("example_schema/simulator.json") as sim:
        httpx.post(sim.url, headers={"x-api-key": sim.api_key}, json={"query": "{ ... }"})
        token = sim.cognito_token(groups=["admins"])   # for an Authorization header

Finding the launcher, ``server.js`` and its ``node_modules`` (first match wins):

1. the ``simulator_dir`` argument: a folder holding ``server.js``;
2. the ``APPSYNC_SIMULATOR_DIR`` environment variable;
3. ``simulator/`` in the appsync-typed source checkout this module was imported from,
   then in the current directory or any of its parents.

An installed wheel carries no ``server.js``: copy the project's ``simulator/`` folder
(``package.json``, ``package-lock.json``, ``server.js``), run ``npm ci`` in it and point
``APPSYNC_SIMULATOR_DIR`` at it. ``node_modules`` defaults to the one in that folder; a
``node_modules`` argument elsewhere is put on ``NODE_PATH``.

The config file is the JSON ``server.js`` reads (schema, resolvers, data sources, API
keys, auth modes); the helpers read the API key, Cognito pool and OIDC issuer from it.
JWTs minted here are unsigned (dummy signature): the simulator decodes tokens without
verifying them. Secrets (API keys, tokens) never appear in ``repr`` or error messages.
Only the standard library is used.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, cast

__all__ = [
    "ENV_SIMULATOR_DIR",
    "AppSyncSimulator",
    "SimulatorError",
    "cognito_claims",
    "find_simulator_dir",
    "mint_jwt",
    "oidc_claims",
    "simulator_unavailable_reason",
]

ENV_SIMULATOR_DIR: Final = "APPSYNC_SIMULATOR_DIR"
"""Environment variable naming the folder that holds ``server.js``."""

READY_MARKER: Final = "APPSYNC_SIMULATOR_READY"
SIMULATOR_PACKAGE: Final = ("@aws-amplify", "amplify-appsync-simulator")
_SERVER_JS: Final = "server.js"
_DEFAULT_HEADER: Final[Mapping[str, Any]] = {
    "alg": "RS256",
    "kid": "appsync-typed-test-key",
    "typ": "JWT",
}
_DUMMY_SIGNATURE: Final = "dW5zaWduZWQtdGVzdC10b2tlbg"  # base64url("unsigned-test-token")
_POOL_REGION = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)_")


class SimulatorError(RuntimeError):
    """The simulator could not be found, started or stopped."""


# --------------------------------------------------------------------------- JWTs


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(value: Mapping[str, Any]) -> str:
    return _b64url(json.dumps(dict(value), separators=(",", ":")).encode("utf-8"))


def mint_jwt(claims: Mapping[str, Any], *, header: Mapping[str, Any] | None = None) -> str:
    """Return ``header.payload.signature`` for ``claims``, with a dummy signature.

    Well-formed (base64url, no padding) but not signed: only for servers that decode
    without verifying, such as the AppSync simulator.
    """
    head = _DEFAULT_HEADER if header is None else header
    return f"{_b64url_json(head)}.{_b64url_json(claims)}.{_DUMMY_SIGNATURE}"


def _times(now: float | None, expires_in: float) -> dict[str, int]:
    issued = int(time.time() if now is None else now)
    return {"iat": issued, "auth_time": issued, "exp": issued + int(expires_in)}


def cognito_claims(
    *,
    user_pool_id: str,
    region: str | None = None,
    sub: str | None = None,
    username: str = "test-user",
    groups: Sequence[str] = (),
    token_use: Literal["access", "id"] = "access",
    client_id: str = "testclientid",
    email: str | None = None,
    expires_in: float = 3600,
    now: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Claims shaped like a Cognito user pool token (access by default, or id).

    ``iss`` is ``https://cognito-idp.<region>.amazonaws.com/<user_pool_id>``; the region
    defaults to the pool id's prefix (``us-east-1_Abc`` gives ``us-east-1``). ``extra``
    claims are added last and override the others.
    """
    if region is None:
        match = _POOL_REGION.match(user_pool_id)
        if match is None:
            raise ValueError("cannot infer the region from user_pool_id; pass region=")
        region = match.group(1)
    claims: dict[str, Any] = {
        "sub": sub if sub is not None else str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
        "iss": f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}",
        "token_use": token_use,
        "jti": str(uuid.uuid4()),
        **_times(now, expires_in),
    }
    if groups:
        claims["cognito:groups"] = list(groups)
    if token_use == "access":
        claims.update(client_id=client_id, username=username, scope="aws.cognito.signin.user.admin")
    else:
        claims.update({"aud": client_id, "cognito:username": username})
        claims["email"] = email if email is not None else f"{username}@example.com"
        claims["email_verified"] = True
    if email is not None:
        claims["email"] = email
    claims.update(extra)
    return claims


def oidc_claims(
    *,
    issuer: str,
    sub: str = "test-user",
    audience: str | Sequence[str] | None = None,
    expires_in: float = 3600,
    now: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Claims of an OpenID Connect token from ``issuer``; ``extra`` ones override."""
    claims: dict[str, Any] = {"iss": issuer, "sub": sub, **_times(now, expires_in)}
    if audience is not None:
        claims["aud"] = audience if isinstance(audience, str) else list(audience)
    claims.update(extra)
    return claims


# --------------------------------------------------------------------------- locating


def _source_checkout_candidates() -> Iterable[Path]:
    here = Path(__file__).resolve().parent
    # tests/support/simulator_launcher.py -> <repo>/simulator
    yield from (parent / "simulator" for parent in here.parents[:3])
    cwd = Path.cwd().resolve()
    yield from (folder / "simulator" for folder in (cwd, *cwd.parents))


def find_simulator_dir(simulator_dir: str | Path | None = None) -> Path:
    """Return the folder holding ``server.js`` (see the module docstring for the order)."""
    if simulator_dir is not None:
        candidates: Iterable[Path] = [Path(simulator_dir)]
        origin = "simulator_dir argument"
    elif os.environ.get(ENV_SIMULATOR_DIR):
        candidates = [Path(os.environ[ENV_SIMULATOR_DIR])]
        origin = f"${ENV_SIMULATOR_DIR}"
    else:
        candidates = _source_checkout_candidates()
        origin = "the source checkout or the current directory"
    for candidate in candidates:
        if (candidate / _SERVER_JS).is_file():
            return candidate.resolve()
    raise SimulatorError(
        f"no simulator/{_SERVER_JS} found via {origin}; set {ENV_SIMULATOR_DIR} to the folder "
        f"holding {_SERVER_JS} (the appsync-typed repository's simulator/ folder)"
    )


def _package_dir(node_modules: Path) -> Path:
    return node_modules.joinpath(*SIMULATOR_PACKAGE)


def simulator_unavailable_reason(
    *,
    node: str = "node",
    simulator_dir: str | Path | None = None,
    node_modules: str | Path | None = None,
) -> str | None:
    """Why the simulator cannot run here (for ``pytest.skip``), or ``None`` if it can."""
    if shutil.which(node) is None:
        return f"Node.js executable {node!r} not found on PATH"
    try:
        folder = find_simulator_dir(simulator_dir)
    except SimulatorError as exc:
        return str(exc)
    modules = Path(node_modules) if node_modules is not None else folder / "node_modules"
    if not _package_dir(modules).is_dir():
        package = "/".join(SIMULATOR_PACKAGE)
        return f"{package} is not installed in {modules} (run: npm ci --prefix {folder})"
    return None


# --------------------------------------------------------------------------- simulator


class AppSyncSimulator:
    """The AWS Amplify AppSync simulator in a subprocess, bound to 127.0.0.1.

    ``start()`` launches ``node server.js --config <config_path>`` in its own process
    group and waits for its ready line; ``stop()`` sends SIGTERM to the group, then
    SIGKILL after ``stop_timeout``, and reaps the process. Also a context manager.
    The node process exits by itself if this Python process dies (it watches stdin).

    ``node_modules`` and ``simulator_dir`` locate the simulator (module docstring);
    ``port`` 0 lets the kernel pick a free one; ``log_dir`` keeps the simulator's
    stdout/stderr logs there (else a temporary folder removed on stop); ``env`` adds
    environment variables for the node process.
    """

    def __init__(
        self,
        config_path: str | Path,
        *,
        node_modules: str | Path | None = None,
        node: str = "node",
        startup_timeout: float = 60,
        simulator_dir: str | Path | None = None,
        port: int = 0,
        stop_timeout: float = 5,
        log_dir: str | Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config_path: Path = Path(config_path).resolve()
        self.node = node
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port_requested = port
        self._simulator_dir = simulator_dir
        self._node_modules = Path(node_modules).resolve() if node_modules is not None else None
        self._log_dir = Path(log_dir) if log_dir is not None else None
        self._extra_env = dict(env or {})
        self._config = self._read_config(self.config_path)
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._ready: dict[str, Any] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stdout_path: Path | None = None
        self._stderr_path: Path | None = None

    # -- config ---------------------------------------------------------------------

    @staticmethod
    def _read_config(path: Path) -> dict[str, Any]:
        try:
            data: object = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SimulatorError(f"cannot read simulator config {path}: {exc}") from None
        if not isinstance(data, dict):
            raise SimulatorError(f"simulator config {path} is not a JSON object")
        return cast("dict[str, Any]", data)

    @property
    def _app_sync(self) -> dict[str, Any]:
        return _object(self._config.get("appSync"))

    def _providers(self) -> list[dict[str, Any]]:
        default: object = self._app_sync.get("defaultAuthenticationType") or {
            "authenticationType": "API_KEY"
        }
        extra: object = self._app_sync.get("additionalAuthenticationProviders") or []
        listed: list[object] = cast("list[object]", extra) if isinstance(extra, list) else []
        candidates: list[object] = [default, *listed]
        return [cast("dict[str, Any]", p) for p in candidates if isinstance(p, dict)]

    def _provider(self, mode: str) -> dict[str, Any]:
        for provider in self._providers():
            if provider.get("authenticationType") == mode:
                return provider
        raise SimulatorError(f"{mode} is not an auth mode of {self.config_path.name}")

    @property
    def auth_modes(self) -> tuple[str, ...]:
        """The API's auth modes, default first."""
        return tuple(str(p.get("authenticationType")) for p in self._providers())

    @property
    def api_keys(self) -> tuple[str, ...]:
        """Every API key the simulator accepts, the primary first."""
        keys: object = self._app_sync.get("apiKeys")
        if isinstance(keys, list):
            return tuple(str(k) for k in cast("list[object]", keys) if k)
        key = self._app_sync.get("apiKey")
        return (str(key),) if key else ()

    @property
    def api_key(self) -> str:
        """The primary API key."""
        keys = self.api_keys
        if not keys:
            raise SimulatorError(f"{self.config_path.name} configures no API key")
        return keys[0]

    @property
    def cognito_user_pool_id(self) -> str:
        """``cognitoUserPoolConfig.UserPoolId`` of the config."""
        config = _object(self._provider("AMAZON_COGNITO_USER_POOLS").get("cognitoUserPoolConfig"))
        pool = config.get("UserPoolId")
        if not pool:
            raise SimulatorError("the Cognito provider has no cognitoUserPoolConfig.UserPoolId")
        return str(pool)

    @property
    def cognito_region(self) -> str | None:
        """``cognitoUserPoolConfig.AwsRegion``, or ``None`` to infer it from the pool id."""
        config = _object(self._provider("AMAZON_COGNITO_USER_POOLS").get("cognitoUserPoolConfig"))
        region = config.get("AwsRegion")
        return str(region) if region else None

    @property
    def oidc_issuer(self) -> str:
        """``openIDConnectConfig.Issuer`` of the config."""
        config = _object(self._provider("OPENID_CONNECT").get("openIDConnectConfig"))
        issuer = config.get("Issuer")
        if not issuer:
            raise SimulatorError("the OPENID_CONNECT provider has no openIDConnectConfig.Issuer")
        return str(issuer)

    @property
    def oidc_client_id(self) -> str | None:
        """``openIDConnectConfig.ClientId``, if set."""
        config = _object(self._provider("OPENID_CONNECT").get("openIDConnectConfig"))
        client = config.get("ClientId")
        return str(client) if client else None

    def cognito_token(
        self, *, groups: Sequence[str] = (), username: str = "test-user", **claims: Any
    ) -> str:
        """A JWT for this API's Cognito user pool (see :func:`cognito_claims`)."""
        return mint_jwt(
            cognito_claims(
                user_pool_id=self.cognito_user_pool_id,
                region=self.cognito_region,
                groups=groups,
                username=username,
                **claims,
            )
        )

    def oidc_token(self, *, sub: str = "test-user", **claims: Any) -> str:
        """A JWT from this API's OIDC issuer (see :func:`oidc_claims`)."""
        claims.setdefault("audience", self.oidc_client_id)
        return mint_jwt(oidc_claims(issuer=self.oidc_issuer, sub=sub, **claims))

    # -- process ----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the node process is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int:
        """PID of the node process (kept after :meth:`stop`, for checks)."""
        if self._pid is None:
            raise SimulatorError("the simulator was never started")
        return self._pid

    def _ready_value(self, key: str) -> Any:
        if not self.running or key not in self._ready:
            raise SimulatorError("the simulator is not running; call start() first")
        return self._ready[key]

    @property
    def url(self) -> str:
        """GraphQL HTTP endpoint, ``http://127.0.0.1:<port>/graphql``."""
        return str(self._ready_value("url"))

    @property
    def realtime_url(self) -> str:
        """Real-time WebSocket endpoint, ``ws://127.0.0.1:<port>/graphql/realtime``."""
        return str(self._ready_value("realtime_url"))

    @property
    def port(self) -> int:
        """TCP port the simulator listens on."""
        return int(self._ready_value("port"))

    @property
    def host(self) -> str:
        """``host:port`` of the endpoint, for the real-time auth header set."""
        return f"127.0.0.1:{self.port}"

    @property
    def stderr_path(self) -> Path | None:
        """The simulator's log file (removed on stop unless ``log_dir`` was given)."""
        return self._stderr_path

    def stderr_tail(self, lines: int = 40) -> str:
        """The last lines of the simulator's log, with API keys masked."""
        if self._stderr_path is None or not self._stderr_path.exists():
            return ""
        text = self._stderr_path.read_text(encoding="utf-8", errors="replace")
        tail = "\n".join(text.splitlines()[-lines:])
        for key in self.api_keys:
            tail = tail.replace(key, "***")
        return tail

    def _command(self, server_js: Path) -> list[str]:
        return [
            self.node,
            str(server_js),
            "--config",
            str(self.config_path),
            "--port",
            str(self.port_requested),
            "--exit-with-stdin",
        ]

    def _environment(self, folder: Path) -> dict[str, str]:
        env = {**os.environ, **self._extra_env}
        if self._node_modules is not None and self._node_modules != folder / "node_modules":
            current = env.get("NODE_PATH")
            paths = [str(self._node_modules), *([current] if current else [])]
            env["NODE_PATH"] = os.pathsep.join(paths)
        return env

    def start(self) -> AppSyncSimulator:
        """Launch the simulator and wait until it serves; return ``self``."""
        if self.running:
            raise SimulatorError("the simulator is already running")
        folder = find_simulator_dir(self._simulator_dir)
        reason = simulator_unavailable_reason(
            node=self.node, simulator_dir=folder, node_modules=self._node_modules
        )
        if reason is not None:
            raise SimulatorError(reason)
        if self._log_dir is not None:
            self._log_dir.mkdir(parents=True, exist_ok=True)
            log_dir = self._log_dir
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="appsync-simulator-")
            log_dir = Path(self._tmp.name)
        self._stdout_path = log_dir / "simulator.stdout.log"
        self._stderr_path = log_dir / "simulator.stderr.log"
        self._ready = {}
        with self._stdout_path.open("wb") as out, self._stderr_path.open("wb") as err:
            try:
                proc = subprocess.Popen(
                    self._command(folder / _SERVER_JS),
                    cwd=folder,
                    env=self._environment(folder),
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=err,
                    # its own process group, so stopping it stops its children too
                    start_new_session=sys.platform != "win32",
                    creationflags=_NEW_PROCESS_GROUP,
                )
            except OSError as exc:
                self._cleanup_logs()
                raise SimulatorError(f"cannot run {self.node!r}: {exc}") from None
        self._proc = proc
        self._pid = proc.pid
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self._proc is not None and self._stdout_path is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            output = self._stdout_path.read_text(encoding="utf-8", errors="replace")
            for line in output.split("\n")[:-1]:  # complete lines only
                if line.startswith(READY_MARKER + " "):
                    self._ready = json.loads(line[len(READY_MARKER) + 1 :])
                    return
            code = self._proc.poll()
            if code is not None:
                raise SimulatorError(
                    f"the simulator exited with status {code} before it was ready; "
                    f"its log ends with:\n{self.stderr_tail()}"
                )
            if time.monotonic() > deadline:
                raise SimulatorError(
                    f"the simulator was not ready after {self.startup_timeout:g} s; "
                    f"its log ends with:\n{self.stderr_tail()}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the simulator by PID: SIGTERM to its group, then SIGKILL; reap it."""
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.poll() is None:
                _signal_group(proc, kill=False)
                try:
                    proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(proc, kill=True)
                    proc.wait(self.stop_timeout)
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            self._proc = None
            self._ready = {}
            self._cleanup_logs()

    def _cleanup_logs(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self._stdout_path = self._stderr_path = None

    def __enter__(self) -> AppSyncSimulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"url={self._ready.get('url')!r} pid={self._pid}" if self.running else "stopped"
        return f"<AppSyncSimulator config={self.config_path.name!r} {state}>"


_NEW_PROCESS_GROUP: int = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
"""Windows' flag for a process group of the simulator's own (0 elsewhere)."""


def _object(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object (a dict), else an empty one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def _signal_group(proc: subprocess.Popen[bytes], *, kill: bool) -> None:
    """Signal the process group led by ``proc`` (it was started in its own session)."""
    if sys.platform == "win32":
        if kill:
            proc.kill()
        else:
            proc.terminate()
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
