"""An application's use of a client whose model carries every AWS scalar.

AWSDate, AWSTime, AWSDateTime come back as ``date``, ``time`` and aware ``datetime``;
AWSTimestamp as ``int`` seconds; AWSJSON decoded; AWSIPAddress as an address object;
AWSEmail, AWSPhone and AWSURL as ``str``. Type-checked (mypy and pyright, strict) with
the generated ``scalars_client`` package.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from ipaddress import IPv4Address, IPv6Address, IPv6Interface, ip_address, ip_interface
from typing import cast

from scalars_client import (
    AllValues,
    AsyncClient,
    Client,
    CreatePostInput,
    ModelIntInput,
    ModelPostConditionInput,
    ModelPostFilterInput,
    ModelStringInput,
    ModelSubscriptionPostFilterInput,
    ModelSubscriptionStringInput,
    ModelTagInput,
    Tag,
    UpdatePostInput,
)

from appsync_runtime import ApiKeyAuth


def connect(url: str, api_key: str) -> Client:
    """The blocking client, authorised with the API's key."""
    return Client(url=url, auth=ApiKeyAuth(api_key))


def record(client: Client) -> AllValues:
    """Create a post with a value for every scalar."""
    created = client.create_post(
        input=CreatePostInput(
            string_value="hello",
            int_val=7,
            float_value=2.5,
            boolean_value=True,
            aws_json_value={"tags": ["a", "b"], "depth": {"n": 1}},
            aws_date_value=date(2024, 2, 29),
            aws_timestamp_value=1_709_164_800,
            aws_email_value="ops@example.com",
            aws_url_value="https://example.com/post?id=1",
            aws_phone_value="+12065550100",
            aws_ip_address_value_1=ip_address("192.0.2.1"),
            aws_ip_address_value_2=ip_interface("2001:db8::/32"),
            enum_value=Tag.NEWS,
            aws_time_value=time(23, 59, 58, tzinfo=timezone.utc),
            aws_date_time=datetime(2024, 2, 29, 12, 0, tzinfo=timezone.utc),
        )
    ).create_post
    assert created is not None
    return created


def describe(post: AllValues) -> list[str]:
    """What an application does with the typed values."""
    lines: list[str] = []
    if post.aws_date_value is not None:
        lines.append(f"on {post.aws_date_value.isoformat()} ({post.aws_date_value:%A})")
    if post.aws_time_value is not None:
        lines.append(f"at {post.aws_time_value.hour:02d}:{post.aws_time_value.minute:02d}")
    if post.aws_date_time is not None:
        lines.append(f"utc offset {post.aws_date_time.utcoffset()}")
    if post.aws_timestamp_value is not None:
        moment = datetime.fromtimestamp(post.aws_timestamp_value, tz=timezone.utc)
        lines.append(f"stamped {moment:%Y-%m-%d}")
    address = post.aws_ip_address_value_1
    if isinstance(address, (IPv4Address, IPv6Address)):
        lines.append(f"from {address} (private: {address.is_private})")
    network = post.aws_ip_address_value_2
    if isinstance(network, IPv6Interface):
        lines.append(f"network {network.network}")
    payload: object = post.aws_json_value  # AWSJSON: any decoded JSON value
    if isinstance(payload, dict):
        lines.append(f"json keys {sorted(cast('dict[str, object]', payload))}")
    if post.enum_value is Tag.NEWS:
        lines.append("news")
    lines.append(f"created {post.created_at.isoformat()}")
    lines.extend(
        value
        for value in (post.aws_email_value, post.aws_phone_value, post.aws_url_value)
        if value is not None
    )
    return lines


def in_february(client: Client) -> list[date]:
    """Dates of the posts dated in February 2024 (AWSDate filters as strings)."""
    found: list[date] = []
    token: str | None = None
    while True:
        page = client.list_posts_dated_between(
            first="2024-02-01", last="2024-02-29", limit=20, next_token=token
        ).list_posts
        if page is None:
            return found
        found.extend(
            post.aws_date_value
            for post in page.items
            if post is not None and post.aws_date_value is not None
        )
        token = page.next_token
        if token is None:
            return found


def popular_news(client: Client) -> list[AllValues]:
    """NEWS posts with at least 10 (``intVal``) votes."""
    page = client.list_posts(
        filter_=ModelPostFilterInput(
            enum_value=ModelTagInput(eq=Tag.NEWS), int_val=ModelIntInput(ge=10)
        )
    ).list_posts
    return [] if page is None else [post for post in page.items if post is not None]


def move(client: Client, post: AllValues, when: datetime) -> datetime | None:
    """Reschedule a post unless it was edited meanwhile; its new AWSDateTime."""
    updated = client.update_post(
        input=UpdatePostInput(id=post.id, aws_date_time=when),
        condition=ModelPostConditionInput(
            updated_at=ModelStringInput(eq=post.updated_at.isoformat())
        ),
    ).update_post
    return None if updated is None else updated.aws_date_time


async def first_from(url: str, api_key: str, email: str) -> AllValues | None:
    """The next post created with ``awsEmailValue`` ``email``."""
    async with AsyncClient(url=url, auth=ApiKeyAuth(api_key)) as client:
        wanted = ModelSubscriptionPostFilterInput(
            aws_email_value=ModelSubscriptionStringInput(eq=email)
        )
        async for event in client.on_create_post(filter_=wanted):
            return event.on_create_post
    return None
