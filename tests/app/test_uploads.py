"""A member uploads their own files: each is read into a draft credited to the pseud
they chose, bad files are named with their reason, and each work is reviewed before
it is posted, kept or discarded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from lxml import html

from quire.core.tags import TagType
from quire.imports.models import ImportBatch, ImportedFile
from quire.people.models import User
from quire.works.models import Work
from tests.zips import zip_of

pytestmark = pytest.mark.django_db

AO3_FIXTURE = Path(__file__).parents[1] / "core" / "fixtures" / "import" / "ao3"

FERRY = """The Last Ferry

The ferry left at nine, and nobody on the quay waved.

Oren counted the lights on the far shore until they ran out.
"""


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


def upload(client: Client, pseud_id: int, *files: tuple[str, bytes]) -> object:
    documents = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post("/works/upload/", {"documents": documents, "pseud": pseud_id})


@pytest.fixture
def uploader(client: Client, author: User) -> Client:
    client.force_login(author)
    return client


def test_a_zip_with_a_bad_file_becomes_drafts_to_review(
    uploader: Client, author: User, make_user
) -> None:
    quill = author.pseuds.create(name="Quill")
    bundle = zip_of(
        {
            "ferry.txt": FERRY.encode(),
            "season.html": (AO3_FIXTURE / "wip_known_length.html").read_bytes(),
            "broken.epub": b"PK\x03\x04 this is not an epub at all",
        }
    )
    response = upload(uploader, quill.pk, ("stories.zip", bundle))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.started_by == author
    page = uploader.get(response["Location"])
    tree = html.fromstring(page.content)
    items = [
        " ".join(li.text_content().split())
        for li in tree.xpath("//li[contains(@class,'upload-list__item')]")
    ]
    broken = next(item for item in items if "broken.epub" in item)
    assert "stories.zip!broken.epub" in broken and "Not read" in broken
    assert "not an epub" in broken.lower() or "damaged zip or epub" in broken.lower()

    works = Work.objects.order_by("pk")
    assert works.count() == 2
    for work in works:
        assert not work.posted
        assert [pseud.pk for pseud in work.creators.all()] == [quill.pk]
    assert not User.objects.filter(is_placeholder=True).exists(), "no placeholder accounts"
    season = works.get(title="Half a Season")
    assert season.tags.filter(type=TagType.RATING).exists(), "the file's tags were read"

    # Nobody else sees the upload or its drafts.
    other = Client()
    other.force_login(make_user("other"))
    assert other.get(f"/works/upload/{batch.pk}/").status_code == 404
    first = ImportedFile.objects.filter(batch=batch, work__isnull=False).order_by("pk").first()
    assert other.get(f"/works/upload/{batch.pk}/{first.pk}/").status_code == 404
    assert other.get(f"/works/{season.pk}/").status_code == 404


def test_review_requires_the_tags_then_posts_and_moves_on(uploader: Client, author: User) -> None:
    bundle = zip_of(
        {
            "a-ferry.txt": FERRY.encode(),
            "b-season.html": (AO3_FIXTURE / "wip_known_length.html").read_bytes(),
        }
    )
    upload(uploader, author.default_pseud.pk, ("stories.zip", bundle))
    batch = ImportBatch.objects.get()
    files = list(ImportedFile.objects.filter(batch=batch).order_by("pk"))
    ferry_file = next(file for file in files if "ferry" in file.name)
    season_file = next(file for file in files if "season" in file.name)
    url = f"/works/upload/{batch.pk}/{ferry_file.pk}/"
    page = uploader.get(url)
    tree = html.fromstring(page.content)
    assert "a-ferry.txt" in tree.xpath("string(//dl[@class='review-facts'])")
    assert tree.xpath("//input[@name='title']/@value") == ["The Last Ferry"]
    buttons = tree.xpath("//button[@name='action']/text()")
    assert buttons == ["Preview", "Save as draft", "Post", "Discard"]

    form = tree.xpath("//form[@id='work-form']")[0]
    data: dict[str, object] = dict(form.form_values())
    data["pseuds"] = [str(author.default_pseud.pk)]
    data["action"] = "post"
    response = uploader.post(url, data)
    assert response.status_code == 200, "a work without the required tags is not posted"
    page = response.content.decode()
    assert "Choose a rating." in page and "Name at least one fandom." in page

    data |= {
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Original Work",
    }
    response = uploader.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == f"/works/upload/{batch.pk}/{season_file.pk}/"
    ferry = Work.objects.get(title="The Last Ferry")
    assert ferry.posted and ferry.chapter_count == 1
    assert Client().get(f"/works/{ferry.pk}/").status_code == 200

    # The next one is discarded.
    response = uploader.post(response["Location"], {"action": "discard"})
    assert response.status_code == 302
    assert response["Location"] == f"/works/upload/{batch.pk}/"
    assert not Work.objects.filter(title="Half a Season").exists()
    listing = uploader.get(f"/works/upload/{batch.pk}/").content.decode()
    assert "Discarded" in listing and "Posted" in listing


def test_a_draft_without_tags_cannot_be_posted_from_its_page(
    uploader: Client, author: User
) -> None:
    upload(uploader, author.default_pseud.pk, ("ferry.txt", FERRY.encode()))
    work = Work.objects.get()
    response = uploader.post(f"/works/{work.pk}/post/", follow=True)
    assert "needs a rating, an archive warning and a fandom" in response.content.decode()
    work.refresh_from_db()
    assert not work.posted


def test_single_bad_files_are_named_with_their_reason(uploader: Client, author: User) -> None:
    upload(
        uploader,
        author.default_pseud.pk,
        ("empty.txt", b""),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        ("ferry.txt", FERRY.encode()),
    )
    outcomes = {file.name: (file.outcome, file.message) for file in ImportedFile.objects.all()}
    assert outcomes["empty.txt"] == ("failed", "the file holds no text")
    assert outcomes["picture.png"][0] == "failed"
    assert outcomes["ferry.txt"][0] == "created"


def test_uploads_have_a_size_limit(
    uploader: Client, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quire.imports.forms

    monkeypatch.setattr(quire.imports.forms, "UPLOAD_MAX_BYTES", 100)
    response = upload(uploader, author.default_pseud.pk, ("ferry.txt", FERRY.encode()))
    assert response.status_code == 200
    assert "the most one upload can take" in response.content.decode()
    assert not Work.objects.exists()


def test_zips_that_unpack_too_far_are_refused() -> None:
    from quire.core.importers import ImportProblem
    from quire.core.importers.sources import upload_sources

    bundle = zip_of({"a.txt": b"a" * 5000, "b.txt": b"b" * 5000})
    found = list(
        upload_sources(
            "big.zip", bundle, max_member_bytes=10_000, max_total_bytes=8000, max_members=5
        )
    )
    assert len(found) == 1 and isinstance(found[0], ImportProblem)
    assert "unpacks to 10,000 bytes" in found[0].reason
    many = zip_of({f"{number}.txt": b"x" for number in range(6)})
    found = list(
        upload_sources("many.zip", many, max_member_bytes=10, max_total_bytes=100, max_members=5)
    )
    assert isinstance(found[0], ImportProblem) and "holds 6 files" in found[0].reason


def test_uploading_needs_an_account_and_ones_own_pseud(
    client: Client, author: User, make_user
) -> None:
    assert client.get("/works/upload/")["Location"].startswith("/login/")
    client.force_login(author)
    someone_elses = make_user("other").default_pseud
    response = upload(client, someone_elses.pk, ("ferry.txt", FERRY.encode()))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Work.objects.exists()
