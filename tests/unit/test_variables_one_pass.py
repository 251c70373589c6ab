"""A generated method's variables written in one pass send what the general path sends.

``encode_body`` writes a plain ``dict`` of variables (what generated methods pass) in
one pass when it can, each model serialized by pydantic straight to JSON bytes; any
other mapping takes the general path (``encode_variables``, then the JSON encoder).
These properties give both paths the same generated variables (models built with
hostile field values: NaN and infinities, lone surrogates, huge integers, strings
that spell ``null``, nested models, aliases, unset fields) and compare: the same
error message, or bodies that decode to the same values, byte for byte the same when
no float is involved (pydantic writes ``1e16`` where Python writes ``1e+16``).
"""

from __future__ import annotations

import enum
import json
import warnings
from datetime import datetime, timezone
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, Field

from appsync_runtime import UNSET, AppSyncConfigError, BaseModel
from appsync_runtime._request import encode_body


class Status(str, enum.Enum):
    DRAFT = "DRAFT"
    NULL = "null"  # a value that spells JSON's null: must not confuse the one-pass check


class Inner(BaseModel):
    label: str
    weight: float | None = None


class Loose(BaseModel):
    """Floats written as NaN constants by its own configuration (a user's model)."""

    model_config = ConfigDict(ser_json_inf_nan="constants")
    value: float | None = None


class Filter(BaseModel):
    status: Status | None = None
    title: str | None = Field(default=None, alias="titleText")
    count: int | None = None
    ratio: float | None = None
    tags: list[str] | None = None
    scores: list[float] | None = None
    extra: dict[str, Any] | None = None
    inner: Inner | None = None
    inners: list[Inner] | None = None
    loose: Loose | None = None
    at: datetime | None = None
    price: Decimal | None = None


texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["null", "NaN", "Infinity", "\ud800", 'q"uote\\', "\n\t\x00", "é✓"]),
)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e16, 1e-7, -0.0, 3.0])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**70), texts, floats
)


@st.composite
def inners(draw: st.DrawFn) -> Inner:
    fields: dict[str, Any] = {"label": draw(texts)}
    if draw(st.booleans()):
        fields["weight"] = draw(st.none() | floats)
    return Inner.model_construct(**fields)  # unchecked: NaN and anything else may sit here


def _loose(value: float | None) -> Loose:
    return Loose.model_construct(value=value)


@st.composite
def filters(draw: st.DrawFn) -> Filter:
    choices: dict[str, st.SearchStrategy[Any]] = {
        "status": st.sampled_from([None, Status.DRAFT, Status.NULL]),
        "title": st.none() | texts,
        "count": st.none() | st.integers(),
        "ratio": st.none() | floats,
        "tags": st.lists(texts, max_size=3),
        "scores": st.lists(floats, max_size=3),
        "extra": st.dictionaries(st.text(max_size=4), scalars, max_size=3),
        "inner": inners(),
        "inners": st.lists(inners(), max_size=2),
        "loose": st.builds(_loose, st.none() | floats),
        "at": st.datetimes(timezones=st.just(timezone.utc)),
        "price": st.decimals(allow_nan=True, allow_infinity=True, places=2),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(choices)), unique=True, max_size=5))
    fields = {name: draw(choices[name]) for name in chosen}
    if draw(st.booleans()):
        return Filter.model_construct(**fields)  # only these fields set: the rest left out
    checked: dict[str, Any] = {}
    for name, value in fields.items():  # through validation: what users usually build
        checked["titleText" if name == "title" else name] = value
    try:
        return Filter.model_validate(checked)
    except Exception:
        return Filter.model_construct(**fields)


values = st.one_of(st.just(UNSET), scalars, filters(), inners())
variables = st.dictionaries(st.one_of(st.text(max_size=6), st.just("\ud800")), values, max_size=5)


def _outcome(vars_: Any) -> tuple[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic's warnings about unchecked values
        try:
            return "body", encode_body("query Q { q }", "Q", vars_)
        except AppSyncConfigError as exc:
            return "error", str(exc)


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, BaseModel):
        return any(_has_float(item) for item in vars(value).values())
    if isinstance(value, dict):
        return any(_has_float(item) for item in cast("dict[object, object]", value).values())
    if isinstance(value, list):
        return any(_has_float(item) for item in cast("list[object]", value))
    return False


@settings(max_examples=400, deadline=None)
@given(variables)
def test_one_pass_sends_what_the_general_path_sends(vars_: dict[str, Any]) -> None:
    quick = _outcome(vars_)
    general = _outcome(MappingProxyType(vars_))  # not a dict: always the general path
    assert quick[0] == general[0], (quick, general)
    if quick[0] == "error":
        assert quick[1] == general[1]
        return
    assert json.loads(quick[1]) == json.loads(general[1])
    if not _has_float(vars_):
        assert quick[1] == general[1]


def test_a_nan_inside_a_model_is_refused_and_located() -> None:
    for bad in (float("nan"), float("inf"), float("-inf")):
        kind, message = _outcome(
            {"f": Filter.model_construct(inner=Inner.model_construct(label="x", weight=bad))}
        )
        assert kind == "error"
        assert "variables.f.inner.weight" in message
        kind, message = _outcome(
            {"f": Filter.model_construct(loose=Loose.model_construct(value=bad))}
        )
        assert kind == "error"
        assert "variables.f.loose.value" in message


def test_the_common_shape_is_written_exactly() -> None:
    kind, body = _outcome({"filter": Filter(status=Status.DRAFT), "limit": 3, "next": UNSET})
    assert kind == "body"
    assert body == (
        b'{"query":"query Q { q }","variables":{"filter":{"status":"DRAFT"},"limit":3},'
        b'"operationName":"Q"}'
    )
