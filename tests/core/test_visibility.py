from __future__ import annotations

from dataclasses import replace

import pytest

from quire.core.visibility import (
    GUEST,
    Viewer,
    WorkAccess,
    can_download_work,
    can_edit_work,
    can_leave_kudos,
    can_see_creators,
    can_view_chapter,
    can_view_work,
    is_in_the_secret,
    sign_in_would_allow_download,
)

CREATOR = Viewer(user_id=1)
MEMBER = Viewer(user_id=2)
ADMIN = Viewer(user_id=3, is_admin=True)
MAINTAINER = Viewer(user_id=4)
"""Moderates a collection holding the work."""


def work(
    *,
    posted: bool = True,
    hidden: bool = False,
    restricted: bool = False,
    anonymous: bool = False,
    unrevealed: bool = False,
) -> WorkAccess:
    return WorkAccess(
        posted=posted,
        hidden=hidden,
        restricted=restricted,
        creator_user_ids=frozenset({1}),
        anonymous=anonymous,
        unrevealed=unrevealed,
        maintainer_user_ids=frozenset({4}),
    )


@pytest.mark.parametrize(
    ("state", "guest", "member", "creator", "admin"),
    [
        ({}, True, True, True, True),
        ({"restricted": True}, False, True, True, True),
        ({"posted": False}, False, False, True, False),
        ({"hidden": True}, False, False, True, True),
        ({"hidden": True, "restricted": True}, False, False, True, True),
        ({"posted": False, "hidden": True}, False, False, True, False),
    ],
)
def test_who_sees_a_work(
    state: dict[str, bool], guest: bool, member: bool, creator: bool, admin: bool
) -> None:
    access = work(**state)
    assert can_view_work(GUEST, access) is guest
    assert can_view_work(MEMBER, access) is member
    assert can_view_work(CREATOR, access) is creator
    assert can_view_work(ADMIN, access) is admin


def test_unposted_chapters_are_for_creators_only() -> None:
    assert can_view_chapter(CREATOR, work(), chapter_posted=False)
    assert not can_view_chapter(MEMBER, work(), chapter_posted=False)
    assert not can_view_chapter(ADMIN, work(), chapter_posted=False)
    assert can_view_chapter(GUEST, work(), chapter_posted=True)
    assert not can_view_chapter(GUEST, work(restricted=True), chapter_posted=True)


def test_only_creators_edit() -> None:
    assert can_edit_work(CREATOR, work())
    assert not can_edit_work(ADMIN, work())
    assert not can_edit_work(GUEST, work())


@pytest.mark.parametrize(
    ("state", "guest", "member", "creator", "admin", "sign_in"),
    [
        ({}, True, True, True, True, False),
        ({"restricted": True}, False, True, True, True, True),
        ({"posted": False}, False, False, False, False, False),
        ({"hidden": True}, False, False, False, False, False),
        ({"hidden": True, "restricted": True}, False, False, False, False, False),
        ({"posted": False, "restricted": True}, False, False, False, False, False),
    ],
)
def test_who_downloads_a_work(
    state: dict[str, bool], guest: bool, member: bool, creator: bool, admin: bool, sign_in: bool
) -> None:
    """Drafts and hidden works never leave the archive, whoever asks."""
    access = work(**state)
    assert can_download_work(GUEST, access) is guest
    assert can_download_work(MEMBER, access) is member
    assert can_download_work(CREATOR, access) is creator
    assert can_download_work(ADMIN, access) is admin
    assert sign_in_would_allow_download(GUEST, access) is sign_in
    assert not sign_in_would_allow_download(MEMBER, access)


SECRETS = [{"anonymous": True}, {"unrevealed": True}, {"anonymous": True, "unrevealed": True}]


@pytest.mark.parametrize(
    ("state", "guest", "member", "creator", "maintainer", "admin"),
    [
        ({"anonymous": True}, True, True, True, True, True),
        ({"unrevealed": True}, False, False, True, True, True),
        ({"unrevealed": True, "restricted": True}, False, False, True, True, True),
        ({"unrevealed": True, "hidden": True}, False, False, True, False, True),
        ({"unrevealed": True, "posted": False}, False, False, True, False, False),
    ],
)
def test_an_unrevealed_work_is_seen_only_by_those_in_the_secret(
    state: dict[str, bool], guest: bool, member: bool, creator: bool, maintainer: bool, admin: bool
) -> None:
    """Anonymity hides names, not the work; an unrevealed work is hidden from everyone
    but its creators, the collection's maintainers and the admins (and a maintainer
    gets no more than a member of a hidden work or a draft)."""
    access = work(**state)
    assert can_view_work(GUEST, access) is guest
    assert can_view_work(MEMBER, access) is member
    assert can_view_work(CREATOR, access) is creator
    assert can_view_work(MAINTAINER, access) is maintainer
    assert can_view_work(ADMIN, access) is admin


@pytest.mark.parametrize("state", [{}, {"unrevealed": True}, {"restricted": True}])
def test_only_an_anonymous_works_byline_hides_its_creators(state: dict[str, bool]) -> None:
    for viewer in (GUEST, MEMBER, CREATOR, MAINTAINER, ADMIN):
        assert can_see_creators(viewer, work(**state))


def test_an_anonymous_works_creators_are_known_to_those_in_the_secret() -> None:
    access = work(anonymous=True)
    assert [can_see_creators(viewer, access) for viewer in (GUEST, MEMBER)] == [False, False]
    assert all(can_see_creators(viewer, access) for viewer in (CREATOR, MAINTAINER, ADMIN))
    assert [is_in_the_secret(viewer, access) for viewer in (GUEST, MEMBER)] == [False, False]


def test_a_member_of_another_collection_is_not_in_the_secret() -> None:
    access = replace(work(anonymous=True, unrevealed=True), maintainer_user_ids=frozenset())
    assert not can_view_work(MAINTAINER, access)
    assert not can_see_creators(MAINTAINER, access)


@pytest.mark.parametrize("state", SECRETS[1:])
def test_an_unrevealed_work_never_leaves_the_archive(state: dict[str, bool]) -> None:
    """Not even for those in the secret: a file cannot be taken back at the reveal."""
    access = work(**state)
    for viewer in (GUEST, MEMBER, CREATOR, MAINTAINER, ADMIN):
        assert not can_download_work(viewer, access)
    assert not sign_in_would_allow_download(GUEST, work(restricted=True, **state))


def test_an_anonymous_work_leaves_the_archive_as_a_posted_one_does() -> None:
    assert can_download_work(GUEST, work(anonymous=True))
    assert sign_in_would_allow_download(GUEST, work(anonymous=True, restricted=True))


def test_kudos_on_an_unrevealed_work_come_only_from_those_who_can_see_it() -> None:
    access = work(unrevealed=True)
    assert not can_leave_kudos(GUEST, access)
    assert not can_leave_kudos(MEMBER, access)
    assert not can_leave_kudos(CREATOR, access)
    assert can_leave_kudos(MAINTAINER, access)
    assert can_leave_kudos(ADMIN, access)
    assert can_leave_kudos(MEMBER, work(anonymous=True))
