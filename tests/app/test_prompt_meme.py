"""Prompt memes: posting prompts (anonymous ones too), the prompts page and its filters,
claims by several members, fills, and the maintainers deleting prompts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from quire.challenges import actions, queries
from quire.challenges.models import Challenge, Claim, Prompt
from quire.core.challenges import PROMPT_MEME_DEFAULTS, Side
from quire.core.tags import TagType
from quire.people.models import User
from tests.app.challenge_helpers import make_challenge, post_to, prompt, sign_up

pytestmark = pytest.mark.django_db

SEA, DESERT = "Sea Stories", "Desert Tales"


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {name: make_user(name) for name in ["keeper", "pia", "quinn", "rex", "sam"]}


@pytest.fixture
def meme(people: dict[str, User]) -> Challenge:
    return make_challenge(
        people["keeper"],
        "drabble-meme",
        kind="prompt_meme",
        tag_rules=PROMPT_MEME_DEFAULTS,
        requests_max=3,
    )


def meme_prompt(number: int, fandom: str, title: str, **more: object) -> object:
    return prompt(Side.REQUEST, number, {TagType.FANDOM: [fandom]}, title=title, **more)  # type: ignore[arg-type]


@pytest.fixture
def prompts(meme: Challenge, people: dict[str, User]) -> dict[str, Prompt]:
    sign_up(
        meme,
        people["pia"],
        [meme_prompt(1, SEA, "Lighthouse keepers"), meme_prompt(2, DESERT, "Two caravans")],
    )
    sign_up(meme, people["quinn"], [meme_prompt(1, SEA, "A secret tide", anonymous=True)])
    return {found.title: found for found in Prompt.objects.select_related("signup__user")}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, meme: Challenge, *args: object) -> str:
    return reverse(f"challenges:{name}", args=[meme.collection.name, *args])


def listed(client: Client, meme: Challenge, **filters: str) -> list[str]:
    page = client.get(url("prompts", meme), filters)
    assert page.status_code == 200
    return [item["prompt"].title for item in page.context["shown"]]


def test_prompts_are_posted_through_the_signup_form(
    meme: Challenge, people: dict[str, User]
) -> None:
    pia = client_for(people["pia"])
    form = pia.get(url("sign_up", meme))
    assert "Post prompts" in form.content.decode()
    assert "Offers" not in form.content.decode()
    response = pia.post(url("sign_up", meme), {"request-1-title": "No fandom"})
    assert "Prompt 1 · Fandoms: choose at least 1 fandom." in response.content.decode()
    response = pia.post(
        url("sign_up", meme),
        {
            "request-1-title": "Storm at sea",
            "request-1-fandom": SEA,
            "request-1-description": "Rain, and a lamp.",
            "request-1-anonymous": "on",
        },
    )
    assert response.status_code == 302
    posted = Prompt.objects.get()
    assert (posted.title, posted.anonymous) == ("Storm at sea", True)
    assert posted.description == "<p>Rain, and a lamp.</p>"


def test_anonymous_prompters_are_hidden_from_all_but_themself_and_the_maintainers(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    secret = prompts["A secret tide"]
    for viewer, shown in [
        (None, False),
        (people["rex"], False),
        (people["quinn"], True),
        (people["keeper"], True),
    ]:
        page = client_for(viewer).get(url("prompt", meme, secret.pk))
        assert page.context["prompter_shown"] is shown
        assert ("quinn" in page.content.decode()) is shown
        listing = client_for(viewer).get(url("prompts", meme)).content.decode()
        assert (">quinn</a>" in listing) is shown
    signup = url("signup", meme, secret.signup_id)
    assert client_for(people["rex"]).get(signup).status_code == 403  # it would name her
    assert client_for(people["quinn"]).get(signup).status_code == 200


def test_the_prompts_page_filters_by_fandom_claims_and_fills(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    guest = client_for(None)
    assert listed(guest, meme) == ["A secret tide", "Two caravans", "Lighthouse keepers"]
    assert listed(guest, meme, fandom=DESERT) == ["Two caravans"]
    actions.do_claim(prompts["Lighthouse keepers"], people["rex"])
    actions.do_claim(prompts["Lighthouse keepers"], people["sam"])
    claim = actions.do_claim(prompts["Two caravans"], people["sam"])
    assert listed(guest, meme, claimed="yes") == ["Two caravans", "Lighthouse keepers"]
    assert listed(guest, meme, claimed="no") == ["A secret tide"]
    fill = post_to(people["sam"], meme.collection, "Caravan fill", fandom=DESERT)
    actions.do_link_fill(claim, people["sam"], fill)
    assert listed(guest, meme, filled="yes") == ["Two caravans"]
    assert listed(guest, meme, filled="no", fandom=SEA) == ["A secret tide", "Lighthouse keepers"]


def test_several_members_claim_a_prompt_and_each_may_unclaim(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    lighthouse = prompts["Lighthouse keepers"]
    rex = client_for(people["rex"])
    assert rex.post(url("claim", meme, lighthouse.pk)).status_code == 302
    client_for(people["sam"]).post(url("claim", meme, lighthouse.pk))
    assert sorted(Claim.objects.values_list("user__username", flat=True)) == ["rex", "sam"]
    with pytest.raises(actions.Refused, match="already claimed"):
        actions.do_claim(lighthouse, people["rex"])
    assert Client().post(url("claim", meme, lighthouse.pk)).status_code == 302  # to log in
    sams = Claim.objects.get(user=people["sam"])
    with pytest.raises(actions.Refused):
        actions.do_unclaim(sams, people["rex"])
    rex.post(url("unclaim", meme, lighthouse.pk, Claim.objects.get(user=people["rex"]).pk))
    actions.do_unclaim(sams, people["keeper"])
    assert not Claim.objects.exists()
    mine = client_for(people["rex"]).get(reverse("challenges:my_claims"))
    assert "You haven't claimed a prompt yet." in mine.content.decode()


def test_a_claimant_posts_and_links_a_fill_the_prompt_lists(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    lighthouse, secret = prompts["Lighthouse keepers"], prompts["A secret tide"]
    rex = client_for(people["rex"])
    rex.post(url("claim", meme, lighthouse.pk))
    rex.post(url("claim", meme, secret.pk))
    page = rex.get(url("prompt", meme, lighthouse.pk)).content.decode()
    assert "/works/new/?collection=drabble-meme&amp;gift_for=pia" in page
    secret_page = rex.get(url("prompt", meme, secret.pk)).content.decode()
    assert "/works/new/?collection=drabble-meme&quot;" not in secret_page
    assert "/works/new/?collection=drabble-meme" in secret_page
    assert "gift_for" not in secret_page

    elsewhere = post_to(
        people["rex"], meme.collection, "Sea fill", fandom=SEA, gift_to=[people["pia"]]
    )
    others = post_to(people["sam"], meme.collection, "Not Rex's", fandom=SEA)
    rex.post(url("link_fill", meme, lighthouse.pk), {"work": others.pk})
    assert Claim.objects.get(user=people["rex"], prompt=lighthouse).work is None
    rex.post(url("link_fill", meme, lighthouse.pk), {"work": elsewhere.pk})
    shown = client_for(None).get(url("prompt", meme, lighthouse.pk))
    assert [work.title for work in shown.context["fills"]] == ["Sea fill"]
    claims = rex.get(reverse("challenges:my_claims")).content.decode()
    assert "Filled by" in claims and "Sea fill" in claims


def test_only_maintainers_delete_prompts(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    secret = prompts["A secret tide"]
    assert client_for(people["pia"]).get(url("delete_prompt", meme, secret.pk)).status_code == 403
    keeper = client_for(people["keeper"])
    assert keeper.get(url("delete_prompt", meme, secret.pk)).status_code == 200
    response = keeper.post(url("delete_prompt", meme, secret.pk))
    assert response.url == url("prompts", meme)
    assert not Prompt.objects.filter(pk=secret.pk).exists()
    assert not meme.signups.filter(user=people["quinn"]).exists()  # her only prompt went
    caravans = prompts["Two caravans"]
    actions.do_delete_prompt(caravans, people["keeper"])
    assert [found.title for found in queries.signup_of(meme, people["pia"]).requests] == [
        "Lighthouse keepers"
    ]


def test_a_gift_exchange_has_no_prompts_page(people: dict[str, User]) -> None:
    exchange = make_challenge(people["keeper"], "swap")
    assert client_for(None).get(url("prompts", exchange)).status_code == 404


def test_an_anonymous_fill_is_not_paired_with_its_claimant(
    meme: Challenge, prompts: dict[str, Prompt], people: dict[str, User]
) -> None:
    meme.collection.anonymous = True
    meme.collection.save()
    lighthouse = prompts["Lighthouse keepers"]
    claim = actions.do_claim(lighthouse, people["rex"])
    fill = post_to(people["rex"], meme.collection, "Secret fill", fandom=SEA)
    actions.do_link_fill(claim, people["rex"], fill)
    for viewer, paired in [(people["sam"], False), (people["rex"], True), (people["keeper"], True)]:
        page = client_for(viewer).get(url("prompt", meme, lighthouse.pk))
        assert [work.title for work in page.context["fills"]] == ["Secret fill"]
        assert [bool(fill) for _, fill in page.context["claims"]] == [paired]
        assert ("filled with" in page.content.decode()) is paired
