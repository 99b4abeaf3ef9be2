"""The import history (admins), and members' uploads of their own works with a review
page for each."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from quire.core.suggest import text_of_html
from quire.imports import actions, queries
from quire.imports.actions import UPLOAD_MAX_BYTES
from quire.imports.forms import UploadForm
from quire.imports.models import ImportBatch
from quire.people.models import User
from quire.works import queries as queries_works
from quire.works.models import Work
from quire.works.posting_views import DISCARD, POST, edit_work_page, own_work

BATCHES_PER_PAGE = 20
REVIEW_OPENING = 600
"""Characters of an uploaded work's text shown on its review page, to recognize it by."""
FILES_PER_PAGE = 200


@staff_member_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.batches_with_counts(), BATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/history.html", {"page": page})


@staff_member_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(queries.batches_with_counts(), pk=batch_id)
    page = Paginator(queries.files_of(batch), FILES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/batch.html", {"batch": batch, "page": page})


# Members' uploads: their own files become drafts to review (quire.imports.actions.do_upload).


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    member = cast(User, request.user)
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > UPLOAD_MAX_BYTES + 1024 * 1024:
            form = UploadForm(member=member)
            form.add_error(
                None,
                f"That is more than one upload can take ({UPLOAD_MAX_BYTES // (1024 * 1024)} "
                "MB). Upload the files in parts.",
            )
            return render(request, "imports/upload.html", {"form": form}, status=413)
        form = UploadForm(request.POST, request.FILES, member=member)
        if form.is_valid():
            files = [
                (upload.name or "upload", upload.read())
                for upload in form.cleaned_data["documents"]
            ]
            batch = actions.do_upload(member, form.cleaned_data["pseud"], files)
            return redirect("imports:upload_batch", batch.pk)
    else:
        form = UploadForm(member=member)
    return render(request, "imports/upload.html", {"form": form})


def _own_upload(request: HttpRequest, batch_id: int) -> ImportBatch:
    batch = queries.own_upload(cast(User, request.user), batch_id)
    if batch is None:
        raise Http404("You made no such upload.")
    return batch


@login_required
def upload_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """What became of each uploaded file: its reason when it failed, its work otherwise."""
    batch = _own_upload(request, batch_id)
    files = queries.uploaded_files(batch)
    first = next((file for file in files if file.work and not file.work.posted), None)
    context = {"batch": batch, "files": files, "first": first}
    return render(request, "imports/upload_batch.html", context)


@login_required
def review(request: HttpRequest, batch_id: int, file_id: int) -> HttpResponse:
    """One uploaded work: its metadata and tags to check, then Post, Save as draft or
    Discard; each leads to the next work still waiting."""
    batch = _own_upload(request, batch_id)
    files = queries.uploaded_files(batch)
    with_works = [file for file in files if file.work_id is not None]
    imported = next((file for file in with_works if file.pk == file_id), None)
    if imported is None or imported.work_id is None:
        raise Http404("That work is no longer part of this upload.")
    work = own_work(request, imported.work_id)
    after = [
        file for file in with_works if file.pk > file_id and file.work and not file.work.posted
    ]

    def done(saved: Work, action: str) -> HttpResponse:
        said = {DISCARD: "Discarded", POST: "Posted"}.get(action, "Saved as a draft")
        messages.success(request, f"{said}: “{saved.title}”.")
        if after:
            return redirect("imports:review", batch.pk, after[0].pk)
        return redirect("imports:upload_batch", batch.pk)

    chapters = queries_works.chapters_for_editing(work)
    opening = text_of_html(chapters[0].content) if chapters else ""
    review_facts = {
        "file": imported,
        "words": sum(chapter.word_count for chapter in chapters),
        "opening": opening[:REVIEW_OPENING] + ("…" if len(opening) > REVIEW_OPENING else ""),
        "batch_id": batch.pk,
        "batch_url": reverse("imports:upload_batch", args=[batch.pk]),
        "number": with_works.index(imported) + 1,
        "total": len(with_works),
    }
    context = {"heading": f"Review “{work.title}”", "review": review_facts}
    return edit_work_page(request, work, context=context, done=done, discard=True)
