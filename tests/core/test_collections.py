"""The collection rules without a database: addresses, rounds, what a new work in a
collection starts as, what a work's items make of it, members' roles and reveal dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quire.core.collections import (
    Approval,
    CollectionRules,
    ItemState,
    Refused,
    Role,
    join_problem,
    leave_problem,
    maintains,
    name_problem,
    new_item,
    parent_problem,
    reveals_due,
    role_change_problem,
    work_flags,
)

OPEN = CollectionRules(open=True, moderated=False, anonymous=False, unrevealed=False)
MODERATED = CollectionRules(open=True, moderated=True, anonymous=True, unrevealed=True)
CLOSED = CollectionRules(open=False, moderated=False, anonymous=False, unrevealed=False)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("yuletide2026", None),
        ("Femslash_Feb-rounds", None),
        ("", "Give the collection an address."),
        ("two words", "Use only letters"),
        ("café", "Use only letters"),
        ("x" * 256, "at most 255"),
        ("New", "keeps for itself"),
    ],
)
def test_addresses(name: str, problem: str | None) -> None:
    found = name_problem(name)
    assert found is None if problem is None else problem in (found or "")


def test_rounds_go_one_level_deep_and_only_the_parents_maintainers_add_them() -> None:
    assert parent_problem(parent_has_parent=False, maintains_parent=True) is None
    assert "one level" in (parent_problem(parent_has_parent=True, maintains_parent=True) or "")
    assert "maintainers" in (parent_problem(parent_has_parent=False, maintains_parent=False) or "")


def test_owners_and_moderators_maintain() -> None:
    assert maintains(Role.OWNER) and maintains(Role.MODERATOR) and maintains("moderator")
    assert not maintains(Role.MEMBER)
    assert not maintains(None)


def test_a_creator_adding_to_an_open_collection_is_in_at_once() -> None:
    item = new_item(OPEN, by_creator=True, by_maintainer=False)
    assert (item.collection_approval, item.creator_approval) == (Approval.APPROVED,) * 2
    assert not item.anonymous and not item.unrevealed


def test_a_moderated_collection_holds_a_creators_work_and_copies_its_flags() -> None:
    item = new_item(MODERATED, by_creator=True, by_maintainer=False)
    assert item.collection_approval == Approval.PENDING
    assert item.creator_approval == Approval.APPROVED
    assert item.anonymous and item.unrevealed


def test_a_maintainer_adding_their_own_work_skips_moderation_and_closure() -> None:
    for rules in (MODERATED, CLOSED):
        item = new_item(rules, by_creator=True, by_maintainer=True)
        assert item.collection_approval == item.creator_approval == Approval.APPROVED


def test_a_closed_collection_refuses_a_creator_naming_it() -> None:
    with pytest.raises(Refused, match="Winter Fest is closed to new works"):
        new_item(CLOSED, by_creator=True, by_maintainer=False, title="Winter Fest")


def test_a_maintainer_invites_someone_elses_work_even_when_closed() -> None:
    item = new_item(CLOSED, by_creator=False, by_maintainer=True)
    assert item.collection_approval == Approval.APPROVED
    assert item.creator_approval == Approval.PENDING


def test_nobody_else_adds_a_work() -> None:
    with pytest.raises(Refused, match="creators or the collection's maintainers"):
        new_item(OPEN, by_creator=False, by_maintainer=False)


def _item(collection: str, creator: str, *, anonymous: bool, unrevealed: bool) -> ItemState:
    return ItemState(collection, creator, anonymous, unrevealed)


def test_a_works_flags_come_from_the_items_holding_it() -> None:
    approved, pending, rejected = Approval.APPROVED, Approval.PENDING, Approval.REJECTED
    assert work_flags([]) == (False, False)
    assert work_flags([_item(approved, approved, anonymous=True, unrevealed=False)]) == (
        True,
        False,
    )
    # Submitted to a moderated collection: secret at once, while the moderators decide.
    assert work_flags([_item(pending, approved, anonymous=True, unrevealed=True)]) == (
        True,
        True,
    )
    not_holding = [
        _item(approved, pending, anonymous=True, unrevealed=True),  # invited, not accepted
        _item(rejected, approved, anonymous=True, unrevealed=True),
        _item(approved, rejected, anonymous=True, unrevealed=True),
    ]
    assert work_flags(not_holding) == (False, False)
    both = [
        _item(approved, approved, anonymous=False, unrevealed=True),
        _item(approved, approved, anonymous=True, unrevealed=False),
    ]
    assert work_flags(both) == (True, True)


@pytest.mark.parametrize(
    ("actor", "current", "wanted", "owners_left", "problem"),
    [
        (Role.OWNER, None, Role.MEMBER, 1, None),
        (Role.OWNER, Role.MEMBER, Role.OWNER, 2, None),
        (Role.OWNER, Role.OWNER, Role.MODERATOR, 1, None),
        (Role.MODERATOR, None, Role.MEMBER, 1, None),
        (Role.MODERATOR, Role.MEMBER, Role.MODERATOR, 1, None),
        (Role.MODERATOR, Role.MEMBER, Role.OWNER, 2, "Only an owner"),
        (Role.MODERATOR, Role.OWNER, None, 0, "Only an owner"),
        (Role.OWNER, Role.OWNER, None, 0, "needs an owner"),
        (Role.OWNER, Role.OWNER, Role.MEMBER, 0, "needs an owner"),
        (Role.MEMBER, None, Role.MEMBER, 1, "owners and moderators"),
        (None, None, Role.MEMBER, 1, "owners and moderators"),
    ],
)
def test_role_changes(
    actor: str | None,
    current: str | None,
    wanted: str | None,
    owners_left: int,
    problem: str | None,
) -> None:
    found = role_change_problem(
        actor=actor, current=current, wanted=wanted, owners_left=owners_left
    )
    assert found is None if problem is None else problem in (found or "")


def test_joining_and_leaving() -> None:
    assert join_problem(open_=True, role=None) is None
    assert "closed" in (join_problem(open_=False, role=None) or "")
    assert "already" in (join_problem(open_=True, role=Role.MEMBER) or "")
    assert leave_problem(role=Role.MEMBER, owners_left=1) is None
    assert leave_problem(role=Role.OWNER, owners_left=1) is None
    assert "only owner" in (leave_problem(role=Role.OWNER, owners_left=0) or "")
    assert "not a member" in (leave_problem(role=None, owners_left=1) or "")


NOW = datetime(2026, 12, 25, 12, tzinfo=UTC)


def test_a_reveal_is_due_once_its_date_has_passed_while_something_is_hidden() -> None:
    past, future = NOW - timedelta(minutes=1), NOW + timedelta(minutes=1)
    due = reveals_due(
        unrevealed=True, anonymous=True, works_reveal_at=past, creators_reveal_at=future, now=NOW
    )
    assert (due.works, due.creators) == (True, False)
    due = reveals_due(
        unrevealed=True, anonymous=True, works_reveal_at=None, creators_reveal_at=NOW, now=NOW
    )
    assert (due.works, due.creators) == (False, True)
    done = reveals_due(
        unrevealed=False, anonymous=False, works_reveal_at=past, creators_reveal_at=past, now=NOW
    )
    assert (done.works, done.creators) == (False, False)
