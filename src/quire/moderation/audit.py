"""Writing the audit log: one entry per admin action, in the action's own transaction.

`record` is called inside an action's transaction, so the entry and the change are
committed together or not at all. `recorded` gives a view one line to do the same
around an action of another app that does not record itself (the archive settings),
and `form_changes` says what its form changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.db import transaction
from django.db.models import Model

from quire.core.moderation import Action
from quire.moderation.models import AuditEntry, Report
from quire.people.models import User


def record(
    actor: User,
    action: Action,
    target: Model | None,
    *,
    kind: str,
    label: str = "",
    note: str = "",
    report: Report | None = None,
) -> AuditEntry:
    """Add one entry; must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("an audit entry is written in the transaction of its action")
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username(),
        action=action,
        target_kind=kind,
        target_id=None if target is None else target.pk,
        target_label=(label or str(target or ""))[:300],
        note=note.strip(),
        report=report,
    )


@contextmanager
def recorded(
    actor: User, action: Action, target: Model | None, *, kind: str, label: str = "", note: str = ""
) -> Iterator[None]:
    """Run the block and write its entry in one transaction (an error writes neither)."""
    with transaction.atomic():
        yield
        record(actor, action, target, kind=kind, label=label, note=note)


def form_changes(form: forms.BaseForm) -> str:
    """ "Label: before → after" for each field a form changed, as an entry's note."""
    changes = [
        f"{form.fields[name].label or name}: {_shown(form.fields[name], form.initial.get(name))}"
        f" → {_shown(form.fields[name], form.cleaned_data.get(name))}"
        for name in form.changed_data
    ]
    return "; ".join(changes) or "Saved with no change."


def _shown(field: forms.Field, value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    choices = dict(getattr(field, "choices", ()))
    shown = choices.get(value, value)
    return str(shown) if shown not in (None, "") else "(empty)"
