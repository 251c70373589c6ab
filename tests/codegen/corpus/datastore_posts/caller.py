"""An application's own sync loop on the client generated from a DataStore schema.

DataStore adds ``_version``, ``_deleted`` and ``_lastChangedAt`` to every model and a
``syncX(lastSync:)`` query per model. This caller keeps a local copy of the posts the
way DataStore does: a base sync, delta syncs from ``startedAt``, updates that send the
``_version`` they last saw, and deletes that leave tombstones.

Type-checked (mypy and pyright, strict) with the generated ``datastore_client``
package, and run against the AppSync simulator by ``tests/codegen/test_corpus.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datastore_client import (
    AsyncDataStoreClient,
    CreatePostInput,
    DataStoreClient,
    DeletePostInput,
    EntityMetadataInput,
    Episode,
    ModelBooleanInput,
    ModelPostFilterInput,
    ModelSubscriptionPostFilterInput,
    OnUpdatePost,
    PostFields,
    PostMetadataInput,
    TagInput,
    UpdatePostInput,
)

from appsync_runtime import ApiKeyAuth


@dataclass
class LocalStore:
    """The posts a device holds, and where its next delta sync starts."""

    posts: dict[str, PostFields] = field(default_factory=dict[str, PostFields])
    last_sync: int | None = None


def connect(url: str, api_key: str) -> DataStoreClient:
    """The blocking client, authorised with the API's key."""
    return DataStoreClient(url=url, auth=ApiKeyAuth(api_key))


def sync(client: DataStoreClient, store: LocalStore, page_size: int) -> int:
    """One base (first) or delta sync of the posts; how many records came back."""
    received = 0
    token: str | None = None
    started_at: int | None = None
    while True:
        page = client.sync_posts(
            limit=page_size, next_token=token, last_sync=store.last_sync
        ).sync_posts
        if page is None:
            break
        started_at = page.started_at if started_at is None else started_at
        for post in page.items:
            if post is None:
                continue
            received += 1
            if post.deleted_:
                store.posts.pop(post.id, None)
            else:
                store.posts[post.id] = post
        token = page.next_token
        if token is None:
            break
    store.last_sync = started_at
    return received


def live_posts(client: DataStoreClient) -> list[str]:
    """Titles of the posts not deleted, through the ``_deleted`` filter field."""
    listing = client.list_posts(
        filter_=ModelPostFilterInput(deleted_=ModelBooleanInput(ne=True)), limit=100
    ).list_posts
    if listing is None:
        return []
    return [post.title for post in listing.items if post is not None]


def publish(client: DataStoreClient, title: str, episode: Episode) -> PostFields:
    """Create a post with nested non-model values and an enum list."""
    created = client.create_post(
        input=CreatePostInput(
            title=title,
            episode=episode,
            appears_in=[episode, Episode.JEDI],
            metadata=PostMetadataInput(
                tags=TagInput(
                    published=True, metadata=PostMetadataInput(tags=TagInput(published=False))
                )
            ),
            entity_metadata=EntityMetadataInput(is_active=True),
        )
    ).create_post
    assert created is not None
    return created


def rename(client: DataStoreClient, post: PostFields, title: str) -> PostFields:
    """Update a post as DataStore does: sending the ``_version`` it last saw."""
    updated = client.update_post(
        input=UpdatePostInput(id=post.id, title=title, version_=post.version_)
    ).update_post
    assert updated is not None
    return updated


def versions(client: DataStoreClient, post_id: str) -> tuple[int, int] | None:
    """The server's ``_version`` and the field this application aliases ``version``."""
    post = client.post_version(id=post_id).get_post
    return None if post is None else (post.version_, post.version)


def tombstone(client: DataStoreClient, post: PostFields) -> bool:
    """Delete a post; whether the server returned it marked ``_deleted``."""
    deleted = client.delete_post(
        input=DeletePostInput(id=post.id, version_=post.version_)
    ).delete_post
    return deleted is not None and deleted.deleted_ is True


async def watch_update(url: str, api_key: str, post: PostFields, title: str) -> OnUpdatePost:
    """Subscribe to post updates, rename ``post`` once AppSync acknowledged the
    subscription, and return the event carrying the new ``_version``."""
    async with AsyncDataStoreClient(url=url, auth=ApiKeyAuth(api_key)) as client:

        async def on_ready() -> None:
            await client.update_post(
                input=UpdatePostInput(id=post.id, title=title, version_=post.version_)
            )

        live = ModelSubscriptionPostFilterInput(deleted_=ModelBooleanInput(ne=True))
        async for event in client.on_update_post(filter_=live, on_ready=on_ready):
            updated = event.on_update_post
            if updated is not None and updated.id == post.id and updated.title == title:
                return event
    raise RuntimeError("the subscription ended before the update arrived")
