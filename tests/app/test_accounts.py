"""Getting in: sign-up in each mode, the invitation queue, email confirmation, login and
its rate limit, logout, password change and reset, and Argon2 hashing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from lxml import html

from quire.people import throttle
from quire.people.actions import do_give_invitations, do_issue_invitations
from quire.people.emails import Site
from quire.people.models import (
    ArchiveSettings,
    Invitation,
    InvitationRequest,
    SignupMode,
    User,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SITE = Site(base_url="http://testserver/", name="Quire")
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


def tree_of(response: HttpResponse) -> html.HtmlElement:
    return html.fromstring(response.content)


def texts(tree: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


def set_archive(**fields: object) -> ArchiveSettings:
    archive = ArchiveSettings.objects.filter(pk=1).first() or ArchiveSettings()
    for name, value in fields.items():
        setattr(archive, name, value)
    archive.save()
    return archive


def link_in(message: mail.EmailMessage) -> str:
    """The path of the one link in an email the archive sent."""
    found = re.findall(r"https?://testserver(/\S+)", str(message.body))
    assert len(found) == 1, message.body
    return found[0]


def sign_up(client: Client, username: str = "newcomer", **fields: str) -> HttpResponse:
    data = {
        "username": username,
        "email": f"{username}@example.org",
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
        **fields,
    }
    return client.post("/signup/", data)


def log_in(
    client: Client, username: str, password: str = PASSWORD, ip: str = "127.0.0.1"
) -> HttpResponse:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    user = make_user("keeper", email="keeper@example.org")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


# Sign-up modes


def test_closed_sign_up_shows_a_message_and_no_form(client: Client) -> None:
    set_archive(signup_mode=SignupMode.CLOSED)
    tree = tree_of(client.get("/signup/"))
    assert texts(tree, "//h1") == ["Sign-up is closed"]
    assert not tree.xpath("//input[@name='username']")
    assert not tree.xpath("//a[@href='/signup/']")  # and the header offers none
    sign_up(client)
    assert not User.objects.filter(username="newcomer").exists()


def test_open_sign_up_makes_an_account_that_waits_for_its_email(client: Client) -> None:
    set_archive(signup_mode=SignupMode.OPEN)
    form = tree_of(client.get("/signup/"))
    assert not form.xpath("//input[@name='invitation_code']")
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/signup/sent/"
    assert "newcomer@example.org" in client.get("/signup/sent/").content.decode()

    user = User.objects.get(username="newcomer")
    assert not user.is_active
    assert user.awaiting_confirmation
    assert user.default_pseud.name == "newcomer"
    assert log_in(client, "newcomer", "correct horse battery staple").status_code == 200

    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert message.subject == "Confirm your account at Quire"
    confirmed = client.get(link_in(message))
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/login/"
    user.refresh_from_db()
    assert user.is_active
    assert not user.awaiting_confirmation
    assert log_in(client, "newcomer", "correct horse battery staple").status_code == 302


def test_invitation_only_sign_up_needs_a_code_that_works_once(client: Client, admin: User) -> None:
    set_archive(signup_mode=SignupMode.INVITATION)
    tree = tree_of(client.get("/signup/"))
    assert tree.xpath("//input[@name='invitation_code']")
    assert tree.xpath("//a[@href='/invitations/request/']")

    missing = tree_of(sign_up(client))
    assert texts(missing, "//ul[@id='id_invitation_code_error']") == ["This field is required."]
    wrong = tree_of(sign_up(client, invitation_code="NOTACODE"))
    assert "doesn't work" in texts(wrong, "//ul[@id='id_invitation_code_error']")[0]
    assert not User.objects.filter(username="newcomer").exists()

    (invitation,) = do_give_invitations(admin, admin, 1)
    typed = invitation.code.lower()[:8] + " " + invitation.code[8:]
    assert sign_up(client, invitation_code=typed).status_code == 302
    invitation.refresh_from_db()
    assert invitation.used_by == User.objects.get(username="newcomer")

    again = tree_of(sign_up(client, "second", invitation_code=invitation.code))
    assert texts(again, "//ul[@id='id_invitation_code_error']")
    assert not User.objects.filter(username="second").exists()


def test_an_expired_invitation_does_not_work(client: Client, admin: User) -> None:
    set_archive(signup_mode=SignupMode.INVITATION)
    (invitation,) = do_give_invitations(admin, admin, 1)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert sign_up(client, invitation_code=invitation.code).status_code == 200
    assert not User.objects.filter(username="newcomer").exists()


def test_the_emailed_link_fills_in_the_code_and_address(client: Client, admin: User) -> None:
    set_archive(signup_mode=SignupMode.INVITATION)
    InvitationRequest.objects.create(email="reader@example.org")
    (invitation,) = do_issue_invitations(admin, 1, SITE)
    tree = tree_of(client.get(link_in(mail.outbox[0])))
    assert tree.xpath("//input[@name='invitation_code']/@value") == [invitation.code]
    assert tree.xpath("//input[@name='email']/@value") == ["reader@example.org"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "Author"}, "username", "That username is taken."),
        ({"username": "no spaces"}, "username", "Use letters and numbers"),
        ({"email": "AUTHOR@example.org"}, "email", "An account already uses that email"),
        ({"password2": "something else entirely"}, "password2", "didn’t match"),
        ({"password1": "password", "password2": "password"}, "password2", "too common"),
    ],
)
def test_sign_up_says_what_to_fix(
    client: Client, make_user: Callable[..., User], fields: dict[str, str], field: str, message: str
) -> None:
    make_user("author", email="author@example.org")
    set_archive(signup_mode=SignupMode.OPEN)
    data = {"username": "newcomer", **fields}
    tree = tree_of(sign_up(client, **data))
    errors = " ".join(texts(tree, f"//ul[@id='id_{field}_error']"))
    assert message in errors
    assert tree.xpath(f"//input[@name='{field}']/@aria-invalid") == ["true"]
    assert User.objects.count() == 1


# The invitation queue


def test_the_queue_takes_requests_and_shows_places(client: Client) -> None:
    set_archive(signup_mode=SignupMode.INVITATION, invitation_queue_open=True)
    first = tree_of(client.post("/invitations/request/", {"email": "first@example.org"}))
    assert texts(first, "//span[@class='queue-position__number']") == ["1"]
    second = tree_of(client.post("/invitations/request/", {"email": "Second@Example.org"}))
    assert texts(second, "//span[@class='queue-position__number']") == ["2"]
    again = tree_of(client.post("/invitations/request/", {"email": "first@example.org"}))
    assert texts(again, "//span[@class='queue-position__number']") == ["1"]
    assert InvitationRequest.objects.count() == 2

    checked = tree_of(client.post("/invitations/status/", {"email": "second@example.org"}))
    assert texts(checked, "//span[@class='queue-position__number']") == ["2"]
    unknown = tree_of(client.post("/invitations/status/", {"email": "nobody@example.org"}))
    assert "isn't in the invitation queue" in texts(unknown, "//ul[@class='errorlist']")[0]
    waiting = tree_of(client.get("/invitations/request/"))
    assert texts(waiting, "//p[@class='queue-count']") == ["2 people are waiting."]


@pytest.mark.parametrize(
    ("mode", "queue_open", "says"),
    [
        (SignupMode.INVITATION, False, "The invitation queue is closed"),
        (SignupMode.OPEN, True, "No invitation is needed here"),
        (SignupMode.CLOSED, True, "isn't taking new accounts"),
    ],
)
def test_the_queue_refuses_when_it_would_serve_nothing(
    client: Client, mode: str, queue_open: bool, says: str
) -> None:
    set_archive(signup_mode=mode, invitation_queue_open=queue_open)
    tree = tree_of(client.post("/invitations/request/", {"email": "reader@example.org"}))
    assert says in tree.text_content()
    assert not InvitationRequest.objects.exists()


def test_the_queue_refuses_addresses_that_have_an_account(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("author", email="author@example.org")
    set_archive(signup_mode=SignupMode.INVITATION)
    tree = tree_of(client.post("/invitations/request/", {"email": "Author@example.org"}))
    assert "already uses that email" in " ".join(texts(tree, "//ul[@class='errorlist']"))


def test_admins_invite_the_oldest_requests_first_n_at_a_time(client: Client, admin: User) -> None:
    set_archive(signup_mode=SignupMode.INVITATION, invitations_per_batch=2)
    for name in ["ann", "bob", "cy"]:
        client.post("/invitations/request/", {"email": f"{name}@example.org"})
    client.force_login(admin)
    page = tree_of(client.get("/staff/invitations/"))
    assert page.xpath("//form[input[@value='issue']]//input[@name='count']/@value") == ["2"]
    assert texts(page, "//section[@aria-labelledby='queue-heading']//tbody/tr/td[2]") == [
        "ann@example.org",
        "bob@example.org",
        "cy@example.org",
    ]

    response = client.post("/staff/invitations/", {"action": "issue", "count": "2"})
    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.org",
        "bob@example.org",
    ]
    assert mail.outbox[0].subject == "Your invitation to Quire"

    client.logout()
    sent = tree_of(client.post("/invitations/status/", {"email": "ann@example.org"}))
    assert texts(sent, "//h1") == ["Your invitation was sent"]
    still = tree_of(client.post("/invitations/status/", {"email": "cy@example.org"}))
    assert texts(still, "//span[@class='queue-position__number']") == ["1"]

    ann = next(message for message in mail.outbox if message.to == ["ann@example.org"])
    code = Invitation.objects.get(email="ann@example.org").code
    assert code in str(ann.body)
    assert sign_up(client, "ann", invitation_code=code).status_code == 302


def test_members_share_the_invitations_admins_give_them(
    client: Client, admin: User, make_user: Callable[..., User]
) -> None:
    set_archive(signup_mode=SignupMode.INVITATION)
    member = make_user("member", email="member@example.org")
    client.force_login(admin)
    given = client.post(
        "/staff/invitations/", {"action": "give", "username": "member", "count": "2"}
    )
    assert given.status_code == 302
    client.force_login(member)
    dashboard = tree_of(client.get("/account/"))
    assert "You have 2 invitations to share." in texts(dashboard, "//section/p")

    page = tree_of(client.get("/account/invitations/"))
    links = page.xpath("//input[starts-with(@id,'link-')]/@value")
    assert len(links) == 2
    assert all(link.startswith("http://testserver/signup/?invitation=") for link in links)
    invitation = member.invitations.first()
    assert invitation is not None
    sent = client.post(
        "/account/invitations/", {"invitation": invitation.pk, "email": "friend@example.org"}
    )
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["friend@example.org"]
    assert "member has sent you an invitation" in str(message.body)

    client.logout()
    assert sign_up(client, "friend", invitation_code=invitation.code).status_code == 302


def test_nobody_sends_someone_elses_invitation(
    client: Client, admin: User, make_user: Callable[..., User]
) -> None:
    (invitation,) = do_give_invitations(admin, admin, 1)
    client.force_login(make_user("member"))
    response = client.post(
        "/account/invitations/", {"invitation": invitation.pk, "email": "x@example.org"}
    )
    assert response.status_code == 404
    assert not mail.outbox


# Admin pages


def test_admin_pages_are_for_admins(
    client: Client, admin: User, make_user: Callable[..., User]
) -> None:
    for url in ["/staff/archive-settings/", "/staff/invitations/"]:
        guest = client.get(url)
        assert guest.status_code == 302
        assert guest["Location"].startswith("/login/?next=")
        client.force_login(make_user(f"member{len(url)}"))
        assert client.get(url).status_code == 403
        client.force_login(admin)
        assert client.get(url).status_code == 200
        client.logout()


def test_the_archive_settings_page_changes_the_archive(client: Client, admin: User) -> None:
    client.force_login(admin)
    response = client.post(
        "/staff/archive-settings/",
        {
            "archive_name": "  The   Lantern Archive ",
            "signup_mode": "closed",
            "invitations_per_batch": "25",
        },
    )
    assert response.status_code == 302
    archive = ArchiveSettings.objects.get()
    assert archive.archive_name == "The Lantern Archive"
    assert archive.signup_mode == SignupMode.CLOSED
    assert not archive.invitation_queue_open
    assert archive.invitations_per_batch == 25
    client.logout()
    for url in ["/", "/login/", "/signup/", "/password/reset/"]:
        tree = tree_of(client.get(url))
        assert tree.findtext(".//title").endswith("| The Lantern Archive"), url
        assert texts(tree, "//a[@class='site-name']") == ["❦ The Lantern Archive"], url


def test_archive_settings_are_in_the_django_admin_once(client: Client, admin: User) -> None:
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    assert client.get("/admin/people/archivesettings/add/").status_code == 200
    set_archive(signup_mode=SignupMode.OPEN)
    assert client.get("/admin/people/archivesettings/add/").status_code == 403
    assert client.get("/admin/people/archivesettings/1/change/").status_code == 200


# Confirmation


def test_a_confirmation_link_works_once_and_not_when_tampered_with(client: Client) -> None:
    set_archive(signup_mode=SignupMode.OPEN)
    sign_up(client)
    link = link_in(mail.outbox[0])
    broken = client.get(link[:-3] + "xyz/")
    assert broken.status_code == 400
    assert b"Send me a new link" in broken.content
    assert client.get(link)["Location"] == "/login/"
    again = client.get(link, follow=True)
    assert b"already confirmed" in again.content


def test_a_confirmation_link_never_switches_on_an_account_an_admin_switched_off(
    client: Client,
) -> None:
    set_archive(signup_mode=SignupMode.OPEN)
    sign_up(client)
    link = link_in(mail.outbox[0])
    User.objects.filter(username="newcomer").update(awaiting_confirmation=False)
    assert client.get(link).status_code == 400
    assert not User.objects.get(username="newcomer").is_active


def test_a_new_link_goes_only_to_accounts_waiting_for_one(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("author", email="author@example.org")
    set_archive(signup_mode=SignupMode.OPEN)
    sign_up(client)
    mail.outbox.clear()
    for email in ["author@example.org", "nobody@example.org", "NEWCOMER@example.org"]:
        response = client.post("/signup/resend/", {"email": email}, follow=True)
        assert b"a new link is on its way" in response.content
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    client.get(link_in(message))
    assert User.objects.get(username="newcomer").is_active


# Login and logout


def test_log_in_by_username_or_email(client: Client, make_user: Callable[..., User]) -> None:
    make_user("author", email="Author@Example.org")
    for typed in ["author", "AUTHOR", "author@example.org", "AUTHOR@EXAMPLE.ORG"]:
        response = log_in(client, typed)
        assert response.status_code == 302, typed
        assert response["Location"] == "/account/"
        client.post("/logout/")


def test_log_in_goes_back_where_the_reader_was(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("author")
    login_page = client.get("/search/saved/")
    assert login_page["Location"] == "/login/?next=/search/saved/"
    response = client.post(
        "/login/", {"username": "author", "password": PASSWORD, "next": "/search/saved/"}
    )
    assert response["Location"] == "/search/saved/"


def test_wrong_passwords_inactive_and_placeholder_accounts_are_refused(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("author")
    wrong = tree_of(log_in(client, "author", "not the password"))
    assert "don't match an account" in " ".join(texts(wrong, "//div[@role='alert']"))

    make_user("switched_off", email="off@example.org").__class__.objects.filter(
        username="switched_off"
    ).update(is_active=False)
    assert log_in(client, "switched_off").status_code == 200
    assert log_in(client, "off@example.org").status_code == 200

    placeholder = make_user("imported", email="imported@example.org")
    placeholder.is_placeholder = True
    placeholder.save(update_fields=["is_placeholder"])
    assert log_in(client, "imported").status_code == 200
    assert log_in(client, "imported@example.org").status_code == 200
    assert "_auth_user_id" not in client.session
    client.force_login(placeholder)  # a session made somehow is not honoured either
    assert client.get("/account/").status_code == 302


def test_an_unconfirmed_account_is_told_to_confirm(client: Client) -> None:
    set_archive(signup_mode=SignupMode.OPEN)
    sign_up(client)
    tree = tree_of(log_in(client, "newcomer", "correct horse battery staple"))
    assert "isn't confirmed yet" in " ".join(texts(tree, "//div[@role='alert']"))
    assert tree.xpath("//a[@href='/signup/resend/']")
    wrong = tree_of(log_in(client, "newcomer", "a guess"))
    assert "isn't confirmed" not in wrong.text_content()


def test_log_out_is_a_post(client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("author"))
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/logout/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_header_offers_what_fits_the_visitor(
    client: Client, make_user: Callable[..., User]
) -> None:
    set_archive(signup_mode=SignupMode.INVITATION)
    guest = tree_of(client.get("/works/"))
    assert texts(guest, "//nav[@aria-label='Site']//a") == [
        "Works",
        "Search",
        "Series",
        "Collections",
        "Log in",
        "Sign up",
    ]
    assert guest.xpath("//nav[@aria-label='Site']//a[.='Log in']/@href") == ["/login/?next=/works/"]
    client.force_login(make_user("author"))
    member = tree_of(client.get("/works/"))
    assert member.xpath("//nav[@aria-label='Site']//a[.='author']/@href") == ["/account/"]
    (logout,) = member.xpath("//nav[@aria-label='Site']//form")
    assert logout.get("method") == "post"
    assert logout.get("action") == "/logout/"
    assert logout.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert texts(logout, ".//button") == ["Log out"]


# Rate limiting


def test_too_many_failures_for_a_username_pause_its_logins(
    client: Client, make_user: Callable[..., User], settings, monkeypatch
) -> None:
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "attempts_per_username": 3}
    make_user("author", email="author@example.org")
    make_user("other")
    for attempt in range(2):
        assert (
            log_in(client, "author", f"guess {attempt}", ip=f"10.0.0.{attempt}").status_code == 200
        )
    third = log_in(client, "author", "guess 3", ip="10.0.0.3")
    assert third.status_code == 429
    assert "Logging in is paused for 15 minutes" in tree_of(third).text_content()

    # Even the right password, from anywhere, by username or by email, waits.
    assert log_in(client, "author", ip="10.9.9.9").status_code == 429
    assert log_in(client, "other", ip="10.9.9.9").status_code == 302  # others are not affected

    later = throttle.now() + 15 * 60 + 1
    monkeypatch.setattr(throttle, "now", lambda: later)
    assert log_in(client, "author", ip="10.0.0.3").status_code == 302


def test_too_many_failures_from_one_address_pause_its_logins(
    client: Client, make_user: Callable[..., User], settings
) -> None:
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "attempts_per_ip": 4}
    make_user("author")
    for number in range(4):
        log_in(client, f"someone{number}", "guess", ip="192.0.2.7")
    assert log_in(client, "author", ip="192.0.2.7").status_code == 429
    assert log_in(client, "author", ip="192.0.2.8").status_code == 302


def test_a_successful_login_forgets_earlier_failures(
    client: Client, make_user: Callable[..., User], settings
) -> None:
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "attempts_per_username": 3}
    make_user("author")
    for _ in range(2):
        log_in(client, "author", "guess", ip="10.0.0.1")
    assert log_in(client, "author", ip="10.0.0.1").status_code == 302
    client.post("/logout/")
    for _ in range(2):
        assert log_in(client, "author", "guess", ip="10.0.0.2").status_code == 200


def test_every_way_in_is_limited_alike(
    client: Client, make_user: Callable[..., User], settings
) -> None:
    """The admin's login page and HTTP Basic (for e-reader apps) count and wait too."""
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "attempts_per_username": 2}
    make_user("author")
    client.post("/admin/login/", {"username": "author", "password": "guess"})
    client.post("/admin/login/", {"username": "author", "password": "guess"})
    assert log_in(client, "author", ip="10.1.1.1").status_code == 429
    from django.contrib.auth import authenticate

    assert authenticate(None, username="author", password=PASSWORD) is None


# Passwords


def test_password_reset_end_to_end(client: Client, make_user: Callable[..., User]) -> None:
    make_user("author", email="author@example.org")
    sent = client.post("/password/reset/", {"email": "AUTHOR@example.org"})
    assert sent["Location"] == "/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert message.subject == "Choose a new password for Quire"
    form_page = client.get(link_in(message), follow=True)
    assert b"Choose a new password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done["Location"] == "/password/reset/done/"
    assert log_in(client, "author").status_code == 200
    assert log_in(client, "author", "a brand new passphrase").status_code == 302
    client.post("/logout/")
    used = client.get(link_in(message), follow=True)
    assert b"This link doesn't work" in used.content


def test_password_reset_sends_nothing_to_unknown_or_placeholder_addresses(
    client: Client, make_user: Callable[..., User]
) -> None:
    placeholder = make_user("imported", email="imported@example.org")
    placeholder.is_placeholder = True
    placeholder.save(update_fields=["is_placeholder"])
    for email in ["imported@example.org", "nobody@example.org"]:
        assert client.post("/password/reset/", {"email": email}).status_code == 302
    assert not mail.outbox


def test_password_change(client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("author"))
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
        follow=True,
    )
    assert b"Your password is changed." in response.content
    assert "_auth_user_id" in client.session  # still signed in
    assert User.objects.get(username="author").check_password("another long passphrase")


def test_new_passwords_are_hashed_with_argon2(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    set_archive(signup_mode=SignupMode.OPEN)
    sign_up(client)
    assert User.objects.get(username="newcomer").password.startswith("argon2$")


def test_older_hashes_still_log_in_and_are_upgraded(
    client: Client, make_user: Callable[..., User], settings
) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_user("veteran")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert log_in(client, "veteran").status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2$")
