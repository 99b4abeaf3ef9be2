"""Kudos and hits: who may give them, once each, and how the counts reach pages and search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from lxml import html

from quire.community.actions import Refused, do_leave_kudos, do_record_hit
from quire.community.models import HitVisit, Kudos, stats_of
from quire.core.search.model import Range, SearchQuery
from quire.core.visibility import GUEST
from quire.permissions import viewer_for
from quire.search.backends import search_backend
from quire.search.indexing import index_pending
from quire.search.models import PendingIndexing
from quire.works.actions import do_set_hidden
from quire.works.models import Work

pytestmark = pytest.mark.django_db


def tree_of(response) -> html.HtmlElement:
    assert response.status_code == 200
    return html.fromstring(response.content)


def text(tree: html.HtmlElement, xpath: str) -> str:
    return " ".join(" ".join(e.text_content().split()) for e in tree.xpath(xpath))


def figures(element: html.HtmlElement) -> dict[str, str]:
    """A stats list (<dl class="stats">) as {"Kudos:": "5", …}."""
    stats_list = element.xpath(".//dl[@class='stats']")[0]
    terms = [dt.text_content() for dt in stats_list.xpath("./dt")]
    return dict(zip(terms, [dd.text_content() for dd in stats_list.xpath("./dd")], strict=True))


def stats(work: Work) -> tuple[int, int, int]:
    figures = stats_of(Work.objects.select_related("stats").get(pk=work.pk))
    return figures.kudos, figures.hits, figures.bookmarks


def guest(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def kudos_url(work: Work) -> str:
    return reverse("community:kudos", args=[work.pk])


# Kudos


def test_a_member_leaves_kudos_once(client: Client, make_work, make_user) -> None:
    work = make_work()
    client.force_login(make_user("reader"))
    response = client.post(kudos_url(work), follow=True)
    assert "Thank you for leaving kudos!" in response.content.decode()
    again = client.post(kudos_url(work), follow=True)
    assert "already left kudos" in again.content.decode()
    assert Kudos.objects.filter(work=work).count() == 1
    assert stats(work)[0] == 1
    page = tree_of(client.get(work.get_absolute_url()))
    assert text(page, "//p[@id='kudos']") == "♥ reader left kudos on this work!"
    assert page.xpath("//button[contains(@class,'kudos-button')]") == []
    assert "You left kudos" in text(page, "//section[@id='feedback']")


def test_creators_cannot_leave_kudos_on_their_own_work(
    client: Client, make_work, author, make_user
) -> None:
    partner = make_user("partner")
    work = make_work(creators=[author, partner])
    with pytest.raises(Refused, match="your own work"):
        do_leave_kudos(work, user=partner)
    client.force_login(author)
    page = tree_of(client.get(work.get_absolute_url()))
    assert page.xpath("//form[contains(@action,'/kudos/')]") == []
    response = client.post(kudos_url(work), follow=True)
    assert "your own work" in response.content.decode()
    assert not Kudos.objects.exists()


def test_no_kudos_on_drafts_hidden_or_invisible_works(client: Client, make_work, make_user) -> None:
    member = make_user("member")
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()
    draft = make_work("Draft", posted=False)
    hidden = do_set_hidden(make_work("Hidden"), hidden=True)
    restricted = make_work("Members only", restricted=True)
    for work in (draft, hidden):
        for user in (member, admin):
            with pytest.raises(Refused):
                do_leave_kudos(work, user=user)
    # Invisible to the one asking: a 404, as the work page would be.
    assert guest("203.0.113.1").post(kudos_url(restricted)).status_code == 404
    client.force_login(member)
    assert client.post(kudos_url(draft)).status_code == 404
    assert client.post(kudos_url(restricted)).status_code == 302
    assert list(Kudos.objects.values_list("work__title", flat=True)) == ["Members only"]


def test_kudos_need_a_post_with_the_csrf_token(make_work) -> None:
    work = make_work()
    browser = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.1")
    assert browser.get(kudos_url(work)).status_code == 405
    assert browser.post(kudos_url(work)).status_code == 403
    assert not Kudos.objects.exists()


def test_one_kudos_per_guest_address_and_per_guest_session(make_work) -> None:
    work = make_work()
    first = guest("203.0.113.1")
    assert "Thank you" in first.post(kudos_url(work), follow=True).content.decode()
    # The same browser from another address: its session already gave kudos.
    first.defaults["REMOTE_ADDR"] = "198.51.100.7"
    assert "already" in first.post(kudos_url(work), follow=True).content.decode()
    # Another browser from the first address: one kudos per address, as on AO3.
    assert "already" in guest("203.0.113.1").post(kudos_url(work), follow=True).content.decode()
    # Someone else entirely.
    assert "Thank you" in guest("192.0.2.5").post(kudos_url(work), follow=True).content.decode()
    assert Kudos.objects.filter(work=work, user__isnull=True).count() == 2
    stored = Kudos.objects.values_list("guest_address", "guest_session")
    assert all("203.0" not in address and session for address, session in stored)


def test_the_kudos_list_names_members_and_counts_guests(
    client: Client, make_work, make_user
) -> None:
    work = make_work()
    for name in ("ann", "bo"):
        do_leave_kudos(work, user=make_user(name))
    for number in range(3):
        do_leave_kudos(work, guest_address=f"address-{number}", guest_session=f"s-{number}")
    page = tree_of(client.get(work.get_absolute_url()))
    assert text(page, "//p[@id='kudos']") == "♥ bo, ann and 3 guests left kudos on this work!"
    assert page.xpath("//p[@id='kudos']/a/@href") == ["/users/bo/", "/users/ann/"]
    assert figures(page)["Kudos:"] == "5"


def test_kudos_are_counted_in_blurbs(client: Client, make_work, make_user) -> None:
    work = make_work("Thanked")
    do_leave_kudos(work, user=make_user("reader"))
    blurb = tree_of(client.get("/works/")).xpath("//li[contains(@class,'blurb')]")[0]
    assert figures(blurb) == {
        "Language:": "English",
        "Words:": "4",
        "Chapters:": "1/?",
        "Kudos:": "1",
    }
    assert blurb.xpath(".//dd/a/@href") == [f"/works/{work.pk}/#kudos"]


# Hits


def test_hits_count_each_visitor_once_a_day_and_never_the_creator(
    client: Client, make_work, author, make_user
) -> None:
    work = make_work(chapters=["one", "two"])
    first, second = guest("203.0.113.1"), guest("198.51.100.7")
    first.get(work.get_absolute_url())
    first.get(work.chapters.get(position=2).get_absolute_url())
    second.get(work.get_absolute_url())
    client.force_login(author)
    client.get(work.get_absolute_url())
    reader = Client()
    reader.force_login(make_user("reader"))
    reader.get(work.get_absolute_url())
    assert stats(work)[1] == 3
    page = tree_of(first.get(work.get_absolute_url()))
    assert figures(page)["Hits:"] == "3"
    assert HitVisit.objects.filter(work=work).count() == 3
    assert not any(
        "203.0" in visitor for visitor in HitVisit.objects.values_list("visitor", flat=True)
    )


def test_a_new_day_counts_again_and_forgets_the_old_visits(make_work, make_user) -> None:
    work = make_work()
    viewer = viewer_for(make_user("reader"))
    today = date(2026, 3, 1)
    assert do_record_hit(work, viewer=viewer, visitor="v", today=today)
    assert not do_record_hit(work, viewer=viewer, visitor="v", today=today)
    assert do_record_hit(work, viewer=viewer, visitor="v", today=today + timedelta(days=1))
    assert list(HitVisit.objects.values_list("day", flat=True)) == [today + timedelta(days=1)]
    assert stats(work)[1] == 2


def test_no_hits_on_drafts_hidden_works_or_the_adult_notice(client: Client, make_work) -> None:
    draft = make_work("Draft", posted=False)
    hidden = do_set_hidden(make_work("Hidden"), hidden=True)
    adult = make_work("Adult", rating="Explicit")
    for work in (draft, hidden):
        assert not do_record_hit(work, viewer=GUEST, visitor="v", today=date(2026, 3, 1))
    client.get(adult.get_absolute_url())
    assert stats(adult)[1] == 0
    client.get(adult.get_absolute_url() + "?view_adult=true")
    assert stats(adult)[1] == 1


# Search


@pytest.fixture
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


def found(**ranges: Range) -> list[int]:
    results = search_backend().search(SearchQuery(facets=False, **ranges))
    return [hit.work_id for hit in results.hits]


def test_kudos_and_hits_reach_search(own_index, make_work, make_user) -> None:
    """Each write marks its work for indexing (quire.search.indexing); index_pending is
    what the worker's task runs once the transaction commits."""
    loved, quiet = make_work("Loved"), make_work("Quiet")
    for name in ("ann", "bo", "cy"):
        do_leave_kudos(loved, user=make_user(name))
    do_leave_kudos(quiet, guest_address="a")
    index_pending()
    assert found(kudos=Range(2, None)) == [loved.pk]
    assert found(kudos=Range(1, 1)) == [quiet.pk]
    guest("203.0.113.1").get(quiet.get_absolute_url())
    index_pending()
    assert found(hits=Range(1, None)) == [quiet.pk]
    response = Client().get("/search/", {"q": "", "kudos_from": 3})
    titles = html.fromstring(response.content).xpath("//h3[@class='blurb__title']/a/text()")
    assert titles == ["Loved"]


def test_a_busy_work_is_not_queued_for_indexing_once_per_hit(own_index, make_work) -> None:
    work = make_work()
    index_pending()
    for number in range(5):
        guest(f"203.0.113.{number}").get(work.get_absolute_url())
    assert stats(work)[1] == 5
    assert PendingIndexing.objects.filter(work_id=work.pk).count() == 1
