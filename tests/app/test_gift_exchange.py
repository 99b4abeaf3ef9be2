"""Gift exchanges: settings, sign-ups with their rules, the summary, the tag set and
nominations, matching (run through the task queue), editing and sending assignments,
fulfilment, defaults and pinch hits, reminders, and who may see what."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quire.challenges import actions, queries
from quire.challenges.cli import run_reminders
from quire.challenges.models import (
    Assignment,
    Challenge,
    ChallengeTag,
    ForbiddenPair,
    MatchingRun,
    NominationStatus,
    RunState,
    SignUp,
)
from quire.challenges.tasks import tell_gift_recipients
from quire.collections.actions import CollectionDetails, do_create_collection, do_reveal_works
from quire.collections.models import Membership
from quire.core.challenges import AssignmentState, Side
from quire.core.tags import TagType
from quire.people.models import User
from quire.permissions import viewer_for
from tests.app.challenge_helpers import make_challenge, offer, post_to, request, sign_up

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], object]]]]
RARE, COMMON = "Rare Pair Fandom", "Common Fandom"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Capture) -> Callable[[], AbstractContextManager]:
    """Run what an action queues for after its commit (the immediate task backend)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    names = ["keeper", "ana", "ben", "cat", "dan"]
    return {name: make_user(name, email=f"{name}@example.org") for name in names}


@pytest.fixture
def exchange(people: dict[str, User]) -> Challenge:
    return make_challenge(
        people["keeper"], "winter-swap", requests_max=2, offers_max=2, reminder_days=3
    )


@pytest.fixture
def signed_up(exchange: Challenge, people: dict[str, User]) -> dict[str, SignUp]:
    """Ana asks for a fandom only Ben offers; Ben and Cat ask for the common one."""
    return {
        "ana": sign_up(exchange, people["ana"], [request(RARE)], [offer(COMMON)]),
        "ben": sign_up(
            exchange,
            people["ben"],
            [request(COMMON)],
            [offer(COMMON), offer(RARE, number=2)],
            pinch_hitter=True,
        ),
        "cat": sign_up(exchange, people["cat"], [request(COMMON)], [offer(COMMON)]),
    }


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, exchange: Challenge, *args: object) -> str:
    return reverse(f"challenges:{name}", args=[exchange.collection.name, *args])


def matched(exchange: Challenge) -> dict[str, str]:
    """Recipient username → giver username, of the draft or sent assignments."""
    return {
        assignment.recipient.user.username: assignment.giving_user.username
        for assignment in exchange.assignments.select_related(
            "giver__user", "recipient__user", "pinch_hitter"
        ).filter(covered_at__isnull=True)
    }


def run_matching(exchange: Challenge, keeper: User, on_commit) -> MatchingRun:
    with on_commit():
        run = actions.do_request_matching(exchange, keeper)
    run.refresh_from_db()
    return run


# Settings


def test_a_new_exchange_starts_from_the_defaults_and_keeps_its_works_hidden(
    people: dict[str, User],
) -> None:
    collection = do_create_collection(
        people["keeper"], "spring", CollectionDetails(title="Spring", kind="gift_exchange")
    )
    keeper = client_for(people["keeper"])
    settings_url = reverse("challenges:settings", args=["spring"])
    page = keeper.get(settings_url)
    assert page.status_code == 200
    assert b"Set up the gift exchange" in page.content
    assert page.context["form"]["fandom_request_required"].value() == 1
    assert client_for(people["ana"]).get(settings_url).status_code == 403
    assert Client().get(reverse("challenges:home", args=["spring"])).status_code == 200

    form = {
        "signups_open": "on",
        "requests_min": 1,
        "requests_max": 2,
        "offers_min": 1,
        "offers_max": 1,
        "prompts_required": 1,
        "nominations_max": 3,
        "reminder_days": 2,
        "assignments_due_at": "2027-01-10T12:00",
        "fandom_request_required": 1,
        "fandom_request_allowed": 1,
        "fandom_offer_required": 1,
        "fandom_offer_allowed": 3,
        "fandom_match_required": 1,
        "character_request_allowed": 2,
        "character_offer_allowed": 2,
        "character_any_allowed": "on",
        "character_match_required": 0,
    }
    for tag_type in TagType:
        for column in ("request_required", "request_allowed", "offer_required", "offer_allowed"):
            form.setdefault(f"{tag_type.value}_{column}", 0)
        form.setdefault(f"{tag_type.value}_match_required", 0)
    response = keeper.post(settings_url, form)
    assert response.status_code == 302
    challenge = Challenge.objects.get(collection=collection)
    assert challenge.offers_max == 1 and challenge.reminder_days == 2
    rules = queries.challenge_rules(challenge)
    assert rules.rule(TagType.FANDOM).allowed(Side.OFFER) == 3
    assert rules.rule(TagType.CHARACTER).any_allowed
    collection.refresh_from_db()
    assert collection.anonymous and collection.unrevealed

    broken = {**form, "relationship_match_required": 1}
    page = keeper.post(settings_url, broken)
    assert page.status_code == 200
    assert "Matches cannot share relationships: requests carry none." in page.content.decode()


# Sign-ups


def test_the_signup_form_names_the_prompt_and_field_of_each_problem(
    exchange: Challenge, people: dict[str, User]
) -> None:
    ana = client_for(people["ana"])
    page = ana.get(url("sign_up", exchange))
    assert page.status_code == 200
    assert b'data-type="fandom"' in page.content
    response = ana.post(
        url("sign_up", exchange),
        {
            "request-1-fandom": "",
            "request-1-character": "Holmes, Watson, Hudson",
            "offer-1-fandom": COMMON,
            "offer-1-url": "not an address",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Request 1 · Fandoms: choose at least 1 fandom." in text
    assert "Request 1 · Characters: choose at most 2 characters." in text
    assert "Offer 1 · Link: Enter a valid URL." in text
    assert not SignUp.objects.filter(user=people["ana"]).exists()

    response = ana.post(
        url("sign_up", exchange),
        {
            "request-1-fandom": RARE,
            "request-1-character_any": "on",
            "request-1-description": "Something *cosy*.",
            "offer-1-fandom": COMMON,
            "offer-1-character": "Holmes",
            "offer-2-fandom": "",
        },
    )
    assert response.status_code == 302
    signup = queries.signup_of(exchange, people["ana"])
    assert signup is not None
    assert [tag.name for tag in signup.requests[0].tags_of(TagType.FANDOM)] == [RARE]
    assert signup.requests[0].wants_any(TagType.CHARACTER)
    assert len(signup.offers) == 1
    assert Membership.objects.filter(collection=exchange.collection, user=people["ana"]).exists()
    assert ana.get(url("sign_up", exchange)).url == url("edit_signup", exchange, signup.pk)


def test_a_signup_is_edited_and_withdrawn_while_open_only(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User]
) -> None:
    ana = client_for(people["ana"])
    edit = url("edit_signup", exchange, signed_up["ana"].pk)
    form = ana.get(edit).context["form"]
    assert next(form.prompt_forms()).initial["fandom"] == RARE
    response = ana.post(edit, {"request-1-fandom": COMMON, "offer-1-fandom": RARE})
    assert response.status_code == 302
    signup = queries.signup_of(exchange, people["ana"])
    assert [tag.name for tag in signup.requests[0].tags_of(TagType.FANDOM)] == [COMMON]

    assert client_for(people["cat"]).get(url("signup", exchange, signup.pk)).status_code == 403
    assert client_for(people["keeper"]).get(url("signup", exchange, signup.pk)).status_code == 200

    exchange.signups_open = False
    exchange.save()
    with pytest.raises(actions.Refused, match="Sign-ups are closed"):
        actions.do_delete_signup(signup, people["ana"])
    response = ana.post(url("sign_up", exchange), {"request-1-fandom": RARE})
    assert response.status_code == 302  # back to her sign-up: she has one
    exchange.signups_open = True
    exchange.signups_close_at = timezone.now() - timedelta(minutes=1)
    exchange.save()
    with pytest.raises(actions.Refused, match="Sign-ups are closed"):
        sign_up(exchange, people["dan"], [request(RARE)], [offer(RARE)])

    actions.do_delete_signup(signup, people["keeper"])
    assert not SignUp.objects.filter(pk=signup.pk).exists()


def test_the_summary_shows_where_offers_are_short_to_whom_it_may(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User]
) -> None:
    summary = url("summary", exchange)
    assert client_for(people["ana"]).get(summary).status_code == 403
    page = client_for(people["keeper"]).get(summary)
    rows = [(tag.name, line.requests, line.offers) for tag, line in page.context["lines"]]
    assert rows == [(RARE, 1, 1), (COMMON, 2, 3)]
    exchange.summary_public = True
    exchange.save()
    assert client_for(people["ana"]).get(summary).status_code == 200


def test_the_tag_set_limits_prompts_and_takes_nominations(
    exchange: Challenge, people: dict[str, User]
) -> None:
    exchange.nominations_open = True
    exchange.nominations_max = 1
    exchange.save()
    actions.do_set_tag_set(exchange, people["keeper"], {TagType.FANDOM: [COMMON]})
    with pytest.raises(actions.SignUpRefused) as refused:
        sign_up(exchange, people["ana"], [request(RARE)], [offer(COMMON)])
    assert str(refused.value) == f'Request 1: "{RARE}" is not in this challenge\'s tag set.'

    ana = client_for(people["ana"])
    response = ana.post(
        url("tag_set", exchange),
        {"nominate": "1", "nominate-tag_type": "fandom", "nominate-name": RARE},
    )
    assert response.status_code == 302
    with pytest.raises(actions.Refused, match="at most 1 fandoms"):
        actions.do_nominate(exchange, people["ana"], TagType.FANDOM, "Another")
    nomination = exchange.nominations.get()
    assert client_for(people["ana"]).post(url("review_nominations", exchange)).status_code == 403
    client_for(people["keeper"]).post(
        url("review_nominations", exchange), {"approve": [nomination.pk]}
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED
    assert set(ChallengeTag.objects.values_list("tag__name", flat=True)) == {COMMON, RARE}
    assert sign_up(exchange, people["ana"], [request(RARE)], [offer(COMMON)])


# Matching


def test_matching_runs_as_a_task_and_matches_everyone_who_can_be(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User], on_commit
) -> None:
    keeper = client_for(people["keeper"])
    assert client_for(people["ana"]).get(url("matching", exchange)).status_code == 403
    with on_commit():
        response = keeper.post(url("run_matching", exchange))
    assert response.status_code == 302
    run = MatchingRun.objects.get()
    assert run.state == RunState.DONE
    assert (run.signups, run.matched) == (3, 3)
    assert matched(exchange)["ana"] == "ben"
    assert set(matched(exchange)) == {"ana", "ben", "cat"}
    explanation = exchange.assignments.get(recipient=signed_up["ana"]).explanation
    assert f"Request 1 matches offer 2 (Fandom: {RARE})." in explanation

    page = keeper.get(url("matching", exchange))
    text = page.content.decode()
    assert "3 of 3</strong> participants matched" in text
    assert "Send assignments" in text
    assert "Not matched" not in text


def test_a_participant_nobody_can_give_to_is_listed_with_why(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User], on_commit
) -> None:
    sign_up(exchange, people["dan"], [request("Nobody Writes This")], [offer(COMMON)])
    run_matching(exchange, people["keeper"], on_commit)
    review = queries.review_of(exchange)
    assert [item.signup.user.username for item in review.without_giver] == ["dan"]
    assert review.without_giver[0].compatible == []
    page = client_for(people["keeper"]).get(url("matching", exchange))
    assert "No compatible giver: nobody offers what they request." in page.content.decode()


def test_edits_survive_matching_again(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User], on_commit
) -> None:
    keeper_user = people["keeper"]
    dan = sign_up(exchange, people["dan"], [request(COMMON)], [offer(COMMON)])
    run_matching(exchange, keeper_user, on_commit)
    keeper = client_for(keeper_user)
    # Dan gives to Cat, set by hand; Ana never gives to Ben.
    response = keeper.post(
        url("pair", exchange), {"giver": dan.pk, "recipient": signed_up["cat"].pk}
    )
    assert response.status_code == 302
    pinned = exchange.assignments.get(giver=dan)
    assert pinned.fixed and pinned.recipient == signed_up["cat"]
    assert pinned.explanation.startswith("Set by a moderator. Request 1 matches offer 1")
    unwanted = actions.do_pair(exchange, keeper_user, signed_up["ana"], signed_up["ben"])
    keeper.post(url("remove_pair", exchange, unwanted.pk))
    assert ForbiddenPair.objects.filter(giver=signed_up["ana"], recipient=signed_up["ben"]).exists()

    run_matching(exchange, keeper_user, on_commit)
    assert matched(exchange) == {"ana": "ben", "ben": "cat", "cat": "dan", "dan": "ana"}
    assert exchange.assignments.get(giver=dan).fixed
    with pytest.raises(actions.Refused, match="their own giver"):
        actions.do_pair(exchange, keeper_user, signed_up["ana"], signed_up["ana"])


# Sending, fulfilling, defaulting


@pytest.fixture
def sent(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User], on_commit
) -> Challenge:
    exchange.assignments_due_at = timezone.now() + timedelta(days=10)
    exchange.save()
    run_matching(exchange, people["keeper"], on_commit)
    with on_commit():
        response = client_for(people["keeper"]).post(url("send", exchange))
    assert response.status_code == 302
    exchange.refresh_from_db()
    return exchange


def test_sending_emails_every_giver_and_shows_them_their_recipient(
    sent: Challenge, people: dict[str, User]
) -> None:
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "cat@example.org",
    ]
    to_ben = next(message for message in mail.outbox if message.to == ["ben@example.org"])
    assert "You are making a gift for ana" in to_ben.body
    assignment = sent.assignments.get(giver__user=people["ben"])
    assert url("assignment", sent, assignment.pk) in to_ben.body

    ben = client_for(people["ben"])
    mine = ben.get(reverse("challenges:my_assignments"))
    assert "A gift for ana" in mine.content.decode()
    page = ben.get(url("assignment", sent, assignment.pk))
    text = page.content.decode()
    assert RARE in text
    assert "Post to fulfill" in text
    assert f"/works/new/?collection={sent.collection.name}&amp;gift_for=ana" in text
    # Nobody else sees Ben's assignment; matching is over.
    assert client_for(people["cat"]).get(url("assignment", sent, assignment.pk)).status_code == 404
    with pytest.raises(actions.Refused, match="have been sent"):
        actions.do_request_matching(sent, people["keeper"])


def test_a_gift_posted_to_the_collection_fulfils_the_assignment(
    sent: Challenge, people: dict[str, User]
) -> None:
    assignment = sent.assignments.get(giver__user=people["ben"])
    assert queries.state_of(assignment) == AssignmentState.OPEN
    post_to(people["ben"], sent.collection, "Not for her", gift_to=[people["cat"]])
    assert queries.state_of(assignment) == AssignmentState.OPEN
    post_to(people["ben"], sent.collection, "For Ana", gift_to=[people["ana"]])
    assert queries.state_of(assignment) == AssignmentState.FULFILLED
    row = queries.assignment_for(sent, assignment.pk)
    assert row is not None
    fulfilling = queries.fulfilling_works(viewer_for(people["ben"]), row)
    assert [work.title for work in fulfilling] == ["For Ana"]
    with pytest.raises(actions.Refused, match="fulfilled"):
        actions.do_default(assignment, people["ben"])


def test_the_giver_may_name_one_of_their_works_as_the_gift(
    sent: Challenge, people: dict[str, User]
) -> None:
    assignment = sent.assignments.get(giver__user=people["cat"])
    work = post_to(people["cat"], sent.collection, "Chosen by hand")
    others = post_to(people["ana"], sent.collection, "Somebody else's")
    cat = client_for(people["cat"])
    cat.post(url("choose_fill", sent, assignment.pk), {"work": others.pk})
    assert queries.state_of(assignment) == AssignmentState.OPEN
    cat.post(url("choose_fill", sent, assignment.pk), {"work": work.pk})
    assert queries.state_of(assignment) == AssignmentState.FULFILLED


def test_a_default_is_covered_by_a_pinch_hitter(
    sent: Challenge, people: dict[str, User], on_commit
) -> None:
    assignment = sent.assignments.get(giver__user=people["cat"])
    recipient = assignment.recipient.user.username
    with pytest.raises(actions.Refused, match="Only the giver"):
        actions.do_default(assignment, people["ana"])
    client_for(people["cat"]).post(url("default", sent, assignment.pk))
    assert queries.state_of(assignment) == AssignmentState.DEFAULTED

    keeper = client_for(people["keeper"])
    page = keeper.get(url("assignments", sent))
    assert "1 defaulted" in page.content.decode()
    assert [signup.user.username for signup in page.context["without_giver"]] == [recipient]
    assert [signup.user.username for signup in page.context["volunteers"]] == ["ben"]

    mail.outbox.clear()
    with on_commit():
        keeper.post(
            url("pinch_hit", sent),
            {"recipient": assignment.recipient_id, "hitter": "dan"},
        )
    shown = keeper.get(url("assignments", sent)).context["messages"]
    assert [str(message) for message in shown] == ['"dan" is not a member of this collection.']
    Membership.objects.create(collection=sent.collection, user=people["dan"])
    with on_commit():
        keeper.post(
            url("pinch_hit", sent),
            {"recipient": assignment.recipient_id, "hitter": "dan"},
        )
    assignment.refresh_from_db()
    assert assignment.covered_at is not None
    assert queries.state_of(assignment) == AssignmentState.COVERED
    assert matched(sent)[recipient] == "dan"
    assert [message.to for message in mail.outbox] == [["dan@example.org"]]
    assert "Thank you for pinch hitting" in mail.outbox[0].body
    hit = sent.assignments.get(pinch_hitter=people["dan"])
    post_to(people["dan"], sent.collection, "Saved the day", gift_to=[hit.recipient.user])
    assert queries.state_of(hit) == AssignmentState.FULFILLED
    with pytest.raises(actions.Refused, match="already has a giver"):
        actions.do_assign_pinch_hitter(
            sent, people["keeper"], hit.recipient, people["keeper"], base_url="http://x/"
        )


def test_reminders_go_to_open_assignments_due_soon_once_a_day(
    sent: Challenge, people: dict[str, User], on_commit, capsys: pytest.CaptureFixture[str]
) -> None:
    post_to(people["ben"], sent.collection, "Done early", gift_to=[people["ana"]])
    mail.outbox.clear()
    assert run_reminders("http://archive.example") == 0
    assert "Sent 0 reminders." in capsys.readouterr().out

    sent.assignments_due_at = timezone.now() + timedelta(days=2)
    sent.save()
    assert run_reminders("http://archive.example") == 0
    assert "Sent 2 reminders." in capsys.readouterr().out
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "cat@example.org",
    ]
    assert "is due by" in mail.outbox[0].body
    assert "http://archive.example/collections/winter-swap/assignments/" in mail.outbox[0].body
    with on_commit():
        response = client_for(people["keeper"]).post(url("remind", sent))
    assert response.status_code == 302
    assert len(mail.outbox) == 2  # once a day

    sent.assignments_due_at = timezone.now() - timedelta(hours=1)
    sent.save()
    Assignment.objects.update(reminded_on=timezone.now().date() - timedelta(days=1))
    page = client_for(people["keeper"]).get(url("assignments", sent))
    assert len(page.context["overdue"]) == 2
    with on_commit():
        client_for(people["keeper"]).post(url("remind", sent))
    assert len(mail.outbox) == 4
    assert "was due on" in mail.outbox[-1].body


def test_the_reveal_buttons_and_the_gift_after_it(sent: Challenge, people: dict[str, User]) -> None:
    page = client_for(people["keeper"]).get(url("assignments", sent))
    text = page.content.decode()
    assert reverse("collections:reveal", args=[sent.collection.name]) in text
    assert "Reveal works now" in text and "Reveal creators now" in text
    work = post_to(people["ben"], sent.collection, "Hidden gift", gift_to=[people["ana"]])
    work.refresh_from_db()
    assert work.unrevealed
    mail.outbox.clear()
    assert tell_gift_recipients() == 0
    do_reveal_works(sent.collection, people["keeper"])
    assert tell_gift_recipients() == 1
    assert tell_gift_recipients() == 0
    [told] = mail.outbox
    assert told.to == ["ana@example.org"]
    assert told.subject == "[Quire] A gift for you in Winter Swap"
    assert f"Hidden gift, by Anonymous\nhttp://localhost:8000/works/{work.pk}/" in told.body


def test_my_pages_list_what_is_mine(
    exchange: Challenge, signed_up: dict[str, SignUp], people: dict[str, User]
) -> None:
    ana = client_for(people["ana"])
    assert "Winter Swap" in ana.get(reverse("challenges:my_signups")).content.decode()
    assert "No assignments yet" in ana.get(reverse("challenges:my_assignments")).content.decode()
    home = ana.get(url("home", exchange)).content.decode()
    assert "You are signed up" in home
    assert "Fandoms: 1 per request, 1 per offer; a match shares 1." in home
    assert "Characters: up to 2 per request, up to 2 per offer; &quot;any&quot; allowed" in home
    assert Client().get(reverse("challenges:my_signups")).status_code == 302


def test_only_challenge_collections_have_challenge_pages(people: dict[str, User]) -> None:
    do_create_collection(people["keeper"], "plain", CollectionDetails(title="Plain"))
    assert Client().get(reverse("challenges:home", args=["plain"])).status_code == 404
    found = queries.collection_and_challenge("plain")
    assert found is not None and found[1] is None
    with pytest.raises(actions.Refused, match="Only gift exchanges and prompt memes"):
        actions.do_save_challenge(found[0], people["keeper"], actions.ChallengeSettings())


@pytest.fixture(autouse=True)
def _clear_mail() -> Iterator[None]:
    mail.outbox.clear()
    yield
