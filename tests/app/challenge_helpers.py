"""Building gift exchanges and prompt memes for the app tests, through the actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from quire.challenges.actions import (
    ChallengeSettings,
    PromptDetails,
    SignUpDetails,
    do_save_challenge,
    do_sign_up,
)
from quire.challenges.models import Challenge, SignUp
from quire.collections.actions import CollectionDetails, do_create_collection
from quire.collections.models import Collection
from quire.core.challenges import GIFT_EXCHANGE_DEFAULTS, PromptEntry, Side, TagRule
from quire.core.tags import TagType
from quire.people.models import User
from quire.works.actions import ChapterText, WorkDetails, do_compose_work
from quire.works.models import Work


def make_challenge(
    owner: User,
    name: str,
    *,
    kind: str = "gift_exchange",
    tag_rules: Mapping[TagType, TagRule] = GIFT_EXCHANGE_DEFAULTS,
    **settings: object,
) -> Challenge:
    """A collection of `kind` with its challenge set up, sign-ups open."""
    collection = do_create_collection(
        owner, name, CollectionDetails(title=name.replace("-", " ").title(), kind=kind)
    )
    settings.setdefault("signups_open", True)
    chosen = ChallengeSettings(tag_rules=dict(tag_rules), **settings)  # type: ignore[arg-type]
    return do_save_challenge(collection, owner, chosen)


def prompt(
    side: Side,
    number: int,
    tags: Mapping[TagType, Sequence[str]],
    *,
    any_types: Iterable[TagType] = (),
    optional: Mapping[TagType, Sequence[str]] | None = None,
    description: str = "",
    title: str = "",
    anonymous: bool = False,
) -> PromptDetails:
    entry = PromptEntry(
        side,
        number,
        tags=tags,
        optional_tags=optional or {},
        any_types=frozenset(any_types),
        description=description,
    )
    return PromptDetails(entry, title=title, anonymous=anonymous)


def request(fandom: str, *characters: str, number: int = 1, **more: object) -> PromptDetails:
    tags = {TagType.FANDOM: [fandom], TagType.CHARACTER: list(characters)}
    return prompt(Side.REQUEST, number, tags, **more)  # type: ignore[arg-type]


def offer(fandom: str, *characters: str, number: int = 1, **more: object) -> PromptDetails:
    tags = {TagType.FANDOM: [fandom], TagType.CHARACTER: list(characters)}
    return prompt(Side.OFFER, number, tags, **more)  # type: ignore[arg-type]


def sign_up(
    challenge: Challenge,
    user: User,
    requests: Sequence[PromptDetails],
    offers: Sequence[PromptDetails] = (),
    *,
    pinch_hitter: bool = False,
) -> SignUp:
    return do_sign_up(challenge, user, SignUpDetails(requests, offers, pinch_hitter=pinch_hitter))


def post_to(
    author: User,
    collection: Collection,
    title: str,
    *,
    gift_to: Sequence[User] = (),
    fandom: str = "Test Fandom",
) -> Work:
    """A posted work in the collection, as the posting form would make it."""
    details = WorkDetails(
        title=title,
        pseuds=[author.default_pseud],
        tags={
            TagType.RATING: ["General Audiences"],
            TagType.WARNING: ["No Archive Warnings Apply"],
            TagType.FANDOM: [fandom],
        },
        gift_to=list(gift_to),
        collections=[collection],
    )
    return do_compose_work(author, details, ChapterText(text="A gift, written."), posted=True)
