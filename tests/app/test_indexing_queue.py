"""Indexing loses nothing to a crash: pending works are recorded with the change itself.

Each test plays one crash: the process dies between commit and queueing the task,
the worker dies while indexing, a batch holds a work that cannot be indexed, a
work changes while its batch is being indexed. The index is the tantivy default,
in a folder of the test's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from quire.core.search.model import SearchQuery, Visibility
from quire.search import indexing
from quire.search.backends import search_backend
from quire.search.models import PendingIndexing
from quire.works.actions import do_save_work

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path) -> Iterator[None]:
    with override_settings(SEARCH_INDEX_DIR=tmp_path / "index"):
        yield


def _found(text: str) -> set[int]:
    query = SearchQuery(text=text, visibility=Visibility(), facets=False)
    return {hit.work_id for hit in search_backend().search(query).hits}


@pytest.mark.django_db(transaction=True)
def test_a_write_leaves_a_pending_row_and_the_task_clears_it(make_work) -> None:
    work = make_work("Lanterns", chapters=["The lighthouse keeper waited."])
    assert _found("lighthouse") == {work.pk}
    assert not PendingIndexing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rollback_leaves_nothing_pending(make_work) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        make_work("Never", chapters=["Vanished words."])
        assert PendingIndexing.objects.count() == 1
        raise RuntimeError("undo")
    assert not PendingIndexing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_crash_before_the_task_is_queued_is_swept_up_by_the_next_worker(make_work) -> None:
    # The process "dies" after the commit, before the task is queued.
    with mock.patch("quire.search.tasks.index_pending_works"):
        work = make_work("Harbour", chapters=["A gull over the breakwater."])
    assert _found("breakwater") == set()
    assert list(PendingIndexing.objects.values_list("work_id", flat=True)) == [work.pk]
    with override_settings(TASKS=DATABASE_QUEUE):
        assert indexing.sweep_leftovers() is True
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert _found("breakwater") == {work.pk}
    assert not PendingIndexing.objects.exists()
    assert indexing.sweep_leftovers() is False


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_mid_index_keeps_the_rows_for_the_next_pass(make_work) -> None:
    with mock.patch("quire.search.tasks.index_pending_works"):
        work = make_work("Tides", chapters=["Moonlight on the estuary."])
    with (
        mock.patch.object(indexing, "indexed_works", side_effect=SystemExit("killed")),
        pytest.raises(SystemExit),
    ):
        indexing.index_pending()
    assert PendingIndexing.objects.filter(work_id=work.pk).exists()
    assert indexing.index_pending() == 1
    assert _found("estuary") == {work.pk}
    assert not PendingIndexing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_work_that_cannot_be_indexed_does_not_hold_back_the_others(make_work) -> None:
    with mock.patch("quire.search.tasks.index_pending_works"):
        good = make_work("Good", chapters=["Orchards in bloom."])
        bad = make_work("Bad", chapters=["Orchards in winter."])
    real = indexing.indexed_works

    def failing(work_ids):  # type: ignore[no-untyped-def]
        if bad.pk in work_ids:
            raise ValueError("a broken row")
        return real(work_ids)

    with mock.patch.object(indexing, "indexed_works", side_effect=failing):
        assert indexing.index_pending() == 1
    assert _found("orchards") == {good.pk}
    assert list(PendingIndexing.objects.values_list("work_id", flat=True)) == [bad.pk]
    assert indexing.index_pending() == 1
    assert _found("orchards") == {good.pk, bad.pk}


@pytest.mark.django_db(transaction=True)
def test_a_change_made_while_its_batch_is_indexed_is_not_lost(make_work) -> None:
    with mock.patch("quire.search.tasks.index_pending_works"):
        work = make_work("Before", chapters=["Some text."])
    real = indexing.indexed_works
    changed = False

    def change_midway(work_ids):  # type: ignore[no-untyped-def]
        nonlocal changed
        documents = list(real(work_ids))  # the batch reads the old title...
        if not changed:
            changed = True
            with mock.patch("quire.search.tasks.index_pending_works"):
                work.title = "After"  # ...then the work changes
                do_save_work(work)
        return iter(documents)

    with mock.patch.object(indexing, "indexed_works", side_effect=change_midway):
        indexing.index_pending(pass_size=1)
    assert _found("title:after") == {work.pk}
    assert not PendingIndexing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_full_reindex_clears_what_was_pending(make_work) -> None:
    from quire.search.cli import run_reindex

    with mock.patch("quire.search.tasks.index_pending_works"):
        work = make_work("Rebuilt", chapters=["Cartography of small towns."])
    assert PendingIndexing.objects.exists()
    run_reindex(quiet=True)
    assert _found("cartography") == {work.pk}
    assert not PendingIndexing.objects.exists()
