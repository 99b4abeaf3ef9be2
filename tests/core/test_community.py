"""The kudos sentence, visitor keys, and who may leave kudos or see a bookmark."""

from __future__ import annotations

import pytest

from quire.core.community import kudos_phrases, kudos_sentence, visitor_key
from quire.core.visibility import GUEST, Viewer, can_leave_kudos, can_view_bookmark
from tests.core.test_visibility import ADMIN, CREATOR, MEMBER, work


@pytest.mark.parametrize(
    ("names", "more", "guests", "sentence"),
    [
        (["alice"], 0, 0, "alice left kudos on this work!"),
        (["alice", "bob"], 0, 0, "alice and bob left kudos on this work!"),
        (["alice", "bob"], 0, 3, "alice, bob and 3 guests left kudos on this work!"),
        ([], 0, 1, "1 guest left kudos on this work!"),
        (["a", "b", "c"], 2, 1, "a, b, c, 2 more users and 1 guest left kudos on this work!"),
        (["a"], 1, 0, "a and 1 more user left kudos on this work!"),
        ([], 0, 1200, "1,200 guests left kudos on this work!"),
        ([], 0, 0, ""),
    ],
)
def test_the_kudos_sentence(names: list[str], more: int, guests: int, sentence: str) -> None:
    assert kudos_sentence(names, more_users=more, guests=guests) == sentence


def test_only_usernames_are_marked_as_names() -> None:
    phrases = kudos_phrases(["alice"], guests=2)
    assert [(p.text, p.is_name, p.after) for p in phrases] == [
        ("alice", True, " and "),
        ("2 guests", False, ""),
    ]


def test_visitor_keys_are_stable_keyed_and_say_nothing_of_the_address() -> None:
    key = visitor_key("secret", "hit", "2026-01-01", "203.0.113.9")
    assert key == visitor_key("secret", "hit", "2026-01-01", "203.0.113.9")
    assert key != visitor_key("other secret", "hit", "2026-01-01", "203.0.113.9")
    assert key != visitor_key("secret", "hit", "2026-01-02", "203.0.113.9")
    assert "203" not in key and len(key) == 40
    # The parts are kept apart: moving a character between them changes the key.
    assert visitor_key("s", "ab", "c") != visitor_key("s", "a", "bc")


@pytest.mark.parametrize(
    ("state", "guest", "member", "creator", "admin"),
    [
        ({}, True, True, False, True),
        ({"restricted": True}, False, True, False, True),
        ({"posted": False}, False, False, False, False),
        ({"hidden": True}, False, False, False, False),
    ],
)
def test_who_may_leave_kudos(
    state: dict[str, bool], guest: bool, member: bool, creator: bool, admin: bool
) -> None:
    access = work(**state)
    assert [can_leave_kudos(viewer, access) for viewer in (GUEST, MEMBER, CREATOR, ADMIN)] == [
        guest,
        member,
        creator,
        admin,
    ]


def test_private_bookmarks_are_their_owners_alone() -> None:
    def sees(viewer: Viewer, *, private: bool, item_visible: bool = True) -> bool:
        return can_view_bookmark(viewer, owner_id=2, private=private, item_visible=item_visible)

    assert [sees(v, private=False) for v in (GUEST, MEMBER, ADMIN)] == [True, True, True]
    assert [sees(v, private=True) for v in (GUEST, MEMBER, ADMIN)] == [False, True, False]
    assert not sees(MEMBER, private=False, item_visible=False)
