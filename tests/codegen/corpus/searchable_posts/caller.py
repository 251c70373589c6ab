"""An application's use of the client generated from an Amplify ``@searchable`` schema.

``aggregateItems.result`` is the union ``SearchableAggregateGenericResult``: a scalar
(``avg``, ``sum`` ...) or buckets (``terms``). The caller narrows it with
``isinstance`` on the generated member classes or on ``__typename``. Sort and
aggregate field enums hold values named like ``str`` and ``Enum`` members (``title``,
``name``). Type-checked (mypy and pyright, strict) with the generated
``search_client`` package.
"""

from __future__ import annotations

from search_client import (
    AsyncSearchClient,
    CreatePostInput,
    ModelAttributeTypes,
    ModelPostFilterInput,
    ModelStringInput,
    SearchableAggregateType,
    SearchablePostAggregateField,
    SearchablePostAggregationInput,
    SearchablePostFilterInput,
    SearchablePostSortableFields,
    SearchablePostSortInput,
    SearchableSortDirection,
    SearchableStringFilterInput,
    SearchableUserAggregateField,
    SearchableUserAggregationInput,
    SearchableUserSortableFields,
    SearchableUserSortInput,
    SearchClient,
    SearchPostsSearchPostsAggregateItemsResultSearchableAggregateBucketResult,
    SearchPostsSearchPostsAggregateItemsResultSearchableAggregateScalarResult,
)

from appsync_runtime import ApiKeyAuth

Buckets = SearchPostsSearchPostsAggregateItemsResultSearchableAggregateBucketResult
Scalar = SearchPostsSearchPostsAggregateItemsResultSearchableAggregateScalarResult


def connect(url: str, api_key: str) -> SearchClient:
    """The blocking client, authorised with the API's key."""
    return SearchClient(url=url, auth=ApiKeyAuth(api_key))


def search_titles(client: SearchClient, words: str, page: int) -> tuple[list[str], int | None]:
    """One page (20 hits, by offset) of posts matching ``words``, newest first; the
    titles and the total number of hits."""
    result = client.search_posts(
        filter_=SearchablePostFilterInput(title=SearchableStringFilterInput(match=words)),
        sort=[
            SearchablePostSortInput(
                field=SearchablePostSortableFields.createdAt,
                direction=SearchableSortDirection.desc,
            )
        ],
        limit=20,
        from_=page * 20,
    ).search_posts
    if result is None:
        return [], None
    return [post.title for post in result.items if post is not None], result.total


def title_facets(client: SearchClient) -> dict[str, int]:
    """How many posts carry each title, and how many distinct titles exist."""
    result = client.search_posts(
        aggregates=[
            SearchablePostAggregationInput(
                name="titles",
                type_=SearchableAggregateType.terms,
                field=SearchablePostAggregateField.title_,
            ),
            SearchablePostAggregationInput(
                name="distinct",
                type_=SearchableAggregateType.cardinality,
                field=SearchablePostAggregateField.title_,
            ),
        ]
    ).search_posts
    counts: dict[str, int] = {}
    if result is None:
        return counts
    for item in result.aggregate_items:
        if item is None or item.result is None:
            continue
        if isinstance(item.result, Buckets):
            for bucket in item.result.buckets or []:
                if bucket is not None:
                    counts[bucket.key] = bucket.doc_count
        else:
            scalar: Scalar = item.result
            counts[f"<{item.name}>"] = int(scalar.value)
    return counts


def user_name_stats(client: SearchClient) -> list[str]:
    """Users sorted by name with a name aggregation, narrowed on ``__typename``."""
    result = client.search_users(
        sort=[
            SearchableUserSortInput(
                field=SearchableUserSortableFields.name_, direction=SearchableSortDirection.asc
            )
        ],
        aggregates=[
            SearchableUserAggregationInput(
                name="names",
                type_=SearchableAggregateType.terms,
                field=SearchableUserAggregateField.name_,
            )
        ],
    ).search_users
    lines: list[str] = []
    if result is None:
        return lines
    for item in result.aggregate_items:
        if item is None or item.result is None:
            continue
        if item.result.typename__ == "SearchableAggregateBucketResult":
            lines.extend(
                f"{bucket.key}: {bucket.doc_count}"
                for bucket in item.result.buckets or []
                if bucket is not None
            )
        else:
            lines.append(f"{item.name} = {item.result.value}")
    return lines


def untitled(client: SearchClient) -> list[str]:
    """Ids of posts stored without a title attribute (``attributeType: _null``)."""
    page = client.list_posts(
        filter_=ModelPostFilterInput(
            title=ModelStringInput(attribute_type=ModelAttributeTypes.null_)
        )
    ).list_posts
    return [] if page is None else [post.id for post in page.items if post is not None]


async def add_and_watch(url: str, api_key: str, title: str) -> str | None:
    """Create a post once the subscription is acknowledged; the announced title."""
    async with AsyncSearchClient(url=url, auth=ApiKeyAuth(api_key)) as client:

        async def on_ready() -> None:
            await client.create_post(input=CreatePostInput(title=title))

        async for event in client.on_create_post(on_ready=on_ready):
            if event.on_create_post is not None:
                return event.on_create_post.title
    return None
