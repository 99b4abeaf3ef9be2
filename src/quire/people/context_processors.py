"""The reader's preferences, for the templates that change with them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from quire.people.queries import preferences_for


def preferences(request: HttpRequest) -> dict[str, object]:
    """Loaded only when a template asks (blurbs, the work page, <html>'s attributes)."""
    return {"preferences": SimpleLazyObject(lambda: preferences_for(request.user))}
