from __future__ import annotations

import pytest
from django.db import IntegrityError

from quire.core.tags import FIXED_TAGS
from quire.people.models import Pseud
from quire.tags.models import Tag

pytestmark = pytest.mark.django_db


def test_ao3_fixed_tags_exist_after_migration() -> None:
    for tag_type, names in FIXED_TAGS.items():
        stored = Tag.objects.filter(type=tag_type.value, canonical=True)
        assert sorted(stored.values_list("name", flat=True)) == sorted(names)


def test_tag_names_are_unique_ignoring_case() -> None:
    Tag.objects.create(name="Fluff", type="freeform")
    with pytest.raises(IntegrityError):
        Tag.objects.create(name="fluff", type="freeform")


def test_every_new_account_gets_a_default_pseud_named_after_it(make_user) -> None:
    user = make_user("quill")
    assert user.default_pseud.name == "quill"
    assert Pseud.objects.filter(user=user, is_default=True).count() == 1


def test_a_user_cannot_have_two_default_pseuds(make_user) -> None:
    user = make_user("quill")
    with pytest.raises(IntegrityError):
        Pseud.objects.create(user=user, name="Other", is_default=True)
