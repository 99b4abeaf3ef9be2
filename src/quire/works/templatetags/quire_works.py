"""Template helpers for showing works: bylines, tags by type, symbols, languages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

from quire.core.tags import TagType
from quire.core.visibility import GUEST, Viewer, is_in_the_secret
from quire.permissions import viewer_for
from quire.tags.models import Tag
from quire.works import symbols
from quire.works.bylines import byline_of, series_creators_secret
from quire.works.models import Series, Work

register = template.Library()


def _viewer(context: template.Context) -> Viewer:
    """Who the page is for; a page rendered without a request is a guest's."""
    request = context.get("request")
    return GUEST if request is None else viewer_for(request.user)


@register.inclusion_tag("works/includes/byline_names.html", takes_context=True)
def byline(context: template.Context, work: Work) -> dict[str, object]:
    """The work's creators as links, or "Anonymous" while they are a secret from the
    reader (quire.works.bylines)."""
    return {"byline": byline_of(_viewer(context), work)}


@register.inclusion_tag("works/includes/secret_notice.html", takes_context=True)
def secret_notice(context: template.Context, work: Work) -> dict[str, object]:
    """Tells those in the secret of an anonymous or unrevealed work (its creators, the
    collection's maintainers, the admins) what everyone else sees, and until when."""
    if not (work.anonymous or work.unrevealed):
        return {"shown": False}
    if not is_in_the_secret(_viewer(context), work.access()):
        return {"shown": False}
    holding = [item for item in work.holding_collection_items if item.approved]
    return {
        "shown": True,
        "work": work,
        "anonymous_in": [item.collection for item in holding if item.anonymous],
        "unrevealed_in": [item.collection for item in holding if item.unrevealed],
    }


@register.inclusion_tag("works/includes/series_byline.html", takes_context=True)
def series_byline(context: template.Context, series: Series) -> dict[str, object]:
    """The series' creators, or "Anonymous" when one of its works is anonymous to the
    reader: the series would otherwise name that work's creator."""
    secret = series_creators_secret(_viewer(context), series)
    return {"pseuds": [] if secret else list(series.creators.all())}


@register.filter
def tags_of(work: Work, tag_type: str) -> list[Tag]:
    """`{{ work|tags_of:"fandom" }}`: the work's tags of one type, in order."""
    return work.tags_of_type(TagType(tag_type))


@register.filter
def language_name(code: str) -> str:
    """The language's own name ("Français" for fr), or the code if Django doesn't know it."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def _names(work: Work, tag_type: TagType) -> list[str]:
    return [tag.name for tag in work.tags_of_type(tag_type)]


@register.inclusion_tag("works/includes/required_tags.html")
def required_tags(work: Work, *, hide_warnings: bool = False) -> dict[str, object]:
    """The four squares; a reader hiding warnings as spoilers gets a blank warning square."""
    warning = (
        symbols.HIDDEN_WARNINGS
        if hide_warnings
        else symbols.warning_symbol(_names(work, TagType.WARNING))
    )
    return {
        "symbols": [
            symbols.rating_symbol(_names(work, TagType.RATING)),
            warning,
            symbols.category_symbol(_names(work, TagType.CATEGORY)),
            symbols.completion_symbol(complete=work.complete),
        ]
    }
