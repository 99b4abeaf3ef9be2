"""The "Tag Wranglers" group: whoever an admin puts in it may wrangle tags."""

from django.db import migrations

WRANGLERS = "Tag Wranglers"


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=WRANGLERS)
    group.permissions.add(
        Permission.objects.get(codename="wrangle_tag", content_type__app_label="tags")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=WRANGLERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tags", "0003_alter_tag_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
