"""Template tags that put moderation on other apps' pages, one line each: the Report
link under a work or on a profile, and the notice on a hidden work."""

from __future__ import annotations

from django import template
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse

from quire.moderation.models import AuditEntry
from quire.moderation.queries import hiding_of
from quire.moderation.targets import Target, kind_named
from quire.permissions import viewer_for
from quire.works.models import Work

register = template.Library()


@register.inclusion_tag("moderation/includes/report_link.html", takes_context=True)
def report_link(context: template.Context, kind_name: str, thing: Model) -> dict[str, object]:
    """ "Report" for readers; admins get the thing's moderation page instead; nothing
    for the people who answer for it (one does not report oneself)."""
    request: HttpRequest = context["request"]
    kind = kind_named(kind_name)
    if kind is None:
        raise template.TemplateSyntaxError(f"{kind_name!r} is not a kind of report")
    target = Target(kind, thing)
    if viewer_for(request.user).is_admin:
        url = reverse("moderation:target", args=[kind.name, target.id])
        return {"url": url, "text": "Moderate", "label": f"Moderate this {kind.label.lower()}"}
    if request.user.pk in {owner.pk for owner in target.owners}:
        return {}
    url = reverse("moderation:report", args=[kind.name, target.id])
    return {"url": url, "text": "Report", "label": f"Report this {kind.label.lower()}"}


@register.inclusion_tag("moderation/includes/hidden_notice.html")
def hidden_notice(work: Work) -> dict[str, object]:
    """What the creators (and admins) of a hidden work read at its top, with the reason."""
    return {"work": work, "hiding": hiding_of(work)}


@register.filter
def target_page(entry: AuditEntry) -> str:
    """The moderation page of what an audit entry is about ("" when there is none): the
    work or account acted on, or the thing a closed report was about."""
    if entry.target_id is not None and kind_named(entry.target_kind) is not None:
        return reverse("moderation:target", args=[entry.target_kind, entry.target_id])
    if entry.report is not None:
        return reverse("moderation:target", args=[entry.report.kind, entry.report.object_id])
    return ""
