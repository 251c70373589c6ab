"""Control-plane and endpoint answers of any JSON shape: a result or a typed error, never a crash.

The reference functions below are the straightforward readings of each answer; the
code under test reads the same answers through typed views and must agree with them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_codegen.schema_source import (
    EXIT_HTTP_ERROR,
    EXIT_MALFORMED,
    SchemaSourceError,
    fetch_api_auth,
    introspect_endpoint,
)
from appsync_runtime import Credentials
from tests.support.examples import examples

CREDENTIALS = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
KEYS = st.sampled_from(
    [
        "graphqlApi",
        "authenticationType",
        "additionalAuthenticationProviders",
        "data",
        "__schema",
        "errors",
        "message",
        "x",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
    | st.sampled_from(["API_KEY", "AWS_IAM"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
BODIES = JSON.map(lambda value: json.dumps(value).encode()) | st.binary(max_size=8)
MODE = st.fixed_dictionaries({"authenticationType": SCALARS}) | st.dictionaries(KEYS, JSON)
API = st.fixed_dictionaries(
    {},
    optional={
        "authenticationType": SCALARS,
        "additionalAuthenticationProviders": st.lists(MODE, max_size=3) | JSON,
    },
)
API_BODIES = (
    st.fixed_dictionaries({"graphqlApi": API | JSON}).map(lambda value: json.dumps(value).encode())
    | BODIES
)
INTROSPECTION = st.fixed_dictionaries(
    {}, optional={"data": st.fixed_dictionaries({}, optional={"__schema": JSON}) | JSON}
)
INTROSPECTION_BODIES = (
    INTROSPECTION.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries({"errors": st.lists(st.dictionaries(KEYS, JSON))}).map(
        lambda value: json.dumps(value).encode()
    )
    | BODIES
)


def _transport(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


def _reference_auth(body: bytes) -> tuple[str, tuple[str, ...]] | None:
    try:
        api: Any = json.loads(body)["graphqlApi"]
        default = str(api["authenticationType"])
        providers = api.get("additionalAuthenticationProviders") or []
        additional = tuple(str(item["authenticationType"]) for item in providers)
    except (ValueError, KeyError, TypeError):
        return None
    return default, tuple(dict.fromkeys(additional))


@settings(max_examples=examples(300))
@given(API_BODIES)
def test_get_graphql_api_answers(body: bytes) -> None:
    expected = _reference_auth(body)
    try:
        found = fetch_api_auth(
            "api", "eu-west-1", credentials=CREDENTIALS, transport=_transport(body)
        )
    except SchemaSourceError as exc:
        assert expected is None, body
        assert exc.exit_code == EXIT_HTTP_ERROR
        return
    assert (found.default_auth_mode, found.additional_auth_modes) == expected


def _reference_introspection(body: bytes) -> dict[str, Any] | None:
    try:
        answer: Any = json.loads(body)
    except ValueError:
        return None
    data = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(data, dict) and isinstance(data.get("__schema"), dict):
        return data
    return None


@settings(max_examples=examples(300))
@given(INTROSPECTION_BODIES)
def test_introspection_answers(body: bytes) -> None:
    expected = _reference_introspection(body)
    try:
        found = introspect_endpoint("http://127.0.0.1:9/graphql", None, transport=_transport(body))
    except SchemaSourceError as exc:
        assert expected is None, body
        assert exc.exit_code == EXIT_MALFORMED
        return
    assert found == expected


def test_known_answers() -> None:
    answer = {
        "graphqlApi": {
            "authenticationType": "API_KEY",
            "additionalAuthenticationProviders": [
                {"authenticationType": "AWS_IAM"},
                {"authenticationType": "AWS_IAM"},
            ],
        }
    }
    body = json.dumps(answer).encode()
    found = fetch_api_auth("api", "eu-west-1", credentials=CREDENTIALS, transport=_transport(body))
    assert (found.default_auth_mode, found.additional_auth_modes) == ("API_KEY", ("AWS_IAM",))
    with pytest.raises(SchemaSourceError, match=r"no schema: boom"):
        introspect_endpoint(
            "http://127.0.0.1:9/graphql",
            None,
            transport=_transport(b'{"errors": [{"message": "boom"}]}'),
        )
