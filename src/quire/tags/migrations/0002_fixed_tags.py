"""AO3's fixed ratings, archive warnings and categories, canonical from the start."""

from django.db import migrations

from quire.core.tags import FIXED_TAGS


def create_fixed_tags(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for tag_type, names in FIXED_TAGS.items():
        for name in names:
            Tag.objects.update_or_create(
                name=name, defaults={"type": tag_type.value, "canonical": True}
            )


def remove_fixed_tags(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    for names in FIXED_TAGS.values():
        Tag.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]

    operations = [migrations.RunPython(create_fixed_tags, remove_fixed_tags)]
