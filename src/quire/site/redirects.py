"""Where a button sends the reader back to: one rule for every form that has a `next`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_or(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (form field, else query parameter) when it is a page of this
    archive, else `fallback`: a `next` pointing elsewhere would make the form an open
    redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
