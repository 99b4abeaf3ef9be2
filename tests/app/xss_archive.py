"""An archive with the XSS vectors (tests.xss_vectors) in every field that takes user text
and is shown on a page, built through the archive's own actions.

tests/app/test_security.py builds it in the test database and crawls it with Django's
client; tests/browser/test_xss.py builds it in a served archive (``quire manage shell``)
and opens its pages in Chromium. `build_xss_archive` returns the pages worth opening,
per kind of visitor.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import urlencode

from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.moderation import Reason
from quire.core.tags import TagType
from tests.xss_vectors import ALL_HTML, SEARCH_TEXT, html_chunks, plain_chunks

MEMBER = "vector_member"
ADMIN = "vector_admin"
PASSWORD = "a-long-xss-test-password"

CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
USER_TAG_TYPES = (TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM)
FIXED_TAGS = {
    TagType.RATING: ["General Audiences"],
    TagType.WARNING: ["No Archive Warnings Apply"],
    TagType.CATEGORY: ["Gen"],
}


@dataclass
class XssArchive:
    """Pages to open, as a guest, as the member who wrote everything, and as an admin."""

    guest: list[str] = field(default_factory=list)
    member: list[str] = field(default_factory=list)
    admin: list[str] = field(default_factory=list)
    named: dict[str, str] = field(default_factory=dict)
    """A few of the guest's pages by what they show: work, tag, byline, bookmarks…"""


def _document(text: str) -> bytes:
    """A file's bytes; without the vectors' control characters, which make any file look
    binary to the importers (they refuse it whole, which is no test of the text)."""
    return CONTROLS.sub("", text).encode()


def _imported_markdown() -> bytes:
    """A Markdown post with YAML front matter, the vectors in its header and body."""
    quoted = [v for v in plain_chunks(150) if '"' not in v and "\\" not in v]
    lines = ["---", f'title: "{quoted[0]}"', "rating: general", "summary: |"]
    lines += ["  " + line for line in ALL_HTML.splitlines()]
    lines += ["tags:", *(f'  - "{name}"' for name in quoted[1:6]), "---", "", ALL_HTML, ""]
    return _document("\n".join(lines))


def _imported_html() -> bytes:
    """A web page saved from another archive, the vectors in its title and text."""
    title = plain_chunks(255)[1].replace("&", "&amp;").replace("<", "&lt;")
    page = f"<html><head><title>{title}</title></head><body>{ALL_HTML}</body></html>"
    return _document(page)


def _challenges(
    member: object, admin: object, titles: list[str], tags: dict[TagType, list[str]]
) -> tuple[list[str], list[str]]:
    """A prompt meme and a matched gift exchange the member runs, the vectors in their
    descriptions, prompts, tags and nominations; (guest pages, member pages)."""
    from quire.challenges.actions import (
        ChallengeSettings,
        PromptDetails,
        SignUpDetails,
        do_claim,
        do_nominate,
        do_request_matching,
        do_save_challenge,
        do_sign_up,
    )
    from quire.challenges.runs import run_matching
    from quire.collections.actions import CollectionDetails, do_create_collection
    from quire.core.challenges import GIFT_EXCHANGE_DEFAULTS, PROMPT_MEME_DEFAULTS, Side, TagRule
    from quire.core.challenges import PromptEntry as Entry

    fandom, freeforms = tags[TagType.FANDOM][0], tags[TagType.FREEFORM][:4]
    pages: tuple[list[str], list[str]] = ([], [])
    for kind, rules in (
        ("prompt_meme", PROMPT_MEME_DEFAULTS),
        ("gift_exchange", GIFT_EXCHANGE_DEFAULTS),
    ):
        name = f"vector_{kind}"
        collection = do_create_collection(
            member, name, CollectionDetails(title=titles[1], description=ALL_HTML, kind=kind)
        )
        settings = ChallengeSettings(
            signups_open=True,
            requests_max=2,
            nominations_open=True,
            instructions=ALL_HTML,
            tag_rules={**rules, TagType.FREEFORM: TagRule(0, 4, 0, 4)},
        )
        challenge = do_save_challenge(collection, member, settings)  # type: ignore[arg-type]
        signups = []
        for who in (member, admin):
            prompts = [
                PromptDetails(
                    Entry(
                        side,
                        1,
                        {TagType.FANDOM: [fandom], TagType.FREEFORM: freeforms},
                        description=ALL_HTML,
                    ),
                    title=titles[2],
                    anonymous=who is admin,
                )
                for side in (
                    (Side.REQUEST,) if kind == "prompt_meme" else (Side.REQUEST, Side.OFFER)
                )
            ]
            details = SignUpDetails(requests=prompts[:1], offers=prompts[1:], pinch_hitter=True)
            signups.append(do_sign_up(challenge, who, details))  # type: ignore[arg-type]
        for nomination in plain_chunks(150)[:3]:
            do_nominate(challenge, admin, TagType.FANDOM, nomination)  # type: ignore[arg-type]
        base = f"/collections/{name}/"
        pages[0].extend([base + "challenge/", base + "tag-set/"])
        pages[1].extend(
            [
                base + "challenge/settings/",
                base + "signups/",
                base + f"signups/{signups[0].pk}/edit/",
            ]
        )
        if kind == "prompt_meme":
            prompt = signups[1].prompts.get()
            do_claim(prompt, member)  # type: ignore[arg-type]
            pages[0].extend([base + "prompts/", base + f"prompts/{prompt.pk}/"])
            pages[1].extend(["/challenges/claims/", base + f"signups/{signups[1].pk}/"])
        else:
            run_matching(do_request_matching(challenge, member).pk)  # type: ignore[arg-type]
            pages[1].extend([base + "matching/", base + "summary/", "/challenges/signups/"])
    return pages


def build_xss_archive() -> XssArchive:
    """Fill the archive (which should be empty) and say which pages show what."""
    from quire.collections.actions import CollectionDetails, do_add_work, do_create_collection
    from quire.comments.actions import do_post_comment
    from quire.community.actions import do_save_bookmark, do_subscribe
    from quire.imports.actions import do_upload
    from quire.imports.models import ImportedFile
    from quire.moderation.actions import do_report, do_warn
    from quire.moderation.targets import Target, kind_named
    from quire.people.actions import (
        do_add_pseud,
        do_create_user,
        do_get_placeholder_pseud,
        do_save_search,
        do_update_archive_settings,
    )
    from quire.works.actions import do_add_to_series, do_create_series, do_create_work

    admin = do_create_user(ADMIN, email="admin@example.org", password=PASSWORD)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    do_update_archive_settings(
        admin,
        archive_name=plain_chunks(100)[0],
        signup_mode="open",
        invitation_queue_open=False,
        invitations_per_batch=10,
    )
    member = do_create_user(MEMBER, email="m@example.org", password=PASSWORD, about=ALL_HTML)
    pseud = do_add_pseud(member, name="Vector Pseud", description=ALL_HTML)
    # Imported documents name their creators freely: each name a placeholder pseud.
    # Names the same but for case find the same pseud, so keep each once.
    bylines = list({p.pk: p for p in map(do_get_placeholder_pseud, plain_chunks(40))}.values())

    titles = plain_chunks(255)
    tags: dict[TagType, list[str]] = {
        **FIXED_TAGS,
        # A tag name is one type's only (AO3's rule), so each type's names differ.
        **{
            kind: [f"{kind.value}: {name}" for name in plain_chunks(135)] for kind in USER_TAG_TYPES
        },
    }
    first = ParsedChapter(
        content=ALL_HTML,
        title=titles[0],
        summary=ALL_HTML,
        notes=ALL_HTML,
        end_notes=ALL_HTML,
        published=date(2026, 1, 1),
    )
    others = [ParsedChapter(content="<p>A quiet chapter.</p>", title=t) for t in titles[1:]]
    parsed = ParsedWork(
        title=titles[0],
        chapters=[first, *others],
        tags=tags,
        summary=ALL_HTML,
        notes=ALL_HTML,
        end_notes=ALL_HTML,
        published=date(2026, 1, 1),
    )
    work = do_create_work(creators=[member.default_pseud, pseud, *bylines], parsed=parsed)
    chapter = work.chapters.order_by("position").first()
    assert chapter is not None
    series = [
        do_create_series(creators=[pseud], title=title, summary=ALL_HTML if index == 0 else "")
        for index, title in enumerate(titles)
    ]
    do_add_to_series(series[0], work)
    for index, title in enumerate(titles[1:], start=1):
        other = ParsedWork(
            title=title,
            chapters=[ParsedChapter(content="<p>Short.</p>")],
            tags={**FIXED_TAGS, TagType.FANDOM: ["Vectors"]},
            summary=html_chunks(1250)[index % len(html_chunks(1250))],
            published=date(2026, 1, 1 + index),
        )
        do_add_to_series(series[index], do_create_work(creators=[pseud], parsed=other))

    collection = do_create_collection(
        member,
        "vectors",
        CollectionDetails(title=titles[0], description=ALL_HTML, rules=ALL_HTML, moderated=True),
    )
    do_add_work(collection, work, member)

    challenge_pages = _challenges(member, admin, titles, tags)

    bookmark_tags = plain_chunks(150)
    do_save_bookmark(member, pseud=pseud, work=work, notes=ALL_HTML, tags=bookmark_tags)
    do_save_bookmark(member, pseud=pseud, series=series[0], notes=ALL_HTML, tags=bookmark_tags)
    do_subscribe(admin, creator=member)
    for name in plain_chunks(100):
        do_save_search(member, name, urlencode({"q": "quiet"}))

    root = do_post_comment(work, text=ALL_HTML, user=member, chapter=chapter)
    for name in plain_chunks(100):
        do_post_comment(
            work,
            text=html_chunks(1000)[0],
            guest_name=name,
            guest_email="g@example.org",
            parent=root,
        )

    batch = do_upload(
        member,
        member.default_pseud,
        [("vectors.md", _imported_markdown()), ("vectors.html", _imported_html())],
    )
    uploads = ImportedFile.objects.filter(batch=batch, work__isnull=False).order_by("pk")

    work_kind = kind_named("work")
    assert work_kind is not None
    for piece in html_chunks(4000, nul=False):
        do_report(Target(work_kind, work), reason=Reason.OTHER, description=piece, reporter=member)
    for piece in html_chunks(2000, nul=False):
        do_warn(admin, member, note=piece)

    tag = work.tags.filter(type=TagType.FREEFORM).order_by("pk").first()
    assert tag is not None
    named = {
        "work": f"/works/{work.pk}/?view_full_work=true",
        "works": "/works/",
        "tag": tag.get_absolute_url(),
        "byline": bylines[0].get_absolute_url(),
        "bookmarks": f"/users/{MEMBER}/bookmarks/",
        "series": series[0].get_absolute_url(),
        "search": "/search/?" + urlencode({"q": SEARCH_TEXT}),
    }
    return XssArchive(
        named=named,
        guest=[
            "/",
            *named.values(),
            f"/works/{work.pk}/chapters/{chapter.pk}/",
            f"/works/{work.pk}/navigate/",
            f"/users/{MEMBER}/profile/",
            f"/users/{MEMBER}/pseuds/",
            "/bookmarks/",
            "/series/",
            "/search/?" + urlencode({"q": "xss"}),
            f"/works/{work.pk}/search/?" + urlencode({"q": "xss"}),
            "/collections/",
            collection.get_absolute_url(),
            f"/collections/{collection.name}/works/",
            f"/collections/{collection.name}/members/",
            *challenge_pages[0],
        ],
        member=[
            "/account/",
            "/account/profile/",
            f"/account/pseuds/{pseud.pk}/edit/",
            "/account/warnings/",
            "/search/saved/",
            f"/works/upload/{batch.pk}/",
            *(f"/works/upload/{batch.pk}/{upload.pk}/" for upload in uploads),
            *(f"/works/{upload.work_id}/" for upload in uploads),
            f"/works/{work.pk}/edit/",
            f"/works/{work.pk}/chapters/{chapter.pk}/edit/",
            f"/works/{work.pk}/bookmark/",
            "/collection-items/",
            f"/works/{work.pk}/collections/",
            f"/collections/{collection.name}/items/",
            f"/collections/{collection.name}/edit/",
            *challenge_pages[1],
        ],
        admin=[
            "/staff/moderation/reports/",
            f"/staff/moderation/work/{work.pk}/",
            "/tags/wrangle/",
            tag.get_absolute_url() + "edit/",
            "/imports/",
            f"/imports/{batch.pk}/",
            "/inbox/",
            "/staff/archive-settings/",
            "/admin/works/work/",
            f"/admin/works/work/{work.pk}/change/",
        ],
    )


def session_key(username: str) -> str:
    """A signed-in session for `username`, stored as logging in would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from quire.people.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def build_for_a_browser() -> str:
    """`build_xss_archive` in a served archive (run by `quire manage shell`): its pages,
    and the session cookies of the member and the admin, as one JSON line."""
    archive = build_xss_archive()
    sessions = {"member": session_key(MEMBER), "admin": session_key(ADMIN)}
    return json.dumps({"pages": asdict(archive), "sessions": sessions})
