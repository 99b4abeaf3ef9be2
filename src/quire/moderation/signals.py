"""Warnings a member has not seen yet are shown when they next log in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from quire.moderation.actions import do_mark_warnings_seen
from quire.moderation.queries import unseen_warnings


@receiver(user_logged_in, dispatch_uid="quire-moderation-warnings")
def _show_warnings(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if request is None:
        return
    for warning in unseen_warnings(user):
        text = f"A warning from the archive's admins: {warning.note}"
        messages.warning(request, text, fail_silently=True)
    do_mark_warnings_seen(user)
