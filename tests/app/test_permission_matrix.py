"""Who sees what, everywhere: one table of viewers × work states × surfaces.

Viewers: a guest, a member with no link to the works, the creator, the co-creator (a
second pseud credited on every work), the maintainer (a moderator of the collections
holding the anonymous and the unrevealed work), a tag wrangler (the "Tag Wranglers"
group), an admin, and a banned member. Work states: a draft, a posted work, a
restricted one, one an admin hid, one in an anonymous collection (its creators hidden)
and one in an unrevealed collection (the work hidden) until their reveal. Each work
carries its own marker word (title, summary and text), a word searched for, its own
freeform tag and a public bookmark with its own note word, so "shown" is the marker on
the page and "hidden" is the marker nowhere on it, nor in a count, a facet or a snippet.

The anonymous work is credited to a pseud of the creator's that no other work names,
and the creator comments on it under that pseud: the pseud's name is its second marker.
In its column "shown" also means that name is nowhere on the page (feed, file), and
"named" that the work is shown with it, which only the people in the secret (its
creators, the collection's maintainers, the admins) may get. ("Anonymous" is also the
name of the placeholder account an import credits when a document names no creator, an
ordinary credit with nothing secret about it.)

The banned member signs in on the web with a session made before the ban: the archive
ends it on the very request (quire.moderation.middleware), so they meet every web
surface as a guest; the OPDS catalog refuses their password (HTTP Basic) with a 401.

The archive is built once for the module inside a transaction rolled back at its end;
each test (one per surface) runs in a savepoint of it, and every POST in one more
savepoint, so no cell sees another's kudos, comment or subscription.
"""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from quire.collections.actions import (
    CollectionDetails,
    do_add_work,
    do_create_collection,
    do_set_role,
)
from quire.collections.models import Role
from quire.comments.actions import do_post_comment
from quire.comments.models import Comment
from quire.community.actions import do_save_bookmark
from quire.community.models import Kudos, Subscription
from quire.core.documents import ParsedChapter, ParsedWork
from quire.core.tags import TagType, tag_to_url_part
from quire.moderation.actions import do_ban, do_hide_work
from quire.people.actions import do_add_pseud, do_create_user
from quire.people.models import User
from quire.works.actions import do_create_work
from quire.works.models import Work

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
VIEWERS = ("guest", "member", "creator", "co-creator", "maintainer", "wrangler", "admin", "banned")
STATES = ("draft", "posted", "restricted", "hidden", "anonymous", "unrevealed")
COMMON = "Matrixcommon"
"""A word of every work's summary: searching it lists every work the viewer may see."""
SECRET_PSEUD = "Quinceveil"
"""The creator's pseud on the anonymous work, and on nothing else."""


@dataclass(frozen=True, slots=True)
class Marks:
    """What tells one work apart on a page."""

    marker: str  # in the title, the summary and the first chapter
    seek: str  # in the summary and the first chapter; searched for, so never the marker
    tag: str  # the work's own freeform tag
    note: str  # in the note of the co-creator's public bookmark of it
    pseud: str = ""  # a creator's name only those in the secret may read beside it


MARKS = {
    "draft": Marks("Quillwort", "ovenbird", "Saltmarsh Facet", "gossamer"),
    "posted": Marks("Bryony", "kestrel", "Hawthorn Facet", "lodestar"),
    "restricted": Marks("Sorrel", "nightjar", "Bracken Facet", "tinderbox"),
    "hidden": Marks("Tansy", "wagtail", "Foxglove Facet", "umberline"),
    "anonymous": Marks("Yarrow", "dunnock", "Bramble Facet", "quillon", SECRET_PSEUD),
    "unrevealed": Marks("Betony", "linnet", "Teasel Facet", "moonrake"),
}

# The expected outcomes. Each table is one surface's (or a few alike surfaces') answer
# for every viewer and state:
#   shown      the page (feed, file) answers and the work's marker is in it (and, for
#              the anonymous work, its creator's secret pseud is not)
#   named      the anonymous work is shown with its creator's secret pseud
#   hidden     a listing answers without the work: no marker, and it counts nothing for it
#   missing    404, with nothing of the work on the page
#   login      sent to the sign-in page
#   challenge  401 asking an e-reader app for a username and password
#   done       the action was taken (a kudos, comment or subscription row was made)
#   refused    the action was answered, with a reason, and nothing was made

Table = dict[tuple[str, str], str]


def table(text: str) -> Table:
    """A grid: a header of states, then one row per viewer."""
    header, *rows = (line.split() for line in text.strip().splitlines())
    assert tuple(header) == STATES
    assert tuple(row[0] for row in rows) == VIEWERS
    return {
        (row[0], state): cell for row in rows for state, cell in zip(STATES, row[1:], strict=True)
    }


READ = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       missing    shown      missing     missing    shown      missing
    member      missing    shown      shown       missing    shown      missing
    creator     shown      shown      shown       shown      named      shown
    co-creator  shown      shown      shown       shown      named      shown
    maintainer  missing    shown      shown       missing    named      shown
    wrangler    missing    shown      shown       missing    shown      missing
    admin       missing    shown      shown       shown      named      shown
    banned      missing    shown      missing     missing    shown      missing
    """
)
"""A work's own pages: quire.core.visibility.can_view_work, else a 404; the byline (and
the creator's comment, "Anonymous Creator") names the anonymous work's creators only to
those in the secret (can_see_creators)."""

READ_UNSIGNED = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       missing    shown      missing     missing    shown      missing
    member      missing    shown      shown       missing    shown      missing
    creator     shown      shown      shown       shown      shown      shown
    co-creator  shown      shown      shown       shown      shown      shown
    maintainer  missing    shown      shown       missing    shown      shown
    wrangler    missing    shown      shown       missing    shown      missing
    admin       missing    shown      shown       shown      shown      shown
    banned      missing    shown      missing     missing    shown      missing
    """
)
"""Pages about a work that carry no byline: READ, and nobody named."""

LISTED = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       hidden     shown      hidden      hidden     shown      hidden
    member      hidden     shown      shown       hidden     shown      hidden
    creator     shown      shown      shown       shown      named      shown
    co-creator  shown      shown      shown       shown      named      shown
    maintainer  hidden     shown      shown       hidden     named      shown
    wrangler    hidden     shown      shown       hidden     shown      hidden
    admin       hidden     shown      shown       shown      named      shown
    banned      hidden     shown      hidden      hidden     shown      hidden
    """
)
"""Listings, search and its counts: the same rule as READ, the work left out."""

BY_CREATOR = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       hidden     shown      hidden      hidden     hidden     hidden
    member      hidden     shown      shown       hidden     hidden     hidden
    creator     shown      shown      shown       shown      named      shown
    co-creator  shown      shown      shown       shown      named      shown
    maintainer  hidden     shown      shown       hidden     named      shown
    wrangler    hidden     shown      shown       hidden     hidden     hidden
    admin       hidden     shown      shown       shown      named      shown
    banned      hidden     shown      hidden      hidden     hidden     hidden
    """
)
"""A creator's or a pseud's page and its count: LISTED, less the anonymous work for those
outside the secret (listed there, it would name its creator)."""

PUBLIC_FEED = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       hidden     shown      hidden      hidden     shown      hidden
    member      hidden     shown      hidden      hidden     shown      hidden
    creator     hidden     shown      hidden      hidden     shown      hidden
    co-creator  hidden     shown      hidden      hidden     shown      hidden
    maintainer  hidden     shown      hidden      hidden     shown      hidden
    wrangler    hidden     shown      hidden      hidden     shown      hidden
    admin       hidden     shown      hidden      hidden     shown      hidden
    banned      hidden     shown      hidden      hidden     shown      hidden
    """
)
"""Atom feeds are fetched without signing in: public works only, whoever asks, and an
anonymous work's author is "Anonymous"."""

CREATOR_FEED = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       hidden     shown      hidden      hidden     hidden     hidden
    member      hidden     shown      hidden      hidden     hidden     hidden
    creator     hidden     shown      hidden      hidden     hidden     hidden
    co-creator  hidden     shown      hidden      hidden     hidden     hidden
    maintainer  hidden     shown      hidden      hidden     hidden     hidden
    wrangler    hidden     shown      hidden      hidden     hidden     hidden
    admin       hidden     shown      hidden      hidden     hidden     hidden
    banned      hidden     shown      hidden      hidden     hidden     hidden
    """
)
"""A creator's Atom feed: PUBLIC_FEED, never with an anonymous work (it would name them)."""

CATALOG = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       hidden     shown      hidden      hidden     shown      hidden
    member      hidden     shown      shown       hidden     shown      hidden
    creator     hidden     shown      shown       hidden     shown      hidden
    co-creator  hidden     shown      shown       hidden     shown      hidden
    maintainer  hidden     shown      shown       hidden     shown      hidden
    wrangler    hidden     shown      shown       hidden     shown      hidden
    admin       hidden     shown      shown       hidden     shown      hidden
    banned      challenge  challenge  challenge   challenge  challenge  challenge
    """
)
"""OPDS (HTTP Basic): what may leave the archive (can_download_work); never a draft, a
hidden or an unrevealed work, not even for its creators or an admin, and never the
names behind "Anonymous"."""

DOWNLOAD = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       missing    shown      login       missing    shown      missing
    member      missing    shown      shown       missing    shown      missing
    creator     missing    shown      shown       missing    shown      missing
    co-creator  missing    shown      shown       missing    shown      missing
    maintainer  missing    shown      shown       missing    shown      missing
    wrangler    missing    shown      shown       missing    shown      missing
    admin       missing    shown      shown       missing    shown      missing
    banned      missing    shown      login       missing    shown      missing
    """
)
"""A file follows can_download_work; a guest asking for a restricted one signs in first.
An anonymous work's file says "Anonymous", whoever takes it."""

KUDOS = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       missing    done       missing     missing    done       missing
    member      missing    done       done        missing    done       missing
    creator     refused    refused    refused     refused    refused    refused
    co-creator  refused    refused    refused     refused    refused    refused
    maintainer  missing    done       done        missing    done       done
    wrangler    missing    done       done        missing    done       missing
    admin       missing    done       done        refused    done       done
    banned      missing    done       missing     missing    done       missing
    """
)
"""can_leave_kudos: never one's own work, never a draft or a hidden one, an unrevealed
one only from those who can see it. The banned member's session ends first, so they
leave a guest's kudos, as anyone signed out can."""

COMMENT = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       missing    done       missing     missing    done       missing
    member      missing    done       done        missing    done       missing
    creator     refused    done       done        refused    done       done
    co-creator  refused    done       done        refused    done       done
    maintainer  missing    done       done        missing    done       done
    wrangler    missing    done       done        missing    done       missing
    admin       missing    done       done        refused    done       done
    banned      missing    done       missing     missing    done       missing
    """
)
"""quire.core.comments.commenting: only what is out in public (or, unrevealed, to those
in the secret) takes comments (the banned member, signed out, comments as a guest
would)."""

BOOKMARK_FORM = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       login      login      login       login      login      login
    member      missing    shown      shown       missing    shown      missing
    creator     shown      shown      shown       shown      named      shown
    co-creator  shown      shown      shown       shown      shown      shown
    maintainer  missing    shown      shown       missing    shown      shown
    wrangler    missing    shown      shown       missing    shown      missing
    admin       missing    shown      shown       shown      shown      shown
    banned      login      login      login       login      login      login
    """
)
"""Members only; then READ_UNSIGNED (the creator's own pseuds are offered to them)."""

SUBSCRIBE = table(
    """
                draft      posted     restricted  hidden     anonymous  unrevealed
    guest       login      login      login       login      login      login
    member      missing    done       done        missing    done       missing
    creator     refused    refused    refused     refused    refused    refused
    co-creator  refused    refused    refused     refused    refused    refused
    maintainer  missing    done       done        missing    done       done
    wrangler    missing    done       done        missing    done       missing
    admin       missing    done       done        done       done       done
    banned      login      login      login       login      login      login
    """
)
"""Members only; never one's own work; then READ."""


# The archive


@dataclass(frozen=True, slots=True)
class Archive:
    users: dict[str, User]  # by viewer; the guest has none
    works: dict[str, Work]  # by state
    second_chapters: dict[str, int]  # chapter ids, by state


def _build_archive() -> Archive:
    users = {
        viewer: do_create_user(f"matrix_{viewer.replace('-', '_')}", password=PASSWORD)
        for viewer in VIEWERS
        if viewer != "guest"
    }
    users["wrangler"].groups.add(Group.objects.get(name="Tag Wranglers"))
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    secret_pseud = do_add_pseud(users["creator"], name=SECRET_PSEUD)
    collections = {
        state: do_create_collection(
            admin,
            f"matrix-{state}",
            CollectionDetails(title=f"Matrix {state} fest", **{state: True}),
        )
        for state in ("anonymous", "unrevealed")
    }
    for collection in collections.values():
        do_set_role(collection, admin, users["maintainer"], Role.MODERATOR)
    works: dict[str, Work] = {}
    for state in STATES:
        marks = MARKS[state]
        day = date(2026, 1, 1 + STATES.index(state))
        parsed = ParsedWork(
            title=f"The {marks.marker} Matrix",
            summary=f"<p>{marks.marker} summary: {marks.seek} and {COMMON}.</p>",
            chapters=[
                ParsedChapter(f"<p>{marks.marker} begins by the {marks.seek}.</p>", published=day),
                ParsedChapter(f"<p>The coda of {marks.marker}.</p>", published=day),
            ],
            tags={
                TagType.RATING: ["General Audiences"],
                TagType.WARNING: ["No Archive Warnings Apply"],
                TagType.CATEGORY: ["Gen"],
                TagType.FANDOM: ["Matrix Fandom"],
                TagType.FREEFORM: [marks.tag],
            },
            published=day,
        )
        creator = secret_pseud if state == "anonymous" else users["creator"].default_pseud
        creators = [creator, users["co-creator"].default_pseud]
        work = do_create_work(
            creators=creators,
            parsed=parsed,
            posted=state != "draft",
            restricted=state == "restricted",
        )
        co_creator = users["co-creator"]
        do_save_bookmark(
            co_creator, pseud=co_creator.default_pseud, work=work, notes=f"<p>{marks.note}</p>"
        )
        if state == "hidden":
            do_hide_work(admin, work, reason="Hidden for the permission matrix.")
        if state in collections:
            do_add_work(collections[state], work, users["creator"])
            work.refresh_from_db()
        if state == "anonymous":
            do_post_comment(
                work,
                text="Thank you for reading, from its creator.",
                user=users["creator"],
                pseud=secret_pseud,
                chapter=work.chapters.get(position=1),
            )
        works[state] = work
    do_ban(admin, users["banned"], note="Banned for the permission matrix.")
    second = {
        state: work.chapters.order_by("position").values_list("pk", flat=True)[1]
        for state, work in works.items()
    }
    return Archive(users=users, works=works, second_chapters=second)


@pytest.fixture(scope="module")
def archive(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Archive]:
    """The works and viewers, built once (and indexed, as on commit) for the module, in a
    transaction rolled back at its end."""
    index = tmp_path_factory.mktemp("matrix-index")
    with (
        django_db_blocker.unblock(),
        override_settings(SEARCH_INDEX_DIR=index),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = _build_archive()
        yield built
        transaction.set_rollback(True)


# Asking as each viewer


def _basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()


class Matrix:
    """One test's requests: a signed-in client per viewer, GET answers kept (a listing
    answers for all four states), every POST in a savepoint rolled back after it."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.clients = {viewer: self._client(viewer) for viewer in VIEWERS}
        self.answers: dict[tuple[str, str, str], HttpResponseBase] = {}

    def _client(self, viewer: str) -> Client:
        client = Client()
        user = self.archive.users.get(viewer)
        if user is not None:
            client.force_login(user)
        return client

    def get(self, viewer: str, path: str) -> HttpResponseBase:
        """The page as the viewer's browser gets it (the banned member's session, made
        before the ban, is opened again each time: each request must end it)."""
        key = ("web", viewer, path)
        if key not in self.answers:
            client = self.clients[viewer]
            if viewer == "banned":
                client.force_login(self.archive.users[viewer])
            self.answers[key] = client.get(path)
        return self.answers[key]

    def catalog(self, viewer: str, path: str) -> HttpResponseBase:
        """A catalog feed as an e-reader app gets it: no session, HTTP Basic for members."""
        key = ("opds", viewer, path)
        if key not in self.answers:
            user = self.archive.users.get(viewer)
            headers = {} if user is None else {"authorization": _basic(user.username)}
            self.answers[key] = Client().get(path, headers=headers)
        return self.answers[key]

    def act(self, viewer: str, path: str, data: dict[str, str], rows: Callable[[], int]) -> str:
        """POST as the viewer; whether it made a row, undone afterwards."""
        with transaction.atomic():
            before = rows()
            response = self._client(viewer).post(path, data)
            made = rows() > before
            transaction.set_rollback(True)
        if response.status_code == 404:
            return "missing"
        if _is_login(response):
            return "login"
        if made:
            return "done"
        if response.status_code in (200, 302):
            return "refused"
        return _describe(response)


def _is_login(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("people:login"))


def _body(response: HttpResponseBase) -> str:
    """The text of an answer that is not a stream."""
    return cast(HttpResponse, response).content.decode()


def _describe(response: HttpResponseBase) -> str:
    where = f" to {response['Location']}" if response.has_header("Location") else ""
    return f"HTTP {response.status_code}{where}"


def _seen(body: str | bytes, marks: Marks) -> str:
    """A page (or file) with the work on it: "named" when it also gives the name only
    those in the secret may read beside the anonymous work, "shown" otherwise."""
    secret = marks.pseud.encode() if isinstance(body, bytes) else marks.pseud
    return "named" if marks.pseud and secret in body else "shown"


def _page(response: HttpResponseBase, marks: Marks, proofs: Sequence[str] = ()) -> str:
    """A work's own page: shown with the marker (and `proofs`), or missing without it."""
    body = _body(response)
    if response.status_code == 404:
        return "missing" if marks.marker not in body else "missing, yet the page names the work"
    if _is_login(response):
        return "login"
    if response.status_code == 200 and marks.marker in body:
        lacking = [proof for proof in proofs if proof not in body]
        return _seen(body, marks) if not lacking else f"shown without {lacking}"
    return _describe(response)


def _listing(response: HttpResponseBase, marks: Marks, count: str | None = None) -> str:
    """A listing: shown with the marker, hidden without it. `count` finds the total the
    page gives (its group 1), which must be the number of the archive's works it lists."""
    if response.status_code == 401:
        return "challenge"
    if response.status_code != 200:
        return _describe(response)
    body = _body(response)
    outcome = _seen(body, marks) if marks.marker in body else "hidden"
    if count is not None:
        found = re.search(count, body)
        total = int(found.group(1).replace(",", "")) if found else None
        listed = sum(each.marker in body for each in MARKS.values())
        if total != listed:
            return f"{outcome}, yet the page counts {total} works for the {listed} it lists"
    return outcome


SEARCH_TOTAL = r"([\d,]+) works? found"
WORKS_HEADING = r"Works \(([\d,]+)\)"
OPDS_TOTAL = r"totalResults>(\d+)<"


# The surfaces: each asks one viewer about one state and says what happened.


def _work(m: Matrix, state: str) -> str:
    return f"/works/{m.archive.works[state].pk}/"


def work_page(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    return _page(m.get(viewer, _work(m, state)), marks, [f"{marks.marker} begins"])


def chapter_page(m: Matrix, viewer: str, state: str) -> str:
    path = f"{_work(m, state)}chapters/{m.archive.second_chapters[state]}/"
    marks = MARKS[state]
    return _page(m.get(viewer, path), marks, [f"coda of {marks.marker}"])


def entire_work(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    response = m.get(viewer, f"{_work(m, state)}?view_full_work=true")
    return _page(response, marks, [f"{marks.marker} begins", f"coda of {marks.marker}"])


def works_index(m: Matrix, viewer: str, state: str) -> str:
    return _listing(m.get(viewer, "/works/"), MARKS[state], r"([\d,]+) works</p>")


def tag_page(m: Matrix, viewer: str, state: str) -> str:
    path = reverse("tags:tag", args=[tag_to_url_part(MARKS[state].tag)])
    return _listing(m.get(viewer, path), MARKS[state], WORKS_HEADING)


def creator_page(m: Matrix, viewer: str, state: str) -> str:
    path = reverse("people:user", args=[m.archive.users["creator"].username])
    return _listing(m.get(viewer, path), MARKS[state], WORKS_HEADING)


def pseud_page(m: Matrix, viewer: str, state: str) -> str:
    """The co-creator's pseud, credited on every work (the creator's secret pseud would
    name itself in the page's heading)."""
    pseud = m.archive.users["co-creator"].default_pseud
    return _listing(m.get(viewer, pseud.get_absolute_url()), MARKS[state], WORKS_HEADING)


def search_results(m: Matrix, viewer: str, state: str) -> str:
    """The hits and the total for the work's own word (snippets quote the marker)."""
    marks = MARKS[state]
    response = m.get(viewer, "/search/?" + urlencode({"q": marks.seek}))
    return _listing(response, marks, SEARCH_TOTAL)


def search_facets(m: Matrix, viewer: str, state: str) -> str:
    """The work's own tag in the sidebar of a search every work matches, counted once."""
    marks = MARKS[state]
    response = m.get(viewer, "/search/?" + urlencode({"q": COMMON}))
    listed = _listing(response, marks, SEARCH_TOTAL)
    body = _body(response)
    if f'{marks.tag} <span class="muted">(1)</span>' in body:
        facet = "(1)"
    else:
        facet = "absent" if marks.tag not in body else "another count"
    if (listed, facet) in (("shown", "(1)"), ("named", "(1)"), ("hidden", "absent")):
        return listed
    return f"{listed}, its tag's facet {facet}"


def search_within_work(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    path = f"{_work(m, state)}search/?" + urlencode({"q": marks.seek})
    # A draft's chapters are never indexed (quire.search.documents), so nothing matches.
    proofs = [] if state == "draft" else ["1 chapter with a match", f"<mark>{marks.seek}</mark>"]
    return _page(m.get(viewer, path), marks, proofs)


def atom_tag_feed(m: Matrix, viewer: str, state: str) -> str:
    path = reverse("feeds:tag_feed", args=[tag_to_url_part(MARKS[state].tag)])
    return _listing(m.get(viewer, path), MARKS[state])


def atom_creator_feed(m: Matrix, viewer: str, state: str) -> str:
    path = reverse("feeds:creator_feed", args=[m.archive.users["creator"].username])
    return _listing(m.get(viewer, path), MARKS[state])


def opds_recent(m: Matrix, viewer: str, state: str) -> str:
    response = m.catalog(viewer, reverse("feeds:opds:recent"))
    return _listing(response, MARKS[state], OPDS_TOTAL)


def opds_search(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    path = reverse("feeds:opds:search") + "?" + urlencode({"q": marks.seek})
    return _listing(m.catalog(viewer, path), marks, OPDS_TOTAL)


def download_epub(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    response = m.get(viewer, f"/downloads/{m.archive.works[state].pk}/Matrix.epub")
    if response.status_code != 200:
        return _page(response, marks)
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(data)) as epub:
        inside = b"".join(epub.read(name) for name in epub.namelist())
    return _seen(inside, marks) if marks.marker.encode() in inside else "a file without the work"


def kudos(m: Matrix, viewer: str, state: str) -> str:
    work = m.archive.works[state]
    return m.act(viewer, f"{_work(m, state)}kudos/", {}, Kudos.objects.filter(work=work).count)


def comment(m: Matrix, viewer: str, state: str) -> str:
    work = m.archive.works[state]
    data = {"text": "A comment.", "guest_name": "A Guest", "guest_email": "guest@example.org"}
    user = m.archive.users.get(viewer)
    if user is not None:  # the creator has two pseuds, so the form asks which one
        data["pseud"] = str(user.default_pseud.pk)
    return m.act(
        viewer, f"{_work(m, state)}comments/", data, Comment.objects.filter(work=work).count
    )


def bookmark_form(m: Matrix, viewer: str, state: str) -> str:
    return _page(m.get(viewer, f"{_work(m, state)}bookmark/"), MARKS[state])


def subscribe(m: Matrix, viewer: str, state: str) -> str:
    work = m.archive.works[state]
    rows = Subscription.objects.filter(work=work).count
    return m.act(viewer, reverse("community:subscriptions"), {"work": str(work.pk)}, rows)


def work_bookmarks(m: Matrix, viewer: str, state: str) -> str:
    marks = MARKS[state]
    return _page(m.get(viewer, f"{_work(m, state)}bookmarks/"), marks, [marks.note])


@dataclass(frozen=True, slots=True)
class Surface:
    name: str
    expected: Table
    probe: Callable[[Matrix, str, str], str]


SURFACES = (
    Surface("work page", READ, work_page),
    Surface("chapter page", READ, chapter_page),
    Surface("entire work", READ, entire_work),
    Surface("works index", LISTED, works_index),
    Surface("tag page", LISTED, tag_page),
    Surface("creator page", BY_CREATOR, creator_page),
    Surface("pseud page", BY_CREATOR, pseud_page),
    Surface("search results", LISTED, search_results),
    Surface("search facets", LISTED, search_facets),
    Surface("search within work", READ_UNSIGNED, search_within_work),
    Surface("atom tag feed", PUBLIC_FEED, atom_tag_feed),
    Surface("atom creator feed", CREATOR_FEED, atom_creator_feed),
    Surface("opds recent", CATALOG, opds_recent),
    Surface("opds search", CATALOG, opds_search),
    Surface("download epub", DOWNLOAD, download_epub),
    Surface("kudos post", KUDOS, kudos),
    Surface("comment post", COMMENT, comment),
    Surface("bookmark form", BOOKMARK_FORM, bookmark_form),
    Surface("subscribe post", SUBSCRIBE, subscribe),
    Surface("work bookmarks", READ, work_bookmarks),
)

EXPECTED: dict[tuple[str, str, str], str] = {
    (viewer, state, surface.name): surface.expected[viewer, state]
    for surface in SURFACES
    for viewer in VIEWERS
    for state in STATES
}
"""The whole table, keyed by (viewer, state, surface)."""


def test_the_table_has_a_cell_for_every_viewer_state_and_surface() -> None:
    assert len(EXPECTED) == len(VIEWERS) * len(STATES) * len(SURFACES) == 960


@pytest.mark.parametrize("surface", SURFACES, ids=[s.name.replace(" ", "-") for s in SURFACES])
def test_every_cell(archive: Archive, surface: Surface) -> None:
    matrix = Matrix(archive)
    wrong = []
    for viewer in VIEWERS:
        for state in STATES:
            expected = EXPECTED[viewer, state, surface.name]
            actual = surface.probe(matrix, viewer, state)
            if actual != expected:
                wrong.append(f"{viewer} × {state} × {surface.name}: {expected} expected, {actual}")
    assert not wrong, f"{len(wrong)} wrong cells:\n" + "\n".join(wrong)
