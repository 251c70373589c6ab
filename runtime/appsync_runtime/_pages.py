"""Pagination: follow an operation's page token until the last page.

Generated ``iter_*`` methods return a :class:`Pages` (blocking client) or
:class:`AsyncPages` (asyncio client) over their operation's method::

    for page in client.iter_list_notes(limit=50, max_pages=10):
        ...
    for note in client.iter_list_notes(limit=50).items():
        ...

Each iteration starts again from the first page and fetches a page only when the
loop reaches it. It ends when the token is null (or the object holding it is), after
``max_pages`` pages, or once ``max_items`` items arrived (``items()`` yields exactly
that many; a page loop gets the last page whole). A failed fetch raises the call's
typed error where the loop is; the pages already yielded are the caller's, and
:attr:`Pages.next_token` is the token to resume from.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from ._options import OPERATION_OPTIONS, check_options
from .errors import AppSyncConfigError, AppSyncResponseError
from .unset import UNSET

__all__ = ["AsyncPages", "Pages"]

P = TypeVar("P")
I = TypeVar("I")  # noqa: E741  (the item type)


def _limit(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AppSyncConfigError(f"{name} must be a positive integer or None, not {value!r}")
    return value


def _follow(page: object, path: Sequence[str]) -> object:
    """The value at ``path`` (attribute names) in ``page``; None if a step is None."""
    value = page
    for name in path:
        if value is None:
            return None
        value = getattr(value, name)
    return value


class _Walk:
    """One pass through the pages: the token to send next and the limits left.

    Shared by the blocking and asyncio iterators, which differ only in how they
    fetch.
    """

    __slots__ = ("_spec", "done", "items", "pages", "stuck", "token")

    def __init__(self, spec: _PageSpec) -> None:
        self._spec = spec
        self.token: object = spec.start
        self.pages = 0
        self.items = 0
        self.done = False
        self.stuck = False

    def more(self) -> bool:
        """Whether another page is to be fetched; raises when the last page returned
        the token it was fetched with."""
        spec = self._spec
        if (
            self.done
            or (spec.max_pages is not None and self.pages >= spec.max_pages)
            or (spec.max_items is not None and self.items >= spec.max_items)
        ):
            return False
        if self.stuck:
            raise AppSyncResponseError(
                f"{spec.operation}: page {self.pages} returned the token it was fetched "
                "with; following it would fetch the same page forever"
            )
        return True

    def took(self, page: object) -> list[Any]:
        """Account for ``page`` (fetched with :attr:`token`); its items, up to the
        ``max_items`` still allowed."""
        spec = self._spec
        found = _follow(page, spec.items)
        if found is None:
            items: list[Any] = []
        elif isinstance(found, list):
            items = list(found)  # pyright: ignore[reportUnknownArgumentType]
        else:
            raise AppSyncResponseError(
                f"{spec.operation}: the page's {'.'.join(spec.items)} is not a list"
            )
        if spec.max_items is not None:
            items = items[: spec.max_items - self.items]
        self.pages += 1
        self.items += len(items)
        token = _follow(page, spec.token)
        self.stuck = token is not None and token == self.token
        self.token = token
        self.done = token is None
        return items


class _PageSpec:
    __slots__ = ("items", "max_items", "max_pages", "operation", "start", "token")

    def __init__(
        self,
        start: object,
        token: Sequence[str],
        items: Sequence[str],
        max_pages: object,
        max_items: object,
        operation: str,
    ) -> None:
        if not token or not items:
            raise AppSyncConfigError("token and items must name the fields to follow")
        self.start = start
        self.token = tuple(token)
        self.items = tuple(items)
        self.max_pages = _limit(max_pages, "max_pages")
        self.max_items = _limit(max_items, "max_items")
        self.operation = operation or "pagination"


class Pages(Generic[P, I]):
    """The pages of one paginated call, fetched as a loop reaches them; ``items()``
    iterates their items instead.

    ``fetch(token)`` gets one page (the first with ``start``, which may be
    ``UNSET``); ``token`` and ``items`` are the attribute paths to the next token
    and the item list in a page. ``options``, the per-call options ``fetch`` passes
    on, are checked at once.
    """

    def __init__(
        self,
        fetch: Callable[[Any], P],
        start: object = UNSET,
        *,
        token: Sequence[str],
        items: Sequence[str],
        max_pages: int | None = None,
        max_items: int | None = None,
        operation: str = "",
        options: Mapping[str, object] | None = None,
    ) -> None:
        if options:
            check_options(options, OPERATION_OPTIONS, operation or "pagination")
        self._fetch = fetch
        self._spec = _PageSpec(start, token, items, max_pages, max_items, operation)
        self._walk = _Walk(self._spec)

    @property
    def next_token(self) -> Any:
        """The token the latest iteration would send next (to resume after an error);
        None once it reached the last page."""
        return None if self._walk.done else self._walk.token

    def __iter__(self) -> Iterator[P]:
        walk = self._walk = _Walk(self._spec)
        while walk.more():
            page = self._fetch(walk.token)
            walk.took(page)
            yield page

    def items(self) -> Iterator[I]:
        """Each item of each page, in order (at most ``max_items``)."""
        walk = self._walk = _Walk(self._spec)
        while walk.more():
            yield from walk.took(self._fetch(walk.token))


class AsyncPages(Generic[P, I]):
    """:class:`Pages` for the asyncio client: ``async for page in ...`` and
    ``async for item in ....items()``."""

    def __init__(
        self,
        fetch: Callable[[Any], Awaitable[P]],
        start: object = UNSET,
        *,
        token: Sequence[str],
        items: Sequence[str],
        max_pages: int | None = None,
        max_items: int | None = None,
        operation: str = "",
        options: Mapping[str, object] | None = None,
    ) -> None:
        if options:
            check_options(options, OPERATION_OPTIONS, operation or "pagination")
        self._fetch = fetch
        self._spec = _PageSpec(start, token, items, max_pages, max_items, operation)
        self._walk = _Walk(self._spec)

    @property
    def next_token(self) -> Any:
        """The token the latest iteration would send next (to resume after an error);
        None once it reached the last page."""
        return None if self._walk.done else self._walk.token

    async def __aiter__(self) -> AsyncIterator[P]:
        walk = self._walk = _Walk(self._spec)
        while walk.more():
            page = await self._fetch(walk.token)
            walk.took(page)
            yield page

    async def items(self) -> AsyncIterator[I]:
        """Each item of each page, in order (at most ``max_items``)."""
        walk = self._walk = _Walk(self._spec)
        while walk.more():
            for item in walk.took(await self._fetch(walk.token)):
                yield item
