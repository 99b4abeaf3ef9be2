"""Template helpers for showing works: tags by type, symbols, languages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language_info

from quire.core.tags import TagType
from quire.tags.models import Tag
from quire.works import symbols
from quire.works.models import Work

register = template.Library()


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
