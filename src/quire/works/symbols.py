"""The four "required tags" symbols AO3 draws on every blurb and work page.

Readers scan these squares (rating, warnings, category, completion) before
they read a title, so they follow AO3's meaning and colours closely.
"""

from __future__ import annotations

from dataclasses import dataclass

from quire.core import tags as vocabulary


@dataclass(frozen=True, slots=True)
class Symbol:
    css_class: str
    glyph: str
    label: str


_RATING_SYMBOLS = {
    vocabulary.GENERAL_AUDIENCES: ("rating-general", "G"),
    vocabulary.TEEN_AND_UP: ("rating-teen", "T"),
    vocabulary.MATURE: ("rating-mature", "M"),
    vocabulary.EXPLICIT: ("rating-explicit", "E"),
    vocabulary.NOT_RATED: ("rating-notrated", "NR"),
}

_CATEGORY_SYMBOLS = {
    "Gen": ("category-gen", "Gen"),
    "F/M": ("category-het", "F/M"),
    "M/M": ("category-slash", "M/M"),
    "F/F": ("category-femslash", "F/F"),
    "Multi": ("category-multi", "Multi"),
    "Other": ("category-other", "Other"),
}

_REAL_WARNINGS = frozenset(vocabulary.WARNINGS) - {
    vocabulary.NO_WARNINGS_APPLY,
    vocabulary.CHOOSE_NOT_TO_WARN,
}


def rating_symbol(ratings: list[str]) -> Symbol:
    name = ratings[0] if ratings else vocabulary.NOT_RATED
    css_class, glyph = _RATING_SYMBOLS.get(name, _RATING_SYMBOLS[vocabulary.NOT_RATED])
    return Symbol(css_class, glyph, name)


def warning_symbol(warnings: list[str]) -> Symbol:
    label = ", ".join(vocabulary.display_name(name) for name in warnings) or "No warnings given"
    if _REAL_WARNINGS.intersection(warnings):
        return Symbol("warning-yes", "!", label)
    if vocabulary.CHOOSE_NOT_TO_WARN in warnings or not warnings:
        return Symbol("warning-choosenotto", "?", label)
    return Symbol("warning-no", "", label)


# For readers who hide warnings as spoilers: says nothing about the work.
HIDDEN_WARNINGS = Symbol("warning-hidden", "", "Archive warnings hidden by your preferences")


def category_symbol(categories: list[str]) -> Symbol:
    if not categories:
        return Symbol("category-none", "", "No category")
    if len(categories) > 1:
        return Symbol("category-multi", "Multi", ", ".join(categories))
    css_class, glyph = _CATEGORY_SYMBOLS.get(categories[0], ("category-other", "Other"))
    return Symbol(css_class, glyph, categories[0])


def completion_symbol(*, complete: bool) -> Symbol:
    if complete:
        return Symbol("complete-yes", "✓", "Complete Work")
    return Symbol("complete-no", "…", "Work in Progress")
