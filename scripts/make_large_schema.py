"""Write a large synthetic AppSync schema and operations, for import-time benchmarks.

``python scripts/make_large_schema.py DIR [--types 300] [--inputs 100] [--operations 300]``
writes into ``DIR``:

* ``schema.graphql``: an AppSync schema as AppSync takes it (AWS scalars and
  ``@aws_*`` directives used, never declared): ``types`` object types implementing
  ``Node``, each with every AWS scalar, an enum, links to other types, type-level
  auth directives (API key always, plus IAM or Cognito) and field-level overrides
  (IAM-only, Cognito groups); ``inputs`` input types; unions; a root field per
  type; a ``create`` mutation and an ``@aws_subscribe`` subscription per input.
* ``operations/``: ``operations`` named operations, one file per ten, mixing
  queries, mutations and subscriptions, with fragments and inline fragments.
* ``sample.json``: one query, its method and arguments, and a canned response
  that the generated models accept (to time a typed call without a server).
* ``pyproject.toml`` for ``appsync-codegen`` (package ``large_client``).

The output is deterministic. :func:`make_large_schema` does the same from Python.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sample", "main", "make_large_schema"]

ENUMS = 10
PER_FILE = 10
PACKAGE = "large_client"
AUTH = ("API_KEY", ("AWS_IAM", "AMAZON_COGNITO_USER_POOLS"))

# Field name -> (type, sample wire value): every AWS scalar, as AppSync sends it.
SCALARS = {
    "name": ("String", "a name"),
    "createdAt": ("AWSDateTime!", "2024-05-01T08:00:00.123Z"),
    "day": ("AWSDate", "2024-05-01"),
    "remindAt": ("AWSTime", "09:30:00Z"),
    "expiresAt": ("AWSTimestamp", 1714550400),
    "email": ("AWSEmail", "a@example.com"),
    "homepage": ("AWSURL", "https://example.com/a"),
    "phone": ("AWSPhone", "+15555550100"),
    "origin": ("AWSIPAddress", "192.0.2.1"),
    "meta": ("AWSJSON", '{"k": [1, 2]}'),
    "score": ("Float", 1.5),
    "count": ("Int!", 3),
}
SELECTED = ("id", "name", "createdAt", "day", "remindAt", "expiresAt", "meta", "count")


@dataclass(frozen=True)
class Sample:
    """One typed call to time: the method, its arguments and a canned response."""

    operation: str
    method: str
    arguments: dict[str, object]
    response: dict[str, object]


def make_large_schema(
    folder: Path | str, *, types: int = 300, inputs: int = 100, operations: int = 300
) -> Sample:
    """Write the schema, operations, sample and config into ``folder``; return the sample."""
    if types < 10 or inputs < 1 or operations < 3:
        raise ValueError("need at least 10 types, 1 input and 3 operations")
    inputs = min(inputs, types)
    root = Path(folder)
    (root / "operations").mkdir(parents=True, exist_ok=True)
    (root / "schema.graphql").write_text(_schema(types, inputs), encoding="utf-8")
    texts = _operations(types, inputs, operations)
    for start in range(0, len(texts), PER_FILE):
        name = f"ops_{start // PER_FILE:03d}.graphql"
        (root / "operations" / name).write_text("\n".join(texts[start : start + PER_FILE]))
    (root / "operations" / "fragments.graphql").write_text(_fragments(types), encoding="utf-8")
    sample = _sample(types)
    (root / "sample.json").write_text(
        json.dumps(sample.__dict__, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    default, additional = AUTH
    (root / "pyproject.toml").write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "schema.graphql"\n'
        'queries_path = "operations"\n'
        f'target_package_name = "{PACKAGE}"\n\n'
        "[tool.ariadne-codegen.appsync]\n"
        f'default_auth_mode = "{default}"\n'
        f"additional_auth_modes = {json.dumps(list(additional))}\n",
        encoding="utf-8",
    )
    return sample


def _type_directives(index: int) -> str:
    extra = ("@aws_iam", "@aws_cognito_user_pools", "@aws_iam @aws_cognito_user_pools")
    return f"@aws_api_key {extra[index % 3]}"


def _schema(types: int, inputs: int) -> str:
    out = [
        "# A large synthetic AppSync schema (scripts/make_large_schema.py).\n",
        "schema {\n  query: Query\n  mutation: Mutation\n  subscription: Subscription\n}\n",
        '"Anything with an id."\ninterface Node {\n  id: ID!\n}\n',
    ]
    for e in range(ENUMS):
        values = " ".join(f"VALUE_{e}_{v}" for v in range(6))
        out.append(f'"Enum number {e}."\nenum Kind{e} {{ {values} }}\n')
    for i in range(types):
        fields = ["  id: ID!"]
        fields += [f"  {name}: {kind}" for name, (kind, _) in SCALARS.items()]
        fields += [
            f"  kind: Kind{i % ENUMS}!",
            f"  next: Entity{(i + 1) % types}",
            f"  related(limit: Int = 10): [Entity{(i + 7) % types}!]!",
            "  secret: String @aws_iam",
            '  audit: String @aws_cognito_user_pools(cognito_groups: ["admins"])',
            '  legacy: String @deprecated(reason: "Use name.")',
        ]
        body = "\n".join(fields)
        out.append(
            f'"Entity number {i}: every AWS scalar, links and auth overrides."\n'
            f"type Entity{i} implements Node {_type_directives(i)} {{\n{body}\n}}\n"
        )
    for u in range(0, types - 2, 30):
        out.append(f"union Found{u} = Entity{u} | Entity{u + 1} | Entity{u + 2}\n")
    for i in range(inputs):
        nested = f"  child: Entity{(i + 1) % inputs}Input\n" if i % 5 == 0 else ""
        out.append(
            f'"Fields of a new Entity{i}."\n'
            f"input Entity{i}Input {{\n  name: String!\n  day: AWSDate\n  at: AWSDateTime\n"
            f"  meta: AWSJSON\n  tags: [String!]\n  kind: Kind{i % ENUMS} = VALUE_{i % ENUMS}_0\n"
            f"{nested}}}\n"
        )
    query = [f"  entity{i}(id: ID!): Entity{i}" for i in range(types)]
    query.append("  node(id: ID!): Node")
    query += [f"  find{u}(text: String!): [Found{u}!]!" for u in range(0, types - 2, 30)]
    modes = "@aws_api_key @aws_iam @aws_cognito_user_pools"
    out.append(f"type Query {modes} {{\n" + "\n".join(query) + "\n}\n")
    mutation = [f"  create{i}(input: Entity{i}Input!): Entity{i}" for i in range(inputs)]
    out.append(f"type Mutation {modes} {{\n" + "\n".join(mutation) + "\n}\n")
    subscription = [
        f'  on{i}Created: Entity{i} @aws_subscribe(mutations: ["create{i}"])' for i in range(inputs)
    ]
    out.append(f"type Subscription {modes} {{\n" + "\n".join(subscription) + "\n}\n")
    return "\n".join(out)


def _selection(i: int, types: int) -> str:
    scalars = " ".join(SELECTED)
    return (
        f"{scalars} kind next {{ id name kind }} "
        f"related(limit: 3) {{ id email ... on Entity{(i + 7) % types} {{ homepage }} }}"
    )


def _fragments(types: int) -> str:
    return "".join(
        f"fragment Entity{i}Fields on Entity{i} {{ {' '.join(SELECTED)} kind }}\n"
        for i in range(0, types, 3)
    )


def _operations(types: int, inputs: int, count: int) -> list[str]:
    texts: list[str] = []
    subscriptions = count // 6
    mutations = count // 3
    for n in range(count):
        if n < subscriptions:
            i = n % inputs
            texts.append(
                f"subscription On{i}Created {{\n  on{i}Created {{ {_selection(i, types)} }}\n}}\n"
            )
        elif n < subscriptions + mutations:
            i = (n - subscriptions) % inputs
            texts.append(
                f"mutation Create{i}($input: Entity{i}Input!) {{\n"
                f"  create{i}(input: $input) {{ {_selection(i, types)} }}\n}}\n"
            )
        else:
            i = (n - subscriptions - mutations) % types
            inner = f"...Entity{i}Fields" if i % 3 == 0 else " ".join(SELECTED) + " kind"
            texts.append(
                f"query GetEntity{i}($id: ID!) {{\n  entity{i}(id: $id) {{ {inner} "
                f"next {{ id name }} related {{ id }} }}\n}}\n"
            )
    return texts


def _sample(types: int) -> Sample:
    i = 1  # no fragment: a query module of its own
    scalars = {name: value for name, (_, value) in SCALARS.items() if name in SELECTED}
    entity = {
        "__typename": f"Entity{i}",
        "id": "e1",
        **scalars,
        "kind": f"VALUE_{i % ENUMS}_1",
        "next": {"__typename": f"Entity{i + 1}", "id": "e2", "name": "next"},
        "related": [{"__typename": f"Entity{(i + 7) % types}", "id": "e3"}],
    }
    return Sample(
        operation=f"GetEntity{i}",
        method=_snake(f"GetEntity{i}"),
        arguments={"id": "e1"},
        response={"data": {f"entity{i}": entity}},
    )


def _snake(name: str) -> str:
    """ariadne-codegen's method name: ``GetEntity1`` -> ``get_entity_1``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])", "_", name).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--types", type=int, default=300)
    parser.add_argument("--inputs", type=int, default=100)
    parser.add_argument("--operations", type=int, default=300)
    options = parser.parse_args(argv)
    sample = make_large_schema(
        options.folder, types=options.types, inputs=options.inputs, operations=options.operations
    )
    print(f"wrote {options.folder}: sample call {sample.method}(id=...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
