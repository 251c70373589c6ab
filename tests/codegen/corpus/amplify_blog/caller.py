"""An application's use of the client generated from the Amplify blog schema.

Type-checked (mypy and pyright, strict) with the generated ``blog_client`` package, and
run against the AppSync simulator by ``tests/codegen/test_corpus.py``.
"""

from __future__ import annotations

from blog_client import (
    AsyncBlogClient,
    BlogClient,
    CreateBlogInput,
    CreateCommentInput,
    CreatePostInput,
    DeletePostInput,
    ModelAttributeTypes,
    ModelBlogFilterInput,
    ModelIDInput,
    ModelPostConditionInput,
    ModelPostFilterInput,
    ModelStringInput,
    ModelSubscriptionPostFilterInput,
    ModelSubscriptionStringInput,
    OnCreatePost,
    PostSummary,
    UpdatePostInput,
)

from appsync_runtime import ApiKeyAuth


def connect(url: str, api_key: str) -> BlogClient:
    """The blocking client, authorised with the API's key."""
    return BlogClient(url=url, auth=ApiKeyAuth(api_key))


def start_blog(client: BlogClient, name: str, titles: list[str]) -> str:
    """Create a blog and its first posts; the new blog's id."""
    blog = client.create_blog(input=CreateBlogInput(name=name)).create_blog
    assert blog is not None
    for title in titles:
        post = client.create_post(input=CreatePostInput(title=title, blog_posts_id=blog.id))
        assert post.create_post is not None
    return blog.id


def all_post_titles(client: BlogClient, blog_id: str, page_size: int) -> list[str]:
    """Every post title of a blog, oldest first, following ``nextToken`` page by page."""
    titles: list[str] = []
    token: str | None = None
    while True:
        blog = client.get_blog_with_posts(
            id=blog_id, post_limit=page_size, post_token=token
        ).get_blog
        if blog is None or blog.posts is None:
            return titles
        page: list[PostSummary | None] = list(blog.posts.items)
        titles.extend(post.title for post in page if post is not None)
        token = blog.posts.next_token
        if token is None:
            return titles


def blogs_named(client: BlogClient, prefix: str) -> list[str]:
    """Names of the blogs whose name starts with ``prefix`` (every page)."""
    names: list[str] = []
    token: str | None = None
    while True:
        listing = client.list_blogs(
            filter_=ModelBlogFilterInput(name=ModelStringInput(begins_with=prefix)),
            limit=50,
            next_token=token,
        ).list_blogs
        if listing is None:
            return names
        names.extend(blog.name for blog in listing.items if blog is not None)
        token = listing.next_token
        if token is None:
            return names


def posts_outside_any_blog(client: BlogClient) -> list[str]:
    """Ids of posts that belong to no blog (``blogPostsId`` absent), via ``_null``."""
    listing = client.list_posts(
        filter_=ModelPostFilterInput(
            blog_posts_id=ModelIDInput(attribute_type=ModelAttributeTypes.null_)
        )
    ).list_posts
    return [] if listing is None else [post.id for post in listing.items if post is not None]


def retitle(client: BlogClient, post_id: str, old: str, new: str) -> str | None:
    """Rename a post only if its title is still ``old``; the title it has now."""
    updated = client.update_post(
        input=UpdatePostInput(id=post_id, title=new),
        condition=ModelPostConditionInput(title=ModelStringInput(eq=old)),
    ).update_post
    return None if updated is None else updated.title


def comment_and_read_back(client: BlogClient, post_id: str, text: str) -> list[str]:
    """Add a comment, then read the post with its comments: their texts."""
    created = client.create_comment(
        input=CreateCommentInput(content=text, post_comments_id=post_id)
    ).create_comment
    assert created is not None and created.post_comments_id == post_id
    post = client.get_post(id=post_id, comment_limit=10).get_post
    if post is None or post.comments is None:
        return []
    assert post.blog is None or post.blog.created_at.tzinfo is not None
    return [comment.content for comment in post.comments.items if comment is not None]


def remove(client: BlogClient, post_id: str) -> str:
    """Delete a post; the deleted post's id."""
    deleted = client.delete_post(input=DeletePostInput(id=post_id)).delete_post
    assert deleted is not None
    return deleted.id


async def announce_and_hear(url: str, api_key: str, blog_id: str, title: str) -> OnCreatePost:
    """Subscribe to new posts titled ``title``, create one once AppSync acknowledged
    the subscription, and return the event that announces it."""
    async with AsyncBlogClient(url=url, auth=ApiKeyAuth(api_key)) as client:

        async def on_ready() -> None:
            await client.create_post(input=CreatePostInput(title=title, blog_posts_id=blog_id))

        wanted = ModelSubscriptionPostFilterInput(title=ModelSubscriptionStringInput(eq=title))
        async for event in client.on_create_post(filter_=wanted, on_ready=on_ready):
            post = event.on_create_post
            if post is not None and post.title == title:
                return event
    raise RuntimeError("the subscription ended before the post was announced")
