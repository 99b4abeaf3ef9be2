"""Tables of the PostgreSQL search backend (quire.search.postgres).

The search index lives in the archive's own database when QUIRE_SEARCH_BACKEND is
``postgres``, so every application server sharing the database shares the index.
Like the tantivy index, these tables are derived data: ``quire reindex`` rebuilds
them from the works.

* ``SearchDocument``: one row per work with everything search filters, sorts and
  facets on. Filter tags, pseuds, users and collections are integer arrays
  (GIN-indexed).
* ``SearchTag``: the type of each filter tag the documents gave one, so facets are
  one ``unnest(filter_tag_ids)`` over the matching rows, counted and then joined to
  the types (a tag without a type filters but is in no facet).
* ``SearchPassage``: the searchable words of a work, one row per field value
  group: the title, the summary, the notes, the tags, the creators, the chapter
  titles, and each chapter (a chapter's row also stores its plain text for
  snippets). Every row has ``vector``, a stripped tsvector of its words (for the
  GIN index), and ``words``, the same words in order as ``" w1 w2 | w3 "`` (for
  exact word, prefix and phrase checks with ``strpos``). A value so large that
  its tsvector could pass PostgreSQL's 1 MB limit is split into ``part`` rows
  that overlap by a phrase's length. On PostgreSQL the table keeps only short
  values in its rows (migration 0002), so scanning the rows a word's index entries
  point to reads few pages.

``PendingIndexing`` is the queue of works waiting to be (re)indexed, for every backend.

The array, tsvector and GIN types are PostgreSQL's; on another database (SQLite)
the same migration makes plain text columns and ordinary indexes, and the tables
stay empty, because the backend refuses to run there. The fields are defined
here rather than taken from django.contrib.postgres so the app needs neither that
app installed nor PostgreSQL to migrate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement


def _is_postgres(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


class BigIntArrayField(models.Field[Sequence[int], list[int]]):
    """A bigint[] column on PostgreSQL; JSON text elsewhere."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "bigint[]" if _is_postgres(connection) else "text"

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if value is None:
            return None
        items = [int(item) for item in value]
        return items if _is_postgres(connection) else json.dumps(items)

    def from_db_value(
        self, value: Any, expression: object, connection: BaseDatabaseWrapper
    ) -> list[int] | None:
        if value is None or isinstance(value, list):
            return value
        loaded = json.loads(value)
        return [int(item) for item in loaded] if isinstance(loaded, list) else None


class TsVectorField(models.Field[str, str]):
    """A tsvector column on PostgreSQL (written and read only through SQL); text elsewhere."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "tsvector" if _is_postgres(connection) else "text"


class GinIndexOnPostgres(models.Index):
    """A GIN index on PostgreSQL; an ordinary index elsewhere, where the table stays empty."""

    def create_sql(
        self,
        model: type[models.Model],
        schema_editor: BaseDatabaseSchemaEditor,
        using: str = "",
        **kwargs: Any,
    ) -> Statement:
        if _is_postgres(schema_editor.connection):
            using = " USING gin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class SearchDocument(models.Model):
    """A work as search sees it: visibility, filters, sort keys and facet tags."""

    work_id = models.BigIntegerField(primary_key=True)
    posted = models.BooleanField()
    hidden = models.BooleanField()
    restricted = models.BooleanField()
    unrevealed = models.BooleanField(
        default=False, help_text="Seen only by creators, admins and its collections' maintainers."
    )
    creator_user_ids = BigIntArrayField()
    creator_ids = BigIntArrayField(help_text="Pseud ids; empty for anonymous works.")
    filter_tag_ids = BigIntArrayField()
    collection_ids = BigIntArrayField(default=list, help_text="Collections the work is in.")
    language = models.TextField()
    crossover = models.BooleanField()
    complete = models.BooleanField()
    chapter_count = models.BigIntegerField()
    word_count = models.BigIntegerField()
    kudos = models.BigIntegerField()
    hits = models.BigIntegerField()
    comments = models.BigIntegerField()
    bookmarks = models.BigIntegerField()
    published = models.DateField(null=True)
    updated = models.DateField(null=True)
    sort_title = models.TextField(help_text="The title as AO3 sorts it (compared bytewise).")
    sort_creator = models.TextField(help_text="The creators as AO3 sorts them.")

    class Meta:
        db_table = "search_document"
        indexes = [
            GinIndexOnPostgres(fields=["filter_tag_ids"], name="search_document_tags_gin"),
            GinIndexOnPostgres(fields=["creator_ids"], name="search_document_pseuds_gin"),
            GinIndexOnPostgres(fields=["creator_user_ids"], name="search_document_users_gin"),
            GinIndexOnPostgres(fields=["collection_ids"], name="search_document_colls_gin"),
        ]

    def __str__(self) -> str:
        return f"search document for work {self.work_id}"


class SearchTag(models.Model):
    """The type of a filter tag, for facets: what the latest indexed work said it is."""

    tag_id = models.BigIntegerField(primary_key=True)
    tag_type = models.TextField(help_text="A quire.core.tags.TagType value.")

    class Meta:
        db_table = "search_tag"

    def __str__(self) -> str:
        return f"{self.tag_type} tag {self.tag_id}"


class PassageField(models.TextChoices):
    """The query language's fields (``text`` is ``body``: chapter titles and chapters)."""

    TITLE = "title"
    SUMMARY = "summary"
    NOTES = "notes"
    TAGS = "tags"
    CREATORS = "creators"
    BODY = "body"


class SearchPassage(models.Model):
    """Searchable words of one field of a work (or of one chapter), maybe one part of them."""

    document = models.ForeignKey(
        SearchDocument,
        on_delete=models.CASCADE,
        related_name="passages",
        db_column="work_id",
        # Rows of a work are written and deleted together in one transaction by the
        # backend; a database constraint would only cost a check per row and stop
        # TRUNCATE inside a transaction that has just written.
        db_constraint=False,
    )
    field = models.CharField(max_length=10, choices=PassageField.choices)
    chapter_id = models.BigIntegerField(
        null=True, help_text="The chapter of a body passage; empty for the chapter titles."
    )
    position = models.IntegerField(null=True, help_text="The chapter's position in the work.")
    part = models.IntegerField(default=0, help_text="Which piece of a value split for size.")
    text = models.TextField(help_text="The chapter's plain text (on its first part), for snippets.")
    words = models.TextField(help_text="' w1 w2 | w3 ': the words in order, '|' between values.")
    vector = TsVectorField(help_text="The distinct words (stripped tsvector), GIN-indexed.")

    class Meta:
        db_table = "search_passage"
        indexes = [
            GinIndexOnPostgres(fields=["vector"], name="search_passage_vector_gin"),
            *(
                GinIndexOnPostgres(
                    fields=["vector"],
                    name=f"search_passage_{field.value}_gin",
                    condition=models.Q(field=field.value),
                )
                for field in PassageField
                if field is not PassageField.BODY
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of work {self.document_id} (part {self.part})"


class PendingIndexing(models.Model):
    """A work whose index entry is out of date: the queue that makes indexing crash-proof.

    A row is written in the same transaction as the change it stands for, so a
    committed change always leaves one, whatever happens to the process or its
    task afterwards; the indexer deletes exactly the rows it read, and only after
    the index has committed the works they name. A change made while a batch is
    being indexed adds a new row, which the next pass picks up.
    """

    work_id = models.BigIntegerField(db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_pending"

    def __str__(self) -> str:
        return f"work {self.work_id} queued at {self.queued_at:%Y-%m-%d %H:%M:%S}"
