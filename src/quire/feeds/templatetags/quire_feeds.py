"""Links to the Atom feeds from the pages they follow (a tag's works, a creator's works)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from quire.core.tags import tag_to_url_part
from quire.people.models import Pseud, User
from quire.tags.models import Tag

register = template.Library()


@register.simple_tag
def tag_feed_url(tag: Tag) -> str:
    return reverse("feeds:tag_feed", kwargs={"name": tag_to_url_part(tag.name)})


@register.simple_tag
def creator_feed_url(creator: User, pseud: Pseud | None = None) -> str:
    if pseud is None:
        return reverse("feeds:creator_feed", kwargs={"username": creator.username})
    return reverse(
        "feeds:pseud_feed", kwargs={"username": creator.username, "pseud_name": pseud.name}
    )
