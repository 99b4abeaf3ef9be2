"""Load the sample archive in works.toml through the same actions as everything else.

The sample works were written for Quire (never copied fic) and cover what a
visitor should see: several fandoms, a crossover, multi-chapter and unfinished
works, a series, every rating, co-creators, pseuds and wrangled tags, and a gift
exchange taking sign-ups beside a prompt meme with prompts to claim.
"""

from __future__ import annotations

import html
import re
import tomllib
from datetime import date
from importlib import resources
from typing import Any

from django.db import transaction

from quire.challenges.actions import (
    ChallengeSettings,
    PromptDetails,
    SignUpDetails,
    do_claim,
    do_save_challenge,
    do_sign_up,
)
from quire.challenges.models import Prompt
from quire.challenges.queries import default_tag_rules
from quire.collections.actions import CollectionDetails, do_create_collection
from quire.core.challenges import PromptEntry, Side
from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.tags import TagType
from quire.people.actions import do_create_user
from quire.people.models import Pseud, User
from quire.tags import actions as tag_actions
from quire.tags.models import Tag
from quire.works import actions as work_actions
from quire.works.models import Series

SCENE_BREAK = "* * *"
_EMPHASIS = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_TAG_FIELDS = {
    TagType.RATING: "rating",
    TagType.WARNING: "warnings",
    TagType.CATEGORY: "categories",
    TagType.FANDOM: "fandoms",
    TagType.RELATIONSHIP: "relationships",
    TagType.CHARACTER: "characters",
    TagType.FREEFORM: "freeforms",
}


def prose_to_html(text: str) -> str:
    """Blank-line paragraphs, "* * *" scene breaks and *emphasis*, as HTML."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = " ".join(line.strip() for line in block.splitlines())
        if not lines:
            continue
        if lines == SCENE_BREAK:
            blocks.append("<hr />")
        else:
            escaped = html.escape(lines, quote=False)
            blocks.append("<p>" + _EMPHASIS.sub(r"<em>\1</em>", escaped) + "</p>")
    return "\n".join(blocks)


def read_demo_data() -> dict[str, Any]:
    return tomllib.loads(resources.files("quire.demo").joinpath("works.toml").read_text("utf-8"))


def _tags(entry: dict[str, Any]) -> dict[TagType, list[str]]:
    tags: dict[TagType, list[str]] = {}
    for tag_type, key in _TAG_FIELDS.items():
        value = entry.get(key, [])
        tags[tag_type] = [value] if isinstance(value, str) else list(value)
    return tags


def _parsed_work(entry: dict[str, Any]) -> ParsedWork:
    chapters = [
        ParsedChapter(
            content=prose_to_html(chapter["text"]),
            title=chapter.get("title", ""),
            summary=prose_to_html(chapter.get("summary", "")),
            notes=prose_to_html(chapter.get("notes", "")),
            end_notes=prose_to_html(chapter.get("end_notes", "")),
            published=chapter.get("published"),
        )
        for chapter in entry["chapters"]
    ]
    first: date | None = chapters[0].published if chapters else None
    return ParsedWork(
        title=entry["title"],
        chapters=chapters,
        creators=list(entry["creators"]),
        summary=prose_to_html(entry.get("summary", "")),
        notes=prose_to_html(entry.get("notes", "")),
        end_notes=prose_to_html(entry.get("end_notes", "")),
        language=entry.get("language", "en"),
        tags=_tags(entry),
        expected_chapters=entry.get("expected_chapters"),
        complete=entry.get("complete"),
        published=first,
    )


def _wrangle(tag_entries: list[dict[str, Any]]) -> None:
    """Apply the [[tags]] facts: canonical flags, synonyms, meta tags, parent fandoms."""
    for entry in tag_entries:
        tag_type = TagType(entry["type"])
        (tag,) = tag_actions.find_or_create_tags(tag_type, [entry["name"]])
        if entry.get("canonical"):
            tag_actions.do_make_canonical(tag)
    for entry in tag_entries:
        tag = Tag.objects.get(name=entry["name"])
        if entry.get("synonym_of"):
            tag_actions.do_merge_tag(tag, Tag.objects.get(name=entry["synonym_of"]))
        for meta_name in entry.get("meta", []):
            tag_actions.do_add_meta_tag(tag, Tag.objects.get(name=meta_name))
        for fandom_name in entry.get("fandoms", []):
            tag_actions.do_add_parent(tag, Tag.objects.get(name=fandom_name))


@transaction.atomic
def load_demo() -> str:
    """Load the sample archive once; a second call changes nothing."""
    data = read_demo_data()
    first_username = data["users"][0]["username"]
    if User.objects.filter(username=first_username).exists():
        return "The demo works are already loaded."
    pseuds: dict[str, Pseud] = {}
    for entry in data["users"]:
        user = do_create_user(
            entry["username"],
            about=prose_to_html(entry.get("about", "")),
            extra_pseuds=entry["pseuds"][1:],
        )
        pseuds.update({pseud.name: pseud for pseud in user.pseuds.all()})
    for entry in data["works"]:
        for tag_type, key in _TAG_FIELDS.items():
            if tag_type in (
                TagType.FANDOM,
                TagType.RELATIONSHIP,
                TagType.CHARACTER,
                TagType.FREEFORM,
            ):
                tag_actions.find_or_create_tags(tag_type, entry.get(key, []))
    _wrangle(data.get("tags", []))
    series: dict[str, Series] = {}
    for entry in data.get("series", []):
        creator = User.objects.get(username=entry["creator"]).default_pseud
        series[entry["key"]] = work_actions.do_create_series(
            creators=[creator],
            title=entry["title"],
            summary=prose_to_html(entry.get("summary", "")),
        )
    for entry in data["works"]:
        work = work_actions.do_create_work(
            creators=[pseuds[name] for name in entry["creators"]],
            parsed=_parsed_work(entry),
            restricted=entry.get("restricted", False),
        )
        if "series" in entry:
            work_actions.do_add_to_series(
                series[entry["series"]["key"]], work, position=entry["series"]["position"]
            )
    _load_challenges(data.get("challenges", []))
    return f"Loaded {len(data['works'])} demo works by {len(data['users'])} creators."


def _prompt(entry: dict[str, Any], side: Side, number: int) -> PromptDetails:
    tags = {tag_type: names for tag_type, names in _tags(entry).items() if names}
    prompt = PromptEntry(side, number, tags=tags, description=entry.get("description", ""))
    return PromptDetails(
        prompt, title=entry.get("title", ""), anonymous=entry.get("anonymous", False)
    )


def _load_challenges(entries: list[dict[str, Any]]) -> None:
    """The [[challenges]]: a collection of their kind set up with its usual settings,
    sign-ups open, its participants' sign-ups and any claims on its prompts."""
    for entry in entries:
        owner = User.objects.get(username=entry["owner"])
        collection = do_create_collection(
            owner,
            entry["name"],
            CollectionDetails(
                title=entry["title"], description=entry.get("description", ""), kind=entry["kind"]
            ),
        )
        most = max(
            len(signup.get(side, []))
            for signup in entry["signups"]
            for side in ("requests", "offers")
        )
        settings = ChallengeSettings(
            signups_open=True,
            requests_max=most,
            offers_max=most,
            instructions=entry.get("instructions", ""),
            tag_rules=default_tag_rules(collection),
        )
        challenge = do_save_challenge(collection, owner, settings)
        for signup in entry["signups"]:
            details = SignUpDetails(
                requests=[
                    _prompt(prompt, Side.REQUEST, number)
                    for number, prompt in enumerate(signup.get("requests", []), start=1)
                ],
                offers=[
                    _prompt(prompt, Side.OFFER, number)
                    for number, prompt in enumerate(signup.get("offers", []), start=1)
                ],
                pinch_hitter=signup.get("pinch_hitter", False),
            )
            do_sign_up(challenge, User.objects.get(username=signup["user"]), details)
        for claim in entry.get("claims", []):
            prompt = Prompt.objects.get(signup__challenge=challenge, title=claim["prompt"])
            do_claim(prompt, User.objects.get(username=claim["user"]))
