"""Variables serialized once to the exact JSON bytes sent."""

from __future__ import annotations

import enum
import json
from datetime import datetime, timezone

import pytest
from pydantic import Field

from appsync_runtime import UNSET, AppSyncConfigError, BaseModel, Timeout
from appsync_runtime._request import encode_body


class Color(str, enum.Enum):
    RED = "RED"


class NoteInput(BaseModel):
    title: str
    due_at: datetime | None = Field(default=None, alias="dueAt")
    tags: list[str] | None = None


def decoded(body: bytes) -> dict[str, object]:
    result: dict[str, object] = json.loads(body)
    return result


def test_models_dumped_by_alias_and_unset_fields_left_out() -> None:
    body = encode_body(
        "mutation M($input: NoteInput!) { m }",
        "M",
        {"input": NoteInput(title="t", dueAt=datetime(2024, 1, 2, tzinfo=timezone.utc))},
    )
    assert decoded(body)["variables"] == {"input": {"title": "t", "dueAt": "2024-01-02T00:00:00Z"}}


def test_unset_dropped_none_kept_lists_and_enums() -> None:
    body = encode_body(
        "q",
        None,
        {"a": UNSET, "b": None, "c": [NoteInput(title="x"), None], "d": Color.RED, "e": (1, 2)},
    )
    data = decoded(body)
    assert data["variables"] == {"b": None, "c": [{"title": "x"}, None], "d": "RED", "e": [1, 2]}
    assert "operationName" not in data


def test_unset_dropped_inside_nested_dicts() -> None:
    body = encode_body("q", "Q", {"input": {"a": 1, "b": UNSET}})
    assert decoded(body)["variables"] == {"input": {"a": 1}}


def test_body_is_compact_utf8() -> None:
    body = encode_body("query Q { a }", "Q", {"s": "héllo ✓"})
    assert (
        body == '{"query":"query Q { a }","variables":{"s":"héllo ✓"},"operationName":"Q"}'.encode()
    )


@pytest.mark.parametrize("bad", [float("nan"), object(), "\ud800"])
def test_unserializable_variables_are_config_errors(bad: object) -> None:
    with pytest.raises(AppSyncConfigError):
        encode_body("q", None, {"x": bad})


def test_empty_query_rejected() -> None:
    with pytest.raises(AppSyncConfigError):
        encode_body("  ", None, None)


def test_timeout_coercion() -> None:
    assert Timeout.coerce(5) == Timeout(connect=5.0, read=5.0)
    assert Timeout.coerce(None) == Timeout()
    with pytest.raises(AppSyncConfigError):
        Timeout(connect=-1)
    with pytest.raises(AppSyncConfigError):
        Timeout.coerce("5")  # type: ignore[arg-type]
