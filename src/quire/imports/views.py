"""The import history: every batch and what happened to each file."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from quire.imports import queries

BATCHES_PER_PAGE = 20
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
