"""An application's use of the client generated from a Merged API *source* schema.

The books team's source API marks ``Review.bookId`` and ``Query.getAuthor`` with
``@hidden`` (kept out of the merged API). A client of the source API itself still
calls them. Type-checked (mypy and pyright, strict) with the generated
``books_client`` package.
"""

from __future__ import annotations

from books_client import (
    AsyncBooksClient,
    BookFields,
    BooksClient,
    CreateBookInput,
    DeleteBookInput,
    UpdateBookInput,
)

from appsync_runtime import ApiKeyAuth


def connect(url: str, api_key: str) -> BooksClient:
    """The blocking client, authorised with the source API's key."""
    return BooksClient(url=url, auth=ApiKeyAuth(api_key))


def catalogue(client: BooksClient) -> list[BookFields]:
    """Every book, following ``nextToken``."""
    books: list[BookFields] = []
    token: str | None = None
    while True:
        page = client.list_books(limit=50, next_token=token).list_books
        if page is None or page.items is None:
            return books
        books.extend(book for book in page.items if book is not None)
        token = page.next_token
        if token is None:
            return books


def by_author(client: BooksClient, author_id: str) -> list[str]:
    """Titles of an author's books through the index query (``first``/``after``)."""
    titles: list[str] = []
    after: str | None = None
    while True:
        page = client.books_by_author(author_id=author_id, first=25, after=after)
        connection = page.query_books_by_author_index
        if connection is None or connection.items is None:
            return titles
        titles.extend(book.title for book in connection.items if book is not None)
        after = connection.next_token
        if after is None:
            return titles


def bibliography(client: BooksClient, author_id: str) -> list[tuple[str, int | None]]:
    """(title, year) of an author's books through the ``@hidden`` ``getAuthor``."""
    author = client.author_with_books(id=author_id).get_author
    if author is None or author.books is None or author.books.items is None:
        return []
    return [(b.title, b.publication_year) for b in author.books.items if b is not None]


def publish(client: BooksClient, title: str, author_id: str, year: int) -> BookFields:
    """Create a book."""
    created = client.create_book(
        input=CreateBookInput(title=title, author_id=author_id, publication_year=year)
    ).create_book
    assert created is not None
    return created


def reclassify(client: BooksClient, book_id: str, genre: str) -> str | None:
    """Change a book's genre; the genre it has now."""
    updated = client.update_book(input=UpdateBookInput(id=book_id, genre=genre)).update_book
    return None if updated is None else updated.genre


def withdraw(client: BooksClient, book_id: str) -> None:
    """Delete a book."""
    client.delete_book(input=DeleteBookInput(id=book_id))


async def next_book_of(url: str, api_key: str, author_id: str) -> BookFields | None:
    """The next book created for ``author_id`` (subscription arguments filter it)."""
    async with AsyncBooksClient(url=url, auth=ApiKeyAuth(api_key)) as client:
        async for event in client.on_create_book(author_id=author_id):
            return event.on_create_book
    return None
