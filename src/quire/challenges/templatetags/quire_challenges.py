"""Template helpers of challenges: a prompt's tags by type, and the dashboard's panel."""

from __future__ import annotations

from typing import Any

from django import template

from quire.challenges import queries
from quire.challenges.models import Prompt
from quire.core.challenges import CHALLENGE_TAG_TYPES, AssignmentState

register = template.Library()


@register.simple_tag
def prompt_tag_rows(prompt: Prompt) -> list[dict[str, Any]]:
    """Per tag type the prompt uses: its tags, whether it takes "any", its optional tags."""
    rows = []
    for tag_type in CHALLENGE_TAG_TYPES:
        row = {
            "label": tag_type.plural_label,
            "tags": prompt.tags_of(tag_type),
            "any": prompt.wants_any(tag_type),
            "optional": prompt.tags_of(tag_type, optional=True),
        }
        if row["tags"] or row["any"] or row["optional"]:
            rows.append(row)
    return rows


@register.inclusion_tag("challenges/includes/dashboard_panel.html", takes_context=True)
def challenges_panel(context: template.Context) -> dict[str, Any]:
    """The dashboard's "Challenges" panel: open assignments first, then the lists."""
    user = context["request"].user
    rows = queries.assignments_of_user(user)
    return {
        "open_rows": [row for row in rows if row.state == AssignmentState.OPEN],
        "signup_count": queries.signups_of_user(user).count(),
        "claim_count": queries.claims_of_user(user).count(),
    }
