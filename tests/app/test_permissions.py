"""The database filters in quire.permissions must agree with the pure rules in quire.core."""

from __future__ import annotations

import itertools

import pytest

from quire.core.visibility import (
    GUEST,
    Viewer,
    can_download_work,
    can_view_chapter,
    can_view_work,
    sign_in_would_allow_download,
)
from quire.permissions import viewer_for
from quire.works.models import Chapter, Work
from quire.works.queries import (
    downloadable_works,
    sign_in_would_show,
    visible_chapters,
    visible_series,
    visible_works,
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
