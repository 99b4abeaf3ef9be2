"""Importing into the archive, with a tiny importer of our own: only the import logic is tested."""

from __future__ import annotations

import pytest

from quire.core.documents import ParsedChapter, ParsedWork, SeriesMembership
from quire.core.importers import ImporterRegistry, ImportProblem, SourceFile
from quire.core.tags import TagType
from quire.imports.actions import do_finish_batch, do_import_source, do_start_batch
from quire.imports.models import ImportedFile, Outcome, WorkOrigin
from quire.people.actions import do_get_placeholder_pseud
from quire.people.models import User
from quire.tags.models import Tag
from quire.works.models import Series, Work

pytestmark = pytest.mark.django_db


class KeyValueImporter:
    """Reads "key: value" lines, a blank line, then the story; "crash" makes it fail badly."""

    format_name = "key-value"
    priority = 1

    def recognizes(self, source: SourceFile) -> bool:
        return source.data.startswith(b"KV\n")

    def parse(self, source: SourceFile) -> list[ParsedWork]:
        header, _, body = source.data.decode().partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.splitlines()[1:])
        if "crash" in fields:
            raise RuntimeError("parser bug")
        if "title" not in fields:
            raise ImportProblem(source.name, "no title line")
        return [
            ParsedWork(
                title=fields["title"],
                creators=fields.get("authors", "").split(", ") if fields.get("authors") else [],
                chapters=[ParsedChapter(content=f"<p>{body}</p>")],
                tags={TagType.FREEFORM: fields.get("tags", "").split(", ")},
                source_format=self.format_name,
                source_url=fields.get("url", ""),
                series=[SeriesMembership(fields["series"], 1)] if "series" in fields else [],
                problems=["declared 9 words but the text has 2"] if "declared" in fields else [],
                declared_word_count=int(fields["declared"]) if "declared" in fields else None,
            )
        ]


REGISTRY = ImporterRegistry([KeyValueImporter()])


def document(name: str, **fields: str) -> SourceFile:
    body = fields.pop("body", "two words")
    header = "\n".join(f"{key}: {value}" for key, value in fields.items())
    return SourceFile(name=name, data=f"KV\n{header}\n\n{body}".encode())


def run(*sources: SourceFile | ImportProblem) -> list[ImportedFile]:
    batch = do_start_batch("test")
    records = [record for source in sources for record in do_import_source(batch, source, REGISTRY)]
    do_finish_batch(batch)
    return records


def test_an_import_creates_a_posted_work_credited_to_placeholder_pseuds() -> None:
    (record,) = run(document("a.txt", title="Rain", authors="Jane Doe, Sam", tags="Fluff"))
    assert record.outcome == Outcome.CREATED
    work = record.work
    assert work is not None
    assert work.posted
    assert work.word_count == 2
    names = [creatorship.pseud.name for creatorship in work.creatorships.all()]
    assert names == ["Jane Doe", "Sam"]
    jane = User.objects.get(pseuds__name="Jane Doe")
    assert jane.is_placeholder
    assert not jane.has_usable_password()
    assert not Tag.objects.get(name="Fluff").canonical


def test_importing_the_same_file_again_changes_nothing() -> None:
    run(document("a.txt", title="Rain"))
    (again,) = run(document("a.txt", title="Rain"))
    assert again.outcome == Outcome.UNCHANGED
    assert Work.objects.count() == 1


def test_a_changed_file_updates_its_work_instead_of_duplicating() -> None:
    (first,) = run(document("a.txt", title="Rain", tags="Fluff"))
    (second,) = run(document("a.txt", title="Rain, Revised", tags="Angst", body="now three words"))
    assert second.outcome == Outcome.UPDATED
    assert second.work == first.work
    work = Work.objects.get()
    assert work.title == "Rain, Revised"
    assert work.word_count == 3
    assert [tag.name for tag in work.tags.all()] == ["Angst"]


def test_the_same_ao3_work_from_another_file_updates_it() -> None:
    url = "https://archiveofourown.org/works/123456"
    run(document("rain.html", title="Rain", url=url))
    (record,) = run(document("rain-copy.epub", title="Rain", url=url + "/chapters/9", body="x y z"))
    assert record.outcome == Outcome.UPDATED
    assert WorkOrigin.objects.get().key == "ao3:123456"
    assert Work.objects.count() == 1


def test_a_batch_goes_on_past_bad_files() -> None:
    records = run(
        document("no-title.txt"),
        SourceFile(name="junk.bin", data=b"\x00\x01binary"),
        ImportProblem("gone.txt", "cannot read the file (Permission denied)"),
        document("crash.txt", title="X", crash="yes"),
        document("good.txt", title="Good"),
    )
    assert [(record.name, record.outcome) for record in records] == [
        ("no-title.txt", Outcome.FAILED),
        ("junk.bin", Outcome.FAILED),
        ("gone.txt", Outcome.FAILED),
        ("crash.txt", Outcome.FAILED),
        ("good.txt", Outcome.CREATED),
    ]
    assert records[0].message == "no title line"
    assert records[1].message == "not a document format Quire can read"
    assert "RuntimeError: parser bug" in records[3].message
    assert Work.objects.get().title == "Good"


def test_problems_are_kept_with_the_outcome() -> None:
    (record,) = run(document("a.txt", title="Rain", declared="9"))
    assert record.message == "declared 9 words but the text has 2"


def test_series_are_created_once_per_creator() -> None:
    run(document("one.txt", title="One", authors="Ann", series="Lights"))
    run(document("two.txt", title="Two", authors="Ann", series="Lights"))
    assert Series.objects.get().parts.count() == 2


def test_placeholder_names_never_take_a_real_account() -> None:
    real = User.objects.create_user("Jane_Doe", password="a-long-password-here")
    pseud = do_get_placeholder_pseud("Jane Doe")
    assert pseud.user != real
    assert pseud.user.username == "Jane_Doe_archived"
    assert pseud.name == "Jane Doe"
    assert do_get_placeholder_pseud("jane  doe") == pseud


def test_history_pages_show_each_files_outcome(client, make_user) -> None:
    run(document("good.txt", title="Good"), document("bad.txt"))
    admin = make_user("keeper")
    admin.is_staff = True
    admin.save()
    assert client.get("/imports/").status_code == 302
    client.force_login(admin)
    history = client.get("/imports/")
    assert history.status_code == 200
    batch = ImportedFile.objects.first().batch
    assert batch.get_absolute_url() in history.content.decode()
    detail = client.get(batch.get_absolute_url()).content.decode()
    assert "good.txt" in detail
    assert "Created" in detail
    assert "bad.txt" in detail
    assert "no title line" in detail


def test_html_from_an_importer_is_sanitized_before_it_is_stored() -> None:
    (record,) = run(document("a.txt", title="X", body='words <script>alert("x")</script> more'))
    chapter = record.work.chapters.get()
    assert "<script" not in chapter.content
    assert chapter.word_count == 2


def test_the_declared_word_count_is_kept_beside_the_counted_one() -> None:
    (record,) = run(document("a.txt", title="Rain", declared="9"))
    origin = WorkOrigin.objects.get(work=record.work)
    assert origin.declared_word_count == 9
    assert record.work.word_count == 2
