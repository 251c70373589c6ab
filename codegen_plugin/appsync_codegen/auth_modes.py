"""Which AppSync authorization modes an operation allows, read from the schema.

AppSync's rules: a field's own ``@aws_*`` auth directives replace those of its
type; a field whose type has none allows the API's default mode only (named by
the ``default_auth_mode`` option, else unknown). An operation allows the modes
every root field it selects allows. Generated methods pass them to the runtime as
``auth_modes``, so a client configured with several strategies picks one the
operation accepts.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    DirectiveNode,
    FieldNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)

__all__ = ["AUTH_MODES", "DIRECTIVE_MODES", "operation_auth_modes"]

AUTH_MODES = (
    "API_KEY",
    "AWS_IAM",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "AWS_LAMBDA",
)
"""AppSync's modes, in the order generated code lists them."""

DIRECTIVE_MODES = {
    "aws_api_key": "API_KEY",
    "aws_iam": "AWS_IAM",
    "aws_cognito_user_pools": "AMAZON_COGNITO_USER_POOLS",
    "aws_auth": "AMAZON_COGNITO_USER_POOLS",
    "aws_oidc": "OPENID_CONNECT",
    "aws_lambda": "AWS_LAMBDA",
}
"""The mode each auth directive allows."""


def operation_auth_modes(
    schema: GraphQLSchema, operation: OperationDefinitionNode, default_mode: str | None
) -> tuple[str, ...] | None:
    """The modes ``operation`` may be sent with; None when the schema cannot tell.

    The schema cannot tell when a root field allows only the default mode and no
    ``default_mode`` is configured, or when it was built without directives (from
    introspection). An empty tuple means no single mode satisfies every root field.
    """
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    allowed: set[str] | None = None
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value.startswith("__"):
            continue
        modes = _field_modes(root, selection.name.value, default_mode)
        if modes is None:
            return None
        allowed = modes if allowed is None else allowed & modes
    if allowed is None:
        return None
    return tuple(mode for mode in AUTH_MODES if mode in allowed)


def _field_modes(
    parent: GraphQLObjectType, field_name: str, default_mode: str | None
) -> set[str] | None:
    if parent.ast_node is None:
        return None  # no SDL behind the schema: no directives to read
    field = parent.fields.get(field_name)
    if field is None:
        return None
    modes = _directive_modes(field.ast_node.directives if field.ast_node else ())
    if not modes:
        directives = list(parent.ast_node.directives or ())
        for extension in parent.extension_ast_nodes:
            directives += extension.directives or ()
        modes = _directive_modes(directives)
    if not modes:
        return {default_mode} if default_mode else None
    return modes


def _directive_modes(directives: Iterable[DirectiveNode]) -> set[str]:
    names = (directive.name.value for directive in directives)
    return {DIRECTIVE_MODES[name] for name in names if name in DIRECTIVE_MODES}
