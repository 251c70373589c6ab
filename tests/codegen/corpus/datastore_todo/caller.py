"""An application's use of the client generated from a DataStore schema with
``@aws_api_key`` directives on an API whose default mode is IAM.

The client is configured with both strategies; every operation of this schema is
API-key only, so the API key is the one sent. Type-checked (mypy and pyright, strict)
with the generated ``todo_sync_client`` package.
"""

from __future__ import annotations

from todo_sync_client import (
    OPERATIONS,
    AsyncClient,
    Client,
    CreateTodoInput,
    DeleteTodoInput,
    ModelStringInput,
    ModelSubscriptionStringInput,
    ModelSubscriptionTodoFilterInput,
    ModelTodoConditionInput,
    TodoSync,
    UpdateTodoInput,
)

from appsync_runtime import ApiKeyAuth, IAMAuth


def connect(url: str, api_key: str) -> Client:
    """A client holding both of the API's modes, IAM first."""
    return Client(url=url, auth=[IAMAuth(), ApiKeyAuth(api_key)])


def modes_of_sync() -> tuple[str, ...]:
    """The auth modes codegen worked out for ``SyncTodos`` (empty when not analysed)."""
    return OPERATIONS["SyncTodos"].auth_modes or ()


def delta(client: Client, last_sync: int | None) -> tuple[list[TodoSync], int | None]:
    """Records changed since ``last_sync`` (all pages) and the next ``lastSync``."""
    changed: list[TodoSync] = []
    token: str | None = None
    started: int | None = None
    while True:
        page = client.sync_todos(last_sync=last_sync, limit=100, next_token=token).sync_todos
        if page is None:
            return changed, started
        started = page.started_at if started is None else started
        changed.extend(todo for todo in page.items if todo is not None)
        token = page.next_token
        if token is None:
            return changed, started


def add(client: Client, title: str) -> TodoSync:
    """Create a todo; it starts at ``_version`` 1."""
    created = client.create_todo(input=CreateTodoInput(title=title)).create_todo
    assert created is not None
    return created


def finish(client: Client, todo: TodoSync) -> TodoSync | None:
    """Update a todo unless someone changed its title meanwhile."""
    return client.update_todo(
        input=UpdateTodoInput(id=todo.id, description="done", version_=todo.version_),
        condition=ModelTodoConditionInput(title=ModelStringInput(eq=todo.title)),
    ).update_todo


def forget(client: Client, todo: TodoSync) -> bool:
    """Delete a todo; whether the server kept a tombstone."""
    gone = client.delete_todo(input=DeleteTodoInput(id=todo.id, version_=todo.version_))
    return gone.delete_todo is not None and bool(gone.delete_todo.deleted_)


async def first_update(url: str, api_key: str, title: str) -> TodoSync | None:
    """The first update of a todo titled ``title``."""
    async with AsyncClient(url=url, auth=ApiKeyAuth(api_key)) as client:
        titled = ModelSubscriptionTodoFilterInput(title=ModelSubscriptionStringInput(eq=title))
        async for event in client.on_update_todo(filter_=titled):
            return event.on_update_todo
    return None
