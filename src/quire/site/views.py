"""Site-wide views Django calls itself."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post, on the archive's own page: Django's page has an inline
    stylesheet, which the content security policy would refuse."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
