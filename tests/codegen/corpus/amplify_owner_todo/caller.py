"""An application's use of the client generated from an Amplify owner-auth schema.

Amplify's ``@auth(rules: [{allow: owner}])`` compiles to ``owner`` fields, filter
inputs on ``owner`` and an ``owner`` argument on every subscription. Type-checked
(mypy and pyright, strict) with the generated ``owner_todo_client`` package.
"""

from __future__ import annotations

from collections.abc import Callable

from owner_todo_client import (
    AsyncTodoClient,
    CreateTodoInput,
    DeleteTodoInput,
    ModelStringInput,
    ModelSubscriptionStringInput,
    ModelSubscriptionTodoFilterInput,
    ModelTodoConditionInput,
    OnUpdateTodo,
    TodoClient,
    TodoFields,
    UpdateTodoInput,
)

from appsync_runtime import CognitoUserPoolsAuth


def connect(url: str, access_token: Callable[[], str]) -> TodoClient:
    """The blocking client; the token callable runs for every request (refresh)."""
    return TodoClient(url=url, auth=CognitoUserPoolsAuth(access_token))


def my_todos(client: TodoClient, username: str) -> list[TodoFields]:
    """Every todo of ``username``, following ``nextToken``."""
    todos: list[TodoFields] = []
    token: str | None = None
    while True:
        page = client.list_my_todos(owner=username, limit=100, next_token=token).list_todos
        if page is None:
            return todos
        todos.extend(todo for todo in page.items if todo is not None)
        token = page.next_token
        if token is None:
            return todos


def add(client: TodoClient, text: str) -> TodoFields:
    """Create a todo; AppSync fills ``owner`` from the caller's token."""
    created = client.create_todo(input=CreateTodoInput(content=text)).create_todo
    assert created is not None
    return created


def edit_own(client: TodoClient, todo: TodoFields, text: str, username: str) -> str | None:
    """Change a todo's text only if ``username`` owns it; the owner it has."""
    updated = client.update_todo(
        input=UpdateTodoInput(id=todo.id, content=text),
        condition=ModelTodoConditionInput(owner=ModelStringInput(eq=username)),
    ).update_todo
    return None if updated is None else updated.owner


def remove(client: TodoClient, todo_id: str) -> None:
    """Delete a todo."""
    client.delete_todo(input=DeleteTodoInput(id=todo_id))


async def follow_edits(url: str, token: str, username: str, limit: int) -> list[OnUpdateTodo]:
    """The next ``limit`` edits of ``username``'s todos mentioning "urgent"."""
    events: list[OnUpdateTodo] = []
    urgent = ModelSubscriptionTodoFilterInput(
        content=ModelSubscriptionStringInput(contains="urgent")
    )
    async with AsyncTodoClient(url=url, auth=CognitoUserPoolsAuth(token)) as client:
        async for event in client.on_update_todo(owner=username, filter_=urgent):
            if event.on_update_todo is not None:
                events.append(event)
            if len(events) >= limit:
                break
    return events
