"""URL validation, regions and real-time URLs."""

from __future__ import annotations

import pytest

from appsync_runtime import AppSyncConfigError
from appsync_runtime._endpoints import is_loopback_host, parse_endpoint, region_from_host

STD = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-2.amazonaws.com/graphql"


def test_standard_endpoint() -> None:
    ep = parse_endpoint(STD)
    assert ep.region == "eu-west-2" and ep.is_standard
    assert ep.host == "abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-2.amazonaws.com"
    assert ep.realtime_url == (
        "wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-2.amazonaws.com/graphql"
    )


def test_china_endpoint_region() -> None:
    assert region_from_host("abc.appsync-api.cn-north-1.amazonaws.com.cn") == "cn-north-1"


def test_custom_domain_needs_region_and_uses_graphql_realtime() -> None:
    ep = parse_endpoint("https://api.example.com/graphql")
    assert ep.region is None and not ep.is_standard
    assert ep.realtime_url == "wss://api.example.com/graphql/realtime"
    assert parse_endpoint("https://api.example.com/graphql", region="us-east-1").region == (
        "us-east-1"
    )


def test_private_api_host_override() -> None:
    ep = parse_endpoint(
        "https://vpce-0123-abcd.appsync-api.us-east-1.vpce.amazonaws.com/graphql",
        host="abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com",
    )
    assert ep.host.startswith("abcdefghijklmnopqrstuvwxyz.") and ep.region == "us-east-1"


def test_loopback_http_maps_to_ws() -> None:
    ep = parse_endpoint("http://127.0.0.1:20002/graphql")
    assert ep.realtime_url == "ws://127.0.0.1:20002/graphql/realtime"
    assert ep.host == "127.0.0.1:20002"


def test_explicit_realtime_url_wins() -> None:
    ep = parse_endpoint(STD, realtime_url="wss://proxy.example.com/rt")
    assert ep.realtime_url == "wss://proxy.example.com/rt"


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/graphql",
        "ftp://api.example.com/graphql",
        "https://user:pw@api.example.com/graphql",
        "https:///graphql",
        "https://api.example.com/graph ql",
        "https://api.example.com/graphql\r\nX: y",
        "https://api.example.com:99999/graphql",
        "",
        "https://api.example.com/graphql#frag",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(AppSyncConfigError) as info:
        parse_endpoint(url)
    assert "pw" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"region": "moon-1"},
        {"realtime_url": "ws://api.example.com/x"},
        {"realtime_url": "https://api.example.com/x"},
        {"host": "a.example.com/path"},
    ],
)
def test_bad_options(kwargs: dict[str, str]) -> None:
    with pytest.raises(AppSyncConfigError):
        parse_endpoint(STD, **kwargs)


@pytest.mark.parametrize(
    ("host", "expected"),
    [("localhost", True), ("127.0.0.5", True), ("[::1]", True), ("10.0.0.1", False), ("x", False)],
)
def test_loopback(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected
