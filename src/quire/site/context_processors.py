"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest

from quire.people.models import SignupMode
from quire.people.queries import archive_settings


def site(request: HttpRequest) -> dict[str, object]:
    """The archive's name and whether guests are offered a sign-up link (one query)."""
    archive = archive_settings()
    return {"site_name": archive.name, "signup_offered": archive.signup_mode != SignupMode.CLOSED}
