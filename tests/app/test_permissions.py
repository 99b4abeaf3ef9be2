"""The database filters in quire.permissions must agree with the pure rules in quire.core."""

from __future__ import annotations

import itertools

import pytest

from quire.collections.models import Approval, Collection, CollectionItem, Membership, Role
from quire.core.visibility import (
    GUEST,
    Viewer,
    can_download_work,
    can_see_creators,
    can_view_chapter,
    can_view_work,
    sign_in_would_allow_download,
)
from quire.permissions import named_creators_filter, viewer_for
from quire.works.models import Chapter, Work
from quire.works.queries import (
    downloadable_works,
    listed_works,
    sign_in_would_show,
    visible_chapters,
    visible_series,
    visible_works,
    with_secrets,
)

pytestmark = pytest.mark.django_db

STATES = list(itertools.product([True, False], repeat=3))  # posted, hidden, restricted


@pytest.fixture
def every_kind_of_work(make_work, make_user, author) -> dict[tuple[bool, bool, bool], Work]:
    works = {}
    for posted, hidden, restricted in STATES:
        work = make_work(f"{posted}-{hidden}-{restricted}", posted=posted, restricted=restricted)
        Work.objects.filter(pk=work.pk).update(hidden=hidden)
        works[posted, hidden, restricted] = Work.objects.get(pk=work.pk)
    return works


def test_listings_agree_with_the_core_rules(every_kind_of_work, make_user, author) -> None:
    member = make_user("member")
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    viewers = [GUEST, viewer_for(member), viewer_for(admin), viewer_for(author)]
    assert viewers[2] == Viewer(user_id=admin.pk, is_admin=True)
    for viewer in viewers:
        listed = set(visible_works(viewer).values_list("pk", flat=True))
        for work in visible_works(Viewer(user_id=author.pk)):
            assert (work.pk in listed) is can_view_work(viewer, work.access()), (viewer, work)


def test_download_filters_agree_with_the_core_rules(every_kind_of_work, make_user, author) -> None:
    member = make_user("member")
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    for viewer in [GUEST, viewer_for(member), viewer_for(admin), viewer_for(author)]:
        listed = set(downloadable_works(viewer).values_list("pk", flat=True))
        for work in visible_works(Viewer(user_id=author.pk)):
            access = work.access()
            assert (work.pk in listed) is can_download_work(viewer, access), (viewer, work)
            assert sign_in_would_show(viewer, work.pk) is sign_in_would_allow_download(
                viewer, access
            ), (viewer, work)


def test_listings_have_no_duplicates_for_co_created_works(make_work, make_user, author) -> None:
    partner = make_user("partner")
    make_work("Together", creators=[author, partner])
    assert visible_works(viewer_for(author)).count() == 1


def test_unposted_chapters_only_reach_creators(make_work, make_user, author) -> None:
    work = make_work(chapters=["one", "two"])
    Chapter.objects.filter(work=work, position=2).update(posted=False)
    member = viewer_for(make_user("member"))
    creator = viewer_for(author)
    stored = visible_works(creator).get(pk=work.pk)
    access = stored.access()
    assert len(visible_chapters(member, stored)) == 1
    assert len(visible_chapters(creator, stored)) == 2
    assert can_view_chapter(creator, access, chapter_posted=False)
    assert not can_view_chapter(member, access, chapter_posted=False)


def test_a_series_is_visible_when_one_of_its_works_is(make_work, author) -> None:
    from quire.works.actions import do_add_to_series, do_create_series

    series = do_create_series(creators=[author.default_pseud], title="Only Restricted")
    do_add_to_series(series, make_work(restricted=True))
    assert not visible_series(GUEST).exists()
    assert visible_series(viewer_for(author)).get() == series


# Anonymous and unrevealed works (collections keep a work's creators, or the work, a
# secret until the reveal): the same agreement, with the collection's maintainers.

SECRET_STATES = [
    (anonymous, unrevealed, restricted, hidden)
    for anonymous, unrevealed in itertools.product([True, False], repeat=2)
    for restricted, hidden in [(False, False), (True, False), (False, True)]
]


@pytest.fixture
def secret_archive(make_work, make_user, author) -> dict[str, Viewer]:
    """Works in every combination of anonymous, unrevealed, restricted and hidden, all in
    a round of a fest (the round's moderator, the fest's owner, moderator and a plain
    member), held by a moderated collection that has not judged them yet, turned down by
    another, and invited to one more whose invitation the creator has not answered; the
    viewers by role."""
    names = ("owner", "moderator", "participant", "round_mod", "judge", "rejecter", "inviter")
    people = {name: make_user(name) for name in (*names, "member")}
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    fest = Collection.objects.create(name="fest", title="Fest", anonymous=True, unrevealed=True)
    round_ = Collection.objects.create(name="fest-2", title="Round 2", parent=fest)
    others = {
        name: Collection.objects.create(name=name, title=name.title())
        for name in ("pending", "rejecting", "inviting")
    }
    for name, collection, role in [
        ("owner", fest, Role.OWNER),
        ("moderator", fest, Role.MODERATOR),
        ("participant", fest, Role.MEMBER),
        ("round_mod", round_, Role.MODERATOR),
        ("judge", others["pending"], Role.MODERATOR),
        ("rejecter", others["rejecting"], Role.OWNER),
        ("inviter", others["inviting"], Role.MODERATOR),
    ]:
        Membership.objects.create(collection=collection, user=people[name], role=role)
    for anonymous, unrevealed, restricted, hidden in SECRET_STATES:
        work = make_work(f"{anonymous}-{unrevealed}-{restricted}", restricted=restricted)
        CollectionItem.objects.create(
            collection=round_, work=work, anonymous=anonymous, unrevealed=unrevealed
        )
        for name, approval in [
            ("pending", {"collection_approval": Approval.PENDING}),
            ("rejecting", {"collection_approval": Approval.REJECTED}),
            ("inviting", {"creator_approval": Approval.PENDING}),
        ]:
            CollectionItem.objects.create(
                collection=others[name], work=work, unrevealed=True, **approval
            )
        Work.objects.filter(pk=work.pk).update(
            anonymous=anonymous, unrevealed=unrevealed, hidden=hidden
        )
    viewers = {name: viewer_for(user) for name, user in people.items()}
    return viewers | {"guest": GUEST, "creator": viewer_for(author), "admin": viewer_for(admin)}


def test_secret_filters_agree_with_the_core_rules(secret_archive) -> None:
    works = list(with_secrets(Work.objects.all()))
    assert len(works) == len(SECRET_STATES)
    for name, viewer in secret_archive.items():
        listed = set(visible_works(viewer).values_list("pk", flat=True))
        named = set(Work.objects.filter(named_creators_filter(viewer)).values_list("pk", flat=True))
        taken = set(downloadable_works(viewer).values_list("pk", flat=True))
        for work in works:
            access = work.access()
            facts = (name, work.title)
            assert (work.pk in listed) is can_view_work(viewer, access), facts
            assert (work.pk in named) is can_see_creators(viewer, access), facts
            assert (work.pk in taken) is can_download_work(viewer, access), facts
            assert sign_in_would_show(viewer, work.pk) is sign_in_would_allow_download(
                viewer, access
            ), facts


def test_only_a_collections_owners_and_moderators_are_in_its_works_secret(
    secret_archive,
) -> None:
    """Those of its round and of the fest it belongs to, and of a moderated collection
    still to judge it; not plain members, nor the moderators of a collection that turned
    it down or that the creators did not agree to (an invitation left unanswered)."""
    secret = Work.objects.filter(anonymous=True, unrevealed=True, hidden=False, restricted=False)
    work = with_secrets(secret).get()
    access = work.access()
    in_secret = {name for name, viewer in secret_archive.items() if can_view_work(viewer, access)}
    assert in_secret == {"owner", "moderator", "round_mod", "judge", "creator", "admin"}
    assert access.maintainer_user_ids == Work.objects.get(pk=work.pk).access().maintainer_user_ids


def test_a_works_maintainers_load_in_a_fixed_number_of_queries(
    secret_archive, django_assert_num_queries
) -> None:
    # The works, their creators, their items with collections, and two of maintainers.
    with django_assert_num_queries(5):
        works = list(with_secrets(Work.objects.all()))
        accesses = [work.access() for work in works]
    assert sum(bool(access.maintainer_user_ids) for access in accesses) == 9


def test_unrevealed_chapters_and_series_reach_only_those_in_the_secret(
    secret_archive, author
) -> None:
    from quire.works.actions import do_add_to_series, do_create_series

    series = do_create_series(creators=[author.default_pseud], title="Secrets")
    unrevealed = Work.objects.get(title="False-True-False", hidden=False)
    do_add_to_series(series, unrevealed)
    member, moderator = secret_archive["member"], secret_archive["moderator"]
    assert not visible_chapters(member, unrevealed)
    assert len(visible_chapters(moderator, unrevealed)) == 1
    assert not visible_series(member).exists()
    assert visible_series(moderator).get() == series


def test_muting_never_hides_a_work_whose_creators_the_reader_may_not_know(
    secret_archive, author, make_user
) -> None:
    """A work that vanished once its creator was muted would name them."""
    from quire.community.actions import do_mute

    reader = make_user("muter")
    do_mute(reader, author)
    listed = set(listed_works(viewer_for(reader)).values_list("anonymous", flat=True))
    assert listed == {True}
