"""Work on the clock for collections: the reveals whose date has come."""

from __future__ import annotations

from django.utils import timezone

from quire.collections.actions import RevealReport, do_reveal_due


def reveal_due_now() -> RevealReport:
    """Reveal what is due: run by `quire reveal`, and by `quire worker` once a minute."""
    return do_reveal_due(timezone.now())
