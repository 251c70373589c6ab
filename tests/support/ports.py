"""Local TCP ports for tests."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening on it right now.

    Connections to it are refused until something binds it, so it also serves as a
    dead address.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def dead_url() -> str:
    """A GraphQL URL on 127.0.0.1 where connections are refused."""
    return f"http://127.0.0.1:{free_port()}/graphql"
