"""Wrangling re-derives filter tags through the real database task queue and its worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from quire.core.tags import TagType
from quire.tags.actions import do_make_canonical, do_merge_tag, find_or_create_tags
from quire.works.models import FilterTagging

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_merge_is_queued_and_the_worker_files_the_works(make_work) -> None:
    with override_settings(TASKS=DATABASE_QUEUE):
        work = make_work(tags={TagType.RELATIONSHIP: ["Spuffy"]})
        spuffy, pairing = find_or_create_tags(
            TagType.RELATIONSHIP, ["Spuffy", "Buffy Summers/Spike"]
        )
        do_make_canonical(pairing)
        do_merge_tag(spuffy, pairing)
        rederive = DBTaskResult.objects.filter(task_path__endswith="rederive_filter_tags")
        assert rederive.count() == 2
        assert not FilterTagging.objects.filter(work=work, tag=pairing).exists()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert FilterTagging.objects.filter(work=work, tag=pairing).exists()
    assert not FilterTagging.objects.filter(work=work, tag=spuffy).exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_one_transaction_queues_one_task_and_a_rollback_queues_none() -> None:
    from django.db import transaction

    tags = find_or_create_tags(TagType.FREEFORM, ["Fluff", "Angst", "Rain"])
    with override_settings(TASKS=DATABASE_QUEUE):
        with transaction.atomic():
            for tag in tags:
                do_make_canonical(tag)
        assert DBTaskResult.objects.count() == 1
        assert DBTaskResult.objects.get().args_kwargs["args"] == [sorted(tag.pk for tag in tags)]
        with pytest.raises(RuntimeError), transaction.atomic():
            do_make_canonical(tags[0])
            raise RuntimeError("undo")
        with transaction.atomic():
            do_make_canonical(tags[1])
        queued = DBTaskResult.objects.order_by("enqueued_at")
        assert [result.args_kwargs["args"] for result in queued] == [
            [sorted(tag.pk for tag in tags)],
            [[tags[1].pk]],
        ]
