"""Tag suggestions with the archive as lexicon: its wrangled canonical tags, their
synonyms and fandom links, plus the starter sets written for Quire.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from quire.core.suggest import (
    LabelledWork,
    Lexicon,
    LexiconTag,
    starter_lexicon,
    suggest,
    text_of_html,
)
from quire.core.tags import NOT_RATED, TagType
from quire.tags.models import Tag, TagParent
from quire.works.models import Chapter, Tagging, Work

LEXICON_TYPES = (TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM)


LEXICON_SECONDS = 60.0
"""How long a process reuses the archive's lexicon: wrangling shows up within a minute."""

_cached: tuple[float, Lexicon] | None = None


def archive_lexicon(*, leaving_out: Iterable[int] = ()) -> Lexicon:
    """Starter sets plus the archive's canonical tags, without tags in `leaving_out`.

    The full lexicon is kept for LEXICON_SECONDS: its name index takes a second
    or more to build on a big archive, too long to rebuild on every request.
    """
    global _cached
    skipped = set(leaving_out)
    if not skipped and _cached is not None and time.monotonic() - _cached[0] < LEXICON_SECONDS:
        return _cached[1]
    lexicon = _build_lexicon(skipped)
    if not skipped:
        _cached = (time.monotonic(), lexicon)
    return lexicon


def forget_archive_lexicon() -> None:
    """Drop the kept lexicon (tests, and a process that has just changed the tags)."""
    global _cached
    _cached = None


def _build_lexicon(skipped: set[int]) -> Lexicon:
    canonical = {
        tag.pk: tag
        for tag in Tag.objects.filter(canonical=True, type__in=LEXICON_TYPES)
        if tag.pk not in skipped
    }
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for merger_id, name in Tag.objects.filter(merger_id__in=canonical).values_list(
        "merger_id", "name"
    ):
        aliases[merger_id].append(name)
    fandoms: defaultdict[int, list[str]] = defaultdict(list)
    for child_id, name in TagParent.objects.filter(
        child_id__in=canonical, parent__type=TagType.FANDOM
    ).values_list("child_id", "parent__name"):
        fandoms[child_id].append(name)
    tags = [
        LexiconTag(
            name=tag.name,
            type=TagType(tag.type),
            aliases=tuple(aliases[tag.pk]),
            fandoms=tuple(fandoms[tag.pk]),
        )
        for tag in canonical.values()
    ]
    return starter_lexicon() | Lexicon.from_tags(tags)


SUGGESTION_GROUPS = (
    ("fandoms", "Fandoms", TagType.FANDOM),
    ("characters", "Characters", TagType.CHARACTER),
    ("relationships", "Relationships", TagType.RELATIONSHIP),
    ("rating", "Rating", TagType.RATING),
    ("warnings", "Archive Warnings", TagType.WARNING),
    ("freeforms", "Additional Tags", TagType.FREEFORM),
)
"""The groups of quire.core.suggest's answer as pages show them: key, heading, tag type."""


def grouped_suggestions(text: str, present: Iterable[str] = ()) -> list[dict[str, object]]:
    """Suggestions for a story's plain text, one group per tag type, each item marked
    `present` when the work (or the form) already carries it, ignoring case."""
    found = suggest(text, archive_lexicon()).to_json()
    carried = {name.lower() for name in present}
    return [
        {
            "key": key,
            "label": label,
            "type": tag_type.value,
            "items": [
                {
                    **item,
                    "percent": round(item["score"] * 100),
                    "present": item["name"].lower() in carried,
                }
                for item in found[key]
            ],
        }
        for key, label, tag_type in SUGGESTION_GROUPS
    ]


def _carries_tags(labels: dict[str, list[str]]) -> bool:
    """Whether the creator described the work beyond the required tags."""
    return any(labels.get(tag_type) for tag_type in LEXICON_TYPES)


def work_text(work: Work) -> str:
    chapters = Chapter.objects.filter(work=work, posted=True).order_by("position")
    return "\n\n".join(text_of_html(chapter.content) for chapter in chapters)


def labelled_works() -> tuple[list[LabelledWork], Callable[[int], Lexicon]]:
    """The archive's posted works with their authors' tags, and a leave-one-out lexicon.

    A work's labels are the tags its creator chose, each under its canonical
    name when wrangled. Leaving a work out means leaving out the canonical tags
    only it uses, so that no suggestion can come from the work's own tags.
    """
    works = list(Work.objects.filter(posted=True, hidden=False).order_by("pk"))
    labels: defaultdict[int, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    used_by: defaultdict[int, set[int]] = defaultdict(set)
    for tagging in Tagging.objects.filter(work__in=works).select_related("tag__merger"):
        tag = tagging.tag.merger or tagging.tag
        labels[tagging.work_id][tag.type].append(tag.name)
        used_by[tag.pk].add(tagging.work_id)
    only_in: defaultdict[int, set[int]] = defaultdict(set)
    for tag_id, work_ids in used_by.items():
        if len(work_ids) == 1:
            only_in[next(iter(work_ids))].add(tag_id)
    works = [work for work in works if _carries_tags(labels[work.pk])]
    labelled = []
    for work in works:
        names = labels[work.pk]
        ratings = names.get(TagType.RATING, [])
        labelled.append(
            LabelledWork(
                text=work_text(work),
                fandoms=tuple(names.get(TagType.FANDOM, [])),
                characters=tuple(names.get(TagType.CHARACTER, [])),
                relationships=tuple(names.get(TagType.RELATIONSHIP, [])),
                rating=ratings[0] if ratings else NOT_RATED,
                warnings=tuple(names.get(TagType.WARNING, [])),
                freeforms=tuple(names.get(TagType.FREEFORM, [])),
                name=work.title,
            )
        )

    def lexicon_for(index: int) -> Lexicon:
        return archive_lexicon(leaving_out=only_in[works[index].pk])

    return labelled, lexicon_for
