"""Ends the session of an account that was suspended or banned while signed in.

The login refuses such accounts (quire.people.backends); a session opened before
the suspension is ended on its next request, with the reason, instead of lasting
until it expires. The standing is on the user row the session loads anyway, so a
request costs no extra query.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from quire.core.moderation import standing_message
from quire.permissions import standing_of


class BarredAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            message = standing_message(standing_of(user), timezone.now())
            if message is not None:
                logout(request)
                messages.error(request, f"You have been logged out. {message}")
        return self.get_response(request)
