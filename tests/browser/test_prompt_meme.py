"""A prompt meme in Chromium under the strict CSP: its moderator sets it up with a tag set
open to nominations, a prompter posts two prompts (one anonymous), a writer filters the
prompts, claims one, posts a fill from "Post a fill" and links it, and the prompt lists
its fill while the anonymous prompter stays unnamed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import screenshot, serving
from tests.browser.test_community import _in_archive
from tests.browser.test_gift_exchange import PASSWORD, People

pytestmark = pytest.mark.browser

KEEPER, PROMPTER, WRITER = "meme_keeper", "pia_prompts", "rex_fills"
SEA, DESERT = "Tidewater", "Dune Road"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("meme-archive")
    with serving(data_dir, "--demo") as url:
        create = "from quire.people.actions import do_create_user\n" + "".join(
            f"do_create_user({name!r}, password={PASSWORD!r})\n"
            for name in (KEEPER, PROMPTER, WRITER)
        )
        create += (
            "from quire.collections.actions import CollectionDetails, do_create_collection\n"
            "from quire.people.models import User\n"
            f"do_create_collection(User.objects.get(username={KEEPER!r}), 'night_meme', "
            "CollectionDetails(title='Night Meme', kind='prompt_meme'))\n"
        )
        _in_archive(data_dir, create)
        yield url


def test_prompts_claims_and_fills(browser: Browser, archive: str) -> None:
    url = archive
    people = People(browser, url)
    keeper, prompter, writer = (people.page_of(name) for name in (KEEPER, PROMPTER, WRITER))

    keeper.goto(url + "/collections/night_meme/challenge/")
    keeper.get_by_role("link", name="Set up the challenge").click()
    keeper.get_by_label("Sign-ups are open").check()
    keeper.get_by_label("Prompts per sign-up: at most").fill("3")
    keeper.get_by_label("Nominations for the tag set are open").check()
    screenshot(keeper, "meme-01-settings")
    keeper.get_by_role("button", name="Set up the challenge").click()
    expect(keeper.get_by_role("status").first).to_contain_text("The challenge is saved.")

    # The prompter nominates a fandom, and the moderator approves it.
    prompter.goto(url + "/collections/night_meme/tag-set/")
    prompter.get_by_role("textbox", name="Tag", exact=True).fill(SEA)
    prompter.get_by_role("button", name="Nominate").click()
    expect(prompter.get_by_role("status").first).to_contain_text("is nominated")
    keeper.goto(url + "/collections/night_meme/tag-set/")
    keeper.get_by_label(f"Approve {SEA}").check()
    screenshot(keeper, "meme-02-nominations")
    keeper.get_by_role("button", name="Review the ticked nominations").click()
    expect(keeper.locator(".prompt-tags")).to_contain_text(SEA)

    # Two prompts, one anonymous; a fandom outside the tag set is refused by name.
    prompter.goto(url + "/collections/night_meme/challenge/")
    prompter.get_by_role("link", name="Post prompts").click()
    prompter.locator("#id_request-1-title").fill("The last ferry")
    prompter.locator("#id_request-1-fandom").fill(DESERT)
    prompter.get_by_role("button", name="Post prompts").click()
    expect(prompter.locator(".error-summary")).to_contain_text(
        f'Prompt 1 · Fandoms: "{DESERT}" is not in this challenge\'s tag set.'
    )
    prompter.locator("#id_request-1-fandom").fill(SEA)
    prompter.locator("#id_request-1-description").fill("Fog, a bell, one passenger.")
    prompter.locator("#id_request-2-title").fill("Salt in the lamp")
    prompter.locator("#id_request-2-fandom").fill(SEA)
    prompter.locator("#id_request-2-anonymous").check()
    screenshot(prompter, "meme-03-prompt-form")
    prompter.get_by_role("button", name="Post prompts").click()
    expect(prompter.get_by_role("status").first).to_contain_text("Your prompts are posted.")

    # The writer browses, claims, posts a fill and links it.
    writer.goto(url + "/collections/night_meme/prompts/")
    expect(writer.locator(".prompt-card")).to_have_count(2)
    anonymous = writer.locator(".prompt-card", has_text="Salt in the lamp")
    expect(anonymous).to_contain_text("by Anonymous")
    expect(anonymous).not_to_contain_text(PROMPTER)
    writer.get_by_label("Claimed").select_option("no")
    writer.get_by_role("button", name="Filter").click()
    expect(writer.locator(".prompt-card")).to_have_count(2)
    screenshot(writer, "meme-04-prompts")
    writer.get_by_role("link", name="The last ferry").click()
    writer.get_by_role("button", name="Claim this prompt").click()
    expect(writer.get_by_role("status").first).to_contain_text("You have claimed this prompt.")
    screenshot(writer, "meme-05-claimed")
    writer.get_by_role("link", name="Post a fill").click()
    expect(writer.get_by_label("Gift this work to")).to_have_value(PROMPTER)
    writer.get_by_label("General Audiences").check()
    writer.get_by_label("No Archive Warnings Apply").check()
    writer.get_by_label("Fandoms").fill(SEA)
    writer.get_by_role("textbox", name="Title", exact=True).fill("One Passenger")
    writer.get_by_label("Chapter text").fill("The bell rang twice, and then not at all.")
    writer.get_by_role("button", name="Post", exact=True).click()
    expect(writer.locator("h1.work-title")).to_have_text("One Passenger")
    writer.goto(url + "/challenges/claims/")
    writer.get_by_role("link", name="Post or link a fill").click()
    writer.get_by_label("Your fill").select_option(label="One Passenger")
    writer.get_by_role("button", name="Link this fill").click()
    expect(writer.get_by_role("status").first).to_contain_text("fills this prompt")
    expect(writer.locator("#fills-heading + ul")).to_contain_text("One Passenger")
    screenshot(writer, "meme-06-filled")

    errors = people.errors()
    people.close()
    assert errors == []
