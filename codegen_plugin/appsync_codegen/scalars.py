"""The AppSync scalars in generated code: ariadne-codegen's scalar settings, and how
the plugin treats each runtime parser.

The Python side of every scalar (its type, ``parse_*`` and ``serialize_*``) lives
in the runtime's ``appsync_runtime.scalars``, which generated code imports; this
module only names those functions. To map a new scalar, add its functions to the
runtime, its entry to :data:`SCALAR_TYPES`, and its parser to
:data:`FINAL_PARSERS` (or :data:`PLAIN_STRING_PARSERS`, and to
:data:`WIRE_SERIALIZERS` when pydantic cannot dump its value in JSON mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = [
    "FINAL_PARSERS",
    "PLAIN_STRING_PARSERS",
    "RUNTIME_SCALARS_MODULE",
    "SCALAR_TYPES",
    "WIRE_SERIALIZERS",
]

RUNTIME_SCALARS_MODULE = "appsync_runtime.scalars"
"""The runtime module generated code imports scalar types and functions from."""


def _hooks(scalar: str, suffix: str | None) -> dict[str, str]:
    module = RUNTIME_SCALARS_MODULE
    if suffix is None:  # a plain str: no Python call either way
        return {"type": f"{module}.{scalar}"}
    return {
        "type": f"{module}.{scalar}",
        "parse": f"{module}.parse_aws_{suffix}",
        "serialize": f"{module}.serialize_aws_{suffix}",
    }


SCALAR_TYPES: Final[Mapping[str, Mapping[str, str]]] = {
    "AWSDate": _hooks("AWSDate", "date"),
    "AWSTime": _hooks("AWSTime", "time"),
    "AWSDateTime": _hooks("AWSDateTime", "datetime"),
    "AWSTimestamp": _hooks("AWSTimestamp", "timestamp"),
    "AWSEmail": _hooks("AWSEmail", None),
    "AWSPhone": _hooks("AWSPhone", None),
    "AWSURL": _hooks("AWSURL", None),
    "AWSJSON": _hooks("AWSJSON", "json"),
    "AWSIPAddress": _hooks("AWSIPAddress", "ip_address"),
}
"""ariadne-codegen's ``[tool.ariadne-codegen.scalars.<Name>]`` settings, per scalar
(``appsync-codegen scalars`` prints them; ``generate`` adds them, the user's own win).

``AWSEmail``, ``AWSPhone`` and ``AWSURL`` have a ``type`` only: they are ``str``, which
pydantic checks without calling Python (their ``parse_*``/``serialize_*`` functions
would only check the type again). ariadne-codegen writes every other ``parse`` as a
``BeforeValidator``; the plugin makes it a ``PlainValidator`` (the function's result
is final: pydantic does not validate it again).

Plain ariadne-codegen passes a list argument whole to ``serialize``: right for every
scalar but AWSJSON, whose ``serialize`` reads a list as one JSON array. The plugin
serializes list items one by one; without it, serialize a ``[AWSJSON]`` argument with
``appsync_runtime.scalars.serialize_aws_json_list``.
"""

PLAIN_STRING_PARSERS: Final = frozenset({"parse_aws_email", "parse_aws_phone", "parse_aws_url"})
"""Parsers of the plain-string scalars: the plugin drops them where a configuration
still maps them (pydantic's own ``str`` check replaces the call)."""

FINAL_PARSERS: Final = frozenset(
    {
        "parse_aws_date",
        "parse_aws_time",
        "parse_aws_datetime",
        "parse_aws_timestamp",
        "parse_aws_json",
        "parse_aws_ip_address",
    }
)
"""Parsers the plugin makes ``PlainValidator`` s: they accept values of their type
already and refuse the rest, so their result is final."""

WIRE_SERIALIZERS: Final[Mapping[str, str]] = {
    "parse_aws_date": "serialize_aws_date",
    "parse_aws_time": "serialize_aws_time",
    "parse_aws_datetime": "serialize_aws_datetime",
}
"""Parsers whose values pydantic cannot dump in JSON mode behind a ``PlainValidator``
without warnings (it checks its string against the date/time type): JSON dumps of
these use the runtime's serializer, which writes the exact wire text."""
