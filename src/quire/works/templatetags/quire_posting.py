"""Template tags for writing: a work's controls for its creators, its gifts and
inspirations, and the posting panel of a member's dashboard."""

from __future__ import annotations

from typing import Any

from django import template

from quire.core.visibility import can_edit_work
from quire.permissions import viewer_for
from quire.works import queries
from quire.works.models import Work

register = template.Library()

DASHBOARD_DRAFTS = 5


@register.inclusion_tag("works/posting/includes/creator_actions.html", takes_context=True)
def creator_actions(context: template.Context, work: Work) -> dict[str, Any]:
    """Edit, Add chapter, Post, Delete, Orphan: shown to the work's creators only. On a
    page showing one chapter of several, that chapter's own edit link too."""
    request = context["request"]
    viewer = viewer_for(request.user)
    shown = context.get("shown") or []
    chapter = shown[0] if len(shown) == 1 else None
    return {
        "allowed": can_edit_work(viewer, work.access()),
        "work": work,
        "chapter": chapter,
        "single": len(context.get("chapters") or []) == 1,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("works/posting/includes/associations.html", takes_context=True)
def work_associations(context: template.Context, work: Work) -> dict[str, Any]:
    """ "For X", "Inspired by" and the works this one inspired."""
    viewer = viewer_for(context["request"].user)
    return {"work": work, **queries.work_associations(viewer, work)}


@register.inclusion_tag("works/posting/includes/dashboard_panel.html", takes_context=True)
def posting_panel(context: template.Context) -> dict[str, Any]:
    """A member's drafts, and what waits for their answer (co-creating, gifts)."""
    member = context["request"].user
    drafts = queries.drafts_of(member)
    return {
        "drafts": list(drafts[:DASHBOARD_DRAFTS]),
        "draft_count": drafts.count(),
        "invitation_count": queries.creator_invitations_for(member).count(),
        "gift_count": queries.gifts_for(viewer_for(member), member).filter(refused=False).count(),
    }
