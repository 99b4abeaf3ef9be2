"""Template tags that put collections on other apps' pages: a work's "Collections:" line
and its link to add or invite it, and a member's dashboard panel."""

from __future__ import annotations

from typing import Any

from django import template

from quire.collections import queries
from quire.core.visibility import can_edit_work
from quire.permissions import viewer_for
from quire.works.models import Work

register = template.Library()


@register.inclusion_tag("collections/includes/work_meta.html")
def work_collections(work: Work) -> dict[str, Any]:
    """ "Collections: X, Y" in a work's meta block: the collections it is in (both sides
    approved). Whoever may see the work may see where it is."""
    return {"collections": queries.collections_of_work(work)}


@register.inclusion_tag("collections/includes/work_link.html", takes_context=True)
def collections_link(context: template.Context, work: Work) -> dict[str, Any]:
    """The work's "Collections" button: its creators add it to one, the maintainers of
    any collection invite it."""
    user = context["request"].user
    shown = user.is_authenticated and (
        can_edit_work(viewer_for(user), work.access()) or queries.maintained_by(user).exists()
    )
    return {"shown": shown, "work": work}


@register.inclusion_tag("collections/includes/dashboard_panel.html", takes_context=True)
def collections_panel(context: template.Context) -> dict[str, Any]:
    member = context["request"].user
    return {
        "maintained": list(queries.maintained_by(member)[:5]),
        "joined": queries.joined_by(member).count(),
        "invitations": queries.invitation_count(member),
    }
