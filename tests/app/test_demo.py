"""The sample archive covers what a visitor should see, and loads once."""

from __future__ import annotations

import pytest

from quire.core.tags import RATINGS, TagType
from quire.demo.loader import load_demo, prose_to_html
from quire.tags.models import Tag
from quire.works.models import Series, Work

pytestmark = pytest.mark.django_db


def test_demo_covers_the_archive() -> None:
    assert load_demo().startswith("Loaded")
    works = Work.objects.prefetch_related("taggings__tag")
    assert works.count() >= 8
    used = {tagging.tag for work in works for tagging in work.taggings.all()}
    assert {tag.type for tag in used} == {tag_type.value for tag_type in TagType}
    assert {tag.name for tag in used if tag.type == "rating"} == set(RATINGS)
    assert len({tag.name for tag in used if tag.type == "fandom"}) >= 5
    assert works.filter(chapter_count__gte=3, complete=True).exists()
    assert works.filter(complete=False).exists()
    assert Series.objects.filter(parts__position=3).exists()
    assert Tag.objects.filter(merger__isnull=False).exists()
    assert all(work.word_count > 0 for work in works)


def test_loading_twice_changes_nothing() -> None:
    load_demo()
    count = Work.objects.count()
    assert load_demo() == "The demo works are already loaded."
    assert Work.objects.count() == count


def test_prose_becomes_paragraphs_breaks_and_emphasis() -> None:
    assert prose_to_html("One *two*\nthree.\n\n* * *\n\nA < B") == (
        "<p>One <em>two</em> three.</p>\n<hr />\n<p>A &lt; B</p>"
    )


def test_demo_runs_a_gift_exchange_and_a_prompt_meme() -> None:
    from quire.challenges import queries
    from quire.challenges.models import Challenge, Claim
    from quire.core.matching import assign

    load_demo()
    exchange = Challenge.objects.get(collection__kind="gift_exchange")
    assert queries.signups_open_now(exchange)
    assert exchange.signups.count() == 3
    assert len(queries.review_of(exchange).without_giver) == 3  # nobody matched yet
    rules = queries.challenge_rules(exchange).match_rules()
    assert len(assign(queries.core_signups(exchange), rules).assignments) == 3  # all can be
    meme = Challenge.objects.get(collection__kind="prompt_meme")
    prompts = queries.meme_prompts(meme, queries.PromptFilters())
    assert prompts.count() == 3
    assert prompts.filter(anonymous=True).count() == 1
    assert Claim.objects.filter(prompt__signup__challenge=meme).count() == 1
