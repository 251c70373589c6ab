"""The AppSync prelude: scalars and directives AppSync schemas use without declaring.

``prelude.graphql`` (shipped beside this module, path in :data:`PRELUDE_PATH`)
declares the nine AWS scalars, the ``aws_*`` directives (the auth ones also on
interfaces and unions, where deployed schemas carry them) and the Merged API
directives ``@canonical``, ``@hidden`` and ``@renamed(to:)``. appsync-codegen adds
each of its definitions that the user's schema does not make itself, so a schema
that declares ``scalar AWSDateTime`` (as tools exporting AppSync schemas sometimes
do) still builds.

With plain ``ariadne-codegen``, list the prelude first in ``schema_paths`` through
its import path, ``"appsync_codegen.prelude.PRELUDE_PATH"``; there it is added
whole, so the schema must not declare any of these names itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphql import DocumentNode

__all__ = [
    "AWS_DIRECTIVES",
    "AWS_SCALARS",
    "PRELUDE_PATH",
    "defined_names",
    "prelude_document",
    "prelude_text",
]

PRELUDE_PATH = Path(__file__).with_name("prelude.graphql")
"""The prelude's file, for ``schema_paths`` of a plain ariadne-codegen config."""

AWS_SCALARS = (
    "AWSDate",
    "AWSTime",
    "AWSDateTime",
    "AWSTimestamp",
    "AWSEmail",
    "AWSJSON",
    "AWSURL",
    "AWSPhone",
    "AWSIPAddress",
)
"""The nine scalars AppSync defines."""

AWS_DIRECTIVES = (
    "aws_subscribe",
    "aws_api_key",
    "aws_iam",
    "aws_oidc",
    "aws_lambda",
    "aws_cognito_user_pools",
    "aws_auth",
    "canonical",
    "hidden",
    "renamed",
)
"""The directives AppSync defines (the last three: Merged API source schemas)."""


def prelude_text() -> str:
    """The prelude's GraphQL text."""
    return PRELUDE_PATH.read_text(encoding="utf-8")


def defined_names(document: DocumentNode) -> set[str]:
    """Names of the types and directives a schema document defines itself."""
    from graphql import DirectiveDefinitionNode, TypeDefinitionNode

    names: set[str] = set()
    for definition in document.definitions:
        if isinstance(definition, (TypeDefinitionNode, DirectiveDefinitionNode)):
            names.add(definition.name.value)
    return names


def prelude_document(skip: set[str] | frozenset[str] = frozenset()) -> DocumentNode:
    """The prelude as a document, without the definitions named in ``skip``."""
    from graphql import DirectiveDefinitionNode, DocumentNode, Source, TypeDefinitionNode, parse

    document = parse(Source(prelude_text(), "appsync_codegen/prelude.graphql"))
    kept = tuple(
        definition
        for definition in document.definitions
        if not (
            isinstance(definition, (TypeDefinitionNode, DirectiveDefinitionNode))
            and definition.name.value in skip
        )
    )
    return DocumentNode(definitions=kept, loc=document.loc)
