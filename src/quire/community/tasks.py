"""Background work for subscriptions: inbox entries for each event, and the email digest."""

from __future__ import annotations

from django_tasks import task

from quire.community.digest import send_digests
from quire.community.updates import deliver


@task()
def deliver_update(
    kind: str, work_id: int, chapter_id: int | None = None, series_id: int | None = None
) -> int:
    """Inbox entries for one posted chapter, work or series part (quire.community.updates)."""
    return deliver(kind, work_id, chapter_id, series_id)


@task()
def send_digest_emails(site_url: str) -> int:
    """Email every subscriber their unread updates since their last digest; a scheduler
    (cron, systemd timer) can enqueue this daily for `quire worker` to run."""
    return send_digests(site_url=site_url).emails
