"""Reading history and Mark for Later: what a visit records, for whom, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html

from quire.community import views
from quire.community.actions import (
    do_keep_history,
    do_mark_for_later,
    do_record_reading,
)
from quire.community.models import Reading
from quire.core.documents import ParsedChapter
from quire.people.models import User
from quire.works.actions import do_add_chapter, do_set_hidden
from quire.works.models import Work

pytestmark = pytest.mark.django_db


def tree_of(response) -> html.HtmlElement:
    assert response.status_code == 200
    return html.fromstring(response.content)


def squeeze(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def listed(client: Client, url_name: str) -> list[str]:
    """The work titles a history page lists, in its order."""
    tree = tree_of(client.get(reverse(f"community:{url_name}")))
    return [squeeze(title) for title in tree.xpath("//li[@class='reading']//h3")]


def reading(user: User, work: Work) -> Reading:
    return Reading.objects.get(user=user, work=work)


def test_a_visit_is_recorded_then_updated_with_the_chapter(
    signed_in: Client, reader: User, make_work
) -> None:
    work = make_work("Long", chapters=["One.", "Two.", "Three."])
    second = work.chapters.get(position=2)
    signed_in.get(work.get_absolute_url())
    first = reading(reader, work)
    assert (first.visits, first.chapter.position, first.chapters_seen) == (1, 1, 3)

    signed_in.get(second.get_absolute_url())
    again = reading(reader, work)
    assert (again.visits, again.chapter_id) == (2, second.pk)
    assert again.last_visited >= first.last_visited
    signed_in.get(work.get_absolute_url() + "?view_full_work=true")
    assert reading(reader, work).chapter is None  # the whole work, no one chapter
    assert Reading.objects.count() == 1

    facts = tree_of(signed_in.get(reverse("community:history"))).xpath(
        "//p[@class='reading__facts']"
    )
    assert "Visited 3 times" in squeeze(facts[0])


def test_the_history_names_the_chapter_and_says_when_there_is_more(
    signed_in: Client, make_work
) -> None:
    work = make_work("Growing", chapters=["One.", "Two."])
    signed_in.get(work.chapters.get(position=2).get_absolute_url())
    page = squeeze(tree_of(signed_in.get(reverse("community:history"))))
    assert "at Chapter 2" in page
    assert "Update available" not in page
    do_add_chapter(work, ParsedChapter(content="<p>Three.</p>"))
    assert "Update available" in squeeze(tree_of(signed_in.get(reverse("community:history"))))


def test_guests_and_creators_leave_no_history(client: Client, author: User, make_work) -> None:
    work = make_work()
    assert client.get(work.get_absolute_url()).status_code == 200
    client.force_login(author)
    assert client.get(work.get_absolute_url()).status_code == 200
    assert not Reading.objects.exists()
    assert Client().get(reverse("community:history")).status_code == 302  # to sign in


def test_no_history_is_kept_for_a_reader_who_opted_out(
    signed_in: Client, reader: User, make_work
) -> None:
    kept, later, unkept = make_work("Kept"), make_work("Later"), make_work("Unkept")
    signed_in.get(kept.get_absolute_url())
    response = signed_in.post(reverse("community:history_setting"), {"keep": "no"}, follow=True)
    assert "no longer kept" in response.content.decode()
    signed_in.get(unkept.get_absolute_url())
    signed_in.get(kept.get_absolute_url())
    assert not do_record_reading(reader, unkept)
    # What was recorded stays, untouched; marking for later still works.
    assert reading(reader, kept).visits == 1
    assert not Reading.objects.filter(work=unkept).exists()
    signed_in.post(reverse("community:mark_for_later", args=[later.pk]))
    assert listed(signed_in, "marked_for_later") == ["Later"]
    page = squeeze(tree_of(signed_in.get(reverse("community:history"))))
    assert "Your history is paused" in page
    assert "Keep my history" in page

    signed_in.post(reverse("community:history_setting"), {"keep": "yes"})
    signed_in.get(unkept.get_absolute_url())
    assert reading(reader, unkept).visits == 1


def test_the_history_is_newest_first_paginated_and_only_what_the_reader_may_see(
    signed_in: Client, reader: User, make_work, monkeypatch: pytest.MonkeyPatch
) -> None:
    works = [make_work(title) for title in ("First", "Second", "Third", "Gone")]
    for work in works:
        do_record_reading(reader, work)
    start = timezone.now() - timedelta(days=10)
    for days, work in enumerate(works):
        Reading.objects.filter(work=work).update(last_visited=start + timedelta(days=days))
    do_mark_for_later(reader, works[3])
    do_set_hidden(works[3], hidden=True)
    assert listed(signed_in, "history") == ["Third", "Second", "First"]
    assert listed(signed_in, "marked_for_later") == []

    monkeypatch.setattr(views, "READINGS_PER_PAGE", 2)
    assert listed(signed_in, "history") == ["Third", "Second"]
    second_page = tree_of(signed_in.get(reverse("community:history") + "?page=2"))
    assert [squeeze(h) for h in second_page.xpath("//li[@class='reading']//h3")] == ["First"]
    assert "3 works" in squeeze(second_page)


def test_delete_one_entry_then_clear_all_keeps_the_marked_for_later_list(
    signed_in: Client, reader: User, make_work
) -> None:
    one, two, three = make_work("One"), make_work("Two"), make_work("Three")
    for work in (one, two, three):
        signed_in.get(work.get_absolute_url())
    do_mark_for_later(reader, three)

    signed_in.post(reverse("community:delete_reading", args=[one.pk]))
    assert sorted(listed(signed_in, "history")) == ["Three", "Two"]
    response = signed_in.post(reverse("community:clear_history"), follow=True)
    assert "Your history is cleared (2 entries)" in response.content.decode()
    assert listed(signed_in, "history") == []
    assert listed(signed_in, "marked_for_later") == ["Three"]
    kept = reading(reader, three)
    assert (kept.visits, kept.last_visited, kept.marked_for_later) == (0, None, True)


def test_mark_for_later_toggles_on_the_work_page(
    signed_in: Client, reader: User, make_work
) -> None:
    work = make_work("Someday")
    buttons = "//section[@id='feedback']//button/text()"
    assert "Mark for Later" in tree_of(signed_in.get(work.get_absolute_url())).xpath(buttons)
    signed_in.post(
        reverse("community:mark_for_later", args=[work.pk]), {"next": work.get_absolute_url()}
    )
    page = tree_of(signed_in.get(work.get_absolute_url()))
    assert "Mark as Read" in page.xpath(buttons)
    assert listed(signed_in, "marked_for_later") == ["Someday"]
    # The visit that showed the page is in the history too, marked.
    assert "Marked for later" in squeeze(tree_of(signed_in.get(reverse("community:history"))))

    response = signed_in.post(reverse("community:mark_as_read", args=[work.pk]), follow=True)
    assert "no longer marked for later" in response.content.decode()
    assert listed(signed_in, "marked_for_later") == []
    assert listed(signed_in, "history") == ["Someday"]


def test_marking_read_a_work_never_opened_forgets_it(reader: User, make_work) -> None:
    work = make_work()
    do_mark_for_later(reader, work)
    client = Client()
    client.force_login(reader)
    client.post(reverse("community:mark_as_read", args=[work.pk]))
    assert not Reading.objects.exists()


def test_marking_needs_a_member_a_visible_work_and_the_csrf_token(reader: User, make_work) -> None:
    draft = make_work("Draft", posted=False)
    work = make_work("Posted")
    assert Client().post(reverse("community:mark_for_later", args=[work.pk])).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    assert strict.post(reverse("community:mark_for_later", args=[work.pk])).status_code == 403
    client = Client()
    client.force_login(reader)
    assert client.get(reverse("community:mark_for_later", args=[work.pk])).status_code == 405
    assert client.post(reverse("community:mark_for_later", args=[draft.pk])).status_code == 404
    assert not Reading.objects.exists()


def test_creators_get_no_mark_for_later_on_their_own_work(
    client: Client, author: User, make_work
) -> None:
    work = make_work()
    client.force_login(author)
    buttons = tree_of(client.get(work.get_absolute_url())).xpath("//button/text()")
    assert "Mark for Later" not in buttons


def test_keeping_history_can_be_switched_back_and_forth(reader: User, make_work) -> None:
    work = make_work()
    do_keep_history(reader, keep=False)
    do_keep_history(reader, keep=False)
    assert not do_record_reading(reader, work)
    do_keep_history(reader, keep=True)
    assert do_record_reading(reader, work)


def test_the_history_page_costs_the_same_queries_whatever_its_length(
    signed_in: Client, reader: User, make_work
) -> None:
    """Blurbs, chapters and marks load in a fixed number of queries (no N+1)."""

    def queries_for(count: int) -> int:
        Reading.objects.all().delete()
        for number in range(count):
            work = make_work(f"Work {count}-{number}", chapters=["One.", "Two."])
            signed_in.get(work.chapters.get(position=2).get_absolute_url())
            do_mark_for_later(reader, work)
        with CaptureQueriesContext(connection) as captured:
            assert len(listed(signed_in, "history")) == count
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(6)
