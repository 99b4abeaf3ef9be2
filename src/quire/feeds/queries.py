"""Reads for the catalog and the feeds: tokens, and the tags, creators and series that
have works the viewer may take away (quire.permissions.download_filter), with counts."""

from __future__ import annotations

import hmac
from typing import TypeVar

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from quire.core.tags import TagType
from quire.core.visibility import Viewer
from quire.feeds.models import SELECTOR_LENGTH, FeedToken
from quire.people.models import Pseud, User
from quire.permissions import download_filter, is_barred_now
from quire.tags.models import Tag
from quire.works.models import Series


def token_of(user: User) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


def reader_for_token(key: str) -> User | None:
    """The active member (not banned or suspended) a catalog URL's token belongs to; the
    secret part is compared in constant time, so response times say nothing about how
    much of it was right."""
    selector, secret = key[:SELECTOR_LENGTH], key[SELECTOR_LENGTH:]
    token = FeedToken.objects.select_related("user").filter(selector=selector).first()
    if token is None or not hmac.compare_digest(token.secret.encode(), secret.encode()):
        return None
    return token.user if token.user.is_active and not is_barred_now(token.user) else None


def tags_with_works(viewer: Viewer, tag_type: TagType) -> QuerySet[Tag]:
    """Canonical tags of one type that file works for the viewer, with `work_count`."""
    tags = Tag.objects.filter(type=tag_type, canonical=True)
    return _with_work_counts(tags, "filter_taggings", viewer).order_by(Lower("name"), "id")


def creators_with_works(viewer: Viewer) -> QuerySet[Pseud]:
    """Pseuds credited on works for the viewer, with `work_count`; anonymous works count
    for nobody, as entries never name their creators (works.queries.downloads_by)."""
    pseuds = Pseud.objects.select_related("user")
    named = Q(creatorships__work__anonymous=False)
    return _with_work_counts(pseuds, "creatorships", viewer, named).order_by(Lower("name"), "id")


def series_with_works(viewer: Viewer) -> QuerySet[Series]:
    """Series holding works for the viewer, with `work_count`."""
    return _with_work_counts(Series.objects.all(), "parts", viewer).order_by(Lower("title"), "id")


Counted = TypeVar("Counted", Tag, Pseud, Series)


def _with_work_counts(
    rows: QuerySet[Counted], links: str, viewer: Viewer, also: Q | None = None
) -> QuerySet[Counted]:
    """`rows` annotated with how many works the viewer may take away they link to (through
    the `links` relation, whose rows have a `work`, and that meet `also`), keeping only
    rows with some."""
    counted = download_filter(viewer, prefix=f"{links}__work__")
    if also is not None:
        counted &= also
    return rows.annotate(work_count=Count(links, filter=counted)).filter(work_count__gt=0)
