"""Warnings for mutations that select less than the subscriptions they trigger."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    FragmentDefinitionNode,
    OperationDefinitionNode,
    build_ast_schema,
    parse,
)

from appsync_codegen import PRELUDE_PATH
from appsync_codegen.subscriptions import check_subscription_selections, subscribed_mutations

from .conftest import AUTH_OPTIONS, make_project, run_cli

SCHEMA = """
interface Node { id: ID! }

type Author @aws_api_key { id: ID! name: String email: String! }

type Post implements Node @aws_api_key {
  id: ID!
  title: String!
  body: String
  author: Author
}

type Comment implements Node @aws_api_key { id: ID! text: String }

type Query @aws_api_key { post(id: ID!): Post }

union Event = Post | Comment

type Mutation @aws_api_key {
  createPost(title: String!): Post
  updatePost(id: ID!): Post
  touch(id: ID!): Node
  comment(text: String!): Comment
  record: Event
}

type Subscription @aws_api_key {
  onPost: Post @aws_subscribe(mutations: ["createPost", "updatePost"])
  onTouch: Node @aws_subscribe(mutations: ["touch"])
  onEvent: Event @aws_subscribe(mutations: ["createPost", "comment", "record"])
  unrelated: Post
}
"""

schema = build_ast_schema(parse(PRELUDE_PATH.read_text() + SCHEMA))


def warnings_for(text: str) -> list[str]:
    document = parse(text)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return [d.message for d in check_subscription_selections(schema, operations, fragments)]


SUBSCRIPTION = "subscription S { onPost { id title author { id name } } }"


def test_subscribed_mutations_come_from_the_directive() -> None:
    assert subscribed_mutations(schema, "onPost") == ["createPost", "updatePost"]
    assert subscribed_mutations(schema, "unrelated") == []


@pytest.mark.parametrize(
    "mutation",
    [
        "mutation M { createPost(title: 1) { id title author { id name email } body } }",
        "mutation M { createPost(title: 1) { ...P } } "
        "fragment P on Post { id ...Q } fragment Q on Post { title author { id name } }",
        "mutation M { createPost(title: 1) { ... on Post { id title } author { ...A } } } "
        "fragment A on Author { id name }",
    ],
    ids=["superset", "through-fragments", "inline-fragment"],
)
def test_covering_mutations_give_no_warning(mutation: str) -> None:
    assert warnings_for(f"{SUBSCRIPTION} {mutation}") == []


def test_missing_fields_are_named_with_their_effect() -> None:
    mutation = "mutation M { updatePost(id: 1) { id author { id } } }"
    [message] = warnings_for(f"{SUBSCRIPTION} {mutation}")
    assert message.startswith("mutation M triggers subscription S (onPost, ")
    assert "does not select title, author.name:" in message
    assert "events fail on the non-null title" in message


def test_a_missing_object_is_named_once() -> None:
    [message] = warnings_for(f"{SUBSCRIPTION} mutation M {{ createPost(title: 1) {{ id title }} }}")
    assert "does not select author:" in message
    assert "non-null" not in message


def test_aliases_count_by_response_key() -> None:
    mutation = "mutation M { createPost(title: 1) { id t: title author { id name } } }"
    [message] = warnings_for(f"{SUBSCRIPTION} {mutation}")
    assert "does not select title:" in message


def test_interfaces_compare_per_implementation() -> None:
    subscription = "subscription T { onTouch { id ... on Post { title } } }"
    covered = "mutation M { touch(id: 1) { id ... on Post { title } } }"
    assert warnings_for(f"{subscription} {covered}") == []
    partial = "mutation M { touch(id: 1) { ... on Comment { id } } }"
    [message] = warnings_for(f"{subscription} {partial}")
    assert "(on Post) id, (on Post) title" in message


EVENTS = "subscription E { onEvent { ... on Post { id title } ... on Comment { id text } } }"


def test_a_mutation_returning_one_member_is_compared_on_that_member_only() -> None:
    assert warnings_for(f"{EVENTS} mutation M {{ comment(text: 1) {{ id text }} }}") == []
    assert warnings_for(f"{EVENTS} mutation M {{ createPost(title: 1) {{ id title }} }}") == []
    [message] = warnings_for(f"{EVENTS} mutation M {{ comment(text: 1) {{ id }} }}")
    assert "does not select text:" in message
    assert "title" not in message


def test_a_mutation_returning_the_union_is_compared_per_member() -> None:
    [message] = warnings_for(f"{EVENTS} mutation M {{ record {{ ... on Comment {{ id }} }} }}")
    assert "does not select (on Post) id, (on Post) title, (on Comment) text:" in message


def test_a_field_missing_on_every_member_is_named_once() -> None:
    subscription = "subscription T { onTouch { id } }"
    [message] = warnings_for(f"{subscription} mutation M {{ touch(id: 1) {{ __typename }} }}")
    assert "does not select id:" in message
    assert message.count(" id") == 2  # in the list and among the non-null fields
    assert "(on " not in message


def test_each_calling_operation_is_checked() -> None:
    text = (
        f"{SUBSCRIPTION} "
        "mutation A { createPost(title: 1) { id title author { id name } } } "
        "mutation B { updatePost(id: 1) { id title } } "
        "mutation C { post: updatePost(id: 2) { id } }"
    )
    messages = warnings_for(text)
    assert [m.split(" triggers")[0] for m in messages] == ["mutation B", "mutation C"]


def test_generation_warns_with_file_and_line_and_succeeds(tmp_path: Path) -> None:
    operations = {
        "sub.graphql": "subscription OnTask {\n  onTaskCreated { id title state owner }\n}\n",
        "create.graphql": (
            "mutation Create($input: NewTask!) {\n  createTask(input: $input) { id title }\n}\n"
        ),
    }
    config = make_project(tmp_path, operations=operations, appsync=AUTH_OPTIONS)
    result = run_cli(["generate", "--config", str(config)], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "triggers subscription" in line]
    assert len(lines) == 1
    assert re.match(
        r"^operations/create\.graphql:2:3: warning: mutation Create triggers ", lines[0]
    )
    assert "OnTask (onTaskCreated, operations/sub.graphql:1)" in lines[0]
    assert "does not select state, owner" in lines[0]
    assert "events fail on the non-null state" in lines[0]
