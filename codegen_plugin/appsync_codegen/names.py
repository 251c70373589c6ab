"""How GraphQL names become Python names in a generated package.

One rule, applied to every name a package defines (model fields, input fields,
method arguments, client methods, enum members), so that each GraphQL name gets an
attribute of its own and a user can predict it:

1. Leading underscores move to the end: ``_version`` becomes ``version_``,
   ``__typename`` becomes ``typename__``. Names stay public (no ``reportPrivateUsage``)
   and never meet the name without underscores (``version``).
2. The rest is converted to snake_case where the project asks for it (fields,
   arguments, methods; never enum members): ``lastChangedAt`` -> ``last_changed_at``.
   A name whose rest starts with a digit, or is empty, is spelled out:
   ``_9`` -> ``underscore_9``, ``_`` -> ``underscore``.
3. Python keywords, builtin type names (``type``, ``filter``, ``list``) and names the
   surrounding code already uses get a trailing underscore, as many as it takes:
   ``class`` -> ``class_``; an argument named ``auth`` (a per-call option) -> ``auth_``;
   an operation named ``Execute`` (a client member) -> ``execute_``; an enum value
   ``name`` or ``mro`` (members of ``Enum``) -> ``name_``, ``mro_``.
4. Two names of one scope that still meet (``createdAt`` and ``created_at`` with
   snake_case; ``type`` and ``type_``) are told apart deterministically: a name that
   is already its own Python name keeps it; the others, in GraphQL-name order, get
   trailing underscores until they are free.

The wire never changes: each renamed field carries its GraphQL name as its alias,
and enum members keep their GraphQL values.
"""

from __future__ import annotations

import builtins
import enum
import keyword
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import cast

from ariadne_codegen.utils import str_to_snake_case

__all__ = [
    "ARGUMENT_RESERVED",
    "ENUM_RESERVED",
    "FIELD_RESERVED",
    "assign_names",
    "client_members",
    "method_reserved",
    "package_modules",
    "python_name",
]

FIELD_RESERVED: frozenset[str] = frozenset({"typename__"})
"""Names a model field may not take besides the model's own members (added by the
plugin): ``typename__`` holds ``__typename``."""

ENUM_RESERVED: frozenset[str] = frozenset(
    name
    for name in {*dir(enum.Enum), *dir(str), "mro", "name", "value"}
    if not (name.startswith("__") and name.endswith("__"))
)
"""Members of ``str`` and ``Enum``: an enum member of that name breaks the class
(``mro`` raises on import) or confuses type checkers (``name``, ``value``)."""


ARGUMENT_RESERVED: frozenset[str] = frozenset(
    {
        # what a generated method's body defines or calls besides its arguments
        "self",
        "kwargs",
        "options",
        "query",
        "variables",
        "response",
        "data",
        "events",
        "gql",
        "cast",
        "closing",
        "aclosing",
        "isinstance",
        "UNSET",
        "UnsetType",
        # the runtime's per-call options, passed through ``**kwargs``
        "operation_name",
        "operation_type",
        "auth",
        "auth_modes",
        "headers",
        "timeout",
        "retry",
        "idempotent",
        "on_ready",
        "on_gap",
        # the keyword-only limits of the iter_* methods
        "max_pages",
        "max_items",
    }
)
"""Names a method argument may not take: a GraphQL variable named ``self``,
``kwargs``, ``query`` or like a per-call option (``auth``, ``timeout``, ...) would
break the method or take the option's place. :func:`argument_reserved` adds the
options the installed runtime's ``execute`` accepts."""


def argument_reserved() -> frozenset[str]:
    """:data:`ARGUMENT_RESERVED` plus every parameter of the runtime's call methods."""
    import inspect

    from appsync_runtime import AppSyncClient, AsyncAppSyncClient, CallOptions, SubscribeOptions

    names = (
        set(ARGUMENT_RESERVED) | CallOptions.__optional_keys__ | SubscribeOptions.__optional_keys__
    )
    for method in (
        AppSyncClient.execute,
        AppSyncClient.subscribe,
        AsyncAppSyncClient.execute,
        AsyncAppSyncClient.subscribe,
    ):
        names.update(inspect.signature(method).parameters)
    return frozenset(names)


def client_members() -> frozenset[str]:
    """Every attribute of the runtime's clients: a method of that name would replace it."""
    from appsync_runtime import AppSyncClient, AsyncAppSyncClient

    return frozenset({*dir(AppSyncClient), *dir(AsyncAppSyncClient)})


def package_modules(section: Mapping[str, object]) -> frozenset[str]:
    """The modules a package holds besides one per operation, from its
    ``[tool.ariadne-codegen]`` table."""
    appsync = section.get("appsync")
    options: Mapping[str, object] = (
        cast("Mapping[str, object]", appsync) if isinstance(appsync, Mapping) else {}
    )

    def setting(table: Mapping[str, object], key: str, default: str) -> str:
        value = table.get(key)
        return value if isinstance(value, str) and value else default

    return frozenset(
        {
            "__init__",
            "_operations",
            "base_model",
            "base_client",
            "async_base_client",
            "exceptions",
            setting(section, "enums_module_name", "enums"),
            setting(section, "input_types_module_name", "input_types"),
            setting(section, "fragments_module_name", "fragments"),
            setting(section, "client_file_name", "client"),
            setting(options, "client_module", "client"),
            setting(options, "async_client_module", "async_client"),
        }
    )


def method_reserved(section: Mapping[str, object]) -> frozenset[str]:
    """Names a client method (and its module) may not take."""
    return client_members() | package_modules(section)


def _is_builtin_type(name: str) -> bool:
    return isinstance(getattr(builtins, name, None), type)


def _base(graphql_name: str, snake_case: bool) -> str:
    rest = graphql_name.lstrip("_")
    moved = len(graphql_name) - len(rest)
    if not rest:
        return "underscore" + "_" * (moved - 1)
    converted = str_to_snake_case(rest) if snake_case else rest
    if not converted or not converted.isidentifier():
        converted = rest
    if converted[0].isdigit():
        return "underscore" + "_" * moved + converted
    return converted + "_" * moved


def _free(name: str, taken: AbstractSet[str]) -> str:
    while keyword.iskeyword(name) or _is_builtin_type(name) or name in taken:
        name += "_"
    return name


def python_name(graphql_name: str, *, snake_case: bool = True, reserved: Iterable[str] = ()) -> str:
    """The Python name of ``graphql_name`` alone in its scope (rules 1 to 3)."""
    return _free(_base(graphql_name, snake_case), frozenset(reserved))


def assign_names(
    graphql_names: Iterable[str],
    *,
    snake_case: bool = True,
    reserved: Iterable[str] = (),
    apart_from_wire_names: bool = False,
) -> dict[str, str]:
    """Distinct Python names for the GraphQL names of one scope (rules 1 to 4).

    The result depends only on the set of names, not on their order. With
    ``apart_from_wire_names`` (model fields) no Python name equals another
    field's GraphQL name: pydantic accepts a field by its alias or its name, so
    ``version_`` (for ``_version``) beside a field named ``version_`` would take
    its value.
    """
    names = list(dict.fromkeys(graphql_names))
    fixed = frozenset(reserved)
    wanted = {name: python_name(name, snake_case=snake_case, reserved=fixed) for name in names}
    taken: set[str] = set(fixed)
    assigned: dict[str, str] = {}
    for name in sorted(names, key=lambda n: (wanted[n] != n, n)):
        avoid = taken | (set(names) - {name}) if apart_from_wire_names else taken
        chosen = _free(wanted[name], avoid)
        taken.add(chosen)
        assigned[name] = chosen
    return assigned
