"""Downloads: who may have a work as a file, what the file is made from, its headers, and the
cache that keeps each file until the work changes."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.conf import settings as django_settings
from django.shortcuts import resolve_url
from django.test import Client
from lxml import html

from quire.core.documents import ParsedChapter
from quire.core.exporters import ExportWork
from quire.core.tags import TagType
from quire.core.visibility import GUEST, can_download_work, sign_in_would_allow_download
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works import downloads
from quire.works.actions import (
    do_add_chapter,
    do_add_tags,
    do_add_to_series,
    do_create_series,
    do_save_chapter,
    do_save_work,
    do_set_hidden,
)
from quire.works.models import Chapter, Work

pytestmark = pytest.mark.django_db


@dataclass
class RecordingExporter:
    """A format that writes what it was given as JSON and counts how often it ran."""

    format_name: str
    extension: str
    media_type: str
    label: str
    made: list[str] = field(default_factory=list)

    def export(self, work: ExportWork) -> bytes:
        self.made.append(work.work.title)
        parsed = work.work
        return json.dumps(
            {
                "title": parsed.title,
                "creators": parsed.creators,
                "chapters": [chapter.content for chapter in parsed.chapters],
                "tags": {tag_type.value: names for tag_type, names in parsed.tags.items()},
                "series": [[link.title, link.position, link.url] for link in work.series],
                "stats": [
                    work.stats.words,
                    work.stats.chapters_posted,
                    work.stats.chapters_expected,
                ],
                "url": work.url,
                "identifier": work.identifier,
                "language": work.language_name,
                "creator_urls": work.creator_urls,
            }
        ).encode()


@pytest.fixture
def formats(
    monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path
) -> dict[str, RecordingExporter]:
    """Two quick formats in place of the real ones, and a cache folder of this test's own."""
    settings.DOWNLOAD_CACHE_DIR = tmp_path / "cache"
    made = {
        "epub": RecordingExporter("epub", "epub", "application/epub+zip", "EPUB"),
        "txt": RecordingExporter("txt", "txt", "text/plain; charset=utf-8", "Text"),
    }
    monkeypatch.setattr(downloads, "formats", lambda: list(made.values()))
    return made


def url(work: Work, extension: str = "epub") -> str:
    return f"/downloads/{work.pk}/{downloads.ascii_stem(work.title, 'w')}.{extension}"


def cached_files(settings, work: Work) -> list[str]:
    folder = Path(settings.DOWNLOAD_CACHE_DIR) / str(work.pk)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_download_is_made_from_the_posted_work(
    client: Client, formats, make_work, author
) -> None:
    work = make_work(
        "Café Noir",
        chapters=["First.", "Second.", "Draft."],
        tags={
            TagType.CHARACTER: ["Mara Quill", "Ines"],
            TagType.FREEFORM: ["Rain", "Coffee"],
        },
        language="fr",
        expected_chapters=5,
    )
    Chapter.objects.filter(work=work, position=3).update(posted=False)
    series = do_create_series(creators=[author.default_pseud], title="Small Hours")
    do_add_to_series(series, work)
    response = client.get(url(work))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    written = json.loads(b"".join(response.streaming_content))
    assert written["title"] == "Café Noir"
    assert written["chapters"] == ["<p>First.</p>", "<p>Second.</p>"]
    assert written["tags"]["character"] == ["Mara Quill", "Ines"]
    assert written["tags"]["freeform"] == ["Rain", "Coffee"]
    assert list(written["tags"]) == [
        "rating",
        "warning",
        "category",
        "fandom",
        "character",
        "freeform",
    ]
    assert written["creators"] == ["author"]
    assert written["creator_urls"] == {"author": "http://testserver/users/author/pseuds/author/"}
    assert written["series"] == [["Small Hours", 1, f"http://testserver/series/{series.pk}/"]]
    assert written["url"] == written["identifier"] == f"http://testserver/works/{work.pk}/"
    assert written["language"] == "français"
    assert written["stats"][1:] == [2, 5]


def test_headers_name_the_file_safely_and_let_clients_recheck(
    client: Client, formats, make_work
) -> None:
    work = make_work('Cœur "brisé"/Part 1')
    response = client.get(url(work))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Coeur_brise_Part_1.epub"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Cœur brisé Part 1.epub"
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "public" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    again = client.get(url(work), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    since = client.get(url(work), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    assert formats["epub"].made == ['Cœur "brisé"/Part 1']


def test_the_same_version_is_written_once_and_each_format_is_kept(
    client: Client, formats, make_work, settings
) -> None:
    work = make_work("Lantern")
    first = client.get(url(work))
    second = client.get(url(work))
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    client.get(url(work, "txt"))
    assert formats["epub"].made == ["Lantern"]
    assert formats["txt"].made == ["Lantern"]
    assert len(cached_files(settings, work)) == 2


def _retitle(work: Work, author: User) -> None:
    work.title = "Lantern, Revised"
    do_save_work(work)


def _add_chapter(work: Work, author: User) -> None:
    do_add_chapter(work, ParsedChapter(content="<p>More.</p>"))


def _retag(work: Work, author: User) -> None:
    do_add_tags(work, {TagType.FREEFORM: ["Storms"]})


def _into_series(work: Work, author: User) -> None:
    do_add_to_series(do_create_series(creators=[author.default_pseud], title="S"), work)


def _edit_text(work: Work, author: User) -> None:
    chapter = work.chapters.get(position=1)
    chapter.content = "<p>Once upon another time.</p>"
    do_save_chapter(chapter)


EDITS = {
    "metadata": _retitle,
    "new chapter": _add_chapter,
    "tags": _retag,
    "series": _into_series,
    "chapter text": _edit_text,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_any_edit_makes_a_new_file_and_removes_the_old_ones(
    client: Client, formats, make_work, author, settings, edit: Callable[[Work, User], None]
) -> None:
    work = make_work("Lantern")
    before = client.get(url(work))
    client.get(url(work, "txt"))
    old_files = cached_files(settings, work)
    assert len(old_files) == 2
    edit(work, author)
    work.refresh_from_db()
    after = client.get(url(work))
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert client.get(url(work), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert len(formats["epub"].made) == 2
    kept = cached_files(settings, work)
    assert len(kept) == 1
    assert kept[0] not in old_files


def test_a_download_under_another_address_does_not_evict_the_first(
    client: Client, formats, make_work, settings
) -> None:
    work = make_work("Lantern")
    client.get(url(work))
    client.get(url(work), HTTP_HOST="127.0.0.1")
    client.get(url(work))
    assert len(cached_files(settings, work)) == 2
    assert len(formats["epub"].made) == 2


@pytest.fixture
def every_state(make_work) -> dict[tuple[bool, bool, bool], Work]:
    works = {}
    for posted in (True, False):
        for hidden in (True, False):
            for restricted in (True, False):
                work = make_work(
                    f"{posted}-{hidden}-{restricted}", posted=posted, restricted=restricted
                )
                Work.objects.filter(pk=work.pk).update(hidden=hidden)
                works[posted, hidden, restricted] = Work.objects.get(pk=work.pk)
    return works


@pytest.fixture
def admin(make_user) -> User:
    user = make_user("admin")
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("who", ["guest", "member", "creator", "admin"])
def test_drafts_and_hidden_works_never_leave_and_restricted_ones_ask_guests_to_sign_in(
    client: Client, formats, every_state, make_user, author, admin, who: str
) -> None:
    user = {"guest": None, "member": make_user("member"), "creator": author, "admin": admin}[who]
    if user is not None:
        client.force_login(user)
    viewer = GUEST if user is None else viewer_for(user)
    for work in every_state.values():
        access = Work.objects.prefetch_related("creatorships__pseud").get(pk=work.pk).access()
        response = client.get(url(work))
        if can_download_work(viewer, access):
            assert response.status_code == 200, work.title
        elif sign_in_would_allow_download(viewer, access):
            assert response.status_code == 302, work.title
            login = resolve_url(django_settings.LOGIN_URL)
            assert response["Location"] == f"{login}?next={quote(url(work))}"
        else:
            assert response.status_code == 404, work.title
    # Only posted, unhidden works were ever written: the restricted one for members only.
    made = formats["epub"].made
    assert made == (
        ["True-False-False"] if who == "guest" else ["True-False-True", "True-False-False"]
    )


def test_unknown_formats_and_works_are_not_found(client: Client, formats, make_work) -> None:
    work = make_work("Lantern")
    assert client.get(f"/downloads/{work.pk}/Lantern.mobi").status_code == 404
    assert client.get(f"/downloads/{work.pk}/Lantern").status_code == 404
    assert client.get(f"/downloads/{work.pk + 100}/Lantern.epub").status_code == 404


def test_a_restricted_download_is_private_to_the_signed_in_reader(
    client: Client, formats, make_work, make_user
) -> None:
    work = make_work("Members", restricted=True)
    client.force_login(make_user("reader"))
    response = client.get(url(work))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_the_work_page_offers_every_format_in_a_menu(client: Client, formats, make_work) -> None:
    work = make_work("Lantern")
    tree = html.fromstring(client.get(work.get_absolute_url()).content)
    menu = tree.xpath("//details[contains(@class, 'download-menu')]")[0]
    assert menu.xpath("normalize-space(summary)") == "Download ▾"
    links = menu.xpath(".//a")
    assert [link.text for link in links] == ["EPUB", "Text"]
    assert [link.get("href") for link in links] == [url(work), url(work, "txt")]
    assert links[0].get("type") == "application/epub+zip"
    assert not tree.xpath("//*[@style]") and not tree.xpath("//script[not(@src)]")


def test_drafts_and_hidden_works_show_no_download_menu_even_to_who_can_read_them(
    client: Client, formats, make_work, author, admin
) -> None:
    draft = make_work("Draft", posted=False)
    client.force_login(author)
    page = html.fromstring(client.get(draft.get_absolute_url()).content)
    assert page.xpath("//h1[@class='work-title']/text()") == ["Draft"]
    assert not page.xpath("//details[contains(@class, 'download-menu')]")
    hidden = do_set_hidden(make_work("Hidden"), hidden=True)
    client.force_login(admin)
    page = html.fromstring(client.get(hidden.get_absolute_url()).content)
    assert not page.xpath("//details[contains(@class, 'download-menu')]")


def test_a_real_epub_is_served(client: Client, make_work, monkeypatch, settings, tmp_path) -> None:
    """With the real EPUB writer: a zip whose first entry says what it is."""
    from quire.core.exporters.epub import exporter

    settings.DOWNLOAD_CACHE_DIR = tmp_path
    monkeypatch.setattr(downloads, "formats", lambda: [exporter])
    work = make_work("Lantern", chapters=["The lantern swung.", "Morning came."])
    response = client.get(url(work))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert book.namelist()[0] == "mimetype"
    assert book.read("mimetype") == b"application/epub+zip"
    text = b"".join(book.read(name) for name in book.namelist() if name.endswith(".xhtml"))
    assert b"The lantern swung." in text and b"Morning came." in text


def test_every_real_format_is_served_and_kept(
    client: Client, make_work, settings, tmp_path
) -> None:
    """The formats the archive registers, each written once and then served from the cache."""
    from quire.core.exporters import default_registry

    settings.DOWNLOAD_CACHE_DIR = tmp_path
    work = make_work("Lantern", chapters=["The lantern swung.", "Morning came."])
    signatures = {"epub": b"PK", "pdf": b"%PDF", "html": b"<", "txt": b"Lantern"}
    for exporter in default_registry().exporters:
        response = client.get(url(work, exporter.extension))
        assert response.status_code == 200, exporter.label
        assert response["Content-Type"] == exporter.media_type
        body = b"".join(response.streaming_content)
        assert body.lstrip(b"\xef\xbb\xbf").startswith(signatures[exporter.format_name])
        again = client.get(url(work, exporter.extension))
        assert b"".join(again.streaming_content) == body
    assert len(cached_files(settings, work)) == len(default_registry().exporters)
