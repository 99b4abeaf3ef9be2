"""The wrangling interface through the test client: queue, bulk actions, edit page, autocomplete."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from quire.core.tags import TagType
from quire.tags.actions import do_make_canonical, find_or_create_tags
from quire.tags.models import Tag
from quire.works.models import FilterTagging

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrangler(client: Client, make_user) -> Client:
    user = make_user("wrangler")
    user.groups.add(Group.objects.get(name="Tag Wranglers"))
    client.force_login(user)
    return client


@pytest.fixture
def messy(make_work) -> dict[str, Tag]:
    """A cloud of imported tags, as a wrangler finds it."""
    make_work("One", tags={TagType.RELATIONSHIP: ["Spuffy"], TagType.FREEFORM: ["angsty"]})
    make_work("Two", tags={TagType.RELATIONSHIP: ["spike/buffy"], TagType.FREEFORM: ["Angst"]})
    make_work("Three", tags={TagType.RELATIONSHIP: ["Buffy Summers/Spike"]})
    make_work("Four", tags={TagType.FREEFORM: ["Angst with a Happy Ending"]})
    return {
        tag.name: tag for tag in Tag.objects.exclude(type__in=["rating", "warning", "category"])
    }


def test_only_wranglers_get_in(client: Client, make_user) -> None:
    assert client.get("/tags/wrangle/").status_code == 302
    client.force_login(make_user("reader"))
    assert client.get("/tags/wrangle/").status_code == 302


def test_the_queue_lists_unwrangled_tags_most_used_first(wrangler: Client, messy) -> None:
    page = wrangler.get("/tags/wrangle/?type=relationship").content.decode()
    for name in ("Spuffy", "spike/buffy", "Buffy Summers/Spike"):
        assert name in page
    assert "Angst" not in page
    everything = wrangler.get("/tags/wrangle/").content.decode()
    assert everything.index("Test Fandom") < everything.index("Spuffy")  # 4 works before 1


def test_bulk_actions_clean_a_tag_cloud(
    wrangler: Client, messy, django_capture_on_commit_callbacks
) -> None:
    canon = messy["Buffy Summers/Spike"]
    with django_capture_on_commit_callbacks(execute=True):
        response = wrangler.post(
            "/tags/wrangle/bulk/", {"tags": [canon.pk], "action": "canonical"}, follow=True
        )
        assert "Made 1 tag canonical." in response.content.decode()
        wrangler.post(
            "/tags/wrangle/bulk/",
            {
                "tags": [messy["Spuffy"].pk, messy["spike/buffy"].pk],
                "action": "merge",
                "target": "buffy summers/spike",
            },
        )
        (fandom,) = find_or_create_tags(TagType.FANDOM, ["Test Fandom"])
        do_make_canonical(fandom)
        wrangler.post(
            "/tags/wrangle/bulk/", {"tags": [canon.pk], "action": "fandom", "target": "Test Fandom"}
        )
    assert set(Tag.objects.get(pk=canon.pk).synonyms.values_list("name", flat=True)) == {
        "Spuffy",
        "spike/buffy",
    }
    assert FilterTagging.objects.filter(tag=canon).count() == 3
    queue = wrangler.get("/tags/wrangle/?type=relationship").content.decode()
    assert "Spuffy" not in queue
    works = wrangler.get(canon.get_works_url()).content.decode()
    for title in ("One", "Two", "Three"):
        assert f">{title}<" in works


def test_a_failed_bulk_action_changes_nothing(wrangler: Client, messy) -> None:
    response = wrangler.post(
        "/tags/wrangle/bulk/",
        {"tags": [messy["Spuffy"].pk], "action": "merge", "target": "No Such Tag"},
        follow=True,
    )
    assert "There is no tag named" in response.content.decode()
    assert Tag.objects.get(name="Spuffy").merger is None


def test_the_edit_page_sets_synonym_fandoms_and_meta_tags(
    wrangler: Client, messy, django_capture_on_commit_callbacks
) -> None:
    edit_url = messy["Angst with a Happy Ending"].get_edit_url()
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("Angst", "Angst with a Happy Ending"):
            do_make_canonical(messy[name])
        (fandom,) = find_or_create_tags(TagType.FANDOM, ["Test Fandom"])
        do_make_canonical(fandom)
        assert "Edit" in wrangler.get(edit_url).content.decode()
        response = wrangler.post(
            edit_url, {"canonical": "on", "fandoms": "Test Fandom", "meta_tags": "Angst"}
        )
        assert response.status_code == 302
        wrangler.post(messy["angsty"].get_edit_url(), {"synonym_of": "Angst", "fandoms": ""})
    angst = Tag.objects.get(name="Angst")
    assert list(angst.sub_tags.values_list("name", flat=True)) == ["Angst with a Happy Ending"]
    assert FilterTagging.objects.filter(tag=angst).count() == 3  # Angst, angsty, and the sub tag
    bad = wrangler.post(edit_url, {"fandoms": "Nowhere", "meta_tags": ""})
    assert "No fandom tag named nowhere." in bad.content.decode()


def test_autocomplete_puts_canonical_tags_first(client: Client, messy) -> None:
    do_make_canonical(messy["Buffy Summers/Spike"])
    response = client.get("/tags/autocomplete/?q=bu&type=relationship")
    names = [item["name"] for item in response.json()]
    assert names[0] == "Buffy Summers/Spike"
    assert "spike/buffy" in names
    assert client.get("/tags/autocomplete/?q=").json() == []
