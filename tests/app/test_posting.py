"""Posting and editing works through the archive's own forms: the rules AO3 applies,
drafts, chapters, co-creators, series, gifts, inspiration, deleting and orphaning,
and who may do each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from lxml import html

from quire.core.tags import TagType
from quire.people.models import User
from quire.works.models import Chapter, CreatorInvitation, Gift, Series, Work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(
        SEARCH_INDEX_DIR=tmp_path / "index", DOWNLOAD_CACHE_DIR=tmp_path / "downloads"
    ):
        yield


@pytest.fixture
def writer(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


def work_data(**changes: Any) -> dict[str, Any]:
    """A complete new-work form; `changes` replace fields (None leaves one out)."""
    data: dict[str, Any] = {
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "fandoms": "Lighthouse Keepers",
        "relationships": "",
        "characters": "Mara Quill, Tobiah Fenn",
        "freeforms": "Storms, Found Family",
        "title": "The Lamp Room",
        "summary": "Mara keeps the light.",
        "notes": "",
        "end_notes": "",
        "co_creators": "",
        "gift_to": "",
        "inspired_by": "",
        "inspired_by_title": "",
        "inspired_by_author": "",
        "series": "",
        "new_series_title": "",
        "series_position": "",
        "language": "en",
        "expected_chapters": "?",
        "comment_permission": "everyone",
        "chapter-title": "",
        "chapter-summary": "",
        "chapter-notes": "",
        "chapter-end_notes": "",
        "chapter-text_format": "html",
        "chapter-text": "The lamp turned all night.\n\nAt dawn the storm broke.",
        "action": "post",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def post_work(client: Client, author: User, **changes: Any) -> Work:
    response = client.post("/works/new/", work_data(pseuds=[author.default_pseud.pk], **changes))
    assert response.status_code == 302, errors_of(response)
    return Work.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def errors_of(response: Any) -> list[str]:
    tree = html.fromstring(response.content)
    return [
        " ".join(item.text_content().split())
        for item in tree.xpath(
            "//ul[@class='errorlist']/li | //ul[contains(@class,'errorlist')]/li"
        )
    ]


def field_errors(response: Any, field_id: str) -> list[str]:
    tree = html.fromstring(response.content)
    wrapper = "contains(@class,'field') or contains(@class,'choice-group')"
    holder = tree.xpath(f"//*[@id='{field_id}']/ancestor-or-self::*[{wrapper}][1]")
    assert holder, f"no field {field_id}"
    return [
        " ".join(item.text_content().split())
        for item in holder[0].xpath(".//ul[contains(@class,'errorlist')]/li")
    ]


def names(work: Work, tag_type: TagType) -> list[str]:
    return [tag.name for tag in work.tags.filter(type=tag_type).order_by("taggings__position")]


# The form and AO3's rules.


def test_guests_are_sent_to_log_in(client: Client) -> None:
    for url in ("/works/new/", "/works/drafts/", "/works/upload/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_new_work_form_has_every_part(writer: Client) -> None:
    response = writer.get("/works/new/")
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    legends = [
        " ".join(text.split()) for text in tree.xpath("//form[@id='work-form']//legend/text()")
    ]
    for wanted in ("Tags", "Preface", "Associations", "Privacy and comments", "Work text"):
        assert wanted in legends
    assert tree.xpath("//input[@name='csrfmiddlewaretoken']")
    fandoms = tree.xpath("//input[@name='fandoms']")[0]
    assert fandoms.get("data-autocomplete") == "/tags/autocomplete/"
    assert fandoms.get("data-type") == "fandom"
    buttons = tree.xpath("//button[@name='action']/text()")
    assert buttons == ["Preview", "Save as draft", "Post"]
    assert not tree.xpath("//*[@style]"), "no inline styles (CSP)"
    assert not tree.xpath("//script[not(@src)]"), "no inline scripts (CSP)"


def test_posting_a_work_stores_it_as_typed(writer: Client, author: User) -> None:
    work = post_work(writer, author, relationships="Mara Quill/Tobiah Fenn")
    assert work.posted and work.title == "The Lamp Room"
    assert names(work, TagType.RATING) == ["Teen And Up Audiences"]
    assert names(work, TagType.CHARACTER) == ["Mara Quill", "Tobiah Fenn"]
    assert names(work, TagType.FREEFORM) == ["Storms", "Found Family"]
    chapter = work.chapters.get()
    assert chapter.content == "<p>The lamp turned all night.</p>\n<p>At dawn the storm broke.</p>"
    assert work.word_count == 10
    assert work.summary == "<p>Mara keeps the light.</p>"
    assert work.published is not None and chapter.published == work.published
    page = writer.get(f"/works/{work.pk}/").content.decode()
    assert "The lamp turned all night." in page


def test_required_tags_are_asked_for_field_by_field(writer: Client, author: User) -> None:
    response = writer.post(
        "/works/new/",
        work_data(
            rating=None, warnings=None, fandoms="", title="", pseuds=[author.default_pseud.pk]
        ),
    )
    assert response.status_code == 200
    assert field_errors(response, "id_rating") == ["Choose a rating."]
    assert field_errors(response, "id_warnings") == ["Choose at least one archive warning."]
    assert field_errors(response, "id_fandoms") == ["Name at least one fandom."]
    assert field_errors(response, "id_title") == ["Give the work a title."]
    tree = html.fromstring(response.content)
    summary = tree.xpath("//div[@class='error-summary']//a/@href")
    assert {"#id_rating", "#id_warnings", "#id_fandoms", "#id_title"} <= set(summary)
    assert not Work.objects.exists()


def test_a_rating_must_be_one_of_the_five(writer: Client, author: User) -> None:
    response = writer.post(
        "/works/new/", work_data(rating="PG-13", pseuds=[author.default_pseud.pk])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in field_errors(response, "id_rating")[0]


def test_ao3s_limits(writer: Client, author: User) -> None:
    too_many = ", ".join(f"Tag {number}" for number in range(75))
    response = writer.post(
        "/works/new/",
        work_data(
            summary="x" * 1251,
            freeforms=too_many,
            characters="A" * 151 + ", Fine Name, Star*Name",
            pseuds=[author.default_pseud.pk],
        ),
    )
    assert response.status_code == 200
    assert "at most 1250 characters" in field_errors(response, "id_summary")[0]
    character_errors = field_errors(response, "id_characters")
    assert any("longer than 150 characters" in error for error in character_errors)
    assert any('"Star*Name" contains *' in error for error in character_errors)
    page = response.content.decode()
    assert "at most 75 fandom, relationship, character and additional tags" in page
    # A summary of exactly 1,250 characters, typed with Windows line ends, is fine.
    summary = ("word " * 124 + "\r\n") * 2
    assert len(summary.replace("\r\n", "\n").strip()) <= 1250
    post_work(writer, author, summary=summary)


def test_a_name_already_used_by_another_tag_type_is_refused(writer: Client, author: User) -> None:
    post_work(writer, author, characters="Spike")
    response = writer.post(
        "/works/new/", work_data(freeforms="spike", pseuds=[author.default_pseud.pk])
    )
    assert field_errors(response, "id_freeforms") == [
        '"Spike" is already a tag of another type (Character), so it cannot be used here.'
    ]


def test_scripts_are_removed_from_text_and_summary(writer: Client, author: User) -> None:
    work = post_work(
        writer,
        author,
        summary='Calm <script>alert("x")</script><b onclick="steal()">sea</b>',
        **{"chapter-text": '<p>Safe</p><script>alert(1)</script><p style="color:red">words</p>'},
    )
    chapter = work.chapters.get()
    assert "<script" not in chapter.content and "alert" not in chapter.content
    assert "style" not in chapter.content
    assert "<script" not in work.summary and "onclick" not in work.summary
    assert "<b>sea</b>" in work.summary


def test_markdown_is_rendered_and_sanitized(writer: Client, author: User) -> None:
    text = (
        "# Night\n\n*Rain*, and **wind**.\n\n<script>bad()</script>\n\n---\n\n"
        "~~gone~~ [link](javascript:alert(1))"
    )
    work = post_work(writer, author, **{"chapter-text_format": "markdown", "chapter-text": text})
    chapter = work.chapters.get()
    assert "<h1>Night</h1>" in chapter.content
    assert "<em>Rain</em>" in chapter.content and "<strong>wind</strong>" in chapter.content
    assert "<hr>" in chapter.content or "<hr />" in chapter.content
    assert "<s>gone</s>" in chapter.content
    assert "<script" not in chapter.content and "bad()" not in chapter.content
    assert 'href="javascript' not in chapter.content
    assert chapter.text_format == "markdown" and chapter.source == text
    # Editing shows the Markdown as written, not the HTML made from it.
    response = writer.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit/")
    tree = html.fromstring(response.content)
    assert tree.xpath("//textarea[@name='chapter-text']")[0].text_content().strip() == text
    assert tree.xpath("//input[@name='chapter-text_format'][@value='markdown']/@checked")


def test_a_chapter_that_is_only_unsafe_html_is_refused(writer: Client, author: User) -> None:
    response = writer.post(
        "/works/new/",
        work_data(pseuds=[author.default_pseud.pk], **{"chapter-text": "<script>x()</script>"}),
    )
    assert "Nothing is left of this text" in field_errors(response, "id_chapter-text")[0]


def test_preview_shows_the_work_without_storing_it(writer: Client, author: User) -> None:
    response = writer.post(
        "/works/new/",
        work_data(action="preview", pseuds=[author.default_pseud.pk], **{"chapter-title": "Dusk"}),
    )
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    preview = tree.xpath("//section[@class='preview']")[0]
    text = " ".join(preview.text_content().split())
    assert "The Lamp Room" in text and "Dusk" in text and "The lamp turned all night." in text
    assert "Teen And Up Audiences" in text
    assert tree.xpath("//input[@name='title']/@value") == ["The Lamp Room"]
    assert not Work.objects.exists()


def test_suggestions_are_offered_and_added_in_one_click(writer: Client, author: User) -> None:
    from quire.tags.actions import do_make_canonical, find_or_create_tags

    for tag in find_or_create_tags(TagType.FREEFORM, ["Hurt/Comfort"]):
        do_make_canonical(tag)
    text = "He was hurt. She bandaged the wound and comforted him, hurt and comfort, " * 20
    data = work_data(action="preview", pseuds=[author.default_pseud.pk], **{"chapter-text": text})
    response = writer.post("/works/new/", data)
    tree = html.fromstring(response.content)
    chips = tree.xpath("//button[@name='add_tag']")
    assert chips, "some suggestion is offered"
    assert all(chip.get("form") == "work-form" for chip in chips)
    chosen = chips[0].get("value")
    tag_type, _, name = chosen.partition("|")
    response = writer.post("/works/new/", {**data, "add_tag": chosen})
    tree = html.fromstring(response.content)
    field = {
        "freeform": "freeforms",
        "character": "characters",
        "fandom": "fandoms",
        "relationship": "relationships",
    }.get(tag_type)
    if field:
        assert name in tree.xpath(f"//input[@name='{field}']/@value")[0]
    assert not Work.objects.exists(), "adding a suggestion saves nothing"


# Drafts.


def test_a_draft_is_seen_by_its_creators_only(
    writer: Client, author: User, make_user, client: Client
) -> None:
    draft = post_work(writer, author, action="draft")
    assert not draft.posted and draft.published is None
    assert draft.chapters.get().published is None
    assert writer.get(f"/works/{draft.pk}/").status_code == 200
    dashboard = writer.get("/account/").content.decode()
    assert "The Lamp Room" in dashboard and "Draft" in dashboard
    assert "The Lamp Room" in writer.get("/works/drafts/").content.decode()
    other = Client()
    other.force_login(make_user("reader"))
    assert other.get(f"/works/{draft.pk}/").status_code == 404
    assert other.get(f"/works/{draft.pk}/edit/").status_code == 404
    assert Client().get(f"/works/{draft.pk}/").status_code == 404
    assert "The Lamp Room" not in Client().get("/works/").content.decode()


def test_posting_a_draft(writer: Client, author: User) -> None:
    draft = post_work(writer, author, action="draft")
    response = writer.post(f"/works/{draft.pk}/post/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.posted and draft.published is not None
    assert draft.chapters.get().published == draft.published
    assert draft.chapter_count == 1


def test_drafts_and_edits_in_search(writer: Client, author: User, make_user) -> None:
    """Every action leaves its works queued for indexing; the indexer (run here at once,
    by the worker in the archive) brings search up to date."""
    from quire.search.indexing import index_pending

    reader = Client()
    reader.force_login(make_user("reader"))
    draft = post_work(writer, author, action="draft", title="Unseen Lantern")
    index_pending()
    assert "Unseen Lantern" not in reader.get("/search/", {"q": "lantern"}).content.decode()
    assert "Unseen Lantern" not in Client().get("/search/", {"q": "lantern"}).content.decode()
    writer.post(f"/works/{draft.pk}/post/")
    index_pending()
    assert "Unseen Lantern" in reader.get("/search/", {"q": "lantern"}).content.decode()
    # An edit is searchable at once: the new title is found, the old one is not.
    data = edit_data(writer, draft, title="Bright Beacon")
    assert writer.post(f"/works/{draft.pk}/edit/", data).status_code == 302
    index_pending()
    assert "Bright Beacon" in reader.get("/search/", {"q": "beacon"}).content.decode()
    assert "Bright Beacon" not in reader.get("/search/", {"q": "unseen"}).content.decode()
    # A deleted work leaves the index.
    writer.post(f"/works/{draft.pk}/delete/")
    index_pending()
    assert "Bright Beacon" not in reader.get("/search/", {"q": "beacon"}).content.decode()


# Editing.


def edit_data(client: Client, work: Work, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it, with `changes`."""
    tree = html.fromstring(client.get(f"/works/{work.pk}/edit/").content)
    form = tree.xpath("//form[@id='work-form']")[0]
    data: dict[str, Any] = {}
    for name, value in form.form_values():
        if name in data:
            data[name] = [*([data[name]] if isinstance(data[name], str) else data[name]), value]
        else:
            data[name] = value
    for field in ("warnings", "categories", "pseuds"):
        if field in data and isinstance(data[field], str):
            data[field] = [data[field]]
    data["action"] = "save"
    data.update(changes)
    return data


def test_editing_metadata(writer: Client, author: User) -> None:
    work = post_work(writer, author)
    data = edit_data(
        writer,
        work,
        title="The Lamp Room, Again",
        rating="Mature",
        freeforms="Storms, Lighthouses",
        summary="A new summary.",
        restricted="on",
        comment_permission="members",
        moderated_comments="on",
        expected_chapters="3",
    )
    response = writer.post(f"/works/{work.pk}/edit/", data)
    assert response.status_code == 302, errors_of(response)
    work.refresh_from_db()
    assert work.title == "The Lamp Room, Again"
    assert names(work, TagType.RATING) == ["Mature"]
    assert names(work, TagType.FREEFORM) == ["Storms", "Lighthouses"]
    assert work.restricted and work.comment_permission == "members" and work.moderated_comments
    assert work.chapters_label == "1/3" and not work.complete
    assert work.filter_taggings.filter(tag__name="Lighthouses").exists()
    assert not work.filter_taggings.filter(tag__name="Found Family").exists()


def test_planned_chapters_cannot_be_fewer_than_there_are(writer: Client, author: User) -> None:
    work = post_work(writer, author)
    writer.post(f"/works/{work.pk}/chapters/new/", chapter_data(action="post"))
    response = writer.post(
        f"/works/{work.pk}/edit/", edit_data(writer, work, expected_chapters="1")
    )
    assert "already has 2 chapters" in field_errors(response, "id_expected_chapters")[0]
    response = writer.post(
        f"/works/{work.pk}/edit/", edit_data(writer, work, expected_chapters="x")
    )
    assert '"?"' in field_errors(response, "id_expected_chapters")[0]


def test_edit_page_offers_suggestions_from_the_text(writer: Client, author: User) -> None:
    from quire.tags.actions import do_make_canonical, find_or_create_tags

    for tag in find_or_create_tags(TagType.CHARACTER, ["Mara Quill"]):
        do_make_canonical(tag)
    work = post_work(
        writer, author, characters="", **{"chapter-text": "Mara Quill lit the lamp. " * 10}
    )
    tree = html.fromstring(writer.get(f"/works/{work.pk}/edit/").content)
    assert "character|Mara Quill" in tree.xpath("//button[@name='add_tag']/@value")
    data = edit_data(writer, work, add_tag="character|Mara Quill")
    response = writer.post(f"/works/{work.pk}/edit/", data)
    assert html.fromstring(response.content).xpath("//input[@name='characters']/@value") == [
        "Mara Quill"
    ]
    data = edit_data(writer, work, characters="Mara Quill")
    assert writer.post(f"/works/{work.pk}/edit/", data).status_code == 302
    assert names(Work.objects.get(pk=work.pk), TagType.CHARACTER) == ["Mara Quill"]


# Chapters.


def chapter_data(**changes: Any) -> dict[str, Any]:
    data = {
        "chapter-title": "Second Watch",
        "chapter-summary": "",
        "chapter-notes": "",
        "chapter-end_notes": "",
        "chapter-text_format": "html",
        "chapter-text": "The second night was worse.",
        "chapter-expected_chapters": "?",
        "action": "post",
    }
    return {**data, **changes}


def test_chapters_added_edited_reordered_and_deleted(writer: Client, author: User) -> None:
    work = post_work(writer, author, expected_chapters="2")
    response = writer.post(
        f"/works/{work.pk}/chapters/new/", chapter_data(**{"chapter-expected_chapters": "2"})
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.chapters_label == "2/2" and work.complete
    assert work.word_count == 15
    response = writer.post(
        f"/works/{work.pk}/chapters/new/",
        chapter_data(
            action="draft", **{"chapter-title": "Third", "chapter-expected_chapters": "2"}
        ),
    )
    third = Chapter.objects.get(work=work, title="Third")
    work.refresh_from_db()
    assert not third.posted and third.published is None
    assert work.chapters_label == "2/3", "the planned length grows with the chapters"
    assert Client().get(f"/works/{work.pk}/chapters/{third.pk}/").status_code == 404
    assert writer.get(f"/works/{work.pk}/chapters/{third.pk}/").status_code == 200

    second = Chapter.objects.get(work=work, title="Second Watch")
    response = writer.post(
        f"/works/{work.pk}/chapters/{second.pk}/edit/",
        chapter_data(
            action="save",
            **{
                "chapter-text": "Worse, and longer, the second night was.",
                "chapter-expected_chapters": "3",
            },
        ),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    work.refresh_from_db()
    assert second.word_count == 7 and work.word_count == 17

    first = Chapter.objects.get(work=work, position=1)
    response = writer.post(
        f"/works/{work.pk}/chapters/order/",
        {f"position-{first.pk}": "3", f"position-{second.pk}": "1", f"position-{third.pk}": "2"},
    )
    assert response.status_code == 302
    order = list(work.chapters.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, third.pk, first.pk]

    assert writer.get(f"/works/{work.pk}/chapters/{third.pk}/delete/").status_code == 200
    writer.post(f"/works/{work.pk}/chapters/{third.pk}/delete/")
    assert list(work.chapters.order_by("position").values_list("pk", "position")) == [
        (second.pk, 1),
        (first.pk, 2),
    ]
    writer.post(f"/works/{work.pk}/chapters/{first.pk}/delete/")
    response = writer.post(f"/works/{work.pk}/chapters/{second.pk}/delete/", follow=True)
    assert "only chapter" in response.content.decode()
    assert work.chapters.count() == 1


def test_posting_a_draft_chapter(writer: Client, author: User) -> None:
    work = post_work(writer, author)
    writer.post(f"/works/{work.pk}/chapters/new/", chapter_data(action="draft"))
    chapter = Chapter.objects.get(work=work, position=2)
    work.refresh_from_db()
    assert work.chapter_count == 1
    assert writer.post(f"/works/{work.pk}/chapters/{chapter.pk}/post/").status_code == 302
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.posted and chapter.published is not None and work.chapter_count == 2


# Co-creators.


def test_co_creators_are_credited_only_after_accepting(
    writer: Client, author: User, make_user
) -> None:
    friend = make_user("friend")
    work = post_work(writer, author, co_creators="friend")
    assert list(work.creators.all()) == [author.default_pseud]
    invitation = CreatorInvitation.objects.get(work=work)
    assert invitation.pseud == friend.default_pseud
    guest_view = Client()
    guest_view.force_login(friend)
    page = guest_view.get("/works/co-creator-invitations/").content.decode()
    assert "The Lamp Room" in page
    assert "Co-creator invitations" in guest_view.get("/account/").content.decode()
    assert guest_view.get(f"/works/{work.pk}/edit/").status_code == 403
    response = guest_view.post(
        "/works/co-creator-invitations/", {"invitation": invitation.pk, "answer": "accept"}
    )
    assert response.status_code == 302
    assert set(work.creators.all()) == {author.default_pseud, friend.default_pseud}
    assert not CreatorInvitation.objects.exists()
    # Any creator may now edit, and sees the work's drafts.
    assert guest_view.get(f"/works/{work.pk}/edit/").status_code == 200
    writer.post(f"/works/{work.pk}/chapters/new/", chapter_data(action="draft"))
    draft = Chapter.objects.get(work=work, position=2)
    assert guest_view.get(f"/works/{work.pk}/chapters/{draft.pk}/").status_code == 200


def test_declining_an_invitation_credits_nobody(writer: Client, author: User, make_user) -> None:
    friend = make_user("friend")
    work = post_work(writer, author, co_creators="friend")
    invitation = CreatorInvitation.objects.get()
    friendly = Client()
    friendly.force_login(friend)
    friendly.post(
        "/works/co-creator-invitations/", {"invitation": invitation.pk, "answer": "decline"}
    )
    assert list(work.creators.all()) == [author.default_pseud]
    assert not CreatorInvitation.objects.exists()
    # Nobody answers someone else's invitation.
    post_work(writer, author, co_creators="friend")
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    pending = CreatorInvitation.objects.get()
    response = stranger.post(
        "/works/co-creator-invitations/", {"invitation": pending.pk, "answer": "accept"}
    )
    assert response.status_code == 404


def test_co_creator_names_are_checked(writer: Client, author: User, make_user) -> None:
    from quire.people.actions import do_get_placeholder_pseud

    make_user("twin_one").pseuds.create(name="Echo")
    make_user("twin_two").pseuds.create(name="Echo")
    do_get_placeholder_pseud("Imported Person")
    data = work_data(
        pseuds=[author.default_pseud.pk], co_creators="nobody, Echo, Imported Person, author"
    )
    errors = field_errors(writer.post("/works/new/", data), "id_co_creators")
    assert 'No member writes as "nobody".' in errors
    assert 'More than one member writes as "Echo": write it as "Echo (username)".' in errors
    assert 'No member writes as "Imported Person".' in errors
    assert '"author" is your own pseud: tick it under Creators instead.' in errors
    work = post_work(writer, author, co_creators="Echo (twin_two)")
    assert CreatorInvitation.objects.get(work=work).pseud.user.username == "twin_two"


# Series, gifts and inspiration.


def test_series_new_and_existing_with_positions(writer: Client, author: User) -> None:
    first = post_work(writer, author, series="new", new_series_title="Lamplight")
    series = Series.objects.get(title="Lamplight")
    assert list(series.parts.values_list("work_id", "position")) == [(first.pk, 1)]
    second = post_work(writer, author, title="Second", series=str(series.pk))
    later = post_work(writer, author, title="Later", series=str(series.pk), series_position="5")
    response = writer.post(
        "/works/new/",
        work_data(pseuds=[author.default_pseud.pk], series="new", new_series_title=""),
    )
    assert field_errors(response, "id_new_series_title") == ["Name the new series."]
    positions = dict(series.parts.values_list("work_id", "position"))
    assert positions == {first.pk: 1, second.pk: 2, later.pk: 5}
    page = writer.get(f"/works/{second.pk}/").content.decode()
    assert "Lamplight" in page
    # Leaving the series from the edit page; the series goes when it is empty.
    for work in (first, second, later):
        data = edit_data(writer, work, leave_series=[str(series.pk)])
        assert writer.post(f"/works/{work.pk}/edit/", data).status_code == 302
    assert not Series.objects.filter(pk=series.pk).exists()


def test_series_position_must_be_positive(writer: Client, author: User) -> None:
    post_work(writer, author, series="new", new_series_title="Lamplight")
    series = Series.objects.get()
    response = writer.post(
        "/works/new/",
        work_data(pseuds=[author.default_pseud.pk], series=str(series.pk), series_position="0"),
    )
    assert field_errors(response, "id_series_position")


def test_someone_elses_series_is_not_offered(writer: Client, author: User, make_user) -> None:
    from quire.works.actions import do_create_series

    theirs = do_create_series(creators=[make_user("other").default_pseud], title="Theirs")
    response = writer.post(
        "/works/new/", work_data(pseuds=[author.default_pseud.pk], series=str(theirs.pk))
    )
    assert "Select a valid choice" in field_errors(response, "id_series")[0]


def test_gifts_show_for_the_recipient_who_may_refuse(
    writer: Client, author: User, make_user
) -> None:
    friend = make_user("friend")
    response = writer.post(
        "/works/new/", work_data(pseuds=[author.default_pseud.pk], gift_to="nobody_here, author")
    )
    errors = field_errors(response, "id_gift_to")
    assert errors == ['There is no member named "nobody_here".']
    response = writer.post(
        "/works/new/", work_data(pseuds=[author.default_pseud.pk], gift_to="author")
    )
    assert field_errors(response, "id_gift_to") == [
        "A gift is for someone else: leave your own name out."
    ]
    work = post_work(writer, author, gift_to="Friend")
    tree = html.fromstring(Client().get(f"/works/{work.pk}/").content)
    assert texts_of(tree, "//p[@class='work-association']") == ["For friend."]
    recipient = Client()
    recipient.force_login(friend)
    gift = Gift.objects.get(work=work)
    assert "The Lamp Room" in recipient.get("/works/gifts/").content.decode()
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    assert stranger.post("/works/gifts/", {"gift": gift.pk}).status_code == 404
    assert recipient.post("/works/gifts/", {"gift": gift.pk}).status_code == 302
    gift.refresh_from_db()
    assert gift.refused
    tree = html.fromstring(Client().get(f"/works/{work.pk}/").content)
    assert texts_of(tree, "//p[@class='work-association']") == []
    # Naming the recipient again does not undo a refusal.
    writer.post(f"/works/{work.pk}/edit/", edit_data(writer, work, gift_to="friend"))
    assert Gift.objects.get(work=work).refused


def texts_of(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def test_inspired_by_a_work_here_or_elsewhere(writer: Client, author: User, make_work) -> None:
    parent = make_work("Original Light")
    child = post_work(
        writer, author, title="Answer", inspired_by=f"http://testserver/works/{parent.pk}/"
    )
    tree = html.fromstring(Client().get(f"/works/{child.pk}/").content)
    assert texts_of(tree, "//p[@class='work-association']") == ["Inspired by Original Light."]
    parent_page = html.fromstring(Client().get(f"/works/{parent.pk}/").content)
    related = texts_of(parent_page, "//div[contains(@class,'work-association--inspired')]")
    assert related and "Answer by author" in related[0]
    by_number = post_work(writer, author, title="By Number", inspired_by=str(parent.pk))
    assert by_number.inspirations.get().parent == parent
    outside = post_work(
        writer,
        author,
        title="Elsewhere",
        inspired_by="https://example.org/stories/9",
        inspired_by_title="Far Light",
        inspired_by_author="Someone",
    )
    tree = html.fromstring(Client().get(f"/works/{outside.pk}/").content)
    assert texts_of(tree, "//p[@class='work-association']") == ["Inspired by Far Light by Someone."]
    assert tree.xpath("//p[@class='work-association']/a/@href") == ["https://example.org/stories/9"]
    response = writer.post(
        "/works/new/",
        work_data(pseuds=[author.default_pseud.pk], inspired_by="https://example.org/x"),
    )
    assert field_errors(response, "id_inspired_by_title")
    response = writer.post(
        "/works/new/", work_data(pseuds=[author.default_pseud.pk], inspired_by="9999")
    )
    assert field_errors(response, "id_inspired_by") == [
        "There is no work 9999 here that you can see."
    ]
    response = writer.post(
        "/works/new/",
        work_data(pseuds=[author.default_pseud.pk], inspired_by="javascript:alert(1)"),
    )
    assert field_errors(response, "id_inspired_by")


def test_an_unseen_parent_is_not_named(writer: Client, author: User, make_work, make_user) -> None:
    parent = make_work("Members Only", restricted=True)
    child = post_work(writer, author, inspired_by=str(parent.pk))
    tree = html.fromstring(Client().get(f"/works/{child.pk}/").content)
    assert texts_of(tree, "//p[@class='work-association']") == [
        "Inspired by a work you cannot see."
    ]


def test_restricted_works_need_signing_in(writer: Client, author: User, make_user) -> None:
    work = post_work(writer, author, restricted="on")
    assert work.restricted
    assert Client().get(f"/works/{work.pk}/").status_code == 404
    reader = Client()
    reader.force_login(make_user("reader"))
    assert reader.get(f"/works/{work.pk}/").status_code == 200


# Deleting and orphaning.


def test_deleting_a_work_asks_first(
    writer: Client, author: User, settings, django_capture_on_commit_callbacks
) -> None:
    work = post_work(writer, author, series="new", new_series_title="Alone")
    cache = Path(settings.DOWNLOAD_CACHE_DIR) / str(work.pk)
    cache.mkdir(parents=True)
    (cache / "old.epub").write_bytes(b"x")
    page = writer.get(f"/works/{work.pk}/delete/")
    assert "cannot be undone" in page.content.decode()
    assert Work.objects.filter(pk=work.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post(f"/works/{work.pk}/delete/")
    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not Series.objects.filter(title="Alone").exists()
    assert not cache.exists()


def test_orphaning_gives_the_work_away(writer: Client, author: User, make_user) -> None:
    work = post_work(writer, author)
    assert "orphan_account" in writer.get(f"/works/{work.pk}/orphan/").content.decode()
    writer.post(f"/works/{work.pk}/orphan/", {})
    work = Work.objects.get(pk=work.pk)
    assert [str(pseud) for pseud in work.creators.all()] == ["orphan_account"]
    assert writer.get(f"/works/{work.pk}/edit/").status_code == 403
    assert writer.post(f"/works/{work.pk}/delete/").status_code == 403
    orphan = User.objects.get(username="orphan_account")
    assert not orphan.has_usable_password()
    # Keeping the pseud's name: the byline shows it under orphan_account.
    kept = post_work(writer, author, title="Kept Name")
    writer.post(f"/works/{kept.pk}/orphan/", {"keep_pseud": "on"})
    pseud = Work.objects.get(pk=kept.pk).creators.get()
    assert pseud.user == orphan and pseud.name == "author"
    # Nobody can sign up as the orphan account.
    from quire.core.accounts import username_problem

    assert username_problem("Orphan_Account")


def test_a_draft_cannot_be_orphaned(writer: Client, author: User) -> None:
    draft = post_work(writer, author, action="draft")
    response = writer.post(f"/works/{draft.pk}/orphan/", {}, follow=True)
    assert "A draft cannot be orphaned" in response.content.decode()
    assert list(Work.objects.get(pk=draft.pk).creators.all()) == [author.default_pseud]


# Who may do what.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/works/{id}/edit/"),
        ("post", "/works/{id}/edit/"),
        ("get", "/works/{id}/delete/"),
        ("post", "/works/{id}/delete/"),
        ("get", "/works/{id}/orphan/"),
        ("post", "/works/{id}/orphan/"),
        ("get", "/works/{id}/chapters/new/"),
        ("post", "/works/{id}/chapters/new/"),
        ("get", "/works/{id}/chapters/{chapter}/edit/"),
        ("post", "/works/{id}/chapters/{chapter}/delete/"),
        ("post", "/works/{id}/chapters/order/"),
    ],
)
def test_only_creators_change_a_work(
    writer: Client, author: User, make_user, method: str, path: str
) -> None:
    work = post_work(writer, author)
    url = path.format(id=work.pk, chapter=work.chapters.get().pk)
    other = Client()
    other.force_login(make_user("other"))
    assert getattr(other, method)(url).status_code == 403
    admin = Client()
    keeper = make_user("keeper")
    keeper.is_staff = keeper.is_superuser = True
    keeper.save()
    admin.force_login(keeper)
    assert getattr(admin, method)(url).status_code == 403, (
        "admins hide works, they do not edit them"
    )
    guest = getattr(Client(), method)(url)
    assert guest.status_code == 302 and guest["Location"].startswith("/login/")
    assert Work.objects.filter(pk=work.pk).exists()


def test_the_work_page_shows_creator_controls_to_creators_only(
    writer: Client, author: User, make_user
) -> None:
    work = post_work(writer, author)
    tree = html.fromstring(writer.get(f"/works/{work.pk}/").content)
    controls = texts_of(tree, "//nav[@class='creator-actions']//a")
    assert controls == ["Edit", "Edit text", "Add chapter", "Delete", "Orphan"]
    other = Client()
    other.force_login(make_user("other"))
    assert not html.fromstring(other.get(f"/works/{work.pk}/").content).xpath(
        "//nav[@class='creator-actions']"
    )


def test_the_header_offers_posting_to_members(client: Client, author: User) -> None:
    assert "Post new work" not in client.get("/").content.decode()
    client.force_login(author)
    tree = html.fromstring(client.get("/").content)
    assert tree.xpath("//nav//a[text()='Post new work']/@href") == ["/works/new/"]


def test_subscribers_hear_of_posting_not_of_drafts(
    writer: Client, author: User, make_user, django_capture_on_commit_callbacks
) -> None:
    from quire.community.actions import do_subscribe
    from quire.community.models import InboxEntry

    follower = make_user("follower")
    do_subscribe(follower, creator=author)

    def inbox() -> list[tuple[str, str]]:
        entries = InboxEntry.objects.filter(user=follower).order_by("pk")
        return [(entry.kind, entry.chapter.title if entry.chapter else "") for entry in entries]

    with django_capture_on_commit_callbacks(execute=True):
        draft = post_work(writer, author, action="draft")
    assert inbox() == []
    with django_capture_on_commit_callbacks(execute=True):
        writer.post(f"/works/{draft.pk}/post/")
    assert inbox() == [("work", "")]
    draft.refresh_from_db()
    do_subscribe(follower, work=draft)
    with django_capture_on_commit_callbacks(execute=True):
        writer.post(f"/works/{draft.pk}/chapters/new/", chapter_data(action="draft"))
    assert inbox() == [("work", "")], "a draft chapter is nobody's news"
    chapter = Chapter.objects.get(work=draft, position=2)
    with django_capture_on_commit_callbacks(execute=True):
        writer.post(f"/works/{draft.pk}/chapters/{chapter.pk}/post/")
    assert inbox() == [("work", ""), ("chapter", "Second Watch")]


def test_members_who_blocked_the_writer_cannot_be_named_co_creator_or_gift_recipient(
    writer: Client, author: User, make_user
) -> None:
    from quire.community.actions import do_block

    blocker = make_user("blocker")
    do_block(blocker, author)
    friend = make_user("friend")
    data = work_data(pseuds=[author.default_pseud.pk], co_creators="blocker, friend")
    assert field_errors(writer.post("/works/new/", data), "id_co_creators") == [
        'You cannot invite "blocker": they have blocked you.'
    ]
    data = work_data(pseuds=[author.default_pseud.pk], gift_to="friend, blocker")
    assert field_errors(writer.post("/works/new/", data), "id_gift_to") == [
        'You cannot give a gift to "blocker": they have blocked you.'
    ]
    work = post_work(writer, author, co_creators="friend", gift_to="friend")
    assert CreatorInvitation.objects.get(work=work).pseud.user == friend
    assert [gift.recipient for gift in work.gifts.all()] == [friend]
