"""The auth-mode analysis over every directive combination (appsync_codegen.auth_modes)."""

from __future__ import annotations

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_ast_schema,
    build_client_schema,
    introspection_from_schema,
    parse,
)
from hypothesis import given
from hypothesis import strategies as st

from appsync_codegen import PRELUDE_PATH
from appsync_codegen.auth_modes import (
    AuthModesConfig,
    OperationAuth,
    analyse_operation,
    schema_has_directives,
)

KEY, IAM, COGNITO, OIDC, LAMBDA = (
    "API_KEY",
    "AWS_IAM",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
    "AWS_LAMBDA",
)
EVERY = (KEY, IAM, COGNITO, OIDC, LAMBDA)

SCHEMA = """
interface Node { id: ID! }

"Type-level API key and IAM; fields override."
type Public implements Node @aws_api_key @aws_iam {
  id: ID!
  name: String
  secret: String @aws_iam
  admins: String @aws_cognito_user_pools(cognito_groups: ["admins"])
  editors: String @aws_cognito_user_pools(cognito_groups: ["editors", "admins"])
  legacy: String @aws_auth(cognito_groups: ["ops"])
  anyUser: String @aws_cognito_user_pools @aws_iam
  child: Private
}

type Private implements Node @aws_cognito_user_pools @aws_oidc {
  id: ID!
  note: String
  keyToo: String @aws_api_key @aws_oidc
}

"No directives at all: the default mode only."
type Plain implements Node {
  id: ID!
  label: String
}

type Lambda @aws_lambda { token: String }
extend type Lambda @aws_iam

union Anything = Public | Private | Plain

type Query @aws_api_key @aws_iam @aws_cognito_user_pools @aws_oidc @aws_lambda {
  public: Public
  private: Private
  node(id: ID!): Node
  anything: [Anything!]!
  plain: Plain
  lambda: Lambda
  iamOnly: String @aws_iam
}

type Mutation {
  touch: String
}

type Subscription @aws_api_key {
  onTouch: String
}
"""

ALL = AuthModesConfig(KEY, (IAM, COGNITO, OIDC, LAMBDA))
schema = build_ast_schema(parse(PRELUDE_PATH.read_text() + SCHEMA))


def analyse(text: str, config: AuthModesConfig = ALL) -> OperationAuth:
    document = parse(text)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return analyse_operation(schema, operations[0], fragments, config)


@pytest.mark.parametrize(
    ("operation", "modes", "groups"),
    [
        pytest.param("{ public { id name } }", (KEY, IAM), (), id="type-level"),
        pytest.param("{ public { secret } }", (IAM,), (), id="field-replaces-type"),
        pytest.param("{ public { admins } }", (COGNITO,), (("admins",),), id="cognito-groups"),
        pytest.param("{ public { legacy } }", (COGNITO,), (("ops",),), id="aws-auth-is-cognito"),
        pytest.param("{ public { anyUser } }", (IAM, COGNITO), (), id="cognito-without-groups"),
        pytest.param(
            "{ public { admins editors } }", (COGNITO,), (("admins",),), id="stricter-group-wins"
        ),
        pytest.param(
            "{ public { admins legacy } }",
            (COGNITO,),
            (("admins",), ("ops",)),
            id="both-group-requirements",
        ),
        pytest.param("{ public { admins secret } }", (), (), id="no-mode-no-groups"),
        pytest.param("{ public { child { note } } }", (), (), id="nested-conflict"),
        pytest.param("{ public { child { keyToo } } }", (KEY,), (), id="nested-field-override"),
        pytest.param("{ private { id note } }", (COGNITO, OIDC), (), id="other-type"),
        pytest.param("{ plain { label } }", (KEY,), (), id="default-mode"),
        pytest.param("{ lambda { token } }", (IAM, LAMBDA), (), id="type-extension"),
        pytest.param("{ iamOnly }", (IAM,), (), id="root-field"),
        pytest.param("mutation { touch }", (KEY,), (), id="root-type-default"),
        pytest.param("subscription { onTouch }", (KEY,), (), id="subscription"),
        pytest.param("{ node(id: 1) { __typename } }", EVERY, (), id="typename-is-free"),
        pytest.param("{ node(id: 1) { id } }", (), (), id="interface-every-implementation"),
        pytest.param(
            "{ node(id: 1) { ... on Public { id name } } }",
            (KEY, IAM),
            (),
            id="interface-narrowed-by-inline-fragment",
        ),
        pytest.param(
            "{ node(id: 1) { ... on Private { id } ... on Plain { id } } }",
            (),
            (),
            id="interface-two-branches",
        ),
        pytest.param(
            "{ anything { __typename ... on Private { note } } }",
            (COGNITO, OIDC),
            (),
            id="union-member",
        ),
        pytest.param("{ anything { ... on Node { id } } }", (), (), id="union-through-interface"),
        pytest.param(
            "{ public { ...P } } fragment P on Public { secret }", (IAM,), (), id="fragment"
        ),
        pytest.param(
            "{ public { ...P } } fragment P on Public { child { ...Q } } "
            "fragment Q on Private { keyToo }",
            (KEY,),
            (),
            id="nested-fragments",
        ),
        pytest.param(
            "{ node(id: 1) { ...N } } fragment N on Node { ... on Public { admins } }",
            (COGNITO,),
            (("admins",),),
            id="fragment-on-interface",
        ),
        pytest.param(
            "{ node(id: 1) { ...Q } } fragment Q on Private { note }",
            (COGNITO, OIDC),
            (),
            id="fragment-narrows-interface",
        ),
    ],
)
def test_modes(operation: str, modes: tuple[str, ...], groups: tuple[tuple[str, ...], ...]) -> None:
    result = analyse(operation)
    assert result.modes == modes
    assert result.cognito_groups == groups


def test_the_default_mode_decides_undirected_fields() -> None:
    iam_default = AuthModesConfig(IAM, (KEY, COGNITO, OIDC, LAMBDA))
    assert analyse("{ plain { label } }", iam_default).modes == (IAM,)
    assert analyse("mutation { touch }", iam_default).modes == (IAM,)


def test_only_configured_modes_are_offered() -> None:
    key_only = AuthModesConfig(KEY, ())
    assert analyse("{ public { id } }", key_only).modes == (KEY,)
    assert analyse("{ public { secret } }", key_only).modes == ()
    cognito_and_iam = AuthModesConfig(COGNITO, (IAM,))
    assert analyse("{ public { anyUser } }", cognito_and_iam).modes == (IAM, COGNITO)


def test_blocking_rules_explain_an_unrunnable_operation() -> None:
    result = analyse("{ a: public { child { note } } }")
    blocking = result.blocking_rules(EVERY)
    described = [rule.describe() for rule in blocking]
    assert "a (Query.public) allows API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS" not in described
    assert "a.child (Public.child) allows API_KEY, AWS_IAM" in described
    assert (
        "a.child.note (Private.note) allows AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT" in described
    )
    plain = analyse("{ plain { label } }").blocking_rules(EVERY)
    assert plain[-1].describe() == "plain.label (Plain.label) allows API_KEY (the default mode)"


def test_cyclic_and_unknown_fragments_do_not_loop() -> None:
    text = "{ public { ...A ...Missing } } fragment A on Public { name ...A }"
    assert analyse(text).modes == (KEY, IAM)


def test_introspected_schemas_carry_no_directives() -> None:
    introspected = build_client_schema(introspection_from_schema(schema))
    assert schema_has_directives(schema)
    assert not schema_has_directives(introspected)


# -- auth directives on interfaces and unions (read conservatively) -----------------------

ABSTRACT_TEMPLATE = """
interface Guarded {interface} {{ id: ID! }}
type Open implements Guarded @aws_api_key @aws_iam {{ id: ID! name: String }}
type Shut implements Guarded @aws_api_key {{ id: ID! }}
type Staff @aws_api_key @aws_cognito_user_pools {{ id: ID! }}
union Mixed {union} = Open | Staff
union Bare = Open | Staff
type Query @aws_api_key @aws_iam @aws_cognito_user_pools {{
  guarded: Guarded
  open: Open
  mixed: [Mixed!]!
  bare: Bare
}}
"""


def _abstract_schema(interface: str, union: str) -> GraphQLSchema:
    text = ABSTRACT_TEMPLATE.format(interface=interface, union=union)
    return build_ast_schema(parse(PRELUDE_PATH.read_text() + text))


abstract_schema = _abstract_schema(
    "@aws_iam", '@aws_cognito_user_pools(cognito_groups: ["staff"]) @aws_api_key'
)
THREE = AuthModesConfig(KEY, (IAM, COGNITO))


def analyse_abstract(text: str, schema_: GraphQLSchema | None = None) -> OperationAuth:
    document = parse(text)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    used = abstract_schema if schema_ is None else schema_
    return analyse_operation(used, operations[0], fragments, THREE)


@pytest.mark.parametrize(
    ("operation", "modes", "groups"),
    [
        pytest.param("{ open { id name } }", (KEY, IAM), (), id="object-reached-directly"),
        pytest.param("{ guarded { __typename } }", (IAM,), (), id="field-returning-interface"),
        pytest.param("{ guarded { id } }", (), (), id="interface-and-members"),
        pytest.param("{ guarded { ... on Open { name } } }", (IAM,), (), id="narrowed"),
        pytest.param(
            "{ open { ...G } } fragment G on Guarded { id }", (IAM,), (), id="spread-on-interface"
        ),
        pytest.param("{ open { ... on Guarded { id } } }", (IAM,), (), id="inline-on-interface"),
        pytest.param(
            "{ mixed { ... on Staff { id } } }", (KEY, COGNITO), (("staff",),), id="union-groups"
        ),
        pytest.param("{ bare { ... on Staff { id } } }", (KEY, COGNITO), (), id="no-directives"),
    ],
)
def test_abstract_type_directives_are_required_too(
    operation: str, modes: tuple[str, ...], groups: tuple[tuple[str, ...], ...]
) -> None:
    result = analyse_abstract(operation)
    assert result.modes == modes
    assert result.cognito_groups == groups


def test_abstract_rules_explain_themselves() -> None:
    described = [rule.describe() for rule in analyse_abstract("{ guarded { id } }").rules]
    assert "guarded (through interface Guarded) allows AWS_IAM" in described


ABSTRACT_OPERATIONS = [
    "{ open { id name } }",
    "{ guarded { __typename } }",
    "{ guarded { id ... on Open { name } } }",
    "{ open { ...G } } fragment G on Guarded { id }",
    "{ mixed { __typename ... on Open { name } ... on Staff { id } } }",
    "{ bare { ... on Open { name } } }",
]
_DIRECTIVES = ["@aws_api_key", "@aws_iam", "@aws_cognito_user_pools", "@aws_oidc"]


@given(
    st.lists(st.sampled_from(_DIRECTIVES), unique=True),
    st.lists(st.sampled_from(_DIRECTIVES), unique=True),
    st.sampled_from(ABSTRACT_OPERATIONS),
)
def test_abstract_directives_never_widen_the_modes(
    on_interface: list[str], on_union: list[str], operation: str
) -> None:
    """Adding auth directives to an interface or union only ever removes modes."""
    with_them = _abstract_schema(" ".join(on_interface), " ".join(on_union))
    without = _abstract_schema("", "")
    assert set(analyse_abstract(operation, with_them).modes) <= set(
        analyse_abstract(operation, without).modes
    )
