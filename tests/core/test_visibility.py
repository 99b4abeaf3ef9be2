from __future__ import annotations

import pytest

from quire.core.visibility import (
    GUEST,
    Viewer,
    WorkAccess,
    can_download_work,
    can_edit_work,
    can_view_chapter,
    can_view_work,
    sign_in_would_allow_download,
)

CREATOR = Viewer(user_id=1)
MEMBER = Viewer(user_id=2)
ADMIN = Viewer(user_id=3, is_admin=True)


def work(*, posted: bool = True, hidden: bool = False, restricted: bool = False) -> WorkAccess:
    return WorkAccess(
        posted=posted, hidden=hidden, restricted=restricted, creator_user_ids=frozenset({1})
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
