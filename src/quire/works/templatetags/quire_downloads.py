"""The work page's download menu: each format the archive writes, if the reader may have it."""

from __future__ import annotations

from typing import Any

from django import template

from quire.core.visibility import can_download_work
from quire.permissions import viewer_for
from quire.works import downloads
from quire.works.models import Work

register = template.Library()


@register.simple_tag(takes_context=True)
def download_formats(context: dict[str, Any], work: Work) -> list[dict[str, str]]:
    """Label, URL and media type of each format; none for a draft or a hidden work,
    which its creators and admins may read but nobody may take away."""
    request = context.get("request")
    if request is None or not can_download_work(viewer_for(request.user), work.access()):
        return []
    return [
        {"label": exporter.label, "url": url, "media_type": exporter.media_type}
        for exporter, url in downloads.offered(work)
    ]
