"""Moderation: readers report things, admins work the queue (hide works, warn, suspend,
ban, dismiss, resolve), barred accounts are kept out, and every admin action lands in
an append-only audit log in the same transaction as the action."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone
from lxml import html

from quire.community.actions import Refused, do_leave_kudos, do_save_bookmark
from quire.core.moderation import Reason, Status
from quire.core.visibility import GUEST
from quire.feeds.actions import do_create_feed_token
from quire.moderation import actions, ratelimit
from quire.moderation.models import AccountWarning, AuditEntry, Hiding, Report
from quire.moderation.targets import find_target
from quire.people.actions import do_issue_invitations
from quire.people.emails import Site
from quire.people.models import ArchiveSettings, InvitationRequest, SignupMode, User
from quire.permissions import viewer_for
from quire.works.models import Work

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SITE = Site(base_url="http://testserver/", name="Quire")


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    user = make_user("keeper", email="keeper@example.org")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def reader(make_user: Callable[..., User]) -> User:
    return make_user("reader", email="reader@example.org")


@pytest.fixture
def work(make_work: Callable[..., Work], django_capture_on_commit_callbacks: Any) -> Work:
    with django_capture_on_commit_callbacks(execute=True):
        return make_work("Lantern Light", chapters=["The lantern swung in the storm."])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tree(response: HttpResponse) -> html.HtmlElement:
    return html.fromstring(response.content)


def texts(response: HttpResponse, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree(response).xpath(xpath)]


def report_url(kind: str, object_id: int) -> str:
    return f"/report/{kind}/{object_id}/"


def target_url(kind: str, object_id: int) -> str:
    return f"/staff/moderation/{kind}/{object_id}/"


def file_report(work: Work, reporter: User | None = None, **fields: Any) -> Report:
    """A report of `work` as the report form files it (a guest's unless `reporter`)."""
    target = find_target(GUEST if reporter is None else viewer_for(reporter), "work", work.pk)
    assert target is not None
    values: dict[str, Any] = {
        "reason": Reason.PLAGIARISM,
        "description": "Copied from a published novel.",
        "reporter": reporter,
        "email": "" if reporter else "guest@example.org",
        "address": "10.0.0.1",
    }
    return actions.do_report(target, **{**values, **fields})


def entries() -> list[tuple[str, str, str, str]]:
    """The audit log as (actor, action, target kind, target label), oldest first."""
    return [
        (entry.actor_name, entry.action, entry.target_kind, entry.target_label)
        for entry in AuditEntry.objects.order_by("created_at", "id")
    ]


# Reporting


def test_a_guest_reports_a_work_with_an_email_address(client: Client, work: Work) -> None:
    page = client.get(report_url("work", work.pk))
    assert page.status_code == 200
    assert texts(page, "//h1") == ["Report Lantern Light"]
    assert texts(page, "//fieldset/legend") == ["What is wrong?"]
    assert tree(page).xpath("//input[@name='csrfmiddlewaretoken']")
    response = client.post(
        report_url("work", work.pk),
        {
            "reason": "plagiarism",
            "description": "Chapter 1 is copied from a novel.",
            "email": "guest@example.org",
        },
        follow=True,
    )
    assert response.redirect_chain == [(work.get_absolute_url(), 302)]
    assert texts(response, "//ul[@class='messages']/li") == [
        "Thank you: your report is with the archive's admins, who will look at it."
    ]
    report = Report.objects.get()
    assert (report.kind, report.object_id, report.target_label) == (
        "work",
        work.pk,
        "Lantern Light",
    )
    assert (report.reason, report.reporter, report.reporter_email) == (
        "plagiarism",
        None,
        "guest@example.org",
    )
    assert report.status == Status.OPEN


def test_a_member_reports_a_profile_without_giving_an_address(
    reader: User, make_user: Callable[..., User]
) -> None:
    other = make_user("troll")
    client = signed_in(reader)
    page = client.get(report_url("user", other.pk))
    assert not tree(page).xpath("//input[@name='email']")
    client.post(report_url("user", other.pk), {"reason": "harassment", "description": "Abuse."})
    report = Report.objects.get()
    assert (report.kind, report.reporter, report.reporter_email) == ("user", reader, "")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reason": "spam", "description": "  "}, "This field is required."),
        ({"reason": "nonsense", "description": "Spam."}, "Select a valid choice."),
        ({"reason": "spam", "description": "x" * 4_001}, "at most 4000 characters"),
        ({"reason": "spam", "description": "Spam.", "email": ""}, "This field is required."),
        ({"reason": "spam", "description": "Spam.", "email": "not-an-address"}, "valid email"),
    ],
)
def test_a_report_says_what_to_fix(
    client: Client, work: Work, fields: dict[str, str], error: str
) -> None:
    response = client.post(report_url("work", work.pk), {"email": "g@example.org", **fields})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Report.objects.exists()


def test_only_what_the_reporter_can_see_can_be_reported(
    client: Client, make_work: Callable[..., Work], reader: User
) -> None:
    draft = make_work("Draft", posted=False)
    restricted = make_work("Members", restricted=True)
    assert client.get(report_url("work", draft.pk)).status_code == 404
    assert client.get(report_url("work", restricted.pk)).status_code == 404
    assert client.get(report_url("spaceship", 1)).status_code == 404
    assert signed_in(reader).get(report_url("work", restricted.pk)).status_code == 200


def test_bookmarks_can_be_reported(
    reader: User, work: Work, make_user: Callable[..., User]
) -> None:
    bookmark = do_save_bookmark(reader, pseud=reader.default_pseud, work=work, notes="Spam link")
    client = signed_in(make_user("other"))
    page = client.get(report_url("bookmark", bookmark.pk))
    assert texts(page, "//h1") == ["Report reader's bookmark of Lantern Light"]
    client.post(report_url("bookmark", bookmark.pk), {"reason": "spam", "description": "Ads."})
    assert Report.objects.get().kind == "bookmark"


def test_reports_are_limited_per_reporter(
    client: Client, work: Work, reader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "REPORTS_PER_WINDOW", 2)
    fields = {"reason": "spam", "description": "Spam.", "email": "g@example.org"}
    assert client.post(report_url("work", work.pk), fields).status_code == 302
    assert client.post(report_url("work", work.pk), fields).status_code == 302
    refused = client.post(report_url("work", work.pk), fields)
    assert refused.status_code == 429
    assert "please wait a while" in refused.content.decode()
    # Another reporter (a member, counted by account) still can.
    member = signed_in(reader)
    assert member.post(report_url("work", work.pk), fields).status_code == 302
    assert Report.objects.count() == 3


def test_the_report_link_is_for_readers_and_admins_get_the_moderation_page(
    client: Client, work: Work, author: User, admin: User
) -> None:
    def links(who: Client, path: str) -> list[str]:
        return tree(who.get(path)).xpath("//p[@class='report-link']/a/@href")

    assert links(client, work.get_absolute_url()) == [report_url("work", work.pk)]
    assert links(signed_in(author), work.get_absolute_url()) == []
    assert links(signed_in(admin), work.get_absolute_url()) == [target_url("work", work.pk)]
    profile = f"/users/{author.username}/profile/"
    assert links(client, profile) == [report_url("user", author.pk)]
    assert links(signed_in(author), profile) == []


# Who may moderate


STAFF_PAGES = [
    "/staff/moderation/",
    "/staff/moderation/reports/",
    "/staff/moderation/audit/",
    "/staff/moderation/accounts/?username=author",
]


def test_moderation_pages_are_for_admins(client: Client, reader: User, work: Work) -> None:
    member = signed_in(reader)
    for path in [*STAFF_PAGES, target_url("work", work.pk)]:
        assert client.get(path).status_code == 302
        assert client.get(path)["Location"].startswith("/login/?next=")
        assert member.get(path).status_code == 403, path
    refused = member.post(target_url("work", work.pk), {"action": "hide_work", "note": "x"})
    assert refused.status_code == 403
    assert not Work.objects.get(pk=work.pk).hidden


def test_admins_get_the_menu_and_its_pages(admin: User, work: Work) -> None:
    client = signed_in(admin)
    home = client.get("/")
    assert "/staff/moderation/" in tree(home).xpath("//nav[@aria-label='Site']//a/@href")
    menu = client.get("/staff/moderation/")
    links = tree(menu).xpath("//main//a/@href")
    for path in (
        "/staff/moderation/reports/",
        "/staff/moderation/audit/",
        "/staff/archive-settings/",
        "/staff/invitations/",
    ):
        assert path in links
    assert client.get("/staff/moderation/accounts/?username=AUTHOR")["Location"] == (
        target_url("user", User.objects.get(username="author").pk)
    )
    for path in STAFF_PAGES[:3]:
        assert client.get(path).status_code == 200


def test_members_never_see_the_moderation_menu(reader: User) -> None:
    nav = tree(signed_in(reader).get("/")).xpath("//nav[@aria-label='Site']//a/@href")
    assert "/staff/moderation/" not in nav


# The queue


def test_the_queue_shows_open_reports_newest_first_and_filters(
    admin: User, work: Work, reader: User, make_user: Callable[..., User]
) -> None:
    first = file_report(work, reason=Reason.SPAM)
    second = file_report(work, reader, reason=Reason.WRONG_TAGS)
    troll = make_user("troll")
    profile = actions.do_report(
        find_target(viewer_for(reader), "user", troll.pk),  # type: ignore[arg-type]
        reason=Reason.HARASSMENT,
        description="Abusive messages.",
        reporter=reader,
    )
    actions.do_close_report(admin, first, status=Status.DISMISSED, note="")
    client = signed_in(admin)

    def ids(**query: str) -> list[int]:
        page = client.get("/staff/moderation/reports/", query)
        return [
            int(x.split("-")[-1]) for x in tree(page).xpath("//ol[@class='report-list']/li/@id")
        ]

    assert ids() == [profile.pk, second.pk]
    assert ids(kind="user") == [profile.pk]
    assert ids(reason="wrong_tags") == [second.pk]
    assert ids(status="dismissed") == [first.pk]
    assert ids(status="") == [profile.pk, second.pk, first.pk]
    page = client.get("/staff/moderation/reports/")
    cards = texts(page, "//ol[@class='report-list']/li")
    assert "Lantern Light" in cards[1] and "reported by reader" in cards[1]
    assert "By: author" in cards[1]
    assert "Account: troll" in cards[0]


# Actions and their effects


def act(client: Client, kind: str, object_id: int, **fields: Any) -> HttpResponse:
    return client.post(target_url(kind, object_id), fields)


def test_hiding_a_work_from_the_queue_takes_it_off_every_surface(
    admin: User,
    author: User,
    reader: User,
    work: Work,
    django_capture_on_commit_callbacks: Any,
) -> None:
    report = file_report(work)
    staff = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            staff,
            "work",
            work.pk,
            action="hide_work",
            note="Plagiarised from a published novel.",
            report=report.pk,
            next="/staff/moderation/reports/",
        )
    assert response.status_code == 302
    assert response["Location"] == "/staff/moderation/reports/"
    work.refresh_from_db()
    assert work.hidden
    assert Hiding.objects.get(work=work).reason == "Plagiarised from a published novel."
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.handled_by == admin
    assert entries() == [("keeper", "hide_work", "work", "Lantern Light")]
    assert AuditEntry.objects.get().report == report

    guest, member = Client(), signed_in(reader)
    for who in (guest, member):
        assert who.get(work.get_absolute_url()).status_code == 404
        assert "Lantern Light" not in who.get("/works/").content.decode()
        assert "Lantern Light" not in who.get("/search/", {"q": "lantern"}).content.decode()
        assert "Lantern Light" not in who.get("/tags/Test%20Fandom/feed.atom").content.decode()
        assert "Lantern Light" not in who.get("/users/author/feed.atom").content.decode()
        assert who.get(f"/downloads/{work.pk}/Lantern_Light.html").status_code == 404
    # Admins still find it; its creator sees it with the reason.
    assert "Lantern Light" in staff.get("/works/").content.decode()
    assert "Lantern Light" in staff.get("/search/", {"q": "lantern"}).content.decode()
    notice = texts(signed_in(author).get(work.get_absolute_url()), "//p[@role='status']")
    assert notice[0].startswith(
        "This work is hidden by an admin: Plagiarised from a published novel."
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(staff, "work", work.pk, action="unhide_work", note="Permission was shown.")
    assert guest.get(work.get_absolute_url()).status_code == 200
    assert "Lantern Light" in guest.get("/search/", {"q": "lantern"}).content.decode()
    assert not Hiding.objects.exists()
    assert [entry[1] for entry in entries()] == ["hide_work", "unhide_work"]


def test_a_suspended_member_cannot_log_in_is_logged_out_and_takes_no_part(
    admin: User, reader: User, work: Work, make_work: Callable[..., Work]
) -> None:
    session = signed_in(reader)
    assert session.get("/account/").status_code == 200
    response = act(
        signed_in(admin),
        "user",
        reader.pk,
        action="suspend",
        member=reader.pk,
        days=7,
        note="Spamming comments.",
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.suspended_until is not None
    assert reader.suspended_until - timezone.now() > timedelta(days=6, hours=23)
    assert entries() == [("keeper", "suspend", "user", "reader")]
    assert AuditEntry.objects.get().note == "7 days: Spamming comments."

    # The open session ends on its next request, and says why.
    ended = session.get("/works/", follow=True)
    assert "You have been logged out. This account is suspended until" in ended.content.decode()
    assert "Spamming comments." in ended.content.decode()
    assert session.get("/account/").status_code == 302

    # Logging in is refused with the reason, but only to whoever knows the password.
    login = Client().post("/login/", {"username": "reader", "password": PASSWORD})
    assert "This account is suspended until" in login.content.decode()
    assert "_auth_user_id" not in login.wsgi_request.session
    wrong = Client().post("/login/", {"username": "reader", "password": "not it"})
    assert "suspended" not in wrong.content.decode()
    basic = base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
    assert Client().get("/opds/", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 401

    # Nothing added to the archive meanwhile (the permission layer says so).
    reader.refresh_from_db()
    with pytest.raises(Refused, match="suspended or banned"):
        do_leave_kudos(work, user=reader)
    with pytest.raises(Refused, match="suspended or banned"):
        do_save_bookmark(reader, pseud=reader.default_pseud, work=work)
    with pytest.raises(PermissionDenied, match="suspended or banned"):
        make_work("New", creators=[reader])


def test_a_suspension_ends_by_itself(admin: User, reader: User) -> None:
    actions.do_suspend(admin, reader, days=1, note="Cool off.")
    User.objects.filter(pk=reader.pk).update(suspended_until=timezone.now() - timedelta(minutes=1))
    client = Client()
    response = client.post("/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_lifting_a_suspension_lets_the_member_back_in(admin: User, reader: User) -> None:
    actions.do_suspend(admin, reader, days=30, note="Cool off.")
    act(signed_in(admin), "user", reader.pk, action="unsuspend", member=reader.pk, note="Appeal.")
    reader.refresh_from_db()
    assert (reader.suspended_until, reader.standing_reason) == (None, "")
    assert Client().post("/login/", {"username": "reader", "password": PASSWORD}).status_code == 302
    assert [entry[1] for entry in entries()] == ["suspend", "unsuspend"]


def test_a_ban_hides_the_members_works_until_it_is_lifted(
    admin: User,
    author: User,
    make_work: Callable[..., Work],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = make_work("First Light")
        second = make_work("Second Wind")
        other = make_work("Already Hidden")
        actions.do_hide_work(admin, other, reason="Wrong rating.")
    feed = signed_in(author).get("/works/")
    assert "First Light" in feed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        act(signed_in(admin), "user", author.pk, action="ban", member=author.pk, note="Harassment.")
    author.refresh_from_db()
    assert author.banned_at is not None
    assert entries()[-1] == ("keeper", "ban", "user", "author")
    assert AuditEntry.objects.order_by("-id")[0].note == "Harassment. (2 works hidden)"
    guest = Client()
    for work in (first, second):
        assert Work.objects.get(pk=work.pk).hidden
        assert guest.get(work.get_absolute_url()).status_code == 404
    assert "First Light" not in guest.get("/search/", {"q": "light"}).content.decode()
    assert signed_in(admin).get(first.get_absolute_url()).status_code == 200
    login = Client().post("/login/", {"username": "author", "password": PASSWORD})
    assert "This account is banned: Harassment." in login.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_unban(admin, author, note="Appeal upheld.")
    assert guest.get(first.get_absolute_url()).status_code == 200
    assert "First Light" in guest.get("/search/", {"q": "light"}).content.decode()
    # A work hidden for its own reason stays hidden, with that reason.
    assert Work.objects.get(pk=other.pk).hidden
    assert Hiding.objects.get().reason == "Wrong rating."
    assert Client().post("/login/", {"username": "author", "password": PASSWORD}).status_code == 302


def test_a_warning_is_kept_emailed_and_shown_at_the_next_login(
    admin: User, reader: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            signed_in(admin), "user", reader.pk, action="warn", member=reader.pk, note="Be kind."
        )
    assert response.status_code == 302
    warning = AccountWarning.objects.get()
    assert (warning.user, warning.note, warning.issued_by) == (reader, "Be kind.", admin)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.org"]
    assert "Be kind." in str(mail.outbox[0].body)
    assert "http://testserver/account/warnings/" in str(mail.outbox[0].body)
    client = Client()
    shown = client.post(
        "/login/", {"username": "reader", "password": PASSWORD}, follow=True
    ).content.decode()
    assert "A warning from the archive&#x27;s admins: Be kind." in shown
    assert texts(client.get("/account/warnings/"), "//li[@class='warning-note']//p")[1] == (
        "Be kind."
    )
    assert AccountWarning.objects.get().seen_at is not None
    assert entries() == [("keeper", "warn", "user", "reader")]


def test_reports_are_dismissed_or_resolved_with_a_note(admin: User, work: Work) -> None:
    spam, other = file_report(work), file_report(work, reason=Reason.OTHER)
    client = signed_in(admin)
    page = client.get(target_url("work", work.pk), {"report": other.pk})
    assert f"Handling report #{other.pk}" in page.content.decode()
    assert tree(page).xpath(f"//form//input[@name='report'][@value='{other.pk}']")
    act(client, "work", work.pk, action="dismiss", report=spam.pk)
    act(client, "work", work.pk, action="resolve", report=other.pk, note="Asked the creator.")
    spam.refresh_from_db()
    other.refresh_from_db()
    assert (spam.status, other.status, other.resolution) == (
        Status.DISMISSED,
        Status.RESOLVED,
        "Asked the creator.",
    )
    assert [entry[1:3] for entry in entries()] == [("dismiss", "report"), ("resolve", "report")]
    assert AuditEntry.objects.get(action="resolve").note == "Asked the creator."
    # A note is needed to resolve, and a closed report is not closed twice.
    again = file_report(work)
    refused = act(client, "work", work.pk, action="resolve", report=again.pk, note="")
    assert refused.status_code == 200
    assert "Give a reason" in refused.content.decode()
    with pytest.raises(actions.ModerationError, match="closed already"):
        actions.do_close_report(admin, spam, status=Status.RESOLVED, note="x")


def test_a_reported_thing_that_is_gone_can_have_its_reports_closed(admin: User, work: Work) -> None:
    report = file_report(work)
    Work.objects.filter(pk=work.pk).delete()
    client = signed_in(admin)
    page = client.get(target_url("work", report.object_id))
    assert page.status_code == 200
    assert "is no longer here" in page.content.decode()
    act(client, "work", report.object_id, action="dismiss", report=report.pk)
    assert Report.objects.get().status == Status.DISMISSED
    assert client.get(target_url("work", 99_999)).status_code == 404


def test_admins_act_on_members_only(admin: User, make_user: Callable[..., User]) -> None:
    other_admin = make_user("other_admin")
    other_admin.is_staff = True
    other_admin.save()
    with pytest.raises(actions.ModerationError, match="your own account"):
        actions.do_suspend(admin, admin, days=1, note="x")
    with pytest.raises(actions.ModerationError, match="staff status first"):
        actions.do_ban(admin, other_admin, note="x")
    with pytest.raises(PermissionDenied):
        actions.do_ban(make_user("member"), other_admin, note="x")
    response = act(signed_in(admin), "user", admin.pk, action="ban", member=admin.pk, note="x")
    assert response.status_code == 200
    assert "your own account" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_a_barred_members_feed_token_stops_working(admin: User, reader: User) -> None:
    token = do_create_feed_token(reader).key
    assert Client().get(f"/opds/t/{token}/").status_code == 200
    actions.do_ban(admin, reader, note="Spam.")
    assert Client().get(f"/opds/t/{token}/").status_code == 404


# The audit log


def test_every_action_writes_one_entry_with_who_what_and_why(
    admin: User, reader: User, work: Work
) -> None:
    report = file_report(work)
    actions.do_hide_work(admin, work, reason="Spam.", report=report)
    actions.do_unhide_work(admin, work)
    actions.do_warn(admin, reader, note="Be kind.")
    actions.do_suspend(admin, reader, days=2, note="Cool off.")
    actions.do_unsuspend(admin, reader)
    actions.do_ban(admin, reader, note="Again.")
    actions.do_unban(admin, reader)
    actions.do_close_report(admin, file_report(work), status=Status.DISMISSED, note="")
    actions.do_close_report(admin, file_report(work), status=Status.RESOLVED, note="Done.")
    logged = AuditEntry.objects.order_by("id")
    assert [entry.action for entry in logged] == [
        "hide_work",
        "unhide_work",
        "warn",
        "suspend",
        "unsuspend",
        "ban",
        "unban",
        "dismiss",
        "resolve",
    ]
    assert {entry.actor for entry in logged} == {admin}
    assert [entry.target_id for entry in logged][:7] == [work.pk] * 2 + [reader.pk] * 5
    assert logged[0].note == "Spam."
    assert logged[0].created_at <= logged[8].created_at


def test_settings_changes_and_invitations_are_logged(admin: User) -> None:
    client = signed_in(admin)
    client.post(
        "/staff/archive-settings/",
        {
            "archive_name": "Lanterns",
            "signup_mode": "invitation",
            "invitation_queue_open": "on",
            "invitations_per_batch": "10",
        },
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_kind, entry.target_label) == (
        "change_settings",
        "settings",
        "Archive settings",
    )
    assert entry.note == "Archive name: (empty) → Lanterns"
    InvitationRequest.objects.create(email="wren@example.org")
    do_issue_invitations(admin, 5, SITE)
    issued = AuditEntry.objects.order_by("-id")[0]
    assert (issued.action, issued.note) == ("issue_invitations", "1 sent: wren@example.org")
    log = client.get("/staff/moderation/audit/")
    rows = texts(log, "//table[contains(@class,'audit-table')]/tbody/tr")
    assert rows[0].startswith(issued.created_at.strftime("%-d %b %Y"))
    assert "Sent invitations from the queue" in rows[0]
    assert (
        "Changed the archive settings Archive settings Archive name: (empty) → Lanterns"
        in (rows[1])
    )


def test_a_failed_settings_change_logs_nothing(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quire.people import actions as people_actions

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(people_actions, "do_update_archive_settings", broken)
    client = signed_in(admin)
    client.raise_request_exception = False
    data = {"archive_name": "X", "signup_mode": "open", "invitations_per_batch": "10"}
    assert client.post("/staff/archive-settings/", data).status_code == 500
    assert not AuditEntry.objects.exists()
    assert ArchiveSettings.objects.filter(signup_mode=SignupMode.OPEN).count() == 0


def test_a_failing_action_leaves_no_entry_and_no_change(
    admin: User, work: Work, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = file_report(work)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    # The entry is written, then closing the report fails: both are rolled back.
    monkeypatch.setattr(actions, "_close", fail)
    with pytest.raises(RuntimeError):
        actions.do_hide_work(admin, work, reason="Spam.", report=report)
    assert not AuditEntry.objects.exists()
    assert not Work.objects.get(pk=work.pk).hidden
    assert not Hiding.objects.exists()
    monkeypatch.undo()
    # The change is made, then writing the entry fails: the change is rolled back.
    monkeypatch.setattr(actions, "record", fail)
    with pytest.raises(RuntimeError):
        actions.do_ban(admin, User.objects.get(username="author"), note="x")
    assert User.objects.get(username="author").banned_at is None
    assert not Work.objects.get(pk=work.pk).hidden


def test_the_audit_log_is_append_only(admin: User, reader: User) -> None:
    actions.do_warn(admin, reader, note="Be kind.")
    entry = AuditEntry.objects.get()
    entry.note = "Nothing happened."
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(note="Nothing happened.")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().note == "Be kind."
    # The Django admin shows entries and nothing else, even to a superuser.
    admin.is_superuser = True
    admin.save()
    client = signed_in(admin)
    assert client.get("/admin/moderation/auditentry/").status_code == 200
    assert client.get("/admin/moderation/auditentry/add/").status_code == 403
    assert client.get(f"/admin/moderation/auditentry/{entry.pk}/delete/").status_code == 403
    change = client.get(f"/admin/moderation/auditentry/{entry.pk}/change/")
    assert change.status_code == 200
    assert b'name="note"' not in change.content
    client.post(f"/admin/moderation/auditentry/{entry.pk}/change/", {"note": "Edited."})
    assert AuditEntry.objects.get().note == "Be kind."
    # The staff page has no form that writes.
    page = tree(client.get("/staff/moderation/audit/"))
    assert not page.xpath("//main//form[@method='post']")


def test_the_audit_log_filters_by_actor_action_and_target(
    admin: User, reader: User, work: Work, make_user: Callable[..., User]
) -> None:
    other = make_user("warden")
    other.is_staff = True
    other.save()
    actions.do_warn(admin, reader, note="Be kind.")
    actions.do_hide_work(other, work, reason="Spam.")
    actions.do_suspend(other, reader, days=1, note="Cool off.")
    client = signed_in(admin)

    def actions_shown(**query: str) -> list[str]:
        page = client.get("/staff/moderation/audit/", query)
        return texts(page, "//table[contains(@class,'audit-table')]/tbody/tr/td[3]")

    assert actions_shown() == ["Suspended an account", "Hid a work", "Warned an account"]
    assert actions_shown(actor="warden") == ["Suspended an account", "Hid a work"]
    assert actions_shown(action="warn") == ["Warned an account"]
    assert actions_shown(target_kind="work") == ["Hid a work"]
    assert actions_shown(target="lantern") == ["Hid a work"]
    assert actions_shown(target_kind="user", target=str(reader.pk)) == [
        "Suspended an account",
        "Warned an account",
    ]
