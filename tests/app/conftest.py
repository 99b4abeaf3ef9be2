"""Helpers that build archive content through the same actions the archive uses."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
from django.test import Client

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.tags import TagType
from quire.people.actions import do_create_user
from quire.people.models import User
from quire.works.actions import do_create_work
from quire.works.models import Work

MakeWork = Callable[..., Work]
Capture = Callable[..., AbstractContextManager[list[Callable[[], object]]]]


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, **kwargs: Any) -> User:
        return do_create_user(username, password="a-long-test-password", **kwargs)

    return make


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    return make_user("author")


@pytest.fixture
def reader(make_user: Callable[..., User]) -> User:
    return make_user("reader")


@pytest.fixture
def signed_in(client: Client, reader: User) -> Client:
    """The test client, signed in as `reader`."""
    client.force_login(reader)
    return client


@pytest.fixture
def make_work(author: User) -> MakeWork:
    """A posted General Audiences work with one chapter unless told otherwise."""

    def make(
        title: str = "A Work",
        *,
        chapters: list[str] | None = None,
        rating: str = "General Audiences",
        tags: dict[TagType, list[str]] | None = None,
        creators: list[User] | None = None,
        posted: bool = True,
        restricted: bool = False,
        expected_chapters: int | None = None,
        published: date = date(2026, 1, 1),
        **fields: Any,
    ) -> Work:
        all_tags = {
            TagType.RATING: [rating],
            TagType.WARNING: ["No Archive Warnings Apply"],
            TagType.CATEGORY: ["Gen"],
            TagType.FANDOM: ["Test Fandom"],
            **(tags or {}),
        }
        parsed = ParsedWork(
            title=title,
            chapters=[
                ParsedChapter(content=f"<p>{text}</p>", published=published)
                for text in (chapters or ["Once upon a time."])
            ],
            tags=all_tags,
            expected_chapters=expected_chapters,
            published=published,
            **fields,
        )
        pseuds = [user.default_pseud for user in (creators or [author])]
        return do_create_work(creators=pseuds, parsed=parsed, posted=posted, restricted=restricted)

    return make


@pytest.fixture(autouse=True)
def fresh_lexicon() -> None:
    """Each test sees the tags it made, not a lexicon kept from an earlier test."""
    from quire.tags.suggestions import forget_archive_lexicon

    forget_archive_lexicon()


@pytest.fixture(autouse=True)
def forget_failed_logins() -> None:
    """Failed logins are counted in Django's cache (quire.people.throttle), which lives
    as long as the test process: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Capture) -> Callable[[], AbstractContextManager]:
    """Run what a write queues for after its commit, as the worker would (immediate tasks)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
