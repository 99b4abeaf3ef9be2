"""Collections: the actions (collections, members, works in them, reveals), their pages,
the work form's collections field, search's collection filter, and `quire reveal`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from lxml import html

from quire.collections import actions, queries
from quire.collections.actions import CollectionDetails
from quire.collections.cli import run_reveal
from quire.collections.models import Approval, Collection, CollectionItem, Membership, Role
from quire.community.models import InboxEntry, Subscription
from quire.core.collections import Refused
from quire.core.search.model import SearchQuery
from quire.core.tags import TagType
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search.backends import search_backend
from quire.search.documents import indexed_works
from quire.search.queries import visibility_of
from quire.works.actions import do_post_work
from quire.works.models import Work
from tests.app.conftest import MakeWork

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., User]


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A block whose on-commit work (indexing, announcements) runs as it ends, as the
    archive's would when its transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def owner(make_user: MakeUser) -> User:
    return make_user("keeper")


def make_collection(owner: User, name: str = "winterfest", **settings: Any) -> Collection:
    return actions.do_create_collection(
        owner, name, CollectionDetails(title=settings.pop("title", "Winter Fest"), **settings)
    )


def titles(response: Any) -> list[str]:
    tree = html.fromstring(response.content)
    return [" ".join(h.text_content().split()) for h in tree.xpath("//h3[@class='blurb__title']")]


def text_of(response: Any) -> str:
    """The page's words, one space between elements' texts (a term and its definition)."""
    return " ".join(" ".join(html.fromstring(response.content).itertext()).split())


# Collections and members


def test_the_creator_of_a_collection_owns_it(owner: User) -> None:
    collection = make_collection(owner, description="Snow and <script>x</script>stories.")
    assert queries.role_of(collection, owner.pk) == Role.OWNER
    assert "<script>" not in collection.description
    assert collection.description.startswith("<p>")
    with pytest.raises(Refused, match="taken"):
        make_collection(owner, "WinterFest")
    with pytest.raises(Refused, match="Use only letters"):
        make_collection(owner, "winter fest")


def test_rounds_go_one_level_deep_and_belong_to_the_parents_maintainers(
    owner: User, make_user: MakeUser
) -> None:
    fest = make_collection(owner)
    details = CollectionDetails(title="Round one")
    round_one = actions.do_create_collection(owner, "round1", details, parent=fest)
    assert queries.with_rounds(fest) == {fest.pk, round_one.pk}
    with pytest.raises(Refused, match="one level"):
        actions.do_create_collection(owner, "round1a", details, parent=round_one)
    with pytest.raises(Refused, match="maintainers"):
        actions.do_create_collection(make_user("stranger"), "round2", details, parent=fest)
    # The parent's owner runs the round too.
    guest_owner = make_user("guest_owner")
    assert queries.viewer_maintains(viewer_for(owner), round_one)
    assert not queries.viewer_maintains(viewer_for(guest_owner), round_one)


def test_members_join_and_leave_open_collections_and_a_collection_keeps_an_owner(
    owner: User, reader: User, make_user: MakeUser
) -> None:
    collection = make_collection(owner)
    actions.do_join(collection, reader)
    assert queries.role_of(collection, reader.pk) == Role.MEMBER
    with pytest.raises(Refused, match="already"):
        actions.do_join(collection, reader)
    actions.do_leave(collection, reader)
    assert queries.role_of(collection, reader.pk) is None
    with pytest.raises(Refused, match="only owner"):
        actions.do_leave(collection, owner)
    closed = make_collection(owner, "closed", open=False)
    with pytest.raises(Refused, match="closed"):
        actions.do_join(closed, reader)


def test_owners_and_moderators_manage_members_but_only_owners_touch_ownership(
    owner: User, reader: User, make_user: MakeUser
) -> None:
    collection = make_collection(owner)
    moderator = make_user("moddy")
    actions.do_set_role(collection, owner, moderator, Role.MODERATOR)
    actions.do_set_role(collection, moderator, reader, Role.MEMBER)
    assert queries.role_of(collection, reader.pk) == Role.MEMBER
    with pytest.raises(Refused, match="Only an owner"):
        actions.do_set_role(collection, moderator, reader, Role.OWNER)
    owner_row = Membership.objects.get(collection=collection, user=owner)
    with pytest.raises(Refused, match="Only an owner"):
        actions.do_remove_member(collection, moderator, owner_row)
    with pytest.raises(Refused, match="needs an owner"):
        actions.do_remove_member(collection, owner, owner_row)
    with pytest.raises(Refused, match="owners and moderators"):
        actions.do_set_role(collection, reader, make_user("friend"), Role.MEMBER)
    actions.do_set_role(collection, owner, reader, Role.OWNER)
    actions.do_remove_member(collection, reader, owner_row)
    assert queries.role_of(collection, owner.pk) is None


# Works in collections


def test_a_creator_adds_a_work_held_when_moderated_refused_when_closed(
    owner: User, author: User, make_work: MakeWork
) -> None:
    work = make_work()
    open_one = make_collection(owner, "open")
    item = actions.do_add_work(open_one, work, author)
    assert item.approved
    moderated = make_collection(owner, "moderated", moderated=True)
    held = actions.do_add_work(moderated, work, author)
    assert held.collection_approval == Approval.PENDING
    assert held.creator_approval == Approval.APPROVED
    closed = make_collection(owner, "closed", title="Closed Fest", open=False)
    with pytest.raises(Refused, match="Closed Fest is closed"):
        actions.do_add_work(closed, work, author)
    with pytest.raises(Refused, match="already"):
        actions.do_add_work(open_one, work, author)
    assert [c.name for c in queries.collections_of_work(work)] == ["open"]


def test_a_maintainer_invites_a_work_and_its_creator_answers(
    owner: User, author: User, reader: User, make_work: MakeWork
) -> None:
    work = make_work()
    collection = make_collection(owner, anonymous=True)
    with pytest.raises(Refused, match="creators or the collection's maintainers"):
        actions.do_add_work(collection, work, reader)
    item = actions.do_add_work(collection, work, owner)
    assert (item.collection_approval, item.creator_approval) == ("approved", "pending")
    work.refresh_from_db()
    assert not work.anonymous  # not in the collection until its creator says yes
    assert queries.invitation_count(author) == 1
    with pytest.raises(Refused, match="Only the work's creators"):
        actions.do_answer_item(item, owner, approve=True)
    actions.do_answer_item(item, author, approve=True)
    work.refresh_from_db()
    assert work.anonymous
    assert queries.invitation_count(author) == 0


def test_a_declined_invitation_is_not_sent_again_but_the_creator_may_still_add_the_work(
    owner: User, author: User, make_work: MakeWork
) -> None:
    work = make_work()
    collection = make_collection(owner)
    item = actions.do_add_work(collection, work, owner)
    actions.do_answer_item(item, author, approve=False)
    with pytest.raises(Refused, match="declined"):
        actions.do_add_work(collection, work, owner)
    again = actions.do_add_work(collection, work, author)
    assert again.pk == item.pk
    assert again.approved


def test_a_submitted_work_is_secret_at_once_and_a_rejection_or_removal_frees_it(
    owner: User, author: User, make_work: MakeWork
) -> None:
    work = make_work()
    collection = make_collection(owner, moderated=True, anonymous=True, unrevealed=True)
    item = actions.do_add_work(collection, work, author)
    work.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (True, True)  # while the moderators decide
    actions.do_moderate_item(item, owner, approve=False)
    work.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (False, False)
    actions.do_moderate_item(item, owner, approve=True)
    work.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (True, True)
    with pytest.raises(Refused, match="owners and moderators"):
        actions.do_moderate_item(item, author, approve=False)
    actions.do_remove_item(item, author)
    work.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (False, False)


def test_deleting_a_collection_frees_its_works(
    owner: User, author: User, make_work: MakeWork, make_user: MakeUser
) -> None:
    work = make_work()
    collection = make_collection(owner, unrevealed=True)
    actions.do_add_work(collection, work, author)
    moderator = make_user("moddy")
    actions.do_set_role(collection, owner, moderator, Role.MODERATOR)
    with pytest.raises(Refused, match="owners can delete"):
        actions.do_delete_collection(collection, moderator)
    actions.do_delete_collection(collection, owner)
    work.refresh_from_db()
    assert not work.unrevealed
    assert not Collection.objects.exists()


# Reveals


def test_revealing_works_then_creators(owner: User, author: User, make_work: MakeWork) -> None:
    work = make_work()
    collection = make_collection(owner, anonymous=True, unrevealed=True)
    actions.do_add_work(collection, work, author)
    with pytest.raises(Refused, match="owners and moderators"):
        actions.do_reveal_works(collection, author)
    assert actions.do_reveal_works(collection, owner) == 1
    work.refresh_from_db()
    collection.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (True, False)
    assert not collection.unrevealed
    assert actions.do_reveal_creators(collection, owner) == 1
    work.refresh_from_db()
    assert (work.anonymous, work.unrevealed) == (False, False)
    # Works added from now on are neither.
    later = actions.do_add_work(collection, make_work("Later"), author)
    assert not later.anonymous and not later.unrevealed


def test_turning_a_setting_off_reveals(owner: User, author: User, make_work: MakeWork) -> None:
    work = make_work()
    collection = make_collection(owner, unrevealed=True)
    actions.do_add_work(collection, work, author)
    actions.do_update_collection(collection, owner, CollectionDetails(title="Winter Fest"))
    work.refresh_from_db()
    assert not work.unrevealed


def test_due_reveals_run_from_quire_reveal(
    owner: User, author: User, make_work: MakeWork, capsys: pytest.CaptureFixture[str]
) -> None:
    past, future = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=1)
    due = make_collection(owner, "due", unrevealed=True, works_reveal_at=past)
    waiting = make_collection(owner, "waiting", unrevealed=True, works_reveal_at=future)
    shown, kept = make_work("Shown"), make_work("Kept")
    actions.do_add_work(due, shown, author)
    actions.do_add_work(waiting, kept, author)
    assert run_reveal() == 0
    assert "Revealed 1 collection (1 work" in capsys.readouterr().out
    shown.refresh_from_db()
    kept.refresh_from_db()
    assert not shown.unrevealed
    assert kept.unrevealed
    assert actions.do_reveal_due(timezone.now()).collections == 0  # nothing twice
    later = actions.do_reveal_due(future + timedelta(minutes=1))
    assert (later.collections, later.works) == (1, 1)


def test_subscribers_of_the_creator_hear_of_a_work_at_its_reveal_not_before(
    owner: User, author: User, reader: User, make_work: MakeWork, committed: Any
) -> None:
    Subscription.objects.create(user=reader, creator=author)
    collection = make_collection(owner, anonymous=True, unrevealed=True)
    draft = make_work("Gift", posted=False)
    actions.do_add_work(collection, draft, author)
    told = InboxEntry.objects.filter(user=reader, work=draft)
    with committed():
        do_post_work(draft)
    assert not told.exists()
    with committed():
        actions.do_reveal_works(collection, owner)
    assert not told.exists()  # still anonymous: following its creator would name them
    with committed():
        actions.do_reveal_creators(collection, owner)
    assert told.count() == 1


# Search


def test_the_index_knows_a_works_collections_and_hides_anonymous_creators(
    owner: User, author: User, make_work: MakeWork
) -> None:
    work = make_work()
    collection = make_collection(owner, anonymous=True)
    item = actions.do_add_work(collection, work, author)
    [document] = indexed_works([work.pk])
    assert document.collection_ids == {collection.pk}
    assert document.creators == () and document.creator_ids == ()
    assert document.creator_user_ids == (author.pk,)
    actions.do_remove_item(item, author)
    [document] = indexed_works([work.pk])
    assert document.collection_ids == frozenset()
    assert document.creators == (author.default_pseud.name,)


def test_search_never_names_an_anonymous_creator_nor_shows_an_unrevealed_work(
    client: Client, owner: User, author: User, make_work: MakeWork, committed: Any
) -> None:
    with committed():
        anonymous = make_collection(owner, "anon", anonymous=True)
        hidden = make_collection(owner, "secret", unrevealed=True)
        actions.do_add_work(anonymous, make_work("Masked Ball"), author)
        actions.do_add_work(hidden, make_work("Sealed Letter"), author)
        make_work("Open Door")
    found = titles(client.get("/search/", {"creators": author.username}))
    assert found == ["Open Door"]
    assert "Sealed Letter" not in titles(client.get("/search/", {"q": "sealed"}))
    assert titles(client.get("/search/", {"collections": "anon"})) == ["Masked Ball"]
    page = client.get("/search/", {"collections": "nowhere"})
    assert "No collection at nowhere" in text_of(page)
    # The maintainers see what their collection keeps unrevealed.
    assert visibility_of(viewer_for(owner)).collection_ids == {anonymous.pk, hidden.pk}
    query = SearchQuery(text="sealed", visibility=visibility_of(viewer_for(owner)))
    assert search_backend().search(query).total == 1


# Pages


@pytest.fixture
def festival(owner: User, author: User, make_work: MakeWork, committed: Any) -> Collection:
    """A moderated anonymous collection with a round: an approved work, one unrevealed in
    the round, one waiting for approval."""
    with committed():
        return _festival(owner, author, make_work)


def _festival(owner: User, author: User, make_work: MakeWork) -> Collection:
    fest = make_collection(
        owner,
        "fest",
        title="Spring Fest",
        moderated=True,
        anonymous=True,
        rules="One story a day.",
        creators_reveal_at=timezone.now() + timedelta(days=30),
    )
    round_one = actions.do_create_collection(
        owner, "fest_r1", CollectionDetails(title="Round One", unrevealed=True), parent=fest
    )
    shown = make_work("Daffodils", tags={TagType.FREEFORM: ["Flowers"]})
    actions.do_moderate_item(actions.do_add_work(fest, shown, author), owner, approve=True)
    actions.do_add_work(round_one, make_work("Hidden Tulips"), author)
    actions.do_add_work(fest, make_work("Waiting Crocus"), author)
    return fest


def test_the_index_filters_and_counts(client: Client, festival: Collection, owner: User) -> None:
    make_collection(owner, "memes", title="Prompt Party", kind="prompt_meme", open=False)
    page = text_of(client.get("/collections/"))
    assert "Spring Fest" in page and "Prompt Party" in page and "Round One" in page
    assert "1 work" in page
    only = text_of(client.get("/collections/", {"kind": "prompt_meme"}))
    assert "Prompt Party" in only and "Spring Fest" not in only
    closed = text_of(client.get("/collections/", {"status": "closed", "title": "party"}))
    assert "Prompt Party" in closed and "Spring Fest" not in closed


def test_the_profile_says_what_the_collection_is(
    client: Client, festival: Collection, reader: User
) -> None:
    page = text_of(client.get("/collections/fest/"))
    assert "Moderated Yes: works wait for approval" in page
    assert "Creators Anonymous until" in page
    assert "One story a day." in page
    assert "Round One" in page
    assert "1 work" in page and "1 waiting to be revealed" in page
    assert "Reveal creators now" not in page
    client.force_login(reader)
    client.post("/collections/fest/join/")
    assert "You are a member here." in text_of(client.get("/collections/fest/"))


def test_the_works_page_shows_approved_works_anonymously_and_counts_the_unrevealed(
    client: Client, festival: Collection, owner: User
) -> None:
    response = client.get("/collections/fest/works/")
    assert titles(response) == ["Daffodils"]
    page = text_of(response)
    assert "by Anonymous" in page
    assert "1 work will be revealed when the maintainers reveal it" in page
    assert "Flowers" in page  # the sidebar's facets
    assert titles(client.get("/collections/fest/works/", {"q": "crocus"})) == []
    client.force_login(owner)
    assert sorted(titles(client.get("/collections/fest/works/"))) == [
        "Daffodils",
        "Hidden Tulips",
    ]


def test_maintainers_approve_works_on_the_items_page(
    client: Client, festival: Collection, owner: User, author: User
) -> None:
    client.force_login(author)
    assert client.get("/collections/fest/items/").status_code == 403
    client.force_login(owner)
    page = client.get("/collections/fest/items/")
    assert "Waiting Crocus" in text_of(page)
    item = CollectionItem.objects.get(work__title="Waiting Crocus")
    response = client.post(
        "/collections/fest/items/?status=pending", {"item": item.pk, "answer": "approve"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.approved
    assert "Waiting Crocus" in text_of(client.get("/collections/fest/items/?status=approved"))


def test_settings_are_for_maintainers_and_say_what_is_wrong(
    client: Client, festival: Collection, owner: User, author: User
) -> None:
    client.force_login(author)
    assert client.get("/collections/fest/edit/").status_code == 403
    client.force_login(owner)
    data = {"title": "Spring Fest", "kind": "collection", "anonymous": "on"}
    response = client.post(
        "/collections/fest/edit/", {**data, "works_reveal_at": "2027-01-01T12:00"}
    )
    assert "Tick “Unrevealed” too" in text_of(response)
    response = client.post("/collections/fest/edit/", {**data, "title": "Summer Fest"})
    assert response.status_code == 302
    festival.refresh_from_db()
    assert festival.title == "Summer Fest"
    assert not festival.moderated


def test_a_new_collection_from_its_page(client: Client, reader: User) -> None:
    assert client.get("/collections/new/").status_code == 302  # guests sign in first
    client.force_login(reader)
    response = client.post("/collections/new/", {"name": "bad name", "title": "", "kind": "x"})
    page = text_of(response)
    assert "Use only letters" in page and "Give the collection a title." in page
    response = client.post(
        "/collections/new/", {"name": "drabbles", "title": "Drabbles", "kind": "collection"}
    )
    assert response["Location"] == "/collections/drabbles/"
    assert queries.role_of(Collection.objects.get(name="drabbles"), reader.pk) == Role.OWNER


def test_members_page_adds_and_refuses(
    client: Client, festival: Collection, owner: User, reader: User
) -> None:
    client.force_login(owner)
    response = client.post("/collections/fest/members/", {"username": "nobody", "role": "member"})
    assert "There is no member named “nobody”." in text_of(response)
    client.post("/collections/fest/members/", {"username": "reader", "role": "moderator"})
    assert queries.role_of(festival, reader.pk) == Role.MODERATOR
    client.force_login(reader)
    mine = Membership.objects.get(collection=festival, user=owner)
    client.post("/collections/fest/members/", {"membership": mine.pk, "remove": "1"})
    assert queries.role_of(festival, owner.pk) == Role.OWNER
    assert "reader" in text_of(client.get("/collections/fest/members/"))


def test_the_reveal_buttons(client: Client, festival: Collection, owner: User) -> None:
    client.force_login(owner)
    assert "Reveal creators now" in text_of(client.get("/collections/fest/"))
    response = client.post("/collections/fest/reveal/", {"what": "creators"})
    assert response["Location"] == "/collections/fest/"
    assert not Work.objects.get(title="Daffodils").anonymous
    back = {"what": "works", "next": "/collections/fest_r1/challenge/"}
    response = client.post("/collections/fest_r1/reveal/", back)
    assert response["Location"] == "/collections/fest_r1/challenge/"  # the page pressed on
    assert not Work.objects.get(title="Hidden Tulips").unrevealed
    elsewhere = {"what": "works", "next": "https://elsewhere.example/"}
    assert client.post("/collections/fest/reveal/", elsewhere)["Location"] == "/collections/fest/"


def test_a_creator_answers_invitations_on_the_collection_items_page(
    client: Client, owner: User, author: User, make_work: MakeWork
) -> None:
    collection = make_collection(owner)
    work = make_work("Invited")
    client.force_login(owner)
    response = client.post(f"/works/{work.pk}/collections/", {"collection": "winterfest"})
    assert response.status_code == 302
    client.force_login(author)
    page = text_of(client.get("/collection-items/"))
    assert "Invitation: waiting for your answer" in page
    item = CollectionItem.objects.get(collection=collection, work=work)
    client.post("/collection-items/", {"item": item.pk, "answer": "approve"})
    item.refresh_from_db()
    assert item.approved
    assert "Collection: Winter Fest" in text_of(client.get(work.get_absolute_url()))


def test_the_work_form_posts_to_collections_and_fills_in_from_links(
    client: Client, owner: User, author: User
) -> None:
    make_collection(owner, moderated=True)
    make_collection(owner, "shut", title="Shut Fest", open=False)
    client.force_login(author)
    page = client.get("/works/new/", {"collection": "winterfest", "gift_for": "keeper"})
    tree = html.fromstring(page.content)
    assert tree.xpath("//input[@name='collections']/@value") == ["winterfest"]
    assert tree.xpath("//input[@name='gift_to']/@value") == ["keeper"]
    form = {
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Testing",
        "title": "To the Fest",
        "pseuds": [author.default_pseud.pk],
        "language": "en",
        "expected_chapters": "1",
        "comment_permission": "everyone",
        "chapter-text": "Snow fell.",
        "chapter-text_format": "html",
        "action": "post",
    }
    refused = client.post("/works/new/", {**form, "collections": "shut, nowhere"})
    page_text = text_of(refused)
    assert "Shut Fest is closed to new works." in page_text
    assert "There is no collection at “nowhere”." in page_text
    client.post("/works/new/", {**form, "collections": "winterfest"})
    work = Work.objects.get(title="To the Fest")
    item = CollectionItem.objects.get(work=work)
    assert item.collection_approval == Approval.PENDING
    edit = client.get(f"/works/{work.pk}/edit/")
    assert html.fromstring(edit.content).xpath("//input[@name='collections']/@value") == [
        "winterfest"
    ]


def test_saving_a_copy_loaded_before_a_collection_change_keeps_the_new_flags(make_work) -> None:
    from quire.works.models import Work

    work = make_work(title="Stale Copy")
    stale = Work.objects.get(pk=work.pk)
    Work.objects.filter(pk=work.pk).update(anonymous=True, unrevealed=True)
    stale.title = "Edited Meanwhile"
    stale.save()
    fresh = Work.objects.get(pk=work.pk)
    assert (fresh.title, fresh.anonymous, fresh.unrevealed) == ("Edited Meanwhile", True, True)
