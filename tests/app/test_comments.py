"""Comments: who may leave them where, threads, editing and deleting, moderation,
freezing and hiding, notifications, counts in search, pages and permalinks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from lxml import html

from quire.comments.actions import (
    Refused,
    do_approve_comment,
    do_delete_comment,
    do_edit_comment,
    do_post_comment,
    do_set_comment_hidden,
    do_set_frozen,
)
from quire.comments.models import Comment
from quire.comments.queries import COMMENTS_PER_PAGE, comment_for
from quire.community.actions import do_block, do_mute
from quire.community.digest import send_digests
from quire.community.models import InboxEntry, Update, stats_of
from quire.core.comments import can_see_comment
from quire.core.documents import ParsedChapter
from quire.core.search.model import Range, SearchQuery
from quire.core.visibility import GUEST
from quire.people.actions import do_add_pseud
from quire.people.models import User
from quire.permissions import viewer_for
from quire.search.backends import search_backend
from quire.search.indexing import index_pending
from quire.works.actions import do_add_chapter
from quire.works.models import Work

pytestmark = pytest.mark.django_db


def tree_of(response) -> html.HtmlElement:
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.content)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def texts(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [squeeze(element.text_content()) for element in tree.xpath(xpath)]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def comments_of(tree: html.HtmlElement) -> list[str]:
    """The texts of the comments a page shows, in page order (placeholders included)."""
    return texts(
        tree,
        "//section[@id='comments']//*[contains(@class,'comment__text')"
        " or contains(@class,'comment__placeholder')]",
    )


def reread(work: Work) -> Work:
    """The work as pages load it: creators prefetched, stats joined."""
    return (
        Work.objects.select_related("stats").prefetch_related("creatorships__pseud").get(pk=work.pk)
    )


def configured(work: Work, **fields: object) -> Work:
    """The work with its comment settings changed (they are not part of a document)."""
    Work.objects.filter(pk=work.pk).update(**fields)
    return reread(work)


def say(text: str, *, on: Work, by: User | None = None, **more) -> Comment:
    if by is None:
        more.setdefault("guest_name", "Visitor")
        more.setdefault("guest_email", "visitor@example.org")
    return do_post_comment(reread(on), text=text, user=by, **more)


@pytest.fixture
def people(make_user, author) -> dict[str, User]:
    admin = make_user("keeper")
    admin.is_staff = True
    admin.save()
    return {
        "author": author,
        "reader": make_user("reader"),
        "other": make_user("other"),
        "admin": admin,
    }


# Who may comment: guest, member, creator × everyone, members, nobody × the work's state


STATES = ["posted", "draft", "hidden", "restricted"]
PERMISSIONS = ["everyone", "members", "nobody"]


def _expected(state: str, permission: str, who: str) -> str:
    """What posting gives: "posted", "refused" (a page that says why) or "missing" (404)."""
    if state in {"draft", "hidden"}:
        return "refused" if who == "creator" else "missing"
    if state == "restricted" and who == "guest":
        return "missing"
    if permission == "nobody" or (permission == "members" and who == "guest"):
        return "refused"
    return "posted"


@pytest.mark.parametrize(("state", "permission"), list(itertools.product(STATES, PERMISSIONS)))
def test_who_may_comment(make_work, people, state: str, permission: str) -> None:
    work = make_work(posted=state != "draft", restricted=state == "restricted")
    Work.objects.filter(pk=work.pk).update(hidden=state == "hidden", comment_permission=permission)
    clients = {
        "guest": Client(),
        "member": signed_in(people["reader"]),
        "creator": signed_in(people["author"]),
    }
    for who, client in clients.items():
        expected = _expected(state, permission, who)
        before = Comment.objects.count()
        response = client.post(
            reverse("comments:post", args=[work.pk]),
            {"text": f"From the {who}", "guest_name": "Guest", "guest_email": "g@example.org"},
        )
        made = Comment.objects.count() - before
        if expected == "missing":
            assert (response.status_code, made) == (404, 0), who
            continue
        if expected == "refused":
            assert made == 0, who
            assert tree_of(response).xpath("//div[@role='alert']"), who
            page = client.get(work.get_absolute_url())
            assert not tree_of(page).xpath("//form[@id='comment-form']"), who
            continue
        assert made == 1, who
        assert response.status_code == 302, who
        page = tree_of(client.get(work.get_absolute_url()))
        assert page.xpath("//form[@id='comment-form']"), who
        assert f"From the {who}" in comments_of(page)


def test_pages_say_why_there_is_no_form(client: Client, make_work, people) -> None:
    disabled = configured(make_work("Quiet"), comment_permission="nobody")
    page = tree_of(client.get(disabled.get_absolute_url()))
    assert texts(page, "//p[@class='comments__closed']") == ["Comments are disabled on this work."]
    members = configured(make_work("Members"), comment_permission="members")
    page = tree_of(client.get(members.get_absolute_url()))
    closed = page.xpath("//p[@class='comments__closed']")[0]
    assert squeeze(closed.text_content()).startswith("Only registered users can comment")
    assert closed.xpath(".//a/@href")[0].startswith("/login/?next=")
    draft = make_work("Draft", posted=False)
    own = tree_of(signed_in(people["author"]).get(draft.get_absolute_url()))
    assert texts(own, "//p[@class='comments__closed']") == [
        "Comments open once the work is posted."
    ]


def test_the_database_filter_agrees_with_the_core_rule(make_work, people) -> None:
    """quire.permissions.comment_filter against quire.core.comments.can_see_comment, for
    every kind of work, reviewed or not, for every kind of viewer."""
    reader, author = people["reader"], people["author"]
    comments = []
    for posted, hidden, restricted, moderated in itertools.product([True, False], repeat=4):
        work = configured(make_work(f"{posted}{hidden}{restricted}"), moderated_comments=moderated)
        comments.append(say("hello", on=work, by=reader))
        comments.append(say("hi", on=work))
        configured(work, posted=posted, hidden=hidden, restricted=restricted)
    viewers = [GUEST, viewer_for(reader), viewer_for(people["other"])]
    viewers += [viewer_for(people["admin"]), viewer_for(author)]
    for viewer in viewers:
        for comment in comments:
            fresh = Comment.objects.select_related("work").get(pk=comment.pk)
            expected = can_see_comment(viewer, reread(fresh.work).access(), fresh.access())
            assert (comment_for(viewer, comment.pk) is not None) is expected, (viewer, comment)


def test_guests_give_a_name_and_an_email_which_is_never_shown(client: Client, make_work) -> None:
    work = make_work()
    url = reverse("comments:post", args=[work.pk])
    missing = tree_of(client.post(url, {"text": "Lovely story"}))
    assert "This field is required." in texts(missing, "//ul[@class='errorlist']")
    assert [t.strip() for t in missing.xpath("//textarea/text()")] == ["Lovely story"]
    response = client.post(url, {"text": "Lovely", "guest_name": "Wren", "guest_email": "w@e.org"})
    assert response.status_code == 302
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Wren" in page
    assert "w@e.org" not in page


def test_members_comment_as_one_of_their_pseuds(make_work, people) -> None:
    reader = people["reader"]
    pen = do_add_pseud(reader, name="Quill")
    work = make_work()
    client = signed_in(reader)
    form = tree_of(client.get(work.get_absolute_url())).xpath("//form[@id='comment-form']")[0]
    assert form.xpath(".//select[@name='pseud']/option/text()") == ["reader", "Quill (reader)"]
    client.post(reverse("comments:post", args=[work.pk]), {"text": "Hi", "pseud": pen.pk})
    assert Comment.objects.get().pseud == pen
    page = tree_of(client.get(work.get_absolute_url()))
    assert texts(page, "//h3[@class='comment__byline']") == ["Quill (reader)"]
    with pytest.raises(Refused, match="your own pseuds"):
        say("Not me", on=work, by=people["other"], pseud=pen)


# Threads


def test_replies_nest_and_deep_ones_line_up_saying_whom_they_answer(make_work, people) -> None:
    work = make_work()
    reader, other = people["reader"], people["other"]
    comment = say("0", on=work, by=reader)
    chain = [comment]
    for depth in range(1, 8):
        chain.append(say(str(depth), on=work, by=other if depth % 2 else reader, parent=chain[-1]))
    assert [c.depth for c in chain] == list(range(8))
    assert {c.thread_id for c in chain[1:]} == {chain[0].pk}
    page = tree_of(Client().get(work.get_absolute_url()))
    for depth, item in enumerate(chain):
        article = page.xpath(f"//article[@id='comment-{item.pk}']")[0]
        lists = article.xpath("ancestor::ol[contains(@class,'comment-thread')]")
        assert len(lists) == min(depth, 5) + 1
        reply_to = texts(article, ".//span[@class='comment__where']")
        assert reply_to == ([f"in reply to {chain[depth - 1].author_name}"] if depth > 5 else [])


def test_chapters_have_their_own_comments_and_the_entire_work_shows_all(
    client: Client, make_work, people
) -> None:
    work = make_work(chapters=["One.", "Two."])
    first, second = work.chapters.order_by("position")
    reader = people["reader"]
    on_first = say("About one", on=work, by=reader, chapter=first)
    say("About two", on=work, by=reader, chapter=second)
    reply = say("Agreed", on=work, by=people["other"], parent=on_first)
    assert reply.chapter == first
    assert comments_of(tree_of(client.get(work.get_absolute_url()))) == ["About one", "Agreed"]
    assert comments_of(tree_of(client.get(second.get_absolute_url()))) == ["About two"]

    whole_url = work.get_absolute_url() + "?view_full_work=true"
    whole = tree_of(signed_in(reader).get(whole_url))
    assert comments_of(whole) == ["About one", "Agreed", "About two"]
    assert texts(whole, "//form[@id='comment-form']//label[@for='comment-text']") == [
        "Comment on the entire work"
    ]
    assert not whole.xpath("//form[@id='comment-form']//input[@name='chapter']")
    signed_in(reader).post(reverse("comments:post", args=[work.pk]), {"text": "All of it"})
    assert Comment.objects.get(content="<p>All of it</p>").chapter is None
    where = texts(tree_of(client.get(whole_url)), "//span[@class='comment__where']")
    assert where == ["on Chapter 1", "on Chapter 1", "on Chapter 2"]
    # A chapter's form says which chapter it comments on, and sends it.
    chapter_page = tree_of(client.get(second.get_absolute_url()))
    assert chapter_page.xpath("//form[@id='comment-form']//input[@name='chapter']/@value") == [
        str(second.pk)
    ]


def test_the_reply_page_answers_a_comment_keeping_its_chapter(make_work, people) -> None:
    work = make_work(chapters=["One.", "Two."])
    second = work.chapters.get(position=2)
    comment = say("First!", on=work, by=people["reader"], chapter=second)
    client = signed_in(people["other"])
    page = tree_of(client.get(reverse("comments:reply", args=[comment.pk])))
    assert texts(page, "//div[contains(@class,'comment__text')]") == ["First!"]
    assert page.xpath("//textarea[@autofocus]/@name") == ["text"]
    response = client.post(reverse("comments:reply", args=[comment.pk]), {"text": "Second!"})
    reply = Comment.objects.get(parent=comment)
    assert (reply.chapter, reply.depth) == (second, 1)
    assert response["Location"] == reverse("comments:comment", args=[reply.pk])


# Editing and deleting


def test_only_the_author_edits_and_the_page_says_when(make_work, people) -> None:
    work = make_work()
    comment = say("Tyop", on=work, by=people["reader"])
    edit_url = reverse("comments:edit", args=[comment.pk])
    assert signed_in(people["author"]).get(edit_url).status_code == 403
    assert signed_in(people["other"]).post(edit_url, {"text": "Mine now"}).status_code == 403
    client = signed_in(people["reader"])
    form = tree_of(client.get(edit_url))
    assert [t.strip() for t in form.xpath("//textarea/text()")] == ["<p>Tyop</p>"]
    client.post(edit_url, {"text": "Typo"})
    comment.refresh_from_db()
    assert comment.content == "<p>Typo</p>" and comment.edited_at is not None
    page = tree_of(Client().get(work.get_absolute_url()))
    assert texts(page, "//span[@class='comment__edited']")[0].startswith("Last edited ")
    do_set_frozen(people["author"], comment, frozen=True)
    with pytest.raises(Refused):
        do_edit_comment(people["reader"], Comment.objects.get(pk=comment.pk), text="Again")


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(make_work, people) -> None:
    work = make_work()
    reader, other = people["reader"], people["other"]
    top = say("Top", on=work, by=reader)
    reply = say("Reply", on=work, by=other, parent=top)
    signed_in(reader).post(reverse("comments:delete", args=[top.pk]))
    top.refresh_from_db()
    assert (top.deleted, top.content, top.user, top.pseud) == (True, "", None, None)
    page = tree_of(Client().get(work.get_absolute_url()))
    assert comments_of(page) == ["(Previous comment deleted.)", "Reply"]
    assert not page.xpath(f"//*[@id='comment-{top.pk}']//a[text()='Reply']")
    # Once its last reply goes, nothing is left to hold: the placeholder goes too.
    do_delete_comment(other, Comment.objects.get(pk=reply.pk))
    assert not Comment.objects.filter(pk__in=[top.pk, reply.pk]).exists()
    assert comments_of(tree_of(Client().get(work.get_absolute_url()))) == []


def test_who_may_delete(make_work, people) -> None:
    work = make_work()
    comment = say("Spam", on=work, by=people["reader"])
    delete_url = reverse("comments:delete", args=[comment.pk])
    assert signed_in(people["other"]).post(delete_url).status_code == 403
    confirm = tree_of(signed_in(people["author"]).get(delete_url))
    assert texts(confirm, "//h2") == ["Delete this comment?"]
    assert Comment.objects.filter(pk=comment.pk).exists()
    response = signed_in(people["author"]).post(delete_url)
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    guest = say("Guest words", on=work)
    do_delete_comment(people["admin"], guest)
    assert not Comment.objects.exists()


# Moderation


def test_moderated_comments_wait_for_a_creator(make_work, people) -> None:
    work = configured(make_work(), moderated_comments=True)
    reader, author = people["reader"], people["author"]
    top = say("Kept for review", on=work, by=reader)
    assert top.unreviewed
    url = work.get_absolute_url()
    for client in (Client(), signed_in(people["other"]), signed_in(people["admin"])):
        assert comments_of(tree_of(client.get(url))) == []
    own = tree_of(signed_in(reader).get(url))
    assert comments_of(own) == ["Kept for review"]
    assert texts(own, "//span[contains(@class,'pill--waiting')]") == ["Awaiting review"]
    assert stats_of(reread(work)).comments == 0

    creator = signed_in(author)
    section = tree_of(creator.get(url))
    assert texts(section, "//a[contains(@class,'comments__review')]") == ["Unreviewed comments (1)"]
    queue_url = reverse("comments:unreviewed", args=[work.pk])
    assert signed_in(reader).get(queue_url).status_code == 403
    queue = tree_of(creator.get(queue_url))
    assert texts(queue, "//div[contains(@class,'comment__text')]") == ["Kept for review"]
    spam = say("Buy things", on=work)
    creator.post(
        reverse("comments:delete", args=[spam.pk]), {"next": queue_url}
    )  # straight from the queue
    assert not Comment.objects.filter(pk=spam.pk).exists()
    response = creator.post(reverse("comments:approve", args=[top.pk]), {"next": queue_url})
    assert response["Location"] == queue_url
    assert comments_of(tree_of(Client().get(url))) == ["Kept for review"]
    assert stats_of(reread(work)).comments == 1
    assert texts(tree_of(creator.get(queue_url)), "//p[@class='empty']") == [
        "No comments are waiting for review."
    ]


def test_creators_comments_need_no_review_and_their_reply_approves(make_work, people) -> None:
    work = configured(make_work(), moderated_comments=True)
    question = say("Question?", on=work, by=people["reader"])
    with pytest.raises(Refused):
        do_approve_comment(people["other"], question)
    with pytest.raises(Refused, match="can't be replied to"):
        say("Me too", on=work, by=people["other"], parent=question)
    answer = say("Answer.", on=work, by=people["author"], parent=question)
    question.refresh_from_db()
    assert not answer.unreviewed and not question.unreviewed
    reply = InboxEntry.objects.get(kind=Update.REPLY)
    assert (reply.user, reply.comment) == (people["reader"], answer)


def test_a_guest_is_told_their_comment_waits(client: Client, make_work) -> None:
    work = configured(make_work(), moderated_comments=True)
    response = client.post(
        reverse("comments:post", args=[work.pk]),
        {"text": "Hello", "guest_name": "Wren", "guest_email": "w@e.org"},
        follow=True,
    )
    assert "will appear once a creator of the work approves it" in response.content.decode()
    assert comments_of(tree_of(response)) == []


# Freezing and hiding


def test_a_frozen_thread_takes_no_replies(make_work, people) -> None:
    work = make_work()
    reader, other, author = people["reader"], people["other"], people["author"]
    top = say("Top", on=work, by=reader)
    reply = say("Reply", on=work, by=other, parent=top)
    elsewhere = say("Elsewhere", on=work, by=other)
    response = signed_in(reader).post(reverse("comments:freeze", args=[top.pk]), follow=True)
    assert "Only a creator of the work or an admin" in response.content.decode()
    signed_in(author).post(reverse("comments:freeze", args=[top.pk]))
    assert set(Comment.objects.filter(frozen=True).values_list("pk", flat=True)) == {
        top.pk,
        reply.pk,
    }
    for parent in (top, reply):
        with pytest.raises(Refused, match="frozen"):
            say("More", on=work, by=other, parent=Comment.objects.get(pk=parent.pk))
    page = tree_of(signed_in(other).get(work.get_absolute_url()))
    assert len(page.xpath("//span[contains(@class,'pill--frozen')]")) == 2
    replies = page.xpath("//ul[@class='comment__actions']//a[starts-with(., 'Reply')]/@href")
    assert replies == [reverse("comments:reply", args=[elsewhere.pk])]
    refused = tree_of(signed_in(other).get(reverse("comments:reply", args=[top.pk])))
    assert texts(refused, "//p[@class='comments__closed']") == [
        "This thread is frozen: it takes no more replies."
    ]
    do_set_frozen(people["admin"], Comment.objects.get(pk=top.pk), frozen=False)
    assert say("Thawed", on=work, by=other, parent=Comment.objects.get(pk=top.pk))


def test_a_hidden_comment_is_read_by_creators_and_admins_only(make_work, people) -> None:
    work = make_work()
    top = say("Rude", on=work, by=people["reader"])
    say("Answer", on=work, by=people["other"], parent=top)
    alone = say("Also rude", on=work, by=people["reader"])
    with pytest.raises(Refused):
        do_set_comment_hidden(people["other"], top, hidden=True)
    creator = signed_in(people["author"])
    for comment in (top, alone):
        creator.post(reverse("comments:hide", args=[comment.pk]))
    url = work.get_absolute_url()
    for reader in (Client(), signed_in(people["reader"])):
        assert comments_of(tree_of(reader.get(url))) == [
            "(This comment has been hidden.)",
            "Answer",
        ]
    for moderator in (creator, signed_in(people["admin"])):
        page = tree_of(moderator.get(url))
        assert comments_of(page) == ["Rude", "Answer", "Also rude"]
        assert len(page.xpath("//span[contains(@class,'pill--hidden')]")) == 2
    assert stats_of(reread(work)).comments == 1
    creator.post(reverse("comments:unhide", args=[alone.pk]))
    assert stats_of(reread(work)).comments == 2


# Sanitizing and limits


def test_comment_text_is_sanitized(make_work, people) -> None:
    work = make_work()
    signed_in(people["reader"]).post(
        reverse("comments:post", args=[work.pk]),
        {
            "text": '<p onclick="x()">Nice <a href="javascript:alert(1)">link</a></p>'
            '<script>alert("x")</script><img src="x.png" onerror="alert(2)">'
            '<i style="color:red">styled</i>'
        },
    )
    stored = Comment.objects.get().content
    for gone in ("<script", "onerror", "onclick", "javascript:", "style=", "alert"):
        assert gone not in stored
    page = Client().get(work.get_absolute_url()).content.decode()
    assert "javascript:" not in page and "onerror" not in page
    assert "<i>styled</i>" in stored


def test_comments_have_a_length_limit_and_may_not_be_empty(make_work, people) -> None:
    work = make_work()
    with pytest.raises(Refused, match="10,000"):
        say("x" * 10_001, on=work, by=people["reader"])
    assert say("x" * 10_000, on=work, by=people["reader"])
    with pytest.raises(Refused, match="empty"):
        say("<script>only this</script>", on=work, by=people["reader"])
    response = signed_in(people["reader"]).post(
        reverse("comments:post", args=[work.pk]), {"text": "y" * 10_001}
    )
    assert "Ensure this value has at most 10000 characters" in response.content.decode()


# Blocks and mutes (quire.community)


def test_blocked_members_may_not_comment_or_answer_the_blocker(make_work, people) -> None:
    work = make_work()
    reader, other, author = people["reader"], people["other"], people["author"]
    do_block(author, other)
    with pytest.raises(Refused, match="blocked"):
        say("Let me in", on=work, by=other)
    page = tree_of(signed_in(other).get(work.get_absolute_url()))
    assert texts(page, "//p[@class='comments__closed']") == [
        "You have been blocked from commenting here."
    ]
    someone_elses = make_work("Another's", creators=[reader])
    words = say("My thoughts", on=someone_elses, by=reader)
    do_block(reader, other)
    with pytest.raises(Refused, match="blocked"):
        say("Answer", on=someone_elses, by=other, parent=words)


def test_muted_members_comments_are_hidden_for_the_muter(make_work, people) -> None:
    work = make_work()
    reader, other = people["reader"], people["other"]
    top = say("From other", on=work, by=other)
    say("From reader", on=work, by=reader, parent=top)
    say("Alone", on=work, by=other)
    do_mute(reader, other)
    page = tree_of(signed_in(reader).get(work.get_absolute_url()))
    assert comments_of(page) == ["(A comment from someone you muted.)", "From reader"]
    assert comments_of(tree_of(Client().get(work.get_absolute_url()))) == [
        "From other",
        "From reader",
        "Alone",
    ]
    # …and a muted member's reply tells the muter nothing.
    InboxEntry.objects.all().delete()
    say("Psst", on=work, by=other, parent=Comment.objects.get(content="<p>From reader</p>"))
    assert not InboxEntry.objects.filter(user=reader).exists()


# Notifications


def test_creators_hear_of_comments_and_commenters_of_replies(make_work, make_user, people) -> None:
    partner = make_user("partner")
    reader, author = people["reader"], people["author"]
    work = make_work("Shared", creators=[author, partner])
    question = say("Question", on=work, by=reader)
    assert sorted((e.user.username, e.kind) for e in InboxEntry.objects.select_related("user")) == [
        ("author", "comment"),
        ("partner", "comment"),
    ]
    answer = say("Answer", on=work, by=author, parent=question)
    entries = InboxEntry.objects.filter(comment=answer).select_related("user")
    assert sorted((e.user.username, e.kind) for e in entries) == [
        ("partner", "comment"),
        ("reader", "reply"),
    ]
    # The creator answered hears of it as a reply, once.
    back = say("Thanks", on=work, by=reader, parent=answer)
    assert sorted((e.user.username, e.kind) for e in InboxEntry.objects.filter(comment=back)) == [
        ("author", "reply"),
        ("partner", "comment"),
    ]

    inbox = tree_of(signed_in(reader).get(reverse("community:inbox")))
    assert texts(inbox, "//p[@class='inbox-entry__text']") == [
        "A reply by author to your comment on Shared"
    ]
    entry = InboxEntry.objects.get(user=reader)
    opened = signed_in(reader).get(reverse("community:open_entry", args=[entry.pk]))
    assert opened["Location"] == reverse("comments:comment", args=[answer.pk])
    # A deleted comment takes its notices with it.
    do_delete_comment(reader, Comment.objects.get(pk=back.pk))
    assert not InboxEntry.objects.filter(comment=back).exists()


def test_the_digest_email_carries_comments(make_work, people) -> None:
    author = people["author"]
    author.email = "author@example.org"
    author.save()
    work = make_work("Told By Mail")
    comment = say("What a ride", on=work, by=people["reader"])
    assert send_digests(site_url="https://archive.example/").emails == 1
    [message] = mail.outbox
    assert 'A new comment by reader on "Told By Mail" by author' in message.body
    assert f"https://archive.example/comments/{comment.pk}/" in message.body
    html_body, _ = message.alternatives[0]
    assert (
        f'<a href="https://archive.example/comments/{comment.pk}/">A new comment</a>' in html_body
    )


def test_a_guest_comment_and_a_reply_to_a_guest_notify_the_creator_only(make_work, people) -> None:
    work = make_work()
    guest_words = say("Hello from a guest", on=work)
    say("Hello back", on=work, by=people["reader"], parent=guest_words)
    assert sorted(InboxEntry.objects.values_list("user__username", "kind")) == [
        ("author", "comment"),
        ("author", "comment"),
    ]


# Counts, search, pages and permalinks


@pytest.fixture
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


def test_the_comment_count_reaches_the_stats_and_search(own_index, make_work, people) -> None:
    talked, quiet = make_work("Talked About"), make_work("Quiet")
    for n in range(3):
        say(f"Comment {n}", on=talked, by=people["reader"])
    say("Waiting", on=quiet, by=people["reader"])
    Work.objects.filter(pk=quiet.pk).update(moderated_comments=True)
    say("Also waiting", on=quiet, by=people["reader"])
    assert stats_of(reread(talked)).comments == 3
    assert stats_of(reread(quiet)).comments == 1
    index_pending()
    hits = search_backend().search(SearchQuery(facets=False, comments=Range(2, None))).hits
    assert [hit.work_id for hit in hits] == [talked.pk]
    response = Client().get("/search/", {"q": "", "comments_from": 2})
    titles = html.fromstring(response.content).xpath("//h3[@class='blurb__title']/a/text()")
    assert titles == ["Talked About"]

    page = tree_of(Client().get(talked.get_absolute_url()))
    stats = page.xpath("//dl[@class='stats']")[0]
    assert dict(zip(texts(stats, "./dt"), texts(stats, "./dd"), strict=True))["Comments:"] == "3"
    assert stats.xpath(".//a[.='3']/@href") == [f"/works/{talked.pk}/?view_full_work=true#comments"]
    assert texts(page, "//h2[@id='comments-heading']") == ["Comments (3)"]
    blurbs = tree_of(Client().get("/works/"))
    assert "Comments:" in texts(blurbs, "//dl[@class='stats']/dt")


def test_top_level_comments_are_paginated_and_permalinks_find_them(
    client: Client, make_work, people
) -> None:
    work = make_work()
    first = [say(f"c{n}", on=work, by=people["reader"]) for n in range(COMMENTS_PER_PAGE + 3)]
    reply = say("late reply", on=work, by=people["other"], parent=first[0])
    page_one = tree_of(client.get(work.get_absolute_url()))
    shown_one = comments_of(page_one)
    assert shown_one[:2] == ["c0", "late reply"]
    assert len(shown_one) == COMMENTS_PER_PAGE + 1
    assert texts(page_one, "//h2[@id='comments-heading']") == [f"Comments ({len(first) + 1})"]
    nav = page_one.xpath("//nav[@aria-label='Pages of comments']")[0]
    assert nav.xpath(".//a[@rel='next']/@href") == ["?comments_page=2#comments"]
    page_two = tree_of(client.get(work.get_absolute_url() + "?comments_page=2"))
    assert comments_of(page_two) == ["c20", "c21", "c22"]

    late = client.get(reverse("comments:comment", args=[first[21].pk]))
    assert late["Location"] == f"{work.get_absolute_url()}?comments_page=2#comment-{first[21].pk}"
    early = client.get(reverse("comments:comment", args=[reply.pk]))
    assert early["Location"] == f"{work.get_absolute_url()}#comment-{reply.pk}"


def test_permalinks_lead_to_the_chapter_or_the_entire_work(make_work, people) -> None:
    work = make_work(chapters=["One.", "Two."])
    second = work.chapters.get(position=2)
    on_chapter = say("On two", on=work, by=people["reader"], chapter=second)
    on_work = say("On all", on=work, by=people["reader"])
    client = Client()
    assert client.get(on_chapter.get_absolute_url())["Location"] == (
        f"{second.get_absolute_url()}#comment-{on_chapter.pk}"
    )
    assert client.get(on_work.get_absolute_url())["Location"] == (
        f"{work.get_absolute_url()}?view_full_work=true#comment-{on_work.pk}"
    )
    hidden_from_guests = make_work("Members only", restricted=True)
    secret = say("psst", on=hidden_from_guests, by=people["reader"])
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_a_chapter_added_later_keeps_earlier_comments_in_place(make_work, people) -> None:
    work = make_work()
    only = work.chapters.get()
    early = say("Early", on=work, by=people["reader"], chapter=only)
    do_add_chapter(work, ParsedChapter(content="<p>More.</p>"))
    assert Client().get(early.get_absolute_url())["Location"] == (
        f"{only.get_absolute_url()}#comment-{early.pk}"
    )


def test_the_work_page_loads_comments_in_a_fixed_number_of_queries(
    make_work, people, django_assert_max_num_queries: Callable
) -> None:
    work = make_work()
    client = signed_in(people["author"])
    say("one", on=work, by=people["reader"])
    client.get(work.get_absolute_url())  # warm the session and caches

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(work.get_absolute_url()).status_code == 200
        return len(captured)

    few = queries_for_page()
    top = Comment.objects.get()
    for n in range(15):
        parent = say(f"more {n}", on=work, by=people["other"], parent=top if n % 2 else None)
        if n % 3 == 0:
            say("reply", on=work, by=people["reader"], parent=parent)
    assert queries_for_page() == few


def test_pages_carry_no_inline_script_or_style(make_work, people) -> None:
    work = configured(make_work(), moderated_comments=True)
    top = say("Top", on=work, by=people["reader"])
    say("Reply", on=work, by=people["author"], parent=top)
    client = signed_in(people["author"])
    for url in (
        work.get_absolute_url(),
        reverse("comments:reply", args=[top.pk]),
        reverse("comments:delete", args=[top.pk]),
        reverse("comments:unreviewed", args=[work.pk]),
    ):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert " style=" not in body, url
        assert "csrfmiddlewaretoken" in body, url


def test_admins_see_a_hidden_works_comments_but_cannot_add_any(make_work, people) -> None:
    work = make_work()
    say("Before", on=work, by=people["reader"])
    Work.objects.filter(pk=work.pk).update(hidden=True)
    admin = signed_in(people["admin"])
    page = tree_of(admin.get(work.get_absolute_url()))
    assert comments_of(page) == ["Before"]
    assert not page.xpath("//form[@id='comment-form']")
    assert texts(page, "//p[@class='comments__closed']") == [
        "Comments are closed while the work is hidden."
    ]


def test_comments_can_be_reported_to_the_admins(make_work, people) -> None:
    work = make_work()
    comment = say("Rude words", on=work, by=people["reader"])
    report = f"//article[@id='comment-{comment.pk}']//a[@aria-label='Report this comment']/@href"
    other = signed_in(people["other"])
    links = tree_of(other.get(work.get_absolute_url())).xpath(report)
    assert links == [reverse("moderation:report", args=["comment", comment.pk])]
    assert other.get(links[0]).status_code == 200
    assert tree_of(signed_in(people["reader"]).get(work.get_absolute_url())).xpath(report) == []
